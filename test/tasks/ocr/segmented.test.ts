import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CheckpointError, ConfigError, DataError } from '../../../src/errors.js';
import { decodeModel, encodeModel, loadWeightsInto } from '../../../src/io/model-file.js';
import { fixedSamples, lineSource } from '../../../src/tasks/ocr/dataset.js';
import { otherFromConfig, readOther } from '../../../src/tasks/ocr/read-other.js';
import { SegmentedNet, UnitSet, rowsToSequence } from '../../../src/tasks/ocr/segmented-model.js';
import { SegmentedTask, unitsFor } from '../../../src/tasks/ocr/segmented-task.js';
import { Adam } from '../../../src/optim/adam.js';
import { setupMaxlen, setupSegmented } from '../../../src/cli/train-ocr-other.js';
import { dot } from '../../../src/tensor/ops.js';
import { Rng } from '../../../src/tensor/rng.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { gradcheck } from '../../helpers/gradcheck.js';

const tiny = { channels: [2, 3, 3, 4] as [number, number, number, number], hidden: 6, size: 16 };

test('rowsToSequence places each line\'s rows at its first steps and passes gradients back', () => {
  const rows = Tensor.from(Array.from({ length: 5 * 3 }, (_, i) => Math.sin(i)), [5, 3], 'float64');
  const counts = Int32Array.from([2, 3]);
  const seq = rowsToSequence(rows, counts, 3);
  assert.deepEqual(seq.shape, [3, 2, 3]);
  assert.deepEqual([...seq.data.subarray(0, 3)], [...rows.data.subarray(0, 3)]); // t 0, line 0 = row 0
  assert.deepEqual([...seq.data.subarray(3, 6)], [...rows.data.subarray(6, 9)]); // t 0, line 1 = row 2
  assert.deepEqual([...seq.data.subarray(12, 15)], [0, 0, 0]); // t 2, line 0: padding
  const w = Array.from({ length: 18 }, (_, i) => Math.cos(i));
  gradcheck(() => dot(rowsToSequence(rows, counts, 3), w), [rows]);
});

test('UnitSet maps units to classes 1…N, anything else to 0, and rejects a damaged list', () => {
  const u = new UnitSet(['क', 'कि', 'क्ष']);
  assert.equal(u.size, 4);
  assert.equal(u.id('कि'), 2);
  assert.equal(u.id('x'), 0);
  assert.equal(u.unit(3), 'क्ष');
  assert.equal(u.unit(0), '');
  assert.throws(() => UnitSet.fromJSON(['a', '']), (e: unknown) => e instanceof CheckpointError && e.code === 'bad_checkpoint' && /units: expected a list of non-empty strings/.test(e.message));
});

test('SegmentedNet gives logits [T, B, C] and checks its counts', () => {
  const net = new SegmentedNet({ classes: 5, ...tiny }, { rng: new Rng(1) });
  const crops = Tensor.zeros([4, 1, 16, 16]);
  crops.data.fill(0.3);
  assert.deepEqual(net.forward(crops, Int32Array.from([3, 1])).shape, [3, 2, 5]);
  assert.throws(() => net.forward(crops, Int32Array.from([2, 1])), (e: unknown) => e instanceof ConfigError && e.code === 'bad_config' && /counts: expected them to sum to the 4 crops, got 3/.test(e.message));
  assert.throws(() => net.forward(crops, Int32Array.from([4, 0])), (e: unknown) => e instanceof ConfigError && /counts\[1\]: expected an integer ≥ 1, got 0/.test(e.message));
  assert.throws(() => new SegmentedNet({ classes: 5, size: 20 }), (e: unknown) => e instanceof ConfigError && /size: expected a multiple of 8, got 20/.test(e.message));
});

test('the segmented task learns: its loss on a fixed batch of digit strings falls with Adam', () => {
  const train = lineSource({ kind: 'digits', split: 'train', strength: 0, maxDigits: 3 });
  const val = fixedSamples(lineSource({ kind: 'digits', split: 'val', strength: 0, maxDigits: 3 }), 4, 1);
  const units = unitsFor(train);
  assert.deepEqual(units.units, [...'0123456789']);
  const model = new SegmentedNet({ classes: units.size, ...tiny }, { rng: new Rng(2) });
  const task = new SegmentedTask({ model, units, train, val, batch: 4 });
  const opt = new Adam(model.namedParameters(), { lr: 0.02 });
  const losses: number[] = [];
  for (let i = 0; i < 12; i++) {
    const { loss, count } = task.trainStep(new Rng(9)); // the same batch every step
    assert.equal(count, 4);
    losses.push(loss.item());
    model.zeroGrad();
    loss.backward();
    opt.step();
  }
  assert.ok(losses[11]! < 0.7 * losses[0]!, `loss ${losses[0]} → ${losses[11]}`);
  const ev = task.evaluate();
  for (const k of ['loss', 'cer', 'wer', 'sequence_accuracy', 'segment_match'] as const) assert.ok(Number.isFinite(ev[k]), k);
  assert.ok(ev.cer >= 0 && ev.sequence_accuracy <= 1);
});

