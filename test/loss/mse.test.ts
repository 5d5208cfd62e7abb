import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, ShapeError } from '../../src/errors.js';
import type { Reduction } from '../../src/loss/cross-entropy.js';
import { mseLoss } from '../../src/loss/mse.js';
import { normal } from '../../src/tensor/init.js';
import { dot } from '../../src/tensor/ops.js';
import { Rng } from '../../src/tensor/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { expectClose, gradcheck } from '../helpers/gradcheck.js';

test('MSE reduces squared differences by mean, sum or not at all', () => {
  const x = Tensor.from([[1, 2], [3, 4]], undefined, 'float64');
  const y = Tensor.from([[0, 2], [5, 1]], undefined, 'float64');
  expectClose(mseLoss(x, y).data, [(1 + 0 + 4 + 9) / 4]);
  expectClose(mseLoss(x, y, 'sum').data, [14]);
  const none = mseLoss(x, y, 'none');
  assert.deepEqual(none.shape, [2, 2]);
  expectClose(none.data, [1, 0, 4, 9]);
});

for (const reduction of ['mean', 'sum', 'none'] as Reduction[]) {
  test(`MSE gradients for input and target match finite differences with reduction '${reduction}'`, () => {
    const rng = new Rng(3);
    const x = normal(Tensor.zeros([3, 2, 2], 'float64'), 0, 1, rng);
    const y = normal(Tensor.zeros([3, 2, 2], 'float64'), 0, 1, rng);
    const w = normal(Tensor.zeros([12], 'float64'), 0, 1, rng).data;
    gradcheck(() => {
      const l = mseLoss(x, y, reduction);
      return reduction === 'none' ? dot(l, w) : l;
    }, [x, y], { names: ['input', 'target'] });
  });
}

test('MSE keeps float32', () => {
  const l = mseLoss(Tensor.from([1, 2]), Tensor.from([1.5, 2]));
  assert.equal(l.dtype, 'float32');
  expectClose(l.data, [0.125]);
});

test('MSE of different shapes throws a ShapeError instead of broadcasting', () => {
  assert.throws(() => mseLoss(Tensor.zeros([4, 1]), Tensor.zeros([4])), (e: unknown) => {
    assert.ok(e instanceof ShapeError);
    assert.equal(e.code, 'shape_mismatch');
    assert.equal(e.message, 'target: expected shape [4, 1], got [4]');
    assert.match(e.hint, /broadcast/);
    return true;
  });
});

test('an unknown MSE reduction throws a ConfigError', () => {
  assert.throws(() => mseLoss(Tensor.zeros([1]), Tensor.zeros([1]), 'max' as Reduction), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.code, 'bad_config');
    assert.equal(e.message, `mseLoss: reduction: expected 'mean', 'sum' or 'none', got "max"`);
    return true;
  });
});
