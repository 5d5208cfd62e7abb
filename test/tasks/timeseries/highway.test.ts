import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateTest } from '../../../src/tasks/timeseries/evaluate.js';
import { TimeSeriesModel } from '../../../src/tasks/timeseries/model.js';
import type { Series } from '../../../src/tasks/timeseries/series.js';
import { forwardStart, passesGate, pickCandidate, seasonSteps } from '../../../src/tasks/timeseries/highway.js';
import { type LinearStart, buildLinear } from '../../../src/tasks/timeseries/setup.js';
import { Rng } from '../../../src/tensor/rng.js';

const DAY = 86_400_000;
const WEEK = [0, 0.3, 0.5, 0.4, 0.6, -0.9, -1];

function daily(values: Float64Array): Series[] {
  return [{ key: '', values, times: Float64Array.from(values, (_, i) => Date.UTC(2010, 0, 1) + i * DAY), features: [] }];
}

function linearOf(series: Series[], H: number): LinearStart {
  return buildLinear(series, { columns: { target: 'y', time: ['date'], features: [], group: null }, horizon: H, cell: 'gru', hidden: 3, layers: 1 }, H);
}

test('on an AR(2) with a weekly season and a trend, the linear model forecasts the test span no worse than the AR(p) baseline (exactly it when its form wins)', () => {
  for (const [seed, wins] of [[10, 'ar'], [15, 'arxh'], [2, 'trendar']] as const) { // which candidate wins forward in time
    const rng = new Rng(seed);
    const values = new Float64Array(700);
    let a = 0;
    let b = 0;
    for (let i = 0; i < values.length; i++) {
      const x = 1.2 * a - 0.4 * b + 0.5 * rng.normal();
      b = a;
      a = x;
      values[i] = 30 + 0.01 * i + 2 * WEEK[i % 7]! + x;
    }
    const series = daily(values);
    const lin = linearOf(series, 2);
    // The model as saved without its recurrent part: the highway refitted up to the test span, a zero head.
    const model = new TimeSeriesModel(lin.spec.model, { rng: new Rng(3) });
    model.initFromAR(lin.fit.refit, lin.fit.sigma);
    const r = evaluateTest(model, lin.spec, series, lin.prepared, 2, [1, 2], new Rng(1), 0);
    assert.equal(lin.fit.candidate, wins, `seed ${seed}`);
    for (const h of ['1', '2']) {
      const model = r.horizons[h]!.mase;
      const ar = r.baselines['ar']![h]!.mase;
      assert.ok(wins === 'ar' ? Math.abs(model - ar) <= 1e-4 : model <= ar, `seed ${seed}, h=${h}: model ${model}, AR(${r.ar_order['']}) ${ar}`);
    }
  }
});

test('a steep additive trend from a low start is modelled without a log, a growing random walk keeps it', () => {
  const rng = new Rng(5);
  const line = Float64Array.from({ length: 600 }, (_, i) => 5 + 0.05 * i + WEEK[i % 7]! + 0.5 * rng.normal());
  const steep = linearOf(daily(line), 2);
  assert.equal(steep.spec.transform, 'none');
  assert.equal(steep.spec.level, 'absolute');
  assert.ok(steep.transformGain !== null && steep.transformGain.keep);
  const walk = new Float64Array(600);
  walk[0] = 10;
  for (let i = 1; i < walk.length; i++) walk[i] = walk[i - 1]! * Math.exp(0.004 + 0.03 * rng.normal());
  const price = linearOf(daily(walk), 2);
  assert.equal(price.spec.transform, 'log');
  assert.equal(price.fit.candidate, 'naive');
  assert.ok(price.fit.refit.every((v) => v === 0));
});

