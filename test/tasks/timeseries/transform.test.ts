import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataError } from '../../../src/errors.js';
import { evaluateTest } from '../../../src/tasks/timeseries/evaluate.js';
import { forecast } from '../../../src/tasks/timeseries/forecast.js';
import { fitSeriesScaling, modelFloor, prepareSeries } from '../../../src/tasks/timeseries/inputs.js';
import { TimeSeriesModel } from '../../../src/tasks/timeseries/model.js';
import type { Series } from '../../../src/tasks/timeseries/series.js';
import { type LinearStart, autoTransform, buildLinear } from '../../../src/tasks/timeseries/setup.js';
import { checkDomain, inverseTransform, log1pShift, transformValue } from '../../../src/tasks/timeseries/transform.js';
import { Rng } from '../../../src/tensor/rng.js';

const DAY = 86_400_000;

function daily(values: Float64Array): Series[] {
  return [{ key: '', values, times: Float64Array.from(values, (_, i) => Date.UTC(2010, 0, 1) + i * DAY), features: [] }];
}

function linearOf(series: Series[], transform?: 'none'): LinearStart {
  const o = { columns: { target: 'y', time: ['date'], features: [], group: null }, horizon: 3, cell: 'gru' as const, hidden: 3, layers: 1 };
  return buildLinear(series, transform ? { ...o, transform } : o, 3);
}

/** Three years of daily rain: wet spells (a wet day follows a wet one more often), wetter winters, log-normal amounts. */
function rain(seed: number): Float64Array {
  const rng = new Rng(seed);
  let wet = false;
  return Float64Array.from({ length: 1095 }, (_, i) => {
    const winter = Math.cos((2 * Math.PI * i) / 365.25);
    wet = rng.uniform() < (wet ? 0.7 : 0.25) + 0.15 * winter;
    return wet ? Math.exp(1 + 0.5 * winter + 0.8 * rng.normal()) : 0;
  });
}

