import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { recur, recurAsync } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'charlm-cli-'));
const textFile = join(dir, 'text.txt');
writeFileSync(textFile, 'the cat sat on the mat. the dog sat on the log. '.repeat(60));
const tiny = ['--text', textFile, '--hidden', '24', '--layers', '1', '--embed', '8', '--seq', '16', '--batch', '4', '--eval-every', '20', '--log-every', '5'];

test('recur train charlm --json trains, prints val_bpc, and leaves model, checkpoint and metrics', () => {
  const out = join(dir, 'run');
  const r = recur(['train', 'charlm', ...tiny, '--steps', '60', '--lr', '0.01', '--out', out, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const summary = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.equal(summary['task'], 'charlm');
  assert.equal(summary['steps'], 60);
  assert.ok(typeof summary['val_bpc'] === 'number' && summary['val_bpc'] < 3.5, `val_bpc ${String(summary['val_bpc'])}`);
  assert.ok((summary['unigram_bpc'] as number) > (summary['bigram_bpc'] as number), 'baselines computed by the same code');
  assert.match(r.stderr, /^step 5\/60 {2}loss /m);
  for (const f of ['model.safetensors', 'checkpoint.safetensors', 'metrics.jsonl']) assert.ok(readFileSync(join(out, f)).length > 0);

  const ev = recur(['eval', out, '--text', textFile, '--json']);
  assert.equal(ev.status, 0, ev.stderr);
  assert.ok(Math.abs((JSON.parse(ev.stdout) as { bpc: number }).bpc - (summary['val_bpc'] as number)) < 0.5);
  const s1 = recur(['sample', out, '--prompt', 'the ', '--length', '40', '--seed', '3']);
  const s2 = recur(['sample', out, '--prompt', 'the ', '--length', '40', '--seed', '3']);
  assert.equal(s1.status, 0, s1.stderr);
  assert.equal(s1.stdout, s2.stdout);
  assert.ok(s1.stdout.startsWith('the '));
  const info = recur(['info', join(out, 'model.safetensors'), '--json']);
  const facts = JSON.parse(info.stdout) as { params: number; config: { cell: string }; training: { step: number } };
  assert.equal(facts.config.cell, 'lstm');
  assert.ok(facts.params > 1000);
  assert.equal(facts.training.step, 60);
});

test('a run stopped with Ctrl-C resumes to the same weights as an uninterrupted run', async () => {
  const whole = join(dir, 'whole');
  assert.equal(recur(['train', 'charlm', ...tiny, '--steps', '80', '--out', whole, '--quiet']).status, 0);
  const cut = join(dir, 'cut');
  const child = recurAsync(['train', 'charlm', ...tiny, '--steps', '80', '--out', cut, '--checkpoint-every', '0']);
  let err = '';
  await new Promise<void>((res) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (/^step 10\//m.test(err) && !child.killed) child.kill('SIGINT');
    });
    child.on('exit', () => res());
  });
  assert.equal(child.exitCode, 130, err);
  assert.match(err, /interrupted at step \d+; checkpoint saved: continue with --resume/);
  const r = recur(['train', 'charlm', '--resume', cut, '--quiet']);
  assert.equal(r.status, 0, r.stderr);
  const a = readFileSync(join(whole, 'checkpoint.safetensors'));
  const b = readFileSync(join(cut, 'checkpoint.safetensors'));
  const weightsEnd = (buf: Buffer): number => 8 + Number(buf.readBigUInt64LE(0));
  // The tensors (weights, optimizer state) are identical; only the metadata (elapsed time) differs.
  assert.deepEqual(b.subarray(weightsEnd(b)), a.subarray(weightsEnd(a)));
});

test('bad flags, files and models give error and hint lines, exit code 2 and no stack trace', () => {
  const cases: [string[], RegExp][] = [
    [['train', 'charlm', '--bogus'], /error: Unknown option '--bogus'/],
    [['train', 'charlm', ...tiny, '--cell', 'transformer', '--steps', '1'], /error: --cell: expected one of lstm, gru, rnn, got 'transformer'/],
    [['train', 'charlm', '--text', join(dir, 'missing.txt'), '--steps', '1'], /error: .*missing\.txt/],
    [['train', 'charlm', ...tiny], /error: no run length given/],
    [['eval', join(dir, 'missing.safetensors'), '--text', textFile], /error: .*expected a model file, got no such file/],
    [['eval', textFile, '--text', textFile], /error: /],
    [['sample', join(dir, 'run'), '--temperature=-1'], /error: --temperature: expected a number/],
    [['train', 'charlm', '--resume', join(dir, 'nowhere')], /error: .*checkpoint/],
    [['frobnicate'], /error: unknown command 'frobnicate'/],
  ];
  for (const [args, re] of cases) {
    const r = recur(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.match(r.stderr, /^hint: /m);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('every command has --help', () => {
  for (const args of [['--help'], ['train', '--help'], ['train', 'charlm', '--help'], ['eval', '--help'], ['sample', '--help'], ['info', '--help']]) {
    const r = recur(args);
    assert.equal(r.status, 0, args.join(' '));
    assert.match(r.stdout, /usage: recur/);
  }
});