test('the highway fitted up to the validation span differs from its refit up to the test span, which reads no test value', () => {
  const rng = new Rng(9);
  const values = Float64Array.from({ length: 500 }, (_, i) => 10 + 3 * Math.sin(i / 3) + WEEK[i % 7]! + 0.3 * rng.normal());
  const a = linearOf(daily(values), 2);
  const bumped = Float64Array.from(values, (v, i) => (i >= 400 ? v + 100 : v));
  const b = linearOf(daily(bumped), 2);
  assert.notEqual(a.fit.candidate, 'naive');
  assert.deepEqual(a.fit.refit, b.fit.refit);
  assert.ok(a.fit.refit.some((v, k) => Math.abs(v - a.fit.beta[k]!) > 1e-9));
});

/** 1100 days (3 years) of 15 + 0.01·t + a yearly sine of amplitude 8 + AR(1) noise (φ 0.7). */
function trendingYear(seed: number): Series[] {
  const rng = new Rng(seed);
  const values = new Float64Array(1100);
  let e = 0;
  for (let i = 0; i < values.length; i++) {
    e = 0.7 * e + rng.normal();
    values[i] = 15 + 0.01 * i + 8 * Math.sin((2 * Math.PI * i) / 365.25) + e;
  }
  return daily(values);
}

/** The linear start alone (refitted up to the test span) forecasts the test span below naive and AR(p) at h = 1 and 7. */
function assertBelowNaiveAndAr(series: Series[], lin: LinearStart, what: string): void {
  const model = new TimeSeriesModel(lin.spec.model, { rng: new Rng(3) });
  model.initFromAR(lin.fit.refit, lin.fit.sigma);
  const r = evaluateTest(model, lin.spec, series, lin.prepared, 7, [1, 7], new Rng(1), 0);
  for (const h of ['1', '7']) {
    const m = r.horizons[h]!.mase;
    for (const b of ['naive', 'ar']) assert.ok(m < r.baselines[b]![h]!.mase, `${what}, h=${h}: model ${m}, ${b} ${r.baselines[b]![h]!.mase}`);
  }
}

test('a yearly season on a trend that leaves the training range is forecast by the trend candidate, below naive and AR(p)', () => {
  // Seed 5: one where the trend candidate wins forward in time (see the next test for others).
  const series = trendingYear(5);
  const lin = linearOf(series, 7);
  assert.equal(lin.fit.candidate, 'trend');
  assert.equal(lin.spec.transform, 'none');
  // τ runs 0 … 1 over the span before the test span and on past 1 into it (and the future calendar rows).
  const s = lin.prepared[0]!;
  const C = lin.spec.model.exo;
  const tau = (i: number): number => s.cov[i * C + C - 1]!;
  assert.ok(Math.abs(tau(0)) < 1e-12 && Math.abs(tau(879) - 1) < 1e-12 && tau(1099) > 1.2, `τ ${tau(0)} ${tau(879)} ${tau(1099)}`);
  assertBelowNaiveAndAr(series, lin, 'seed 5');
  // Without the trend column the same series gets no candidate that extrapolates the trend.
  const flat = buildLinear(series, { columns: { target: 'y', time: ['date'], features: [], group: null }, horizon: 7, cell: 'gru', hidden: 3, layers: 1, trend: false }, 7);
  assert.equal(flat.spec.trend, undefined);
  assert.notEqual(flat.fit.candidate, 'trend');
});

test('the forward check scores only blocks whose fit has seen a full season (a year of daily steps) when half the targets remain', () => {
  const daySpec = { period: 7, calendar: ['week', 'year'] as ('week' | 'year')[], step: DAY, weekdaysOnly: false };
  assert.equal(seasonSteps(daySpec), 366);
  assert.equal(seasonSteps({ ...daySpec, calendar: ['week'] }), 7);
  assert.equal(seasonSteps({ period: 12, calendar: ['year'], step: 30.44 * DAY, weekdaysOnly: false }), 12);
  assert.equal(forwardStart(5000, 366), 1000); // long series: the first fifth, as before
  assert.equal(forwardStart(900, 366), 366);
  assert.equal(forwardStart(700, 366), 140); // under two seasons: the first fifth
});

