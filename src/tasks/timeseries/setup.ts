// Builds a forecaster for given series: the spec (calendar, step, per-series scaling on the training span,
// seasonal period, highway order, window) and the least-squares ARX fit the model starts from.
import { ConfigError } from '../../errors.js';
import { detectPeriod, leastSquares, selectArOrder } from './baselines.js';
import { type PreparedSeries, type TimeSeriesSpec, type Transform, anchorLevel, calendarSize, fillInputs, fitSeriesScaling, inputSize, prepareSeries } from './inputs.js';
import type { CellType } from './model.js';
import { pairedGain } from './paired.js';
import { type Series, testStart } from './series.js';
import { spansOf } from './task.js';
import { calendarKinds, medianStep, weekdaysOnly } from './time.js';

/** Choices for `buildSpec`; unset ones are chosen from the training spans. */
export interface SpecOptions {
  columns: TimeSeriesSpec['columns'];
  horizon: number;
  cell: CellType;
  hidden: number;
  layers: number;
  /** Default: min(64, the shortest series' training values before validation − 1). */
  window?: number;
  /** Default: the AR order with the lowest BIC on the longest series' training span (at least the period if ≤ 28). */
  lags?: number;
  /** Default: detected by autocorrelation on the longest series' training span (null: none). */
  period?: number | null;
  /** 'auto' (default): 'log' when every value is positive and some series' training max/min ≥ 3, else 'none'. */
  transform?: Transform | 'auto';
  /** Calendar features (default: on when there is a time column). */
  calendar?: boolean;
}

/** The spec of a model for `series` (every statistic from training spans only). */
export function buildSpec(series: readonly Series[], o: SpecOptions): TimeSeriesSpec {
  const longest = series.reduce((a, b) => (b.values.length > a.values.length ? b : a));
  const end = testStart(longest.values.length);
  const times = longest.times;
  const calendar = times && o.calendar !== false ? calendarKinds(times) : [];
  const period = o.period !== undefined ? o.period : detectPeriod(longest.values, end);
  let lags = o.lags ?? selectArOrder(longest.values, end);
  if (o.lags === undefined && period !== null && period <= 28) lags = Math.max(lags, period);
  const transform = o.transform === undefined || o.transform === 'auto' ? autoTransform(series) : o.transform;
  if (transform === 'log' && series.some((s) => s.values.some((v) => !(v > 0)))) {
    throw new ConfigError('--transform log: expected positive values only, got zero or negative ones', 'use --transform none');
  }
  const room = Math.min(...series.map((s) => spansOf(s.values.length).valStart - 1));
  const window = o.window ?? Math.max(2, Math.min(64, room));
  if (window < 2) throw new ConfigError(`--window: expected an integer ≥ 2, got ${window}`);
  const spec: TimeSeriesSpec = {
    task: 'timeseries', columns: o.columns, calendar, rnnCalendar: calendar.filter((k) => k !== 'year'), step: times ? medianStep(times) : 1,
    weekdaysOnly: series.every((s) => s.times !== null && weekdaysOnly(s.times)), window, horizon: o.horizon, lags, period,
    transform, level: transform === 'log' ? 'anchored' : 'absolute', scaling: Object.fromEntries(series.map((s) => [s.key, fitSeriesScaling(s, testStart(s.values.length), transform)])),
    model: { cell: o.cell, inputSize: 0, hidden: o.hidden, layers: o.layers, lags, exo: 0 },
  };
  spec.model = { ...spec.model, inputSize: inputSize(spec), exo: calendarSize(spec) };
  return spec;
}

/** 'log' when every value is positive and some series' training span has max/min ≥ 3 (prices), else 'none'. */
export function autoTransform(series: readonly Series[]): Transform {
  if (series.some((s) => s.values.some((v) => !(v > 0)))) return 'none';
  const ratio = (s: Series): number => {
    const tr = s.values.subarray(0, testStart(s.values.length));
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of tr) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    return hi / lo;
  };
  return series.some((s) => ratio(s) >= 3) ? 'log' : 'none';
}

/** Every series in model units with room for `H` future steps. */
export function prepareAll(series: readonly Series[], spec: TimeSeriesSpec, H: number): PreparedSeries[] {
  return series.map((s) => prepareSeries(s, spec, H));
}

/** The highway's start: weights over [lags, calendar] then the intercept, residual std on the training targets, λ. */
export interface HighwayFit {
  beta: Float64Array;
  sigma: number;
  /** The ridge λ chosen; Infinity when the last-value forecast (β = 0) won. */
  ridge: number;
  /** Forward-in-time mean gain in held-out MSE (scaled units²) of the fit over the last value, and its standard error. */
  cvGain: number;
  cvGainSe: number;
}

/** Ridge strengths tried for the highway (per training target); blocked cross-validation picks one. */
export const RIDGE_GRID = [1e-4, 1e-3, 1e-2, 3e-2, 0.1, 0.3, 1, 3, 10, 30];
const FOLDS = 5;
const SUBBLOCKS = 5;

