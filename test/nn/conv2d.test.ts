import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, DataError, ShapeError } from '../../src/errors.js';
import { Conv2d } from '../../src/nn/conv2d.js';
import { conv2d } from '../../src/tensor/conv-ops.js';
import { dot } from '../../src/tensor/ops.js';
import { Rng } from '../../src/tensor/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { gradcheck } from '../helpers/gradcheck.js';

function randn(shape: number[], rng: Rng): Tensor {
  const t = Tensor.zeros(shape, 'float64');
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal();
  return t;
}

test('Conv2d names its parameters weight [O, C, kh, kw] and bias [O], drawn from U(±1/√(C·kh·kw))', () => {
  const conv = new Conv2d({ inChannels: 2, outChannels: 5, kernelSize: [3, 2] }, { rng: new Rng(1) });
  assert.deepEqual(conv.namedParameters().map(([n, t]) => [n, t.shape]), [['weight', [5, 2, 3, 2]], ['bias', [5]]]);
  const bound = 1 / Math.sqrt(12);
  for (const t of conv.parameters()) {
    assert.ok(t.data.every((v) => Math.abs(v) <= bound));
    assert.ok(t.data.some((v) => Math.abs(v) > bound / 2));
  }
  assert.deepEqual(new Conv2d({ inChannels: 1, outChannels: 1, kernelSize: 3, bias: false }).namedParameters().map(([n]) => n), ['weight']);
});

test('Conv2d defaults to stride 1 and no padding and accepts square or [h, w] sizes', () => {
  const conv = new Conv2d({ inChannels: 1, outChannels: 2, kernelSize: 3 });
  assert.deepEqual([conv.kernelSize, conv.stride, conv.padding], [[3, 3], [1, 1], [0, 0]]);
  assert.deepEqual(conv.forward(Tensor.zeros([2, 1, 5, 6])).shape, [2, 2, 3, 4]);
  const c2 = new Conv2d({ inChannels: 1, outChannels: 2, kernelSize: [3, 1], stride: [2, 1], padding: [1, 0] });
  assert.deepEqual(c2.forward(Tensor.zeros([1, 1, 8, 6])).shape, [1, 2, 4, 6]);
});

test('Conv2d forward is the functional conv2d with its own weights', () => {
  const conv = new Conv2d({ inChannels: 3, outChannels: 4, kernelSize: [2, 3], stride: 2, padding: [1, 0] }, { rng: new Rng(2), dtype: 'float64' });
  const x = randn([2, 3, 7, 9], new Rng(3));
  const want = conv2d(x, conv.weight, conv.bias, { stride: 2, padding: [1, 0] });
  assert.deepEqual(Array.from(conv.forward(x).data), Array.from(want.data));
});

test('Conv2d gradients match finite differences for a non-square kernel with stride and padding', () => {
  const rng = new Rng(4);
  const conv = new Conv2d({ inChannels: 2, outChannels: 3, kernelSize: [3, 2], stride: [2, 1], padding: [1, 2] }, { rng, dtype: 'float64' });
  const x = randn([2, 2, 6, 5], rng);
  const g = randn([...conv.forward(x).shape], rng).data;
  gradcheck(() => dot(conv.forward(x), g), [x, conv.weight, conv.bias!], { names: ['x', 'weight', 'bias'], maxPerInput: 200 });
});

test('Conv2d rejects unknown options and bad sizes with ConfigError', () => {
  const base = { inChannels: 1, outChannels: 2, kernelSize: 3 };
  const bad: [unknown, string][] = [
    [{ ...base, dilation: 2 }, "Conv2d: unknown option 'dilation'"],
    [{ ...base, inChannels: 0 }, 'Conv2d.inChannels: expected an integer ≥ 1, got 0'],
    [{ ...base, kernelSize: 0 }, 'Conv2d.kernelSize: expected an integer ≥ 1, got 0'],
    [{ ...base, kernelSize: [3] }, 'Conv2d.kernelSize: expected an integer or [height, width], got [3]'],
    [{ ...base, stride: [1, 0] }, 'Conv2d.stride[1]: expected an integer ≥ 1, got 0'],
    [{ ...base, padding: -1 }, 'Conv2d.padding: expected an integer ≥ 0, got -1'],
  ];
  for (const [options, message] of bad) {
    assert.throws(() => new Conv2d(options as never), (e: unknown) => e instanceof ConfigError && e.code === 'bad_config' && e.message === message);
  }
});

test('Conv2d rejects inputs that are not [N, C_in, H, W] or smaller than the kernel with ShapeError', () => {
  const conv = new Conv2d({ inChannels: 3, outChannels: 2, kernelSize: [3, 5], padding: 1 });
  const cases: [number[], string][] = [
    [[2, 1, 8, 8], 'x: expected shape [*, 3, *, *], got [2, 1, 8, 8]'],
    [[3, 8, 8], 'x: expected shape [*, 3, *, *], got [3, 8, 8]'],
    [[1, 3, 8, 2], 'x: expected shape [*, *, 1, 3], got [1, 3, 8, 2]'],
  ];
  for (const [shape, message] of cases) {
    assert.throws(() => conv.forward(Tensor.zeros(shape)), (e: unknown) => e instanceof ShapeError && e.code === 'shape_mismatch' && e.message === message && e.hint !== '');
  }
});

test('Conv2d rejects an input of another dtype than its parameters with DataError', () => {
  const conv = new Conv2d({ inChannels: 1, outChannels: 1, kernelSize: 1 }, { dtype: 'float64' });
  assert.throws(() => conv.forward(Tensor.zeros([1, 1, 2, 2])), (e: unknown) =>
    e instanceof DataError && e.code === 'bad_data' && e.message === 'x: expected a float64 tensor, got float32');
});