test('the forward check scores only blocks whose fit has seen two seasons when 40 % of the targets remain: 5 years of weekly data', () => {
  assert.equal(forwardStart(182, 52), 104); // 3.5 years of weekly training targets: 78 scored
  assert.equal(forwardStart(160, 52), 52); // two seasons would leave 35 %: one
  assert.equal(forwardStart(88, 12), 24); // 10 years of monthly data: two years, not the first fifth's 17.6
});

test('the structural candidate wins within one standard error of the lowest loss, when it has fewer columns', () => {
  const lowest = [1, 2, 1.5];
  assert.equal(pickCandidate([lowest, [1.1, 1.9, 1.6]], [20, 14], 1), 1); // 0.033 worse on average, 1 SE 0.067
  assert.equal(pickCandidate([lowest, [1.1, 2.1, 1.6]], [20, 14], 1), 0); // 0.1 worse on every block: SE 0
  assert.equal(pickCandidate([lowest, [1.1, 1.9, 1.6]], [14, 14], 1), 0); // no fewer columns
  assert.equal(pickCandidate([[1.1, 1.9, 1.6], lowest, [0.9, 2, 1.4]], [14, 20, 9], 1), 2); // the lowest itself
  assert.equal(pickCandidate([lowest, [1.1, 1.9, 1.6]], [20, 14], -1), 0); // no structural candidate
});

test('the first forward fit holds at least 3 targets per weight where half the targets remain: 12 years of monthly data', () => {
  assert.equal(forwardStart(103, 12, 51), 51); // 17 weights (14 lags, 2 calendar, intercept): 51 rows, not the first fifth's 20.6
  assert.equal(forwardStart(103, 12, 80), 51.5); // never more than half
  assert.equal(forwardStart(5000, 366, 60), 1000);
});

test('with more lags than the AR order, the \'ar\' candidate is exactly the AR(p) baseline: fitted on the same targets', () => {
  for (const seed of [1, 7]) { // seeds where it wins forward in time (on seed 3 'trendar', AR(2) plus a spurious 74-step cycle and τ, does)
    const rng = new Rng(seed);
    let a = 0;
    let b = 0;
    const values = Float64Array.from({ length: 500 }, () => { const x = 1.3 * a - 0.5 * b + rng.normal(); b = a; a = x; return 50 + x; });
    const series: Series[] = [{ key: '', values, times: null, features: [] }];
    const lin = buildLinear(series, { columns: { target: 'y', time: [], features: [], group: null }, horizon: 3, cell: 'gru', hidden: 3, layers: 1, lags: 10 }, 3);
    assert.equal(lin.fit.candidate, 'ar');
    const model = new TimeSeriesModel(lin.spec.model, { rng: new Rng(3) });
    model.initFromAR(lin.fit.refit, lin.fit.sigma);
    const r = evaluateTest(model, lin.spec, series, lin.prepared, 3, [1, 3], new Rng(1), 0);
    assert.equal(r.ar_order[''], 2);
    for (const h of ['1', '3']) assert.ok(Math.abs(r.horizons[h]!.mase - r.baselines['ar']![h]!.mase) <= 1e-4, `seed ${seed}, h=${h}: ${r.horizons[h]!.mase} vs ${r.baselines['ar']![h]!.mase}`);
  }
});

test('three years of a trending yearly season: with a full year in every forward fit the model beats naive and AR(p)', () => {
  // Seeds whose early forward folds (under a year) once chose a log or the last value and lost to AR(p).
  for (const [seed, wins] of [[1, 'arx'], [2, 'trend'], [11, 'trendar']] as const) {
    const series = trendingYear(seed);
    const lin = linearOf(series, 7);
    assert.equal(lin.fit.candidate, wins, `seed ${seed}`);
    assertBelowNaiveAndAr(series, lin, `seed ${seed}`);
  }
});

