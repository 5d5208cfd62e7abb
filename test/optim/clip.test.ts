import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, DataError } from '../../src/errors.js';
import { clipGradNorm, clipGradValue } from '../../src/optim/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { expectClose } from '../helpers/gradcheck.js';

/** A float64 parameter holding `grad` as its gradient. */
function withGrad(grad: number[] | null): Tensor {
  const p = Tensor.zeros([grad?.length ?? 1], 'float64', true);
  p.grad = grad === null ? null : Float64Array.from(grad);
  return p;
}

const tol = { atol: 1e-15, rtol: 1e-15 };

test('clipGradNorm scales all gradients by maxNorm/(total + 1e-6) when the total norm is larger', () => {
  const a = withGrad([3]);
  const b = withGrad([4]);
  assert.equal(clipGradNorm([a, b], 1), 5);
  expectClose(a.grad!, [3 / (5 + 1e-6)], tol);
  expectClose(b.grad!, [4 / (5 + 1e-6)], tol);
});

test('clipGradNorm leaves gradients alone when the total norm is within maxNorm', () => {
  const a = withGrad([3, 4]);
  assert.equal(clipGradNorm([a], 10), 5);
  assert.deepEqual([...a.grad!], [3, 4]);
});

test('clipGradNorm ignores parameters without gradients and returns 0 when none has one', () => {
  const a = withGrad([3, 4]);
  assert.equal(clipGradNorm([a, withGrad(null)], 10), 5);
  assert.equal(clipGradNorm([withGrad(null)], 1), 0);
  assert.equal(clipGradNorm([], 1), 0);
});

test('clipGradNorm with normType Infinity uses the largest absolute value', () => {
  const a = withGrad([1, -7, 3]);
  assert.equal(clipGradNorm(a, 3.5, Infinity), 7);
  const c = 3.5 / (7 + 1e-6);
  expectClose(a.grad!, [c, -7 * c, 3 * c], tol);
});

test('clipGradNorm with normType 1 sums absolute values', () => {
  const a = withGrad([1, -2]);
  const b = withGrad([3]);
  assert.equal(clipGradNorm([['a', a], ['b', b]], 100, 1), 6);
});

test('clipGradNorm works on float32 gradients in place', () => {
  const p = Tensor.zeros([2], 'float32', true);
  const g = Float32Array.from([6, 8]);
  p.grad = g;
  assert.equal(clipGradNorm([p], 5), 10);
  assert.equal(p.grad, g);
  expectClose(g, [3, 4], { atol: 1e-6 });
});

test('clipGradNorm spreads a NaN norm into the gradients as PyTorch does, or throws DataError when asked', () => {
  const a = withGrad([1, Number.NaN]);
  assert.ok(Number.isNaN(clipGradNorm([a], 1)));
  assert.ok(Number.isNaN(a.grad![0]!));
  assert.throws(() => clipGradNorm([withGrad([Infinity])], 1, 2, { errorIfNonfinite: true }), (e: unknown) => {
    assert.ok(e instanceof DataError);
    assert.equal(e.code, 'bad_data');
    assert.match(e.message, /^clipGradNorm: expected a finite total norm of order 2, got Infinity$/);
    assert.ok(e.hint.length > 0);
    return true;
  });
});

test('clipGradValue clamps every gradient value into [-clipValue, clipValue]', () => {
  const a = withGrad([-3, 0.2, 5]);
  const b = withGrad([-0.5]);
  clipGradValue([a, b, withGrad(null)], 1);
  assert.deepEqual([...a.grad!], [-1, 0.2, 1]);
  assert.deepEqual([...b.grad!], [-0.5]);
});

test('clipping arguments are validated with ConfigError and a hint', () => {
  const p = [withGrad([1])];
  const cases: [() => unknown, RegExp][] = [
    [() => clipGradNorm(p, -1), /^clipGradNorm maxNorm: expected a number ≥ 0, got -1$/],
    [() => clipGradNorm(p, 1, 0), /^clipGradNorm normType: expected a number > 0 or Infinity, got 0$/],
    [() => clipGradValue(p, -0.5), /^clipGradValue clipValue: expected a number ≥ 0, got -0.5$/],
    [() => clipGradNorm([1, 2] as never, 1), /^clipGradNorm params\[0\]: expected a Tensor or a \[name, Tensor\] pair, got 1$/],
  ];
  for (const [fn, message] of cases) {
    assert.throws(fn, (e: unknown) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.equal(e.code, 'bad_config');
      assert.match(e.message, message);
      assert.ok(e.hint.length > 0);
      return true;
    });
  }
});
