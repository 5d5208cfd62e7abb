import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shippedModelPath } from '../../../src/cli/ocr.js';
import { fixedSamples, lineSource } from '../../../src/tasks/ocr/dataset.js';
import { loadOcrModel } from '../../../src/tasks/ocr/recognize.js';
import { scoreLines } from '../../../src/tasks/ocr/task.js';

// The shipped models (models/ocr-<name>.safetensors) on freshly generated test lines: test fonts never
// seen in training, or test MNIST digits. Thresholds sit a little below the figures measured when the
// models were trained (see the README), so a damaged or mismatched model fails. A missing file fails too:
// these models ship with the package.
const checks = [
  { name: 'digits', lines: () => lineSource({ kind: 'digits', split: 'test', minDigits: 5, maxDigits: 5 }), maxCer: 0.025, minSeq: 0.88 },
  { name: 'latin', lines: () => lineSource({ kind: 'latin', split: 'test' }), maxCer: 0.025, minSeq: 0.7 },
  { name: 'devanagari', lines: () => lineSource({ kind: 'devanagari', split: 'test' }), maxCer: 0.03, minSeq: 0.7 },
] as const;

for (const c of checks) {
  const path = shippedModelPath(c.name);
  test(`the shipped ${c.name} model reads fresh test lines within its measured error`, () => {
    const ocr = loadOcrModel(path);
    const s = scoreLines(ocr, fixedSamples(c.lines(), 60, 424242), 4);
    assert.ok(s.cer <= c.maxCer, `cer ${s.cer}`);
    assert.ok(s.sequence_accuracy >= c.minSeq, `sequence accuracy ${s.sequence_accuracy}`);
  });
}
