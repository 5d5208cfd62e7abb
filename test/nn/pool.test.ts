import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, ShapeError } from '../../src/errors.js';
import { MaxPool2d } from '../../src/nn/pool.js';
import { dot } from '../../src/tensor/ops.js';
import { Rng } from '../../src/tensor/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { gradcheck } from '../helpers/gradcheck.js';

test('MaxPool2d takes window maxima with stride defaulting to the kernel size and has no parameters', () => {
  const pool = new MaxPool2d({ kernelSize: 2 });
  assert.deepEqual(pool.stride, [2, 2]);
  assert.deepEqual(pool.namedParameters(), []);
  const x = Tensor.from([[[[1, 2, 3, 4, 9], [5, 6, 7, 8, 9]], [[-1, -2, -3, -4, 9], [-5, -6, -7, -8, 9]]]]);
  const y = pool.forward(x); // the odd last column is dropped (floor mode)
  assert.deepEqual(y.shape, [1, 2, 1, 2]);
  assert.deepEqual(Array.from(y.data), [6, 8, -1, -3]);
  assert.deepEqual(new MaxPool2d({ kernelSize: [2, 3], stride: 1, padding: [1, 1] }).forward(Tensor.zeros([1, 1, 4, 4])).shape, [1, 1, 5, 4]);
});

test('MaxPool2d gradients match finite differences with overlapping, padded windows (no ties)', () => {
  const rng = new Rng(1);
  const x = Tensor.zeros([2, 2, 5, 6], 'float64');
  for (let i = 0; i < x.size; i++) x.data[i] = rng.normal();
  const pool = new MaxPool2d({ kernelSize: [3, 2], stride: [2, 1], padding: [1, 1] });
  const g = Float64Array.from({ length: pool.forward(x).size }, () => rng.normal());
  gradcheck(() => dot(pool.forward(x), g), [x], { names: ['x'], maxPerInput: 200 });
});

test('MaxPool2d sends each tied window\'s gradient to exactly one element, the first maximum, as PyTorch', () => {
  const x = Tensor.from([[[[0, 4, 4, 1], [4, 4, 1, 4], [2, 2, 3, 3], [2, 2, 3, 3]]]], undefined, 'float64');
  x.requiresGrad = true;
  const y = new MaxPool2d({ kernelSize: 2 }).forward(x);
  assert.deepEqual(Array.from(y.data), [4, 4, 2, 3]);
  y.backward([1, 2, 3, 4]);
  // Window (0,0): 4s at (0,1), (1,0), (1,1) → (0,1). Window (0,1): 4s at (0,2), (1,3) → (0,2).
  // Window (1,0) is all 2 → (2,0). Window (1,1) is all 3 → (2,2).
  assert.deepEqual(Array.from(x.grad!), [0, 1, 2, 0, 0, 0, 0, 0, 3, 0, 4, 0, 0, 0, 0, 0]);
});

test('MaxPool2d rejects unknown options, bad sizes and padding over half the kernel with ConfigError', () => {
  const bad: [unknown, string][] = [
    [{ kernelSize: 2, ceilMode: true }, "MaxPool2d: unknown option 'ceilMode'"],
    [{ kernelSize: 0 }, 'MaxPool2d.kernelSize: expected an integer ≥ 1, got 0'],
    [{}, 'MaxPool2d.kernelSize: expected an integer or [height, width], got undefined'],
    [{ kernelSize: 2, stride: 0 }, 'MaxPool2d.stride: expected an integer ≥ 1, got 0'],
    [{ kernelSize: [3, 2], padding: [1, 2] }, 'MaxPool2d.padding: expected at most half the kernel size 3×2, got [1, 2]'],
  ];
  for (const [options, message] of bad) {
    assert.throws(() => new MaxPool2d(options as never), (e: unknown) => e instanceof ConfigError && e.code === 'bad_config' && e.message === message);
  }
});

test('MaxPool2d rejects inputs that are not [N, C, H, W] or smaller than the window with ShapeError', () => {
  const pool = new MaxPool2d({ kernelSize: 3 });
  const cases: [number[], string][] = [
    [[4, 4], 'x: expected shape [*, *, *, *], got [4, 4]'],
    [[1, 1, 2, 5], 'x: expected shape [*, *, 3, 3], got [1, 1, 2, 5]'],
  ];
  for (const [shape, message] of cases) {
    assert.throws(() => pool.forward(Tensor.zeros(shape)), (e: unknown) => e instanceof ShapeError && e.code === 'shape_mismatch' && e.message === message && e.hint !== '');
  }
});
