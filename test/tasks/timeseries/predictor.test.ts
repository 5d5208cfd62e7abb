import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataError } from '../../../src/errors.js';
import { forecast } from '../../../src/tasks/timeseries/forecast.js';
import { SIGMA_MIN } from '../../../src/tasks/timeseries/gaussian.js';
import { anchorLevel, calendarSize, fillInputs, prepareSeries } from '../../../src/tasks/timeseries/inputs.js';
import { TimeSeriesModel } from '../../../src/tasks/timeseries/model.js';
import { StreamingPredictor } from '../../../src/tasks/timeseries/predictor.js';
import type { Series } from '../../../src/tasks/timeseries/series.js';
import { buildSpec, fitHighway } from '../../../src/tasks/timeseries/setup.js';
import { Rng } from '../../../src/tensor/rng.js';

const DAY = 86_400_000;

function setup() {
  const rng = new Rng(5);
  const n = 300;
  const times = Float64Array.from({ length: n }, (_, i) => Date.UTC(2010, 0, 1) + i * DAY);
  const values = Float64Array.from({ length: n }, (_, i) => 20 + 5 * Math.sin(i / 9) + [0, 1, 2, 1, 0, -2, -2][i % 7]! + rng.normal());
  const series: Series[] = [{ key: '', values, times, features: [] }];
  const spec = buildSpec(series, { columns: { target: 'y', time: ['date'], features: [], group: null }, horizon: 4, cell: 'lstm', hidden: 6, layers: 1, window: 16 });
  const model = new TimeSeriesModel(spec.model, { rng: new Rng(2) });
  const prepared = prepareSeries(series[0]!, spec, 4);
  const fit = fitHighway([prepared], spec);
  model.initFromAR(fit.beta, fit.sigma);
  // give the recurrent part a say, so the check covers it too
  for (let i = 0; i < model.head.weight.size; i++) model.head.weight.data[i] = 0.3 * Math.sin(i);
  return { series, spec, model, prepared };
}

test('the streaming predictor agrees with batch forecasts from the same origins', () => {
  const { series, spec, model, prepared } = setup();
  const s = series[0]!;
  const start = 200;
  const p = new StreamingPredictor(model, spec, { values: s.values.subarray(0, start), times: s.times!.subarray(0, start), features: [] });
  const origins = Array.from({ length: 20 }, (_, k) => start + k);
  const batch = forecast(model, spec, origins.map((origin) => ({ s: prepared, origin })), 1, { samples: 0, rng: new Rng(0) });
  origins.forEach((o, k) => {
    const next = p.observe(s.values[o]!, s.times![o]!);
    assert.ok(Math.abs(next.mean - batch[k]!.mean[0]!) < 1e-4, `origin ${o}: ${next.mean} vs ${batch[k]!.mean[0]}`);
    assert.ok(Math.abs(next.hi80 - batch[k]!.hi80[0]!) < 1e-4);
    assert.equal(next.time, s.times![o + 1]!);
  });
});

test('the streaming predictor refuses a history shorter than its lags + 1, and time stamps that do not move forward', () => {
  const { series, spec, model } = setup();
  const s = series[0]!;
  const times = Float64Array.from(s.times!.subarray(0, 50));
  times[30] = times[29]!; // a repeated day
  assert.throws(() => new StreamingPredictor(model, spec, { values: s.values.subarray(0, 50), times, features: [] }),
    (e: unknown) => e instanceof DataError && e.message === 'StreamingPredictor history: expected increasing time stamps, got 2010-01-30 at index 30 after 2010-01-30');
  const p = new StreamingPredictor(model, spec, { values: s.values.subarray(0, 50), times: s.times!.subarray(0, 50), features: [] });
  assert.throws(() => new StreamingPredictor(model, spec, { values: s.values.subarray(0, spec.lags), times: s.times!.subarray(0, spec.lags), features: [] }),
    (e: unknown) => e instanceof DataError && e.message === `StreamingPredictor history: expected at least ${spec.lags + 1} values of history for the model's ${spec.lags} lags, got ${spec.lags}`);
  p.observe(s.values[50]!, s.times![50]!);
  assert.throws(() => p.observe(s.values[50]!, s.times![50]!), (e: unknown) => e instanceof DataError &&
    e.message === "observe(time): expected a time after the last observation's (2010-02-20), got 2010-02-20");
  assert.equal(p.observe(s.values[51]!, s.times![51]!).time, s.times![52]!); // the refused one was not added
});

test('multi-step forecasts: intervals widen with the horizon and nest (80 % inside 95 %)', () => {
  const { spec, model, prepared } = setup();
  const [f] = forecast(model, spec, [{ s: prepared, origin: 250 }], 4, { samples: 300, rng: new Rng(1) });
  for (let h = 0; h < 4; h++) {
    assert.ok(f!.lo95[h]! < f!.lo80[h]! && f!.lo80[h]! < f!.mean[h]! && f!.mean[h]! < f!.hi80[h]! && f!.hi80[h]! < f!.hi95[h]!, `h=${h + 1}`);
  }
  assert.ok(f!.hi95[3]! - f!.lo95[3]! > f!.hi95[0]! - f!.lo95[0]!);
});

