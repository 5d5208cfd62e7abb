// What the forecaster reads at each step, and the spec (stored in the model file) that rebuilds it: the
// scaled series, calendar features of each time stamp, scaled feature columns; the input row of the RNN
// x_t = [z_{t−1} − ℓ, calendar(t), features_{t−1}] and of the highway a_t = [z_{t−1} (or z_{t−1} − ℓ),
// z_{t−2} − z_{t−1}, …, z_{t−p} − z_{t−1}, calendar(t)]; ℓ is the window's anchor level. The model predicts z_t − z_{t−1}, so a
// zero highway and head is the last-value forecast, and nothing depends on the series' absolute level.
import { DataError } from '../../errors.js';
import type { TimeSeriesModelOptions } from './model.js';
import { type Scaling, type Series, fitScaling, testStart } from './series.js';
import { type CalendarKind, type Harmonics, calendarFeatures, futureTimes } from './time.js';
import { type Transform, checkDomain, inverseTransform, log1pShift, transformValue } from './transform.js';
import type { LocalVolatility } from './volatility.js';

export type { Transform } from './transform.js';

/** Everything `recur forecast` needs besides the weights; stored as the model file's config. */
export interface TimeSeriesSpec {
  task: 'timeseries';
  columns: { target: string; time: string[]; features: string[]; group: string | null };
  /** Calendar features derived from the time stamps (2 values each), all read by the highway; 'cycle' (the
   * phase of `period`, for series whose stamps give no calendar) reads the stamps too, `period`·`step` apart. */
  calendar: CalendarKind[];
  /** The calendar features the RNN reads too (day of year is left to the linear highway by default: a few
   * years hold too few repeats of each day for a nonlinear function of it not to memorise the weather; so is
   * a 'cycle' of more than 28 steps). */
  rnnCalendar: CalendarKind[];
  /** Gap between time stamps (ms; 1 without a time column). */
  step: number;
  /** Trading-day series: future stamps skip Saturdays and Sundays. */
  weekdaysOnly: boolean;
  /** W: observations the model reads before forecasting (its training window). */
  window: number;
  /** H: default forecast horizon. */
  horizon: number;
  /** p: highway lags. */
  lags: number;
  /** Seasonal period detected (or given) on the training span, for seasonal naive; null if none. */
  period: number | null;
  /** What the model reads instead of y (see transform.ts): 'log' for positive series that grow multiplicatively
   * (prices), 'log1p' for non-negative ones with exact zeros (rain), whose forecasts are censored at 0. */
  transform: Transform;
  /**
   * What the highway's first input is: 'absolute', the last value z_{t−1} itself (an AR on levels, which
   * extrapolates a steady trend), or 'anchored', z_{t−1} − ℓ (no absolute level at all: for log-transformed,
   * price-like series whose test span leaves the training range). Default: anchored iff transform is 'log'.
   */
  level: 'absolute' | 'anchored';
  /** Per-series scaling of the transformed values, fitted on each training span (key '' without --group). */
  scaling: Record<string, { target: Scaling; features: Scaling[] }>;
  model: TimeSeriesModelOptions;
  /** Interval multipliers per horizon from split-conformal calibration on the validation spans (see
   * calibrate.ts); absent: the model's own intervals. */
  calibration?: IntervalCalibration;
  /** Local volatility scale of σ, chosen on the targets before the test span (see volatility.ts); absent: none. */
  volatility?: LocalVolatility;
  /** Harmonics per calendar kind among the highway's calendar columns: the first is each kind's pair in
   * `calendar`; harmonics 2 … n of each kind follow all kinds' pairs (before τ), read only by the highway's
   * 'arxh' candidate (see highway.ts; `harmonicsFor`: day of week 3, day of year 5 for monthly steps).
   * Absent (older model files) or a kind left out: the first only. */
  harmonics?: Harmonics;
  /** Kinds whose harmonics end with the single alternating column cos(2π·(n + 1)·phase), n their harmonics
   * (`alternatingFor`: quarterly steps' day of year, a 'cycle' of period 4), after all
   * kinds' harmonics; read only as the harmonics are. Absent (older model files): none. */
  alternating?: CalendarKind[];
  /** A deterministic trend input τ = (time − origin)/unit for the highway only, after the calendar columns
   * (time in ms, or the index without a time column; unit: the longest series' span before its test span,
   * so τ runs 0 … 1 there). Absent (older model files): no trend column. */
  trend?: { origin: number; unit: number };
}

/**
 * How much to stretch the model's own 80 % and 95 % intervals at each horizon h = 1 … H (index h − 1; longer
 * horizons use the last): in model units, lo′ = μ − m·(μ − lo) and hi′ = μ + m·(hi − μ) around the mean path μ.
 */
