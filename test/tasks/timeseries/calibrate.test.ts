import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calibrateIntervals, chooseVolatility, conformalQuantile, empiricalQuantile, intervalScore } from '../../../src/tasks/timeseries/calibrate.js';
import { evaluateTest } from '../../../src/tasks/timeseries/evaluate.js';
import type { PreparedSeries, TimeSeriesSpec } from '../../../src/tasks/timeseries/inputs.js';
import { TimeSeriesModel } from '../../../src/tasks/timeseries/model.js';
import type { Series } from '../../../src/tasks/timeseries/series.js';
import { buildSpec, fitHighway, prepareAll } from '../../../src/tasks/timeseries/setup.js';
import { volatilityRatio } from '../../../src/tasks/timeseries/volatility.js';
import { Rng } from '../../../src/tensor/rng.js';

const DAY = 86_400_000;

/** A linear forecaster (highway only, head zero) for one daily series, its σ multiplied by `scale`. */
function linearModel(values: Float64Array, scale: number): { model: TimeSeriesModel; spec: TimeSeriesSpec; series: Series[]; prepared: PreparedSeries[] } {
  const times = Float64Array.from(values, (_, i) => Date.UTC(2001, 0, 1) + i * DAY);
  const series: Series[] = [{ key: '', values, times, features: [] }];
  const spec = buildSpec(series, { columns: { target: 'y', time: ['date'], features: [], group: null }, horizon: 2, cell: 'gru', hidden: 3, layers: 1, window: 12, lags: 2, period: null, calendar: false });
  const prepared = prepareAll(series, spec, 2);
  const model = new TimeSeriesModel(spec.model, { rng: new Rng(3) });
  const fit = fitHighway(prepared, spec);
  model.initFromAR(fit.beta, fit.sigma * scale);
  return { model, spec, series, prepared };
}

/** An AR(1) around a level with Gaussian noise of std `sd(t)`. */
function ar1(n: number, seed: number, sd: (t: number) => number): Float64Array {
  const rng = new Rng(seed);
  const y = new Float64Array(n);
  let e = 0;
  for (let t = 0; t < n; t++) { e = 0.6 * e + sd(t) * rng.normal(); y[t] = 50 + e; }
  return y;
}

test('the conformal quantile is the ⌈(n + 1)·level⌉-th smallest score, the largest when n is too small', () => {
  assert.equal(conformalQuantile([4.5, 0.5, 3, 1, 2.5, 1.5, 4, 2, 3.5], 0.8), 4); // rank 8 of 9
  assert.equal(conformalQuantile([3, 1, 2], 0.95), 3); // rank 4 > 3: the largest
  assert.equal(conformalQuantile([], 0.8), 1);
});

test('the empirical quantile is the ⌈n·level⌉-th smallest score: 80 % of 38 refit scores is the 31st, not the conformal 32nd', () => {
  const scores = Array.from({ length: 38 }, (_, i) => 38 - i); // 38 … 1
  assert.equal(empiricalQuantile(scores, 0.8), 31);
  assert.equal(conformalQuantile(scores, 0.8), 32);
  assert.equal(empiricalQuantile(scores, 0.95), 37); // the conformal rank would be the largest, 38
  assert.equal(empiricalQuantile([2], 0.8), 2);
  assert.equal(empiricalQuantile([], 0.8), 1);
});

test('an interval score is the stretch that puts y on the edge of the interval, on either side of the mean', () => {
  assert.equal(intervalScore(12, 10, 9, 14), 0.5); // above: (12 − 10) / (14 − 10)
  assert.equal(intervalScore(7, 10, 9, 14), 3); // below: (10 − 7) / (10 − 9)
  assert.equal(intervalScore(10, 10, 9, 14), 0);
});

test('at the floor of a series censored at 0, the score is the stretch that brings the lower end down to it', () => {
  assert.equal(intervalScore(0, 2, -2, 5, 0), 0.5); // (2 − 0) / (2 − (−2)): y = 0 is held once μ − m·4 ≤ 0
  assert.equal(intervalScore(0, -1, -2, 1, 0), 0); // μ below the floor: every stretch reads as [0, …]
  assert.equal(intervalScore(0, 2, -Infinity, 5, 0), 0); // an interval reaching down to the floor holds it at any stretch
  assert.equal(intervalScore(3, 2, -2, 5, 0), 1 / 3); // above the floor, as without one
});

test('split-conformal calibration brings 80 % intervals of a mis-specified scale back to about 80 % coverage', () => {
  const values = ar1(2000, 21, () => 1);
  for (const scale of [0.4, 2.5]) {
    const { model, spec, series, prepared } = linearModel(values, scale);
    const before = evaluateTest(model, spec, series, prepared, 2, [1, 2], new Rng(1), 100).horizons;
    spec.calibration = calibrateIntervals(model, spec, prepared, { samples: 100, rng: new Rng(2) });
    const after = evaluateTest(model, spec, series, prepared, 2, [1, 2], new Rng(1), 100).horizons;
    assert.equal(spec.calibration.level80.length, 2);
    assert.equal(spec.calibration.points, 160); // the validation span: 10 % of the first 1600 values
    // σ × 0.4 needs a stretch of about 2.5, σ × 2.5 a shrink to about 0.4
    assert.ok(Math.abs(Math.log(spec.calibration.level80[0]! * scale)) < 0.2, `scale ${scale}: multiplier ${spec.calibration.level80[0]}`);
    for (const h of ['1', '2']) {
      assert.ok(Math.abs(before[h]!.coverage80 - 0.8) > 0.15, `scale ${scale}, h=${h}: uncalibrated ${before[h]!.coverage80}`);
      assert.ok(after[h]!.coverage80 > 0.72 && after[h]!.coverage80 < 0.88, `scale ${scale}, h=${h}: calibrated ${after[h]!.coverage80}`);
      assert.ok(after[h]!.coverage95 > 0.85, `scale ${scale}, h=${h}: 95 % ${after[h]!.coverage95}`);
    }
  }
});