function momentum(seed: number, drift: number): Series[] {
  // Δz_t = drift + φ (Δz_{t−1} − drift) + ε: an AR on the changes, no level to revert to
  const rng = new Rng(seed);
  const phi = drift === 0 ? 0.9 : 0.7;
  let d = 0;
  let z = 1000;
  return daily(Float64Array.from({ length: 400 }, () => { d = drift + phi * (d - drift) + rng.normal(); z += d; return z; }));
}

/** The model's test MASE is below every baseline's at h = 1 and 7. */
function assertBelowEveryBaseline(m: ReturnType<typeof savedModelMase>, label: string): void {
  for (const h of [1, 7]) {
    for (const [name, b] of Object.entries(m.baselines)) assert.ok(m.model[h]! < b[h]!, `${label}, h=${h}: model ${m.model[h]}, ${name} ${b[h]}`);
  }
}

/** Test MASE at h = 1 and 7 of the model as saved without its recurrent part (the refitted highway), and of each baseline. */
function savedModelMase(series: Series[], lin: LinearStart): { model: Record<string, number>; baselines: Record<string, Record<string, number>> } {
  const model = new TimeSeriesModel(lin.spec.model, { rng: new Rng(3) });
  model.initFromAR(lin.fit.refit, lin.fit.sigma);
  const r = evaluateTest(model, lin.spec, series, lin.prepared, 7, [1, 7], new Rng(1), 0);
  const of = (m: Record<string, { mase: number }>): Record<string, number> => ({ 1: m['1']!.mase, 7: m['7']!.mase });
  return { model: of(r.horizons), baselines: Object.fromEntries(Object.entries(r.baselines).map(([name, b]) => [name, of(b)])) };
}

test('momentum on a drift (ARIMA(1,1,0) with a drift): an AR of the changes wins and forecasts as the true model does', () => {
  const ratios: number[] = [];
  for (const seed of [1, 2, 3, 4]) {
    const series = momentum(seed, 0.5);
    const values = series[0]!.values;
    const lin = linearOf(series, 7);
    assert.ok(lin.fit.candidate === 'diff' || lin.fit.candidate === 'diff0', `seed ${seed}: ${lin.fit.candidate}`);
    const m = savedModelMase(series, lin);
    assert.ok(m.model[1]! < m.baselines['naive']![1]!, `seed ${seed}`);
    // the true model's forecasts, scored the same way (test span: the last 80 points)
    const scale = values.subarray(1, 320).reduce((u, v, i) => u + Math.abs(v - values[i]!), 0) / 319;
    for (const h of [1, 7]) {
      let err = 0;
      for (let j = 320; j < 400; j++) {
        let dd = values[j - h]! - values[j - h - 1]!;
        let zz = values[j - h]!;
        for (let k = 0; k < h; k++) { dd = 0.5 + 0.7 * (dd - 0.5); zz += dd; }
        err += Math.abs(values[j]! - zz);
      }
      ratios.push(m.model[h]! / (err / 80 / scale));
    }
  }
  const mean = ratios.reduce((u, v) => u + v, 0) / ratios.length;
  assert.ok(mean < 1.03 && Math.max(...ratios) < 1.1, `model / true model: ${ratios.map((v) => v.toFixed(3)).join(' ')}`);
});

test('momentum without a drift (the slope wanders, as employment counts do): the changes\' AR without an intercept, at or below naive and AR(p)', () => {
  const wins = ['diff0', 'diff0', 'diff0', 'diff', 'diff0', 'diff0'];
  for (let seed = 1; seed <= wins.length; seed++) {
    const series = momentum(seed, 0);
    const lin = linearOf(series, 7);
    assert.equal(lin.fit.candidate, wins[seed - 1], `seed ${seed}`);
    const m = savedModelMase(series, lin);
    for (const h of [1, 7]) {
      const [naive, ar] = [m.baselines['naive']![h]!, m.baselines['ar']![h]!];
      assert.ok(m.model[h]! <= 1.001 * Math.min(naive, ar), `seed ${seed}, h=${h}: ${m.model[h]} against naive ${naive}, AR ${ar}`);
    }
  }
});

