import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CheckpointError } from '../../../src/errors.js';
import { saveModel } from '../../../src/io/model-file.js';
import { Crnn } from '../../../src/tasks/ocr/crnn.js';
import { fixedSamples, lineSource } from '../../../src/tasks/ocr/dataset.js';
import { loadOcrModel, ocrConfig, ocrFromConfig, readLines } from '../../../src/tasks/ocr/recognize.js';
import { OcrCtcTask } from '../../../src/tasks/ocr/task.js';
import { Rng } from '../../../src/tensor/rng.js';

const src = lineSource({ kind: 'digits', split: 'val', maxDigits: 4 });
const lines = fixedSamples(src, 3, 1);
const model = new Crnn({ classes: src.alphabet.size, channels: [4, 4, 6, 6], hidden: 8, layers: 1 }, { rng: new Rng(2) });
const ocr = { model, alphabet: src.alphabet, kind: 'digits' as const };

test('a saved OCR model reads lines exactly as the model it was saved from', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'ocr-model-')), 'm.safetensors');
  saveModel(path, model, ocrConfig(ocr));
  const back = loadOcrModel(path);
  assert.equal(back.kind, 'digits');
  assert.deepEqual(back.alphabet.chars, src.alphabet.chars);
  const images = lines.map((l) => l.image);
  assert.deepEqual(readLines(back, images), readLines(ocr, images));
  assert.deepEqual(readLines(back, images, { beam: 4 }), readLines(ocr, images, { beam: 4 }));
});

test('greedy and beam readings give text of the alphabet and a confidence in [0, 1]', () => {
  for (const beam of [1, 3]) {
    for (const r of readLines(ocr, lines.map((l) => l.image), { beam, batch: 2 })) {
      assert.match(r.text, /^[0-9]*$/);
      assert.ok(r.confidence >= 0 && r.confidence <= 1, String(r.confidence));
    }
  }
});

test('the task evaluates loss, cer, wer and sequence accuracy on its validation lines', () => {
  const task = new OcrCtcTask({ model, train: lineSource({ kind: 'digits', split: 'train', maxDigits: 3 }), val: lines, batch: 2 });
  const m = task.evaluate();
  assert.ok(Number.isFinite(m.loss) && m.loss > 0);
  assert.ok(m.cer >= 0 && m.sequence_accuracy >= 0 && m.sequence_accuracy <= 1);
  const { loss, count } = task.trainStep(new Rng(4));
  assert.equal(count, 2);
  assert.ok(Number.isFinite(loss.item()));
});

test('a config that is not an OCR CTC one is a CheckpointError', () => {
  assert.throws(() => ocrFromConfig({ task: 'charlm' }), (e) => e instanceof CheckpointError && /task: expected 'ocr', got "charlm"/.test(e.message));
  assert.throws(() => ocrFromConfig({ ...ocrConfig(ocr), approach: 'maxlen' }), (e) => e instanceof CheckpointError && /approach: expected 'ctc'/.test(e.message));
  assert.throws(() => ocrFromConfig({ ...ocrConfig(ocr), classes: 5 }), (e) => e instanceof CheckpointError && /classes: expected 11/.test(e.message));
});
