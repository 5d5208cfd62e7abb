import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CheckpointError, ConfigError, DataError } from '../../../src/errors.js';
import { decodeModel, encodeModel, loadWeightsInto } from '../../../src/io/model-file.js';
import { batchLines, fixedSamples, lineSource } from '../../../src/tasks/ocr/dataset.js';
import { MaxlenNet, poolBins, repeatSteps } from '../../../src/tasks/ocr/maxlen-model.js';
import { MaxlenTask, maxlenTargets } from '../../../src/tasks/ocr/maxlen-task.js';
import { otherFromConfig, otherHeight, readOther } from '../../../src/tasks/ocr/read-other.js';
import { Adam } from '../../../src/optim/adam.js';
import { dot } from '../../../src/tensor/ops.js';
import { Rng } from '../../../src/tensor/rng.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { gradcheck } from '../../helpers/gradcheck.js';

const tiny = { channels: [2, 3, 3, 4] as [number, number, number, number], hidden: 6, layers: 1, bins: 3 };

test('poolBins averages each line\'s valid columns into K bins and passes gradients back', () => {
  const x = Tensor.from(Array.from({ length: 2 * 2 * 1 * 5 }, (_, i) => i), [2, 2, 1, 5], 'float64');
  const out = poolBins(x, Int32Array.from([4, 2]), 2);
  assert.deepEqual(out.shape, [2, 4]);
  // line 0, channel 0: columns 0..3 = 0,1,2,3 → bins (0+1)/2, (2+3)/2; line 1 (2 columns): 10, 11.
  assert.deepEqual([...out.data.subarray(0, 2)], [0.5, 2.5]);
  assert.deepEqual([...out.data.subarray(4, 6)], [10, 11]);
  const w = Array.from({ length: 8 }, (_, i) => Math.sin(i + 1));
  gradcheck(() => dot(poolBins(x, Int32Array.from([5, 3]), 3), w.concat(w.slice(0, 4))), [x]);
});

test('repeatSteps feeds the same vector at every step; its gradient is the sum over steps', () => {
  const v = Tensor.from([[1, 2], [3, 4]], undefined, 'float64');
  const r = repeatSteps(v, 3);
  assert.deepEqual(r.shape, [3, 2, 2]);
  assert.deepEqual([...r.data.subarray(8, 12)], [1, 2, 3, 4]);
  gradcheck(() => dot(repeatSteps(v, 3), Array.from({ length: 12 }, (_, i) => i - 5)), [v]);
});

test('Maxlen targets are the characters, the end symbol 0, then ignored positions', () => {
  const train = lineSource({ kind: 'digits', split: 'train' });
  const model = new MaxlenNet({ classes: train.alphabet.size, maxlen: 4, ...tiny });
  const ocr = { model, alphabet: train.alphabet, kind: 'digits' as const };
  // time-major [4, 2]: '42' → 5 3 0 −100; '7' → 8 0 −100 −100
  assert.deepEqual([...maxlenTargets(ocr, ['42', '7'])], [5, 8, 3, 0, 0, -100, -100, -100]);
  assert.throws(() => maxlenTargets(ocr, ['1234']), (e: unknown) => e instanceof DataError && e.code === 'bad_data' && /expected at most 3 characters \(Maxlen 4 with the end symbol\), got 4/.test(e.message));
});

test('MaxlenNet gives logits [Maxlen, B, C] and checks its input', () => {
  const net = new MaxlenNet({ classes: 11, maxlen: 5, ...tiny }, { rng: new Rng(1) });
  const x = Tensor.zeros([2, 1, 32, 40]);
  assert.deepEqual(net.forward(x, [40, 17]).shape, [5, 2, 11]);
  assert.throws(() => net.forward(Tensor.zeros([1, 1, 24, 40]), [40]), (e: unknown) => e instanceof Error && (e as { code?: string }).code === 'shape_mismatch');
  assert.throws(() => net.forward(x, [40, 41]), (e: unknown) => e instanceof ConfigError && /widths\[1\]: expected an integer in \[1, 40\], got 41/.test(e.message));
  assert.throws(() => new MaxlenNet({ classes: 11, maxlen: 5, height: 30 }), (e: unknown) => e instanceof ConfigError && /height: expected a multiple of 8, got 30/.test(e.message));
});

test('the Maxlen task learns: its loss on a fixed batch of digit strings falls with Adam', () => {
  const train = lineSource({ kind: 'digits', split: 'train', strength: 0, maxDigits: 3 });
  const val = fixedSamples(lineSource({ kind: 'digits', split: 'val', strength: 0, maxDigits: 3 }), 4, 1);
  const model = new MaxlenNet({ classes: train.alphabet.size, maxlen: 4, ...tiny }, { rng: new Rng(2) });
  const task = new MaxlenTask({ model, train, val, batch: 4 });
  const opt = new Adam(model.namedParameters(), { lr: 0.02 });
  const losses: number[] = [];
  for (let i = 0; i < 15; i++) {
    const { loss } = task.trainStep(new Rng(9));
    losses.push(loss.item());
    model.zeroGrad();
    loss.backward();
    opt.step();
  }
  assert.ok(losses[14]! < 0.7 * losses[0]!, `loss ${losses[0]} → ${losses[14]}`);
  const ev = task.evaluate();
  for (const k of ['loss', 'cer', 'wer', 'sequence_accuracy'] as const) assert.ok(Number.isFinite(ev[k]), k);
});

test('a Maxlen model round-trips through a model file and reads the same', () => {
  const train = lineSource({ kind: 'digits', split: 'train', strength: 0, maxDigits: 3 });
  const val = fixedSamples(lineSource({ kind: 'digits', split: 'val', strength: 0, maxDigits: 3 }), 3, 1);
  const model = new MaxlenNet({ classes: train.alphabet.size, maxlen: 4, ...tiny }, { rng: new Rng(3) });
  const task = new MaxlenTask({ model, train, val, batch: 2 });
  const file = decodeModel(encodeModel(model, task.modelConfig()));
  const back = otherFromConfig(file.config);
  assert.equal(back.approach, 'maxlen');
  assert.equal(otherHeight(back), 32);
  loadWeightsInto(back.ocr.model, file.tensors);
  const images = val.map((s) => s.image);
  const a = readOther(back, images);
  assert.deepEqual(a, readOther({ approach: 'maxlen', ocr: task.ocr }, images));
  assert.ok(a.every((r) => /^[0-9]{0,4}$/.test(r.text) && r.confidence > 0 && r.confidence <= 1));
  assert.equal(batchLines(images).x.shape[2], 32);
  assert.throws(() => otherFromConfig({ ...file.config, maxlen: 0 }), (e: unknown) => e instanceof CheckpointError && /MaxlenNet config: MaxlenNet.maxlen/.test(e.message));
});

test('the Maxlen task rejects a model whose classes do not fit the alphabet', () => {
  const train = lineSource({ kind: 'digits', split: 'train', strength: 0 });
  const val = fixedSamples(lineSource({ kind: 'digits', split: 'val', strength: 0 }), 1, 1);
  assert.throws(() => new MaxlenTask({ model: new MaxlenNet({ classes: 4, maxlen: 9, ...tiny }), train, val, batch: 2 }),
    (e: unknown) => e instanceof ConfigError && e.code === 'bad_config' && /model classes: expected 11 \(the alphabet \+ end\), got 4/.test(e.message));
});