test('log1p reads log(1 + y/c) and reads back values below that of 0 as 0; c is the median positive training value', () => {
  assert.equal(transformValue(3, 'log1p', 1), Math.log(4));
  assert.ok(Math.abs(inverseTransform(transformValue(2.5, 'log1p', 4), 'log1p', 4) - 2.5) < 1e-12);
  assert.equal(inverseTransform(-0.3, 'log1p', 4), 0);
  assert.equal(inverseTransform(Math.log(5), 'log', 1), 5);
  assert.equal(log1pShift([0, 3, 0, 1, 8, 100], 5), 3); // positives before index 5: 3, 1, 8
  assert.equal(log1pShift([0, 0], 2), 1);
  // the unit does not matter: rain in inches is scaled to the same model values as in millimetres
  const mm = rain(1);
  const inches = Float64Array.from(mm, (v) => v / 25.4);
  const a = fitSeriesScaling(daily(mm)[0]!, 800, 'log1p').target;
  const b = fitSeriesScaling(daily(inches)[0]!, 800, 'log1p').target;
  assert.ok(Math.abs(a.mean - b.mean) < 1e-9 && Math.abs(a.std - b.std) < 1e-9, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
});

test('values outside a transform\'s domain are a DataError naming the series and the value', () => {
  assert.throws(() => checkDomain([1, 0, 2], 'log', 'AAPL'), (e: unknown) => e instanceof DataError && /series 'AAPL': expected positive values for the model's log transform, got 0/.test(e.message));
  assert.throws(() => checkDomain([1, -0.5], 'log1p', ''), (e: unknown) => e instanceof DataError && /expected non-negative values for the model's log1p transform, got -0.5/.test(e.message));
  checkDomain([0, 1], 'log1p', '');
  checkDomain([-3], 'none', '');
});

test('rain (non-negative, with dry days) is modelled as log1p, forecasts better than without it, and no forecast or bound is negative', () => {
  const series = daily(rain(7));
  const lin = linearOf(series);
  const plain = linearOf(series, 'none');
  assert.equal(lin.spec.transform, 'log1p');
  assert.ok(lin.transformGain !== null && lin.transformGain.keep);
  const mase = (l: LinearStart): number => {
    const model = new TimeSeriesModel(l.spec.model, { rng: new Rng(3) });
    model.initFromAR(l.fit.refit, l.fit.sigma);
    return evaluateTest(model, l.spec, series, l.prepared, 3, [1], new Rng(1), 0).horizons['1']!.mase;
  };
  assert.ok(mase(lin) < mase(plain), `log1p ${mase(lin)} vs none ${mase(plain)}`);
  const model = new TimeSeriesModel(lin.spec.model, { rng: new Rng(3) });
  model.initFromAR(lin.fit.refit, lin.fit.sigma);
  const s = lin.prepared[0]!;
  const reqs = Array.from({ length: 40 }, (_, k) => ({ s, origin: 900 + k }));
  const fc = forecast(model, lin.spec, reqs, 3, { samples: 100, rng: new Rng(2) });
  let atZero = 0;
  for (const f of fc) {
    for (let h = 0; h < 3; h++) {
      assert.ok(f.lo95[h]! >= 0 && f.lo95[h]! <= f.lo80[h]! && f.mean[h]! >= 0 && f.hi80[h]! <= f.hi95[h]!);
      if (f.lo80[h] === 0) atZero++;
    }
  }
  assert.ok(atZero > 0, 'some 80 % intervals reach 0');
  assert.equal(modelFloor(s, 'log1p'), (Math.log1p(0) - s.scaling.target.mean) / s.scaling.target.std);
  assert.equal(modelFloor(s, 'none'), -Infinity);
});

test('logs are for positive series that grow: a stationary one whose calm days are near 0 (wind) is not logged', () => {
  const rng = new Rng(4);
  let a = 0;
  const wind = Float64Array.from({ length: 1000 }, () => { a = 0.5 * a + 0.45 * rng.normal(); return Math.exp(1 + a); });
  const tr = wind.subarray(0, 800);
  assert.ok(Math.max(...tr) / Math.min(...tr) >= 3, 'max/min alone would call for a log');
  assert.equal(autoTransform(daily(wind)), 'none');
  const growing = Float64Array.from(wind, (v, i) => v * Math.exp(0.001 * i)); // the same noise on a 2.2× rise
  assert.equal(autoTransform(daily(growing)), 'log');
});

test('a level series with a weekly season that touches 0 now and then keeps no transform: log1p must win forward in time', () => {
  for (const seed of [1, 2]) {
    const rng = new Rng(seed);
    let a = 0;
    const values = Float64Array.from({ length: 900 }, (_, i) => { a = 0.6 * a + rng.normal(); return Math.max(0, 4 + [0, 1, 2, 1, 0, -2, -2][i % 7]! + 1.5 * a); });
    assert.ok(values.filter((v) => v === 0).length >= 20, 'the series has zeros');
    const lin = linearOf(daily(values));
    assert.equal(lin.spec.transform, 'none', `seed ${seed}`);
    assert.ok(lin.transformGain !== null && !lin.transformGain.keep);
  }
});

test('the 80 % interval of a forecast with at least 10 % at 0 is everything up to its 80th percentile', () => {
  const series = daily(rain(11));
  const lin = linearOf(series);
  const model = new TimeSeriesModel(lin.spec.model, { rng: new Rng(3) });
  model.initFromAR(lin.fit.refit, lin.fit.sigma);
  const s = prepareSeries(series[0]!, lin.spec, 1);
  const reqs = Array.from({ length: 200 }, (_, k) => ({ s, origin: 850 + k }));
  const [f] = forecast(model, lin.spec, reqs.slice(0, 1), 1, { samples: 0, rng: new Rng(0) });
  // one step: the Gaussian in model units, μ ± zσ, censored at the floor
  const mu = f!.zMean[0]!;
  const sd = f!.zSigma[0]!;
  const floor = modelFloor(s, 'log1p');
  assert.ok(mu - 1.2816 * sd <= floor, 'this forecast puts ≥ 10 % at 0');
  assert.equal(f!.lo80[0], 0);
  assert.ok(Math.abs(f!.zBounds[1]! - (mu + 0.8416 * sd)) < 1e-3, `hi80 at μ + Φ⁻¹(0.8)σ: ${f!.zBounds[1]} vs ${mu + 0.8416 * sd}`);
  // a calibration that shrinks to nothing (a validation span of dry days scores 0) still holds 0, never NaN
  const [g] = forecast(model, { ...lin.spec, calibration: { level80: [0], level95: [0], points: 9 } }, reqs.slice(0, 1), 1, { samples: 0, rng: new Rng(0) });
  assert.equal(g!.lo80[0], 0);
  assert.equal(g!.lo95[0], 0);
  assert.equal(g!.hi80[0], g!.mean[0]);
});
