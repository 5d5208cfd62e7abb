import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, DataError, ShapeError } from '../../src/errors.js';
import { Linear } from '../../src/nn/linear.js';
import { dot } from '../../src/tensor/ops.js';
import { Rng } from '../../src/tensor/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { expectClose, gradcheck } from '../helpers/gradcheck.js';

function randn(shape: number[], rng: Rng): Tensor {
  const t = Tensor.zeros(shape, 'float64');
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal();
  return t;
}

test('Linear names its parameters weight [O, I] and bias [O] and draws them from U(±1/√I)', () => {
  const fc = new Linear({ inFeatures: 9, outFeatures: 4 });
  assert.deepEqual(fc.namedParameters().map(([n, t]) => [n, t.shape]), [['weight', [4, 9]], ['bias', [4]]]);
  for (const t of fc.parameters()) {
    assert.equal(t.dtype, 'float32');
    assert.ok(t.data.every((v) => Math.abs(v) <= 1 / 3), 'within ±1/√9');
    assert.ok(t.data.some((v) => v !== 0));
  }
  assert.equal(new Linear({ inFeatures: 9, outFeatures: 4, bias: false }).bias, null);
  assert.deepEqual(new Linear({ inFeatures: 9, outFeatures: 4, bias: false }).namedParameters().map(([n]) => n), ['weight']);
});

test('Linear initialisation is reproducible from the seed', () => {
  const a = new Linear({ inFeatures: 3, outFeatures: 2 }, { rng: new Rng(5) });
  const b = new Linear({ inFeatures: 3, outFeatures: 2 }, { rng: new Rng(5) });
  const c = new Linear({ inFeatures: 3, outFeatures: 2 }, { rng: new Rng(6) });
  assert.deepEqual(Array.from(a.weight.data), Array.from(b.weight.data));
  assert.notDeepEqual(Array.from(a.weight.data), Array.from(c.weight.data));
});

test('Linear computes x·Wᵀ + b over the last dimension of any leading shape', () => {
  const fc = new Linear({ inFeatures: 2, outFeatures: 3 }, { dtype: 'float64' });
  fc.weight.data.set([1, 2, 3, 4, 5, 6]);
  fc.bias!.data.set([0.5, -1, 0]);
  const y = fc.forward(Tensor.from([[[1, 1]], [[2, -1]]], undefined, 'float64'));
  assert.deepEqual(y.shape, [2, 1, 3]);
  assert.deepEqual(Array.from(y.data), [3.5, 6, 11, 0.5, 1, 4]);
});

test('Linear gradients match finite differences in float64, with and without bias', () => {
  const rng = new Rng(1);
  for (const bias of [true, false]) {
    const fc = new Linear({ inFeatures: 4, outFeatures: 3, bias }, { rng, dtype: 'float64' });
    const x = randn([2, 5, 4], rng);
    const g = randn([2, 5, 3], rng).data;
    const inputs = [x, ...fc.parameters()];
    gradcheck(() => dot(fc.forward(x), g), inputs, { names: ['x', 'weight', 'bias'] });
  }
});

test('Linear in float32 agrees with float64', () => {
  const a = new Linear({ inFeatures: 5, outFeatures: 3 }, { rng: new Rng(2), dtype: 'float64' });
  const b = new Linear({ inFeatures: 5, outFeatures: 3 }, { rng: new Rng(2) });
  b.weight.data.set(a.weight.data);
  b.bias!.data.set(a.bias!.data);
  const x = randn([4, 5], new Rng(3));
  expectClose(b.forward(Tensor.from(x.data, x.shape, 'float32')).data, a.forward(x).data, { atol: 1e-6, rtol: 1e-5 });
});

test('Linear rejects unknown options and bad sizes with ConfigError', () => {
  const bad: [unknown, string][] = [
    [{ inFeatures: 2, outFeatures: 3, baias: false }, "Linear: unknown option 'baias'"],
    [{ inFeatures: 0, outFeatures: 3 }, 'Linear.inFeatures: expected an integer ≥ 1, got 0'],
    [{ inFeatures: 2, outFeatures: 2.5 }, 'Linear.outFeatures: expected an integer ≥ 1, got 2.5'],
    [{ inFeatures: 2 }, 'Linear.outFeatures: expected an integer ≥ 1, got undefined'],
  ];
  for (const [options, message] of bad) {
    assert.throws(() => new Linear(options as never), (e: unknown) => e instanceof ConfigError && e.code === 'bad_config' && e.message === message);
  }
});

test('Linear rejects an input whose last dimension is not inFeatures with ShapeError', () => {
  const fc = new Linear({ inFeatures: 4, outFeatures: 2 });
  assert.throws(() => fc.forward(Tensor.zeros([3, 5])), (e: unknown) =>
    e instanceof ShapeError && e.code === 'shape_mismatch' && e.message === 'x: expected shape [*, 4], got [3, 5]' && /Linear\(4 → 2\)/.test(e.hint));
  assert.throws(() => fc.forward(Tensor.zeros([])), (e: unknown) => e instanceof ShapeError && e.message === 'x: expected shape [4], got []');
});

test('Linear rejects an input of another dtype than its parameters with DataError', () => {
  const fc = new Linear({ inFeatures: 2, outFeatures: 2 });
  assert.throws(() => fc.forward(Tensor.zeros([1, 2], 'float64')), (e: unknown) =>
    e instanceof DataError && e.code === 'bad_data' && e.message === 'x: expected a float32 tensor, got float64' && /dtype: 'float64'/.test(e.hint));
});