export interface IntervalCalibration {
  level80: number[];
  level95: number[];
  /** Validation points per horizon the multipliers were computed from. */
  points: number;
}

/** A model-unit value v of series s in the series' own units: inverse transform of mean + std·v. */
export function fromModelUnits(s: PreparedSeries, v: number, t: Transform): number {
  return inverseTransform(s.scaling.target.mean + s.scaling.target.std * v, t, s.scaling.target.shift);
}

/** The inverse of `fromModelUnits`: a value y of series s in model units (transformed, scaled). */
export function toModelUnits(s: PreparedSeries, y: number, t: Transform): number {
  return (transformValue(y, t, s.scaling.target.shift) - s.scaling.target.mean) / s.scaling.target.std;
}

/** The lowest value series s can take in model units: that of y = 0 under 'log1p' (forecasts are censored
 * there), −∞ otherwise. */
export function modelFloor(s: PreparedSeries, t: Transform): number {
  return t === 'log1p' ? toModelUnits(s, 0, t) : -Infinity;
}

/** A series in model units: z (scaled target), calendar rows and scaled features, with room for H future steps. */
export interface PreparedSeries {
  key: string;
  /** Observed values. */
  n: number;
  /** Scaled target, length n (future slots are filled by forecasts). */
  z: Float64Array;
  /** Calendar rows [n + extra, C]. */
  cov: Float64Array;
  /** Scaled features [n, F]. */
  feat: Float64Array;
  /** Time stamps of the n observed and `extra` future steps (index steps without a time column). */
  times: number[];
  scaling: { target: Scaling; features: Scaling[] };
}

/** C: the highway's exogenous columns, 2 per calendar kind, 2 per extra harmonic, and the trend column τ when the spec has one. */
export function calendarSize(spec: Pick<TimeSeriesSpec, 'calendar' | 'trend' | 'harmonics' | 'alternating'>): number {
  return 2 * spec.calendar.length + extraHarmonicColumns(spec) + (spec.trend ? 1 : 0);
}

/** Columns of the calendar harmonics beyond each kind's first (see `TimeSeriesSpec.harmonics` and `alternating`). */
export function extraHarmonicColumns(spec: Pick<TimeSeriesSpec, 'calendar' | 'harmonics' | 'alternating'>): number {
  return spec.calendar.reduce((u, kind) => u + 2 * ((spec.harmonics?.[kind] ?? 1) - 1) + (spec.alternating?.includes(kind) ? 1 : 0), 0);
}

/** I = 1 + C_rnn + F. */
export function inputSize(spec: Pick<TimeSeriesSpec, 'rnnCalendar' | 'columns'>): number {
  return 1 + 2 * spec.rnnCalendar.length + spec.columns.features.length;
}

/** Scaling of a series fitted on values[0, end) (its target and every feature). */
export function fitSeriesScaling(s: Series, end: number, t: Transform): { target: Scaling; features: Scaling[] } {
  const shift = t === 'log1p' ? log1pShift(s.values, end) : undefined;
  const target = fitScaling(Float64Array.from(s.values, (v) => transformValue(v, t, shift)), end);
  return { target: shift === undefined ? target : { ...target, shift }, features: s.features.map((f) => fitScaling(f, end)) };
}

/**
 * A series in model units, with `extra` future calendar rows. The stored scaling of its key is used; a series
 * the model has not seen is scaled by its own first 80 % (as in training), and `fitAll` uses all of it.
 */
export function prepareSeries(s: Series, spec: TimeSeriesSpec, extra = 0, fitAll = false): PreparedSeries {
  const n = s.values.length;
  checkDomain(s.values, spec.transform, s.key);
  const scaling = spec.scaling[s.key] ?? fitSeriesScaling(s, fitAll ? n : testStart(n), spec.transform);
  const C = calendarSize(spec);
  const F = spec.columns.features.length;
  const times = s.times ? Array.from(s.times) : Array.from({ length: n }, (_, i) => i);
  if (extra > 0) times.push(...futureTimes(times[n - 1]!, s.times ? spec.step : 1, extra, spec.weekdaysOnly));
  const cov = new Float64Array(times.length * C);
  const cycle = (spec.period ?? 1) * spec.step; // the 'cycle' kind's period in stamp units
  if (C > 0) times.forEach((ms, i) => calendarFeatures(cov, i * C, ms, spec.calendar, spec.harmonics, cycle, spec.alternating));
  const tr = spec.trend;
  if (tr) times.forEach((ms, i) => { cov[i * C + C - 1] = (ms - tr.origin) / tr.unit; });
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = (transformValue(s.values[i]!, spec.transform, scaling.target.shift) - scaling.target.mean) / scaling.target.std;
  const feat = new Float64Array(n * F);
  for (let i = 0; i < n; i++) for (let f = 0; f < F; f++) {
    const sc = scaling.features[f]!;
    feat[i * F + f] = (s.features[f]![i]! - sc.mean) / sc.std;
  }
  return { key: s.key, n, z, cov, feat, times, scaling };
}

