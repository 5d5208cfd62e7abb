import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CheckpointError } from '../../../src/errors.js';
import { TimeSeriesModel } from '../../../src/tasks/timeseries/model.js';
import type { Series } from '../../../src/tasks/timeseries/series.js';
import { buildSpec, fitHighway, prepareAll } from '../../../src/tasks/timeseries/setup.js';
import { TimeSeriesTask, modelFromSpec, spansOf } from '../../../src/tasks/timeseries/task.js';
import { Rng } from '../../../src/tensor/rng.js';

const DAY = 86_400_000;

function taskWith(bump: number): TimeSeriesTask {
  const n = 240;
  const ts = spansOf(n).testStart;
  const values = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 4) + (i >= ts ? bump : 0));
  const times = Float64Array.from({ length: n }, (_, i) => Date.UTC(2001, 0, 1) + i * DAY);
  const series: Series[] = [{ key: '', values, times, features: [] }];
  const spec = buildSpec(series, { columns: { target: 'y', time: ['date'], features: [], group: null }, horizon: 2, cell: 'gru', hidden: 5, layers: 1, window: 20, lags: 3, period: null });
  const model = new TimeSeriesModel(spec.model, { rng: new Rng(4) });
  const prepared = prepareAll(series, spec, 2);
  const fit = fitHighway(prepared, spec);
  model.initFromAR(fit.beta, fit.sigma);
  return new TimeSeriesTask({ model, spec, series: prepared, batch: 6, shrink: 1 });
}

test('training never reads the test span: changing it changes no loss, scaling or highway fit', () => {
  const a = taskWith(0);
  const b = taskWith(50);
  const ra = new Rng(7);
  const rb = new Rng(7);
  for (let k = 0; k < 5; k++) assert.equal(a.trainStep(ra).loss.item(), b.trainStep(rb).loss.item());
  assert.deepEqual(a.model.highway.weight.data, b.model.highway.weight.data);
  assert.equal(a.evaluate().loss, b.evaluate().loss); // validation lies before the test span too
});

test('the model has PyTorch parameter names and its stored spec rebuilds it', () => {
  const t = taskWith(0);
  assert.deepEqual(t.model.namedParameters().map(([n]) => n),
    ['rnn.weight_ih_l0', 'rnn.weight_hh_l0', 'rnn.bias_ih_l0', 'rnn.bias_hh_l0', 'head.weight', 'head.bias', 'highway.weight', 'highway.bias']);
  const { model, spec } = modelFromSpec(JSON.parse(JSON.stringify(t.modelConfig())) as Record<string, unknown>);
  assert.equal(model.parameterCount(), t.model.parameterCount());
  assert.equal(spec.window, 20);
  assert.throws(() => modelFromSpec({ task: 'charlm' }), (e: unknown) => e instanceof CheckpointError && /expected a timeseries model/.test(e.message));
});