/**
 * The highway's least-squares start: z_t − z_{t−1} regressed on the highway inputs a_t plus an intercept
 * (see `fillInputs`; ℓ as for the last target of a window) over every series' training targets before its
 * validation span, with ridge λ·N shrinking towards the last-value forecast. λ comes from `RIDGE_GRID` by
 * 5-fold blocked cross-validation over the targets before the test span (each series cut into 5 contiguous
 * blocks; valid for stationary autoregressions, Bergmeir et al. 2018). Then the fit with that λ must beat
 * β = 0 (exactly the last-value forecast) forward in time: fitted on blocks 0 … k−1 and scored on block k
 * (k = 1 … 4), the paired one-step squared errors, averaged over 5 sub-blocks of each scored block, must show
 * a mean gain above 2 standard errors (`pairedGain`, z = 2), else the start is the last-value forecast. On a
 * random walk a level or calendar regression is spurious (Granger & Newbold 1974) and blocked folds reward
 * it by interpolation, hence the forward check and the stricter z; a random walk gets the naive forecast.
 */
export function fitHighway(series: readonly PreparedSeries[], spec: TimeSeriesSpec): HighwayFit {
  const p = spec.lags;
  const C = calendarSize(spec);
  const K = p + C + 1;
  const x = new Float32Array(inputSize(spec));
  const a = new Float32Array(p + C);
  const rows: number[] = [];
  const ys: number[] = [];
  const fold: number[] = [];
  const pos: number[] = []; // where in its fold a target lies, [0, 1)
  const inTrain: boolean[] = [];
  for (const s of series) {
    const sp = spansOf(s.n);
    const zAt = (k: number): number => s.z[k]!;
    const from = Math.max(1, p);
    for (let t = from; t < sp.testStart; t++) {
      fillInputs(x, 0, a, 0, s, spec, t, zAt, anchorLevel(s.z, t - spec.window));
      for (let k = 0; k < p + C; k++) rows.push(a[k]!);
      rows.push(1);
      ys.push(s.z[t]! - s.z[t - 1]!);
      const u = (FOLDS * (t - from)) / Math.max(1, sp.testStart - from);
      fold.push(Math.min(FOLDS - 1, Math.floor(u)));
      pos.push(u - Math.floor(u));
      inTrain.push(t < sp.valStart);
    }
  }
  const pick = (keep: (n: number) => boolean): { X: Float64Array; y: Float64Array; N: number } => {
    const idx = ys.map((_, n) => n).filter(keep);
    const X = new Float64Array(idx.length * K);
    idx.forEach((n, i) => X.set(rows.slice(n * K, (n + 1) * K), i * K));
    return { X, y: Float64Array.from(idx, (n) => ys[n]!), N: idx.length };
  };
  const sse = (beta: Float64Array, d: { X: Float64Array; y: Float64Array; N: number }): number => {
    let ss = 0;
    for (let n = 0; n < d.N; n++) {
      let f = 0;
      for (let k = 0; k < K; k++) f += d.X[n * K + k]! * beta[k]!;
      ss += (d.y[n]! - f) ** 2;
    }
    return ss;
  };
  const tr = pick((n) => inTrain[n]!);
  if (tr.N < K + 2) throw new ConfigError(`--lags ${p}: expected fewer lags than the ${tr.N} training targets allow`, 'use a smaller --lags');
  const folds = Array.from({ length: FOLDS }, (_, f) => ({ fit: pick((n) => fold[n] !== f), held: pick((n) => fold[n] === f) }));
  let best = { ridge: RIDGE_GRID[0]!, err: Infinity };
  for (const ridge of RIDGE_GRID) {
    let err = 0;
    for (const f of folds) if (f.fit.N > K && f.held.N > 0) err += sse(leastSquares(f.fit.X, f.fit.y, f.fit.N, K, ridge), f.held);
    if (err < best.err) best = { ridge, err };
  }
  const naive = new Float64Array(K); // β = 0 (λ = ∞): the last-value forecast itself
  // Does the fit beat the last value at all? Asked forward in time only (fit on the blocks before block k,
  // scored on block k), since on a random walk the blocks around a held-out one pull a level or a smooth
  // calendar term towards it: interpolation that blocked folds reward but no forecast can use.
  const naiveLoss: number[] = [];
  const fitLoss: number[] = [];
  for (let k = 1; k < FOLDS; k++) {
    const fit = pick((n) => fold[n]! < k);
    if (fit.N <= K) continue;
    const beta = leastSquares(fit.X, fit.y, fit.N, K, best.ridge);
    for (let sub = 0; sub < SUBBLOCKS; sub++) {
      const held = pick((n) => fold[n] === k && sub === Math.min(SUBBLOCKS - 1, Math.floor(SUBBLOCKS * pos[n]!)));
      if (held.N === 0) continue;
      naiveLoss.push(sse(naive, held) / held.N);
      fitLoss.push(sse(beta, held) / held.N);
    }
  }
  const gain = pairedGain(naiveLoss, fitLoss, 2);
  const beta = gain.keep ? leastSquares(tr.X, tr.y, tr.N, K, best.ridge) : naive;
  return { beta, sigma: Math.sqrt(sse(beta, tr) / tr.N), ridge: gain.keep ? best.ridge : Infinity, cvGain: gain.mean, cvGainSe: gain.se };
}
