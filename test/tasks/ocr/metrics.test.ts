import assert from 'node:assert/strict';
import { test } from 'node:test';
import { editDistance, ocrScores } from '../../../src/tasks/ocr/metrics.js';

test('edit distance counts substitutions, insertions and deletions', () => {
  assert.equal(editDistance([...'kitten'], [...'sitting']), 3);
  assert.equal(editDistance([], [...'abc']), 3);
  assert.equal(editDistance([...'same'], [...'same']), 0);
});

test('CER and WER pool errors over lines; sequence accuracy counts exact lines', () => {
  const s = ocrScores(['helo world', 'exact'], ['hello world', 'exact']);
  assert.equal(s.cer, 1 / 16);
  assert.equal(s.wer, 1 / 3);
  assert.equal(s.sequence_accuracy, 0.5);
});

test('Devanagari characters are counted as code points', () => {
  // कि is क + ि: reading क alone misses one of two code points.
  assert.equal(ocrScores(['क'], ['कि']).cer, 0.5);
});