test('the untrained model starts as its least-squares highway: a linear AR forecast', () => {
  const { spec, prepared } = setup();
  const model = new TimeSeriesModel(spec.model, { rng: new Rng(9) });
  const fit = fitHighway([prepared], spec);
  model.initFromAR(fit.beta, fit.sigma);
  const o = 250;
  const [f] = forecast(model, spec, [{ s: prepared, origin: o }], 1, { samples: 0, rng: new Rng(0) });
  // μ = z_o + β·a + b with a = [z_o, z_{o−1} − z_o, …, calendar(o + 1) and its harmonics]
  const x = new Float32Array(spec.model.inputSize);
  const a = new Float32Array(spec.lags + calendarSize(spec));
  fillInputs(x, 0, a, 0, prepared, spec, o + 1, (k) => prepared.z[k]!, anchorLevel(prepared.z, o - spec.window + 1));
  let mu = prepared.z[o]! + fit.beta[a.length]!;
  a.forEach((v, k) => { mu += fit.beta[k]! * v; });
  const { mean, std } = prepared.scaling.target;
  assert.ok(Math.abs(f!.mean[0]! - (mean + std * mu)) < 1e-4 * std, `${f!.mean[0]} vs ${mean + std * mu}`);
  assert.ok(Math.abs(f!.sigma[0]! - (fit.sigma + SIGMA_MIN) * std) < 1e-5 * std); // σ = softplus(head₁) + σ_min
});

test('a stored calibration stretches each horizon around the mean, and the streaming predictor applies it (and the volatility scale) as batch forecasts do', () => {
  const { series, spec, model, prepared } = setup();
  const o = 250;
  const [raw] = forecast(model, spec, [{ s: prepared, origin: o }], 3, { samples: 0, rng: new Rng(0) });
  const cal = { ...spec, calibration: { level80: [2, 0.5], level95: [0.5, 3], points: 10 } };
  const [f] = forecast(model, cal, [{ s: prepared, origin: o }], 3, { samples: 0, rng: new Rng(0) });
  const close = (a: number, b: number): boolean => Math.abs(a - b) < 1e-9 * (1 + Math.abs(b));
  assert.ok(close(f!.mean[0]!, raw!.mean[0]!)); // points do not move
  assert.ok(close(f!.hi80[0]! - f!.mean[0]!, 2 * (raw!.hi80[0]! - raw!.mean[0]!)));
  // ×0.5 would make the 95 % interval narrower than the 80 % one (×2): it takes the 80 % stretch instead
  assert.ok(close(f!.hi95[0]! - f!.mean[0]!, 2 * (raw!.hi95[0]! - raw!.mean[0]!)) && close(f!.mean[0]! - f!.lo95[0]!, 2 * (raw!.mean[0]! - raw!.lo95[0]!)));
  assert.ok(f!.hi95[0]! > f!.hi80[0]! && f!.lo95[0]! < f!.lo80[0]!);
  assert.ok(close(f!.mean[1]! - f!.lo80[1]!, 0.5 * (raw!.mean[1]! - raw!.lo80[1]!)));
  assert.ok(close(f!.hi95[1]! - f!.mean[1]!, 3 * (raw!.hi95[1]! - raw!.mean[1]!)));
  // beyond the calibrated horizons the last multiplier holds
  assert.ok(close(f!.hi80[2]! - f!.mean[2]!, 0.5 * (raw!.hi80[2]! - raw!.mean[2]!)));
  const both: typeof spec = { ...cal, volatility: { halfLife: 4 } };
  const [v] = forecast(model, both, [{ s: prepared, origin: o }], 1, { samples: 0, rng: new Rng(0) });
  assert.ok(!close(v!.hi80[0]! - v!.mean[0]!, f!.hi80[0]! - f!.mean[0]!)); // the volatility scale moves σ
  const s = series[0]!;
  const p = new StreamingPredictor(model, both, { values: s.values.subarray(0, 200), times: s.times!.subarray(0, 200), features: [] });
  const origins = Array.from({ length: 10 }, (_, k) => 200 + k);
  const batch = forecast(model, both, origins.map((origin) => ({ s: prepared, origin })), 1, { samples: 0, rng: new Rng(0) });
  origins.forEach((origin, k) => {
    const next = p.observe(s.values[origin]!, s.times![origin]!);
    for (const key of ['mean', 'lo80', 'hi80', 'lo95', 'hi95'] as const) {
      assert.ok(Math.abs(next[key] - batch[k]![key][0]!) < 1e-4, `origin ${origin} ${key}: ${next[key]} vs ${batch[k]![key][0]}`);
    }
  });
});
