import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorAccumulator, coverage, mae, mase, naiveScale, rmse } from '../../../src/tasks/timeseries/metrics.js';

test('MAE, RMSE, MASE and coverage on known values', () => {
  const y = [1, 2, 3, 4];
  const f = [1, 3, 1, 4];
  assert.equal(mae(y, f), 0.75);
  assert.equal(rmse(y, f), Math.sqrt(5 / 4));
  assert.equal(naiveScale([0, 2, 1, 3], 4), 5 / 3);
  assert.ok(Math.abs(mase(y, f, [0, 2, 1, 3]) - 0.75 / (5 / 3)) < 1e-12);
  assert.equal(coverage(y, [0, 0, 3.5, 4], [1, 5, 4, 4]), 0.75);
});

test('pooled MASE scales each point by its own series', () => {
  const a = new ErrorAccumulator();
  a.addPoints([10], [12], 2); // 1
  a.addPoints([100], [130], 10); // 3
  assert.deepEqual(a.point(), { mae: 16, rmse: Math.sqrt((4 + 900) / 2), mase: 2 });
  assert.equal(a.count, 2);
});