test('a longer calibration span widens the intervals when its errors are larger than the validation span\'s, and never narrows them', () => {
  // Calm (sd 0.5) in the validation span [1440, 1600), rough (sd 2) in the year before it.
  const values = ar1(2000, 23, (t) => (t >= 1440 && t < 1600 ? 0.5 : 2));
  const { model, spec, prepared } = linearModel(values, 1);
  const val = calibrateIntervals(model, spec, prepared, { samples: 50, rng: new Rng(2) });
  const year = calibrateIntervals(model, spec, prepared, { samples: 50, rng: new Rng(2), span: 366 });
  assert.equal(val.points, 160);
  assert.equal(year.points, 366);
  for (let h = 0; h < 2; h++) {
    assert.ok(year.level80[h]! >= val.level80[h]! && year.level95[h]! >= val.level95[h]!, `h=${h + 1}: ${year.level80[h]} vs ${val.level80[h]}`);
    assert.ok(year.level80[h]! > 2 * val.level80[h]!, `h=${h + 1}: the rough year stretches the 80 % interval, ${year.level80[h]} vs ${val.level80[h]}`);
  }
  // A span no longer than the validation span changes nothing.
  assert.deepEqual(calibrateIntervals(model, spec, prepared, { samples: 50, rng: new Rng(2), span: 100 }), val);
});

test('a model that is its linear start can be calibrated on refits: each block scored by a fit that has not seen it', () => {
  // Calm (sd 0.5) in the validation span [1440, 1600), rough (sd 2) in the year before it, as above.
  const values = ar1(2000, 23, (t) => (t >= 1440 && t < 1600 ? 0.5 : 2));
  const { model, spec, prepared } = linearModel(values, 1);
  const fit = fitHighway(prepared, spec);
  const before = [...model.highway.weight.data, model.highway.bias!.data[0]!];
  const cuts: number[] = [];
  const refitBefore = (cut: (s: PreparedSeries) => number): Float64Array => { cuts.push(cut(prepared[0]!)); return fit.fitBefore(cut); };
  const c = calibrateIntervals(model, spec, prepared, { samples: 50, rng: new Rng(2), span: 366, refitBefore });
  // max(366, ⅓ of the 1600 targets before the test span) = 533 targets in 4 blocks, each refitted just before it
  assert.deepEqual(cuts, [1067, 1200, 1334, 1467]);
  assert.equal(c.points, 533);
  assert.deepEqual([...model.highway.weight.data, model.highway.bias!.data[0]!], before);
  const val = calibrateIntervals(model, spec, prepared, { samples: 50, rng: new Rng(2) });
  for (let h = 0; h < 2; h++) assert.ok(c.level80[h]! > 2 * val.level80[h]!, `h=${h + 1}: the rough blocks stretch the interval, ${c.level80[h]} vs ${val.level80[h]}`);
  // on a series whose noise does not change, refit calibration repairs a scale 2.5 times too wide
  const steady = linearModel(ar1(2000, 21, () => 1), 2.5);
  const steadyFit = fitHighway(steady.prepared, steady.spec);
  steady.spec.calibration = calibrateIntervals(steady.model, steady.spec, steady.prepared, { samples: 100, rng: new Rng(2), span: 366, refitBefore: steadyFit.fitBefore });
  const after = evaluateTest(steady.model, steady.spec, steady.series, steady.prepared, 2, [1, 2], new Rng(1), 100).horizons;
  for (const h of ['1', '2']) assert.ok(after[h]!.coverage80 > 0.72 && after[h]!.coverage80 < 0.88, `h=${h}: ${after[h]!.coverage80}`);
});

test('the local volatility ratio follows recent surprises, and is 1 without any', () => {
  assert.equal(volatilityRatio([], 4), 1);
  assert.ok(volatilityRatio([0.1, -0.2, 3, -2.5], 4) > 1.5);
  const calm = volatilityRatio(Array.from({ length: 30 }, () => 0.2), 4);
  assert.ok(calm > 0.2 && calm < 0.5, `calm ${calm}`); // pulled towards 1 by the prior weight
  // a short half-life forgets an old shock that a long one still sees
  const old = [5, ...Array.from({ length: 20 }, () => 0.5)];
  assert.ok(volatilityRatio(old, 2) < volatilityRatio(old, 64));
});

test('a local volatility scale is chosen for noise whose size switches by regime, and not for constant noise', () => {
  const switching = linearModel(ar1(1500, 5, (t) => (Math.floor(t / 60) % 2 === 0 ? 0.3 : 3)), 1);
  const chosen = chooseVolatility(switching.model, switching.spec, switching.prepared);
  assert.ok(chosen.volatility !== null && chosen.gainSe > 2, JSON.stringify(chosen));
  assert.ok(chosen.nll[String(chosen.volatility.halfLife)]! < chosen.nll['none']!);
  const constant = linearModel(ar1(1500, 6, () => 1), 1);
  assert.equal(chooseVolatility(constant.model, constant.spec, constant.prepared).volatility, null);
});
