import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createCanvas } from '@napi-rs/canvas';
import { recur } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ocr-cli-'));
const env = { OMP_WAIT_POLICY: 'PASSIVE' };
const tiny = ['--script', 'digits', '--channels', '4,4,6,6', '--hidden', '8', '--layers', '1', '--batch', '4', '--val-lines', '4', '--test-lines', '4', '--beam', '2', '--quiet'];
const out = join(dir, 'run');

function linePng(path: string): string {
  const c = createCanvas(240, 60);
  const ctx = c.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, 240, 60);
  ctx.fillStyle = '#000';
  ctx.font = '36px sans-serif';
  ctx.fillText('2718', 20, 44);
  writeFileSync(path, c.encodeSync('png'));
  return path;
}

test('recur train ocr --json trains a CRNN and reports cer, wer and sequence_accuracy on the test set', () => {
  const r = recur(['train', 'ocr', ...tiny, '--steps', '3', '--eval-every', '3', '--out', out, '--json'], env);
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.equal(s['task'], 'ocr');
  assert.equal(s['script'], 'digits');
  assert.equal(s['steps'], 3);
  for (const k of ['cer', 'wer', 'sequence_accuracy', 'sequence_accuracy_5', 'val_cer']) {
    assert.ok(typeof s[k] === 'number' && (s[k] as number) >= 0, `${k}: ${String(s[k])}`);
  }
  assert.equal(s['test_lines'], 4);
});

test('recur ocr --json prints one object per image with file, text and confidence', () => {
  const a = linePng(join(dir, 'a.png'));
  const b = linePng(join(dir, 'b.png'));
  const r = recur(['ocr', '--model', join(out, 'model.safetensors'), a, b, '--json'], env);
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; text: string; confidence: number });
  assert.deepEqual(rows.map((x) => x.file), [a, b]);
  for (const x of rows) {
    assert.match(x.text, /^[0-9]*$/);
    assert.ok(x.confidence >= 0 && x.confidence <= 1);
  }
  const plain = recur(['ocr', '--model', join(out, 'model.safetensors'), a], env);
  assert.equal(plain.stdout, `${rows[0]!.text}\n`);
});

test('recur ocr on a file that is not an image exits 2 with error and hint', () => {
  const bad = join(dir, 'notes.png');
  writeFileSync(bad, 'not an image');
  const r = recur(['ocr', '--model', join(out, 'model.safetensors'), bad], env);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^error: .*notes\.png: expected a PNG or JPEG image, got a file that is neither/m);
  assert.match(r.stderr, /^hint: /m);
  const none = recur(['ocr', '--model', join(out, 'model.safetensors')], env);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /expected at least one IMAGE, got none/);
});

for (const approach of ['segmented', 'maxlen']) {
  test(`recur train ocr --approach ${approach} trains, scores the test set, and recur ocr reads with its model`, () => {
    const run = join(dir, approach);
    const r = recur(['train', 'ocr', ...tiny, '--approach', approach, '--steps', '2', '--eval-every', '2', '--out', run, '--json'], env);
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(s['approach'], approach);
    for (const k of ['cer', 'wer', 'sequence_accuracy']) assert.ok(typeof s[k] === 'number' && (s[k] as number) >= 0, `${k}: ${String(s[k])}`);
    const read = recur(['ocr', '--model', join(run, 'model.safetensors'), linePng(join(dir, `${approach}.png`)), '--json'], env);
    assert.equal(read.status, 0, read.stderr);
    const row = JSON.parse(read.stdout) as { text: string; confidence: number };
    assert.match(row.text, /^[0-9]*$/);
    assert.ok(row.confidence >= 0 && row.confidence <= 1);
  });
}

test('an unknown approach or script is a clear ConfigError', () => {
  const r = recur(['train', 'ocr', '--approach', 'oracle', '--steps', '1']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--approach/);
  const bad = recur(['train', 'ocr', '--script', 'greek', '--steps', '1']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--script/);
});

test('a model from another task is refused with a CheckpointError', () => {
  const r = recur(['ocr', '--model', join(dir, 'missing.safetensors'), linePng(join(dir, 'c.png'))]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^error: /m);
});