test('a segmented model round-trips through a model file and reads the same', () => {
  const train = lineSource({ kind: 'digits', split: 'train', strength: 0, maxDigits: 3 });
  const val = fixedSamples(lineSource({ kind: 'digits', split: 'val', strength: 0, maxDigits: 3 }), 3, 1);
  const units = unitsFor(train);
  const model = new SegmentedNet({ classes: units.size, ...tiny }, { rng: new Rng(3) });
  const task = new SegmentedTask({ model, units, train, val, batch: 2 });
  const file = decodeModel(encodeModel(model, task.modelConfig()));
  assert.equal(file.config['approach'], 'segmented');
  const back = otherFromConfig(file.config);
  loadWeightsInto(back.ocr.model, file.tensors);
  assert.ok(back.ocr.model.namedParameters().every(([n]) => /^(cnn\.\d+\.(weight|bias)|rnn\.(weight|bias)_(ih|hh)_l0(_reverse)?|head\.(weight|bias))$/.test(n)));
  const images = val.map((s) => s.image);
  assert.deepEqual(readOther(back, images), readOther({ approach: 'segmented', ocr: task.ocr }, images));
  assert.throws(() => otherFromConfig({ ...file.config, classes: 3 }), (e: unknown) => e instanceof CheckpointError && /classes: expected 11 \(units \+ unknown\), got 3/.test(e.message));
  assert.throws(() => otherFromConfig({ ...file.config, approach: 'ctc' }), (e: unknown) => e instanceof CheckpointError && /approach: expected 'segmented' or 'maxlen', got "ctc"/.test(e.message));
});

test('setupSegmented and setupMaxlen build their tasks from the CLI options and reject bad ones', () => {
  const seg = setupSegmented({ script: 'digits', channels: '2,2,2,2', hidden: '4', layers: '1', 'val-lines': '2' }, new Rng(1));
  assert.equal(seg.task.model.constructor.name, 'SegmentedNet');
  assert.equal(seg.summary['approach'], 'segmented');
  const max = setupMaxlen({ script: 'digits', channels: '2,2,2,2', hidden: '4', layers: '1', 'val-lines': '2' }, new Rng(1));
  assert.equal(max.summary['maxlen'], 9);
  assert.throws(() => setupSegmented({ script: 'digits', channels: '2,2' }, new Rng(1)), (e: unknown) => e instanceof ConfigError && e.code === 'bad_config' && /--channels: expected four counts like 16,32,48,64, got '2,2'/.test(e.message));
  assert.throws(() => setupMaxlen({ script: 'klingon' }, new Rng(1)), (e: unknown) => e instanceof ConfigError && /--script: expected one of latin, devanagari, digits, got 'klingon'/.test(e.message));
});

test('the segmented task rejects a model of the wrong size and gives up on lines that never segment right', () => {
  const train = lineSource({ kind: 'digits', split: 'train', strength: 0, maxDigits: 3 });
  const val = fixedSamples(lineSource({ kind: 'digits', split: 'val', strength: 0, maxDigits: 3 }), 2, 1);
  const units = unitsFor(train);
  assert.throws(() => new SegmentedTask({ model: new SegmentedNet({ classes: 5, ...tiny }), units, train, val, batch: 2 }),
    (e: unknown) => e instanceof ConfigError && e.code === 'bad_config' && /model classes: expected 11 \(units \+ unknown\), got 5/.test(e.message));
  // A source whose lines are blank: no segments, so no line can ever be labelled.
  const blank = { ...train, next: () => ({ image: { data: new Float32Array(32 * 20), height: 32, width: 20 }, text: '12', font: 'none' }) };
  const task = new SegmentedTask({ model: new SegmentedNet({ classes: units.size, ...tiny }), units, train: blank, val, batch: 1 });
  assert.throws(() => task.trainStep(new Rng(1)), (e: unknown) => e instanceof DataError && e.code === 'bad_data' && /expected lines that segment into one piece per character, got 0 of 50/.test(e.message));
});
