import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arForecaster, detectPeriod, fitAR, leastSquares, naiveForecaster, normalEquations, rollingForecasts, seasonalNaiveForecaster, selectArOrder, solveNormalEquations } from '../../../src/tasks/timeseries/baselines.js';
import { Rng } from '../../../src/tensor/rng.js';

test('least-squares AR(2) recovers the coefficients of a noiseless AR(2)', () => {
  const y = new Float64Array(200);
  y[0] = 1; y[1] = 0.5;
  for (let t = 2; t < y.length; t++) y[t] = 2 + 1.5 * y[t - 1]! - 0.7 * y[t - 2]!;
  const m = fitAR(y, y.length, 2);
  assert.ok(Math.abs(m.coef[0]! - 1.5) < 1e-6 && Math.abs(m.coef[1]! + 0.7) < 1e-6, `coef ${Array.from(m.coef)}`);
  assert.ok(Math.abs(m.intercept - 2) < 1e-5 && m.residStd < 1e-6);
  // iterated forecasts continue the recursion exactly
  const f = arForecaster(m)(y.subarray(0, 150), 3);
  for (let h = 0; h < 3; h++) assert.ok(Math.abs(f[h]! - y[150 + h]!) < 1e-6);
});

test('BIC picks order 2 for a noisy AR(2)', () => {
  const rng = new Rng(3);
  const y = new Float64Array(2000);
  for (let t = 2; t < y.length; t++) y[t] = 0.6 * y[t - 1]! - 0.3 * y[t - 2]! + rng.normal();
  assert.equal(selectArOrder(y, y.length), 2);
});

test('seasonal period detection finds a weekly season under AR(2) noise, not one of its multiples', () => {
  const week = [0, 0.3, 0.5, 0.4, 0.6, -0.9, -1];
  const found: number[] = [];
  for (let seed = 1; seed <= 6; seed++) {
    const rng = new Rng(6000 + seed);
    let a = 0;
    let b = 0;
    const y = Float64Array.from({ length: 1000 }, (_, i) => { const x = 1.2 * a - 0.4 * b + 0.5 * rng.normal(); b = a; a = x; return 30 + 0.01 * i + 2 * week[i % 7]! + x; });
    found.push(detectPeriod(y, 800)!);
  }
  // the multiples' ACF is as high as the week's and the lowest ACF before them lower: 14, 49, 126, … topped 7
  assert.deepEqual(found, [7, 7, 7, 7, 7, 7]);
  // but a half-season echo is not the season: quarterly data with a pattern whose lag-2 ACF is positive
  const rng = new Rng(3);
  let e = 0;
  const quarterly = Float64Array.from({ length: 48 }, (_, i) => { e = 0.5 * e + rng.normal(); return 200 + i + [5, -3, 8, -10][i % 4]! + e; });
  assert.equal(detectPeriod(quarterly, 38), 4);
  // a pattern that is mostly alternating echoes at lag 2 nearly as high as at 4: the calendar's cycle decides
  for (let seed = 1; seed <= 5; seed++) {
    const r = new Rng(seed);
    let u = 0;
    const q = Float64Array.from({ length: 100 }, (_, i) => { u = 0.5 * u + r.normal(); return 100 + 0.5 * i + [3, -2, 1, -2][i % 4]! + u; });
    assert.equal(detectPeriod(q, 80), 2, `seed ${seed}`);
    assert.equal(detectPeriod(q, 80, 400, 4), 4, `seed ${seed}`);
  }
});

test('seasonal period detection finds a weekly and a yearly season, and none in white noise', () => {
  const rng = new Rng(1);
  const weekly = Float64Array.from({ length: 700 }, (_, t) => [5, 3, 3, 3, 3, 4, 8][t % 7]! + 0.3 * rng.normal() + Math.sin(t / 58));
  assert.equal(detectPeriod(weekly, weekly.length), 7);
  const yearly = Float64Array.from({ length: 1100 }, (_, t) => 10 * Math.sin((2 * Math.PI * t) / 365) + 2 * rng.normal());
  const p = detectPeriod(yearly, yearly.length)!;
  assert.ok(Math.abs(p - 365) <= 10, `period ${p}`); // ±3 %: long-lag autocorrelations are noisy
  assert.equal(detectPeriod(Float64Array.from({ length: 500 }, () => rng.normal()), 500), null);
});

test('naive and seasonal naive forecasts, rolled over the test span from true history', () => {
  const y = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual(Array.from(naiveForecaster(y.subarray(0, 4), 2)), [4, 4]);
  assert.deepEqual(Array.from(seasonalNaiveForecaster(3)(y.subarray(0, 6), 4)), [4, 5, 6, 4]);
  const r = rollingForecasts(y, 8, 2, naiveForecaster);
  assert.deepEqual(Array.from(r[0]!), [8, 9]); // h = 1: y_7 for y_8, y_8 for y_9
  assert.deepEqual(Array.from(r[1]!), [7, 8]); // h = 2: from origins 6 and 7
});

test('normal equations built once solve for every ridge strength exactly as leastSquares does, and stay unchanged', () => {
  const rng = new Rng(9);
  const [N, K] = [40, 4];
  const X = Float64Array.from({ length: N * K }, () => rng.normal());
  const y = Float64Array.from({ length: N }, (_, n) => X[n * K]! - 2 * X[n * K + 2]! + 0.1 * rng.normal());
  const ne = normalEquations(X, y, N, K);
  const before = ne.A.slice();
  for (const ridge of [1e-8, 0.1, 3]) assert.deepEqual(solveNormalEquations(ne, ridge), leastSquares(X, y, N, K, ridge));
  assert.deepEqual(ne.A, before);
  const b = leastSquares(X, y, N, K);
  assert.ok(Math.abs(b[0]! - 1) < 0.05 && Math.abs(b[2]! + 2) < 0.05, `${Array.from(b)}`);
});