/**
 * Throws a DataError when a history to forecast from holds fewer than p + 1 values, p the highway's lags: the
 * inputs before its first value would all read that value (as no training target did).
 */
export function expectHistory(n: number, spec: Pick<TimeSeriesSpec, 'lags'>, what: string): void {
  if (n < spec.lags + 1) {
    throw new DataError(`${what}: expected at least ${spec.lags + 1} values of history for the model's ${spec.lags} lags, got ${n}`,
      'give the history the model was trained on, with the new rows appended');
  }
}

/** Values averaged into a window's anchor level ℓ. */
export const ANCHOR_SPAN = 8;

/**
 * The anchor level ℓ of a window whose first input is z[first]: the mean of z[first − 7 … first] (indices
 * below 0 skipped). It is causal (known before the window's first target), so the model forecasts relative
 * to a level it has seen: a series that trends out of its training range still gets sensible inputs.
 */
export function anchorLevel(z: ArrayLike<number>, first: number): number {
  let s = 0;
  let n = 0;
  for (let k = Math.max(0, first - ANCHOR_SPAN + 1); k <= Math.max(0, first); k++) { s += z[k]!; n++; }
  return s / n;
}

/**
 * Writes the input rows for the step that predicts index t: x (I values at xo) and a (p + C values at ao).
 * `zAt(k)` gives the (observed or fed-back) scaled value at index k; indices below 0 read index 0; features
 * after index `featLast` (the forecast origin) are unknown and read as their value at `featLast`. Values are
 * read relative to the window's anchor `level` (see `anchorLevel`) and to the last value z_{t−1}.
 */
export function fillInputs(x: Float32Array, xo: number, a: Float32Array, ao: number, s: PreparedSeries, spec: TimeSeriesSpec,
  t: number, zAt: (k: number) => number, level: number, featLast = s.n - 1): void {
  const C = calendarSize(spec);
  const R = spec.rnnCalendar.length;
  const F = spec.columns.features.length;
  const p = spec.lags;
  const row = Math.max(0, t) * C;
  x[xo] = zAt(Math.max(0, t - 1)) - level;
  for (let c = 0; c < C; c++) a[ao + p + c] = s.cov[row + c]!;
  for (let r = 0; r < R; r++) {
    const j = 2 * spec.calendar.indexOf(spec.rnnCalendar[r]!);
    x[xo + 1 + 2 * r] = s.cov[row + j]!;
    x[xo + 2 + 2 * r] = s.cov[row + j + 1]!;
  }
  const fi = Math.max(0, Math.min(t - 1, featLast));
  for (let f = 0; f < F; f++) x[xo + 1 + 2 * R + f] = s.feat[fi * F + f]!;
  const last = zAt(Math.max(0, t - 1));
  a[ao] = spec.level === 'anchored' ? last - level : last;
  for (let k = 2; k <= p; k++) a[ao + k - 1] = zAt(Math.max(0, t - k)) - last;
}

/**
 * One training minibatch: B windows of W consecutive targets, window b covering targets [t_b, t_b + W) of
 * series s_b. Returns x [W, B, I], a [W, B, p + C] (time-major) and the targets z_t − z_{t−1} [W·B] in the same order.
 */
export function windowBatch(items: readonly { s: PreparedSeries; t: number }[], spec: TimeSeriesSpec, W: number): { x: Float32Array; a: Float32Array; y: Float32Array } {
  const B = items.length;
  const I = inputSize(spec);
  const A = spec.lags + calendarSize(spec);
  const x = new Float32Array(W * B * I);
  const a = new Float32Array(W * B * A);
  const y = new Float32Array(W * B);
  items.forEach(({ s, t }, b) => {
    const zAt = (k: number): number => s.z[k]!;
    const level = anchorLevel(s.z, t - 1);
    for (let w = 0; w < W; w++) {
      const r = w * B + b;
      fillInputs(x, r * I, a, r * A, s, spec, t + w, zAt, level);
      y[r] = s.z[t + w]! - s.z[Math.max(0, t + w - 1)]!;
    }
  });
  return { x, a, y };
}
