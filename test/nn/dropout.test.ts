import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, ShapeError } from '../../src/errors.js';
import { Dropout } from '../../src/nn/dropout.js';
import { applyMask, dropoutMask } from '../../src/tensor/gather-ops.js';
import { dot } from '../../src/tensor/ops.js';
import { Rng } from '../../src/tensor/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { expectClose, gradcheck } from '../helpers/gradcheck.js';

function randn(shape: number[], rng: Rng): Tensor {
  const t = Tensor.zeros(shape, 'float64');
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal();
  return t;
}

test('applyMask with a fixed mask scales kept values and passes gradients through the same mask', () => {
  const rng = new Rng(1);
  const x = randn([2, 3], rng);
  const mask = [0, 2, 2, 0, 2, 0]; // p = 0.5: dropped → 0, kept → 1/(1 − p) = 2
  const y = applyMask(x, mask);
  expectClose(y.data, Array.from(x.data, (v, i) => v * mask[i]!), { atol: 0, rtol: 0 });
  const g = randn([2, 3], rng).data;
  gradcheck(() => dot(applyMask(x, mask), g), [x], { names: ['x'] });
  expectClose(x.grad!, Array.from(g, (v, i) => v * mask[i]!), { atol: 0, rtol: 0 });
});

test('dropoutMask holds only 0 and 1/(1 − p) and drops about a fraction p', () => {
  const mask = dropoutMask(20000, 0.3, new Rng(2), 'float64');
  const kept = 1 / 0.7;
  assert.ok(mask.every((v) => v === 0 || v === kept));
  const dropped = mask.filter((v) => v === 0).length / mask.length;
  assert.ok(Math.abs(dropped - 0.3) < 0.02, `dropped ${dropped}`);
});

test('Dropout in training zeroes or scales each value by 1/(1 − p) and its gradient follows the mask', () => {
  const rng = new Rng(3);
  const drop = new Dropout({ p: 0.25 }, { rng: new Rng(4) });
  const x = randn([4, 50], rng);
  x.requiresGrad = true;
  const y = drop.forward(x);
  let zeros = 0;
  for (let i = 0; i < x.size; i++) {
    if (y.data[i] === 0) zeros++;
    else assert.ok(Math.abs(y.data[i]! - x.data[i]! / 0.75) < 1e-15);
  }
  assert.ok(zeros > 20 && zeros < 80, `zeros ${zeros}`);
  y.backward(new Float64Array(x.size).fill(1));
  for (let i = 0; i < x.size; i++) assert.equal(x.grad![i], y.data[i] === 0 ? 0 : 1 / 0.75);
});

test('Dropout is the identity in eval mode and draws nothing from its Rng', () => {
  const rng = new Rng(5);
  const drop = new Dropout({ p: 0.5, rng });
  const x = randn([3, 4], new Rng(6));
  drop.eval();
  const before = rng.getState();
  assert.deepEqual(Array.from(drop.forward(x).data), Array.from(x.data));
  assert.deepEqual(rng.getState(), before);
  drop.train();
  assert.notDeepEqual(Array.from(drop.forward(x).data), Array.from(x.data));
  assert.notDeepEqual(rng.getState(), before);
});

test('Dropout masks are reproducible from the seed and fresh on every call', () => {
  const x = Tensor.full([100], 1, 'float64');
  const a = new Dropout({ p: 0.5 }, { rng: new Rng(7) });
  const b = new Dropout({ p: 0.5, rng: new Rng(7) });
  const a1 = Array.from(a.forward(x).data);
  assert.deepEqual(a1, Array.from(b.forward(x).data));
  assert.notDeepEqual(Array.from(a.forward(x).data), a1);
});

test('Dropout with p = 0 returns its input and defaults to p = 0.5', () => {
  const x = Tensor.full([4], 3);
  assert.equal(new Dropout({ p: 0 }).forward(x), x);
  assert.equal(new Dropout().p, 0.5);
});

test('Dropout rejects p outside [0, 1) and unknown options with ConfigError', () => {
  const bad: [unknown, string][] = [
    [{ p: 1 }, 'Dropout.p: expected a number in [0, 1), got 1'],
    [{ p: -0.1 }, 'Dropout.p: expected a number in [0, 1), got -0.1'],
    [{ p: '0.5' }, 'Dropout.p: expected a number in [0, 1), got "0.5"'],
    [{ p: NaN }, 'Dropout.p: expected a number in [0, 1), got null'],
    [{ rate: 0.5 }, "Dropout: unknown option 'rate'"],
  ];
  for (const [options, message] of bad) {
    assert.throws(() => new Dropout(options as never), (e: unknown) => e instanceof ConfigError && e.code === 'bad_config' && e.message === message);
  }
});

test('applyMask rejects a mask of the wrong length with ShapeError', () => {
  assert.throws(() => applyMask(Tensor.zeros([2, 2]), [1, 1, 1]), (e: unknown) =>
    e instanceof ShapeError && e.code === 'shape_mismatch' && e.message === 'mask: expected shape [4], got [3]');
});
