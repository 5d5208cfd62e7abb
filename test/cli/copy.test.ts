import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { recur } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'copy-cli-'));
const tiny = ['--length', '6', '--hidden', '8', '--batch', '8', '--eval-every', '10', '--log-every', '5'];

test('recur train copy --json reports test_xent, test_accuracy, the memoryless baseline and sequences_seen', () => {
  const out = join(dir, 'run');
  const r = recur(['train', 'copy', ...tiny, '--cell', 'lstm', '--steps', '20', '--out', out, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.equal(s['task'], 'copy');
  assert.equal(s['sequences_seen'], 160);
  assert.equal(s['baseline_xent'], +((10 * Math.log(8)) / 26).toFixed(6));
  assert.ok(typeof s['test_xent'] === 'number' && s['test_xent'] > 0 && s['test_xent'] < Math.log(9) + 0.5, `test_xent ${String(s['test_xent'])}`);
  assert.ok(typeof s['test_accuracy'] === 'number' && s['test_accuracy'] >= 0 && s['test_accuracy'] <= 1);
  assert.equal(s['target'], 'test_accuracy >= 0.99');
  const d = recur(['diagnose', 'gradients', join(out, 'model.safetensors'), '--steps', '26', '--json']);
  assert.equal(d.status, 0, d.stderr);
  const rep = JSON.parse(d.stdout) as { models: { cell: string; input_size: number }[] };
  assert.equal(rep.models[0]!.cell, 'lstm');
  assert.equal(rep.models[0]!.input_size, 10);
});

test('a copy run resumes to the same result as an uninterrupted one', () => {
  const whole = recur(['train', 'copy', ...tiny, '--steps', '20', '--out', join(dir, 'whole'), '--json']);
  assert.equal(whole.status, 0, whole.stderr);
  assert.equal(recur(['train', 'copy', ...tiny, '--steps', '10', '--out', join(dir, 'cut'), '--quiet']).status, 0);
  const resumed = recur(['train', 'copy', '--resume', join(dir, 'cut'), '--steps', '20', '--json']);
  assert.equal(resumed.status, 0, resumed.stderr);
  const [a, b] = [JSON.parse(whole.stdout), JSON.parse(resumed.stdout)] as Record<string, unknown>[];
  assert.equal(b!['test_xent'], a!['test_xent']);
  assert.equal(b!['test_accuracy'], a!['test_accuracy']);
});

test('an unknown flag of recur train copy exits 2 with an error', () => {
  const r = recur(['train', 'copy', '--delay', '5', '--steps', '1']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^error: .*--delay/m);
});
