import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShapeError } from '../../../src/errors.js';
import { SIGMA_MIN, Z80, gaussianNll, softplus, softplusInverse, standardNormalQuantile } from '../../../src/tasks/timeseries/gaussian.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { gradcheck } from '../../helpers/gradcheck.js';

test('Gaussian NLL matches the closed form', () => {
  const head = Tensor.from([0.5, 0.2, -1, -0.3], [2, 2], 'float64');
  const hw = Tensor.from([0.1, 0.4], [2, 1], 'float64');
  const y = [1, -0.2];
  let want = 0;
  for (let n = 0; n < 2; n++) {
    const mu = head.data[2 * n]! + hw.data[n]!;
    const s = Math.log1p(Math.exp(head.data[2 * n + 1]!)) + SIGMA_MIN;
    want += Math.log(s) + 0.5 * ((y[n]! - mu) / s) ** 2 + 0.5 * Math.log(2 * Math.PI);
  }
  assert.ok(Math.abs(gaussianNll(head, hw, y).item() - want / 2) < 1e-12);
  assert.ok(Math.abs(softplus(softplusInverse(0.37)) - 0.37) < 1e-12);
});

test('Gaussian NLL gradients match finite differences (with and without the shrink penalty)', () => {
  for (const shrink of [0, 2]) {
    const head = Tensor.from([0.5, 0.2, -1, -0.3, 0.3, 1.2], [3, 2], 'float64');
    const hw = Tensor.from([0.1, 0.4, -0.2], [3, 1], 'float64');
    gradcheck(() => gaussianNll(head, hw, [1, -0.2, 0.7], shrink), [head, hw], { names: ['head', 'highway'] });
  }
});

test('Gaussian NLL rejects a head of the wrong size', () => {
  assert.throws(() => gaussianNll(Tensor.zeros([3, 2]), null, [1, 2]), (e: unknown) => e instanceof ShapeError && /gaussianNll head: expected shape \[2, 2\], got \[3, 2\]/.test(e.message));
});

test('standard normal quantiles of the forecast levels, symmetric below ½; other levels are a RangeError', () => {
  assert.equal(standardNormalQuantile(0.9), Z80);
  assert.equal(standardNormalQuantile((1 - 0.8) / 2), -Z80); // 0.09999999999999998 is the level 0.1
  assert.ok(Math.abs(standardNormalQuantile(0.8) - 0.841621) < 1e-6 && Math.abs(standardNormalQuantile(0.05) + 1.644854) < 1e-6);
  assert.throws(() => standardNormalQuantile(0.7), RangeError);
});
