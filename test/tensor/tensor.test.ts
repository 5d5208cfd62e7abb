import assert from 'node:assert/strict';
import { test } from 'node:test';
import { add, concatLast, linear, mean, mul, relu, reshape, scale, sigmoid, sliceRows, stack, sum, swap01, tanh } from '../../src/tensor/ops.js';
import { Rng } from '../../src/tensor/rng.js';
import { Tensor, noGrad } from '../../src/tensor/tensor.js';
import { ShapeError } from '../../src/errors.js';
import { gradcheck } from '../helpers/gradcheck.js';

function randn(shape: number[], rng: Rng): Tensor {
  const t = Tensor.zeros(shape, 'float64', true);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal();
  return t;
}

test('from() infers shapes from nested arrays and toArray() gives them back', () => {
  const t = Tensor.from([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(t.shape, [2, 3]);
  assert.deepEqual(t.toArray(), [[1, 2, 3], [4, 5, 6]]);
  assert.equal(Tensor.from([1, 2], [2], 'float64').dtype, 'float64');
});

test('leaf gradients accumulate across backward calls and intermediates are released', () => {
  const a = Tensor.from([1, 2, 3], [3], 'float64');
  a.requiresGrad = true;
  const y = sum(mul(a, a));
  y.backward();
  assert.deepEqual(Array.from(a.grad!), [2, 4, 6]);
  sum(scale(a, 3)).backward();
  assert.deepEqual(Array.from(a.grad!), [5, 7, 9]);
  assert.equal(y.grad, null);
});

test('a value used twice receives both gradients (diamond graph)', () => {
  const a = Tensor.from([2], [1], 'float64');
  a.requiresGrad = true;
  const b = tanh(a);
  add(mul(b, b), b).backward();
  const t = Math.tanh(2);
  assert.ok(Math.abs(a.grad![0]! - (2 * t + 1) * (1 - t * t)) < 1e-12);
});

test('noGrad records nothing', () => {
  const a = Tensor.from([1], [1]);
  a.requiresGrad = true;
  const y = noGrad(() => scale(a, 2));
  assert.equal(y.requiresGrad, false);
  assert.equal(y.backwardFn, null);
});

test('every op matches finite differences', () => {
  const rng = new Rng(1);
  const [a, b] = [randn([3, 4], rng), randn([3, 4], rng)];
  const w = randn([5, 4], rng);
  const bias = randn([5], rng);
  const x3 = randn([2, 3, 4], rng);
  const cases: [string, () => Tensor, Tensor[]][] = [
    ['add/mul/scale', () => sum(mul(add(a, scale(b, 0.5)), b)), [a, b]],
    ['tanh/sigmoid/relu', () => sum(mul(tanh(a), add(sigmoid(b), relu(a)))), [a, b]],
    ['linear', () => sum(tanh(linear(a, w, bias))), [a, w, bias]],
    ['reshape/swap01', () => sum(mul(tanh(swap01(x3)), reshape(swap01(x3), [3, 2, 4]))), [x3]],
    ['concatLast/sliceRows/mean', () => mean(tanh(concatLast([sliceRows(a, 1, 2), sliceRows(b, 0, 2)]))), [a, b]],
  ];
  for (const [name, f, inputs] of cases) gradcheck(f, inputs, { names: inputs.map((_, i) => `${name} input ${i}`) });
  gradcheck(() => sum(tanh(stack([a, b]))), [a, b]);
});

test('ops refuse operands of different shapes', () => {
  assert.throws(() => add(Tensor.zeros([2, 3]), Tensor.zeros([3, 2])), (e: unknown) => e instanceof ShapeError && e.message === 'add: b: expected shape [2, 3], got [3, 2]');
  assert.throws(() => reshape(Tensor.zeros([2, 3]), [4, 2]), ShapeError);
});

test('the Rng is reproducible from its seed and from a saved state', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  for (let i = 0; i < 10; i++) assert.equal(a.next(), b.next());
  const state = a.getState();
  const seq = [a.next(), a.normal(), a.int(10)];
  const c = new Rng(0);
  c.setState(state);
  assert.deepEqual([c.next(), c.normal(), c.int(10)], seq);
  assert.notEqual(new Rng(1).next(), new Rng(2).next());
});

test('the Rng gives uniform and normal values with the right moments', () => {
  const r = new Rng(3);
  const n = 200000;
  let s = 0, s2 = 0, u = 0;
  for (let i = 0; i < n; i++) { const v = r.normal(); s += v; s2 += v * v; u += r.next(); }
  assert.ok(Math.abs(s / n) < 0.01, `mean ${s / n}`);
  assert.ok(Math.abs(s2 / n - 1) < 0.02, `variance ${s2 / n}`);
  assert.ok(Math.abs(u / n - 0.5) < 0.005);
});