test('a stored calibration, volatility scale, trend or transform that is not what it must be is a CheckpointError', () => {
  const config = JSON.parse(JSON.stringify(taskWith(0).modelConfig())) as Record<string, unknown>;
  const ok = modelFromSpec({ ...config, calibration: { level80: [1.2, 1.3], level95: [1, 1], points: 9 }, volatility: { halfLife: 16 } });
  assert.deepEqual(ok.spec.calibration?.level80, [1.2, 1.3]);
  assert.throws(() => modelFromSpec({ ...config, calibration: { level80: [1.2, 'x'], level95: [1] } }),
    (e: unknown) => e instanceof CheckpointError && e.code === 'bad_checkpoint' && /^model config calibration: expected \{ level80, level95 \} with a finite multiplier ≥ 0 per horizon, got /.test(e.message));
  assert.throws(() => modelFromSpec({ ...config, volatility: { halfLife: -1 } }),
    (e: unknown) => e instanceof CheckpointError && /^model config volatility: expected \{ halfLife \} with a half-life > 0, got \{"halfLife":-1\}/.test(e.message));
  assert.deepEqual(modelFromSpec({ ...config, trend: { origin: 5, unit: 2 } }).spec.trend, { origin: 5, unit: 2 });
  assert.throws(() => modelFromSpec({ ...config, trend: { origin: 5, unit: 0 } }),
    (e: unknown) => e instanceof CheckpointError && /^model config trend: expected \{ origin, unit \} with finite numbers and unit > 0, got \{"origin":5,"unit":0\}/.test(e.message));
  assert.throws(() => modelFromSpec({ ...config, transform: 'sqrt' }),
    (e: unknown) => e instanceof CheckpointError && /^model config transform: expected 'none', 'log' or 'log1p', got "sqrt"/.test(e.message));
  assert.throws(() => modelFromSpec({ ...config, transform: 'log1p' }), // a log1p model stores c per series
    (e: unknown) => e instanceof CheckpointError && /^model config scaling '': expected log1p's shift c > 0, got undefined/.test(e.message));
  const scaling = config['scaling'] as Record<string, { target: object }>;
  const withShift = Object.fromEntries(Object.entries(scaling).map(([k, v]) => [k, { ...v, target: { ...v.target, shift: 2.5 } }]));
  assert.equal(modelFromSpec({ ...config, transform: 'log1p', scaling: withShift }).spec.transform, 'log1p');
  assert.deepEqual(modelFromSpec({ ...config, harmonics: { year: 5, week: 3 } }).spec.harmonics, { year: 5, week: 3 });
  assert.throws(() => modelFromSpec({ ...config, harmonics: { year: 2.5 } }),
    (e: unknown) => e instanceof CheckpointError && /^model config harmonics: expected \{ day, week, year, cycle \} integers 1 … 6, got \{"year":2.5\}/.test(e.message));
  assert.throws(() => modelFromSpec({ ...config, harmonics: { month: 2 } }), (e: unknown) => e instanceof CheckpointError);
  assert.deepEqual(modelFromSpec({ ...config, calendar: ['cycle'], rnnCalendar: ['cycle'], period: 7, harmonics: { cycle: 3 } }).spec.calendar, ['cycle']);
  assert.deepEqual(modelFromSpec({ ...config, calendar: ['year'], rnnCalendar: [], alternating: ['year'] }).spec.alternating, ['year']);
  assert.throws(() => modelFromSpec({ ...config, calendar: ['year'], rnnCalendar: [], alternating: ['week'] }),
    (e: unknown) => e instanceof CheckpointError && /^model config alternating: expected calendar kinds of the model \(year\), got \["week"\]/.test(e.message));
  assert.throws(() => modelFromSpec({ ...config, calendar: ['cycle'], rnnCalendar: [], period: null }),
    (e: unknown) => e instanceof CheckpointError && /^model config period: expected an integer ≥ 3 for the 'cycle' calendar, got null/.test(e.message));
  assert.throws(() => modelFromSpec({ ...config, calendar: ['month'] }),
    (e: unknown) => e instanceof CheckpointError && /^model config calendar: expected kinds of day, week, year, cycle \(rnnCalendar among them\), got \["month"\]/.test(e.message));
});

test('on random walks the highway starts as the last-value forecast itself (λ = ∞), and on a sine it does not', () => {
  const fitOf = (values: Float64Array, calendar: boolean): ReturnType<typeof fitHighway> => {
    const times = Float64Array.from(values, (_, i) => Date.UTC(2001, 0, 1) + i * DAY);
    const series: Series[] = [{ key: '', values, times, features: [] }];
    const spec = buildSpec(series, { columns: { target: 'y', time: ['date'], features: [], group: null }, horizon: 2, cell: 'gru', hidden: 5, layers: 1, window: 20, lags: 6, period: null, calendar });
    return fitHighway(prepareAll(series, spec, 2), spec);
  };
  // A level regression on a random walk is spurious, and blocked cross-validation rewards it by
  // interpolating a held-out block from both sides; only the forward check says no, every time.
  for (let seed = 1; seed <= 10; seed++) {
    const rng = new Rng(seed);
    const walk = new Float64Array(400);
    walk[0] = 100;
    for (let i = 1; i < walk.length; i++) walk[i] = walk[i - 1]! + rng.normal();
    for (const calendar of [true, false]) {
      const w = fitOf(walk, calendar);
      assert.equal(w.ridge, Infinity, `seed ${seed}, calendar ${calendar}: gain ${w.cvGain} ± ${w.cvGainSe}`);
      assert.ok(w.beta.every((b) => b === 0));
    }
  }
  const s = fitOf(Float64Array.from({ length: 400 }, (_, i) => 10 + Math.sin(i / 5)), true);
  assert.ok(Number.isFinite(s.ridge) && s.beta.some((b) => b !== 0) && s.cvGain > 2 * s.cvGainSe);
});
