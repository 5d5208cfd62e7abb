import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { recur } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'adding-cli-'));
const tiny = ['--length', '12', '--hidden', '8', '--batch', '8', '--eval-every', '10', '--log-every', '5'];

test('recur train adding --json reports test_mse, the baseline and sequences_seen, and leaves a model diagnose and info read', () => {
  const out = join(dir, 'run');
  const r = recur(['train', 'adding', ...tiny, '--cell', 'gru', '--steps', '30', '--out', out, '--json', '--grad-lags', '0,5,11,40']);
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.equal(s['task'], 'adding');
  assert.equal(s['cell'], 'gru');
  assert.equal(s['length'], 12);
  assert.equal(s['sequences_seen'], 240);
  assert.ok(typeof s['test_mse'] === 'number' && s['test_mse'] > 0 && s['test_mse'] < 1, `test_mse ${String(s['test_mse'])}`);
  assert.equal(s['test_mse'], s['val_mse']);
  assert.ok(Math.abs((s['baseline_mse'] as number) - 1 / 6) < 0.03, `baseline ${String(s['baseline_mse'])}`);
  assert.ok('sequences_to_target' in s);
  const logged = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
  const step = logged.find((m) => m['step'] === 5 && 'loss' in m)!;
  for (const k of ['grad_h_lag_0', 'grad_h_lag_5', 'grad_h_lag_11']) assert.ok(typeof step[k] === 'number', `${k} in ${JSON.stringify(step)}`);
  assert.ok(!('grad_h_lag_40' in step), 'lags past the sequence are left out');

  const info = recur(['info', join(out, 'model.safetensors'), '--json']);
  assert.equal(info.status, 0, info.stderr);
  const facts = JSON.parse(info.stdout) as { config: Record<string, unknown>; tensors: { name: string }[] };
  assert.equal(facts.config['task'], 'adding');
  assert.deepEqual(facts.tensors.map((t) => t.name).sort(), ['head.bias', 'head.weight', 'rnn.bias_hh_l0', 'rnn.bias_ih_l0', 'rnn.weight_hh_l0', 'rnn.weight_ih_l0']);
  const d = recur(['diagnose', 'gradients', join(out, 'model.safetensors'), '--steps', '12', '--json']);
  assert.equal(d.status, 0, d.stderr);
  const rep = JSON.parse(d.stdout) as { models: { cell: string; hidden: number; spectral: number[] }[] };
  assert.equal(rep.models[0]!.cell, 'gru');
  assert.equal(rep.models[0]!.hidden, 8);
  assert.equal(rep.models[0]!.spectral.length, 12);
});

test('the same seed trains the same adding model; the rnn model is diagnosed as a tanh RNN', () => {
  const run = (name: string): Record<string, unknown> => {
    const r = recur(['train', 'adding', ...tiny, '--cell', 'rnn', '--steps', '10', '--seed', '4', '--out', join(dir, name), '--json']);
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };
  assert.equal(run('a')['test_mse'], run('b')['test_mse']);
  const d = recur(['diagnose', 'gradients', join(dir, 'a', 'model.safetensors'), '--steps', '5', '--json']);
  assert.equal(d.status, 0, d.stderr);
  assert.equal((JSON.parse(d.stdout) as { models: { cell: string }[] }).models[0]!.cell, 'rnn');
});

test('bad flags of recur train adding exit 2 with an error and a hint', () => {
  const cell = recur(['train', 'adding', '--cell', 'elman', '--steps', '1']);
  assert.equal(cell.status, 2);
  assert.match(cell.stderr, /^error: --cell: expected one of rnn, gru, lstm, got 'elman'$/m);
  assert.match(cell.stderr, /^hint: /m);
  const len = recur(['train', 'adding', '--length', '1', '--steps', '1']);
  assert.equal(len.status, 2);
  assert.match(len.stderr, /^error: --length: expected an integer in \[2, 100000\], got '1'$/m);
  const help = recur(['train', 'adding', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--length T/);
});