test('an airline-like monthly series (12 years, a multiplicative season and a trend): every month-of-year effect in the calendar, below every baseline', () => {
  const year12 = [-0.1, -0.12, 0, -0.02, 0, 0.12, 0.22, 0.21, 0.06, -0.08, -0.2, -0.09];
  for (const seed of [1, 3, 4]) {
    const rng = new Rng(seed);
    let e = 0;
    const values = Float64Array.from({ length: 144 }, (_, i) => { e = 0.6 * e + 0.03 * rng.normal(); return Math.exp(Math.log(110) + 0.0105 * i + year12[i % 12]! + e); });
    const series: Series[] = [{ key: '', values, times: Float64Array.from(values, (_, i) => Date.UTC(1949 + Math.floor(i / 12), i % 12, 1)), features: [] }];
    const lin = linearOf(series, 7);
    assert.deepEqual(lin.spec.harmonics, { year: 5 });
    assert.equal(lin.fit.candidate, 'arxh', `seed ${seed}`);
    assertBelowEveryBaseline(savedModelMase(series, lin), `seed ${seed}`);
  }
});

test('the gate keeps a fit that beats the last value by 2 SE in one step, or by one in one step and 2 in H', () => {
  const g = (mean: number, se: number) => ({ keep: mean > 2 * se, mean, se });
  const never = (): never => { throw new Error('the H-step gain is computed only when one step is between 1 and 2 SE'); };
  assert.equal(passesGate(g(3, 1), never).keep, true);
  assert.equal(passesGate(g(0.5, 1), never).keep, false);
  assert.equal(passesGate(g(-1, 1), never).keep, false);
  assert.equal(passesGate(g(1.5, 1), () => g(3, 1)).keep, true);
  assert.equal(passesGate(g(1.5, 1), () => g(1.5, 1)).keep, false);
  assert.deepEqual(passesGate(g(1.5, 1), () => g(3, 1)), { keep: true, mean: 1.5, se: 1 }); // reported gain: one step
});

test('five years of weekly data with a yearly wave and a trend: two seasons before the first scored block, below every baseline', () => {
  for (const seed of [1, 2, 3]) {
    const rng = new Rng(seed);
    let e = 0;
    const values = Float64Array.from({ length: 260 }, (_, i) => {
      e = 0.6 * e + 0.8 * rng.normal();
      const phase = (2 * Math.PI * i * 7) / 365.25;
      return 20 + 0.02 * i + 4 * Math.sin(phase) + 1.5 * Math.cos(2 * phase) + e;
    });
    const series: Series[] = [{ key: '', values, times: Float64Array.from(values, (_, i) => Date.UTC(2010, 0, 4) + 7 * i * DAY), features: [] }];
    const lin = linearOf(series, 7);
    assert.deepEqual(lin.spec.harmonics, { year: 2 });
    assert.notEqual(lin.fit.candidate, 'naive', `seed ${seed}`);
    assertBelowEveryBaseline(savedModelMase(series, lin), `seed ${seed}`);
  }
});

test('25 years of quarterly data: the alternating quarter term completes the calendar, and lag 1 with the calendar and τ wins, below every baseline', () => {
  for (const seed of [1, 4, 5]) {
    const rng = new Rng(seed);
    let e = 0;
    const values = Float64Array.from({ length: 100 }, (_, i) => { e = 0.5 * e + rng.normal(); return 100 + 0.5 * i + [3, -2, 1, -2][i % 4]! + e; });
    const series: Series[] = [{ key: '', values, times: Float64Array.from(values, (_, i) => Date.UTC(1960 + Math.floor(i / 4), 3 * (i % 4), 1)), features: [] }];
    const lin = linearOf(series, 7);
    assert.deepEqual(lin.spec.alternating, ['year']);
    assert.equal(lin.fit.candidate, 'trendar', `seed ${seed}`);
    assertBelowEveryBaseline(savedModelMase(series, lin), `seed ${seed}`);
  }
});
