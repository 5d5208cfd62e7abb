import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CheckpointError, ConfigError, ShapeError } from '../../../src/errors.js';
import { ctcLoss } from '../../../src/loss/ctc.js';
import { Adam } from '../../../src/optim/adam.js';
import { Crnn, columnsToSequence } from '../../../src/tasks/ocr/crnn.js';
import { batchLines, lineSource } from '../../../src/tasks/ocr/dataset.js';
import { Rng } from '../../../src/tensor/rng.js';
import { dot } from '../../../src/tensor/ops.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { gradcheck } from '../../helpers/gradcheck.js';

const tiny = { channels: [4, 4, 6, 6] as [number, number, number, number], hidden: 8, layers: 1 };

test('columns become time steps: [B, C, h, T] → [T, B, C·h], with exact gradients', () => {
  const x = Tensor.from(Array.from({ length: 2 * 3 * 2 * 4 }, (_, i) => i), [2, 3, 2, 4], 'float64');
  const y = columnsToSequence(x);
  assert.deepEqual(y.shape, [4, 2, 6]);
  assert.equal(y.data[(1 * 2 + 1) * 6 + 5], x.data[((1 * 3 + 2) * 2 + 1) * 4 + 1]); // t=1, b=1, c=2, row 1
  const w = Array.from({ length: 48 }, (_, i) => Math.sin(i));
  gradcheck(() => dot(columnsToSequence(x), w), [x]);
});

test('a CRNN maps [B, 1, 32, W] to logits [⌊W/4⌋, B, C] with ⌊⌊w/2⌋/2⌋ valid steps per line', () => {
  const m = new Crnn({ classes: 11, ...tiny }, { rng: new Rng(1) });
  const { logits, lengths } = m.forward(Tensor.zeros([2, 1, 32, 43]), [43, 21]);
  assert.deepEqual(logits.shape, [10, 2, 11]);
  assert.deepEqual([...lengths], [10, 5]);
  assert.throws(() => m.forward(Tensor.zeros([1, 1, 16, 40]), [40]), ShapeError);
  assert.throws(() => m.forward(Tensor.zeros([1, 1, 32, 40]), [41]), (e) => e instanceof ConfigError && /widths\[0\]: expected an integer in \[1, 40\], got 41/.test(e.message));
  assert.throws(() => new Crnn({ classes: 11, height: 30 }), (e) => e instanceof ConfigError && /multiple of 8/.test(e.message));
});

test('a stored config rebuilds the same CRNN, and a damaged one is a CheckpointError', () => {
  const m = new Crnn({ classes: 5, ...tiny }, { rng: new Rng(1) });
  const again = Crnn.fromConfig(m.config() as unknown as Record<string, unknown>);
  assert.deepEqual(again.namedParameters().map(([n, p]) => [n, p.shape]), m.namedParameters().map(([n, p]) => [n, p.shape]));
  assert.ok(m.namedParameters().some(([n]) => n === 'rnn.weight_ih_l0_reverse'));
  assert.throws(() => Crnn.fromConfig({ classes: 5 }), (e) => e instanceof CheckpointError && /expected key 'height'/.test(e.message));
});

test('a tiny CRNN lowers its CTC loss on a fixed batch of digit strings', () => {
  const rng = new Rng(3);
  const src = lineSource({ kind: 'digits', split: 'train', maxDigits: 3, strength: 0 });
  const samples = Array.from({ length: 4 }, () => src.next(rng));
  const { x, widths } = batchLines(samples.map((s) => s.image));
  const targets = samples.map((s) => src.alphabet.encode(s.text));
  const m = new Crnn({ classes: 11, ...tiny }, { rng });
  const opt = new Adam(m.namedParameters(), { lr: 0.01 });
  const lossAt = (): number => {
    m.zeroGrad();
    const { logits, lengths } = m.forward(x, widths);
    const loss = ctcLoss(logits, targets, lengths, targets.map((t) => t.length));
    loss.backward();
    opt.step();
    return loss.item();
  };
  const first = lossAt();
  let last = first;
  for (let i = 0; i < 25; i++) last = lossAt();
  assert.ok(last < 0.7 * first, `loss ${first} → ${last}`);
});
