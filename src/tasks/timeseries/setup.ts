// Builds a forecaster for given series: the spec (calendar, step, per-series scaling on the training span,
// seasonal period, highway order, window) and the least-squares ARX fit the model starts from.
import { ConfigError, DataError } from '../../errors.js';
import { detectPeriod, selectArOrder } from './baselines.js';
import { type PreparedSeries, type TimeSeriesSpec, type Transform, calendarSize, fitSeriesScaling, inputSize, prepareSeries } from './inputs.js';
import type { CellType } from './model.js';
import { type Series, testStart } from './series.js';
import { spansOf } from './task.js';
import { type HighwayFit, TREND_CANDIDATES, fitHighway } from './highway.js';
import { type PairedGain, pairedGain } from './paired.js';
import { alternatingFor, calendarCycle, calendarKinds, cycleKind, harmonicsFor, medianStep, weekdaysOnly } from './time.js';

/** Choices for `buildSpec`; unset ones are chosen from the training spans. */
export interface SpecOptions {
  columns: TimeSeriesSpec['columns'];
  horizon: number;
  cell: CellType;
  hidden: number;
  layers: number;
  /** Default: min(64, the shortest series' training values before validation − 1). */
  window?: number;
  /** Default: the AR order with the lowest BIC on the longest series' training span (at least the period if ≤ 28,
   * at most `maxDefaultLags`). */
  lags?: number;
  /** Default: detected by autocorrelation on the longest series' training span (null: none). */
  period?: number | null;
  /** 'auto' (default): `autoTransform`'s choice, tested against 'none' by `buildLinear`. */
  transform?: Transform | 'auto';
  /** Calendar features (default: on when there is a time column). */
  calendar?: boolean;
  /** A linear trend column τ for the highway's 'trend' candidate (see `TimeSeriesSpec.trend`; default: off
   * in `buildSpec`, tried first by `buildLinear`). */
  trend?: boolean;
}

/** The spec of a model for `series` (every statistic from training spans only). */
export function buildSpec(series: readonly Series[], o: SpecOptions): TimeSeriesSpec {
  const longest = series.reduce((a, b) => (b.values.length > a.values.length ? b : a));
  const end = testStart(longest.values.length);
  const times = longest.times;
  const step = times ? medianStep(times) : 1;
  const period = o.period !== undefined ? o.period : detectPeriod(longest.values, end, 400, times ? calendarCycle(step) : null);
  const calendar = o.calendar !== false ? cycleKind(times ? calendarKinds(times) : [], period) : [];
  let lags = o.lags ?? selectArOrder(longest.values, end);
  if (o.lags === undefined && period !== null && period <= 28) lags = Math.max(lags, period);
  const tradingDays = series.every((s) => s.times !== null && weekdaysOnly(s.times));
  const harmonics = harmonicsFor(calendar, step, tradingDays, period);
  const alternating = alternatingFor(calendar, step, period);
  // the calendar columns, and τ, which `buildLinear` tries
  if (o.lags === undefined) lags = Math.min(lags, maxDefaultLags(series, calendarSize({ calendar, harmonics, alternating }) + 1));
  const transform = o.transform === undefined || o.transform === 'auto' ? autoTransform(series) : o.transform;
  if (transform === 'log' && series.some((s) => s.values.some((v) => !(v > 0)))) {
    throw new ConfigError('--transform log: expected positive values only, got zero or negative ones', 'use --transform none');
  }
  if (transform === 'log1p' && series.some((s) => s.values.some((v) => v < 0))) {
    throw new ConfigError('--transform log1p: expected non-negative values only, got negative ones', 'use --transform none');
  }
  const room = Math.min(...series.map((s) => spansOf(s.values.length).valStart - 1));
  const window = o.window ?? Math.max(2, Math.min(64, room));
  if (window < 2) throw new ConfigError(`--window: expected an integer ≥ 2, got ${window}`);
  const spec: TimeSeriesSpec = {
    task: 'timeseries', columns: o.columns, calendar, rnnCalendar: calendar.filter((k) => k !== 'year' && (k !== 'cycle' || period! <= 28)), step,
    weekdaysOnly: tradingDays, window, horizon: o.horizon, lags, period,
    transform, level: transform === 'log' ? 'anchored' : 'absolute', scaling: Object.fromEntries(series.map((s) => [s.key, fitSeriesScaling(s, testStart(s.values.length), transform)])),
    model: { cell: o.cell, inputSize: 0, hidden: o.hidden, layers: o.layers, lags, exo: 0 },
  };
  if (Object.keys(harmonics).length > 0) spec.harmonics = harmonics;
  if (alternating.length > 0) spec.alternating = alternating;
  if (o.trend === true) {
    const at = (s: Series, i: number): number => (s.times ? s.times[i]! : i);
    const origin = Math.min(...series.map((s) => at(s, 0)));
    spec.trend = { origin, unit: Math.max(at(longest, end - 1) - origin, 1e-9) };
  }
  spec.model = { ...spec.model, inputSize: inputSize(spec), exo: calendarSize(spec) };
  return spec;
}

/** How far a series' level must move between the first and the last fifth of its training span (as a ratio,
 * either way) for `autoTransform` to call it growing. */
export const LOG_GROWTH = 1.25;

/**
 * 'log1p' when every value is ≥ 0 and some series' training span holds a 0 (rain, counts); 'log' when every
 * value is positive and some series grows multiplicatively: its training span has max/min ≥ 3 and the mean of
 * its last fifth is at least `LOG_GROWTH` times that of its first fifth, or at most 1/`LOG_GROWTH` (prices; not
 * a stationary positive series such as wind, whose max/min is large because its calm days are near 0); else 'none'.
 */
export function autoTransform(series: readonly Series[]): Transform {
  if (series.every((s) => s.values.every((v) => v >= 0)) && series.some((s) => s.values.subarray(0, testStart(s.values.length)).some((v) => v === 0))) return 'log1p';
  if (series.some((s) => s.values.some((v) => !(v > 0)))) return 'none';
  const grows = (s: Series): boolean => {
    const tr = s.values.subarray(0, testStart(s.values.length));
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of tr) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    const f = Math.max(1, Math.floor(tr.length / 5));
    const mean = (v: Float64Array): number => v.reduce((u, w) => u + w, 0) / v.length;
    const g = mean(tr.subarray(tr.length - f)) / mean(tr.subarray(0, f));
    return hi / lo >= 3 && Math.max(g, 1 / g) >= LOG_GROWTH;
  };
  return series.some(grows) ? 'log' : 'none';
}

/**
 * The most lags the highway's least squares can take by default: p such that the training targets of all
 * series together (each from its p-th value up to its validation span) number at least its weights, p lags
 * plus `C` calendar and trend columns plus the intercept, and 2 more. 3 years of monthly data (26 training
 * targets, 12 lags for the season, 11 calendar columns) failed with "--lags 12: expected fewer lags" for a
 * flag nobody gave; now the highway reads 6 lags and the season comes from the calendar harmonics.
 */
function maxDefaultLags(series: readonly Series[], C: number): number {
  const ends = series.map((s) => spansOf(s.values.length).valStart);
  const fits = (p: number): boolean => ends.reduce((u, e) => u + Math.max(0, e - p), 0) >= p + C + 3;
  if (!fits(1)) {
    const all = series.length > 1 ? ' in all' : '';
    throw new DataError(`series: expected at least ${C + 4 + series.length} values before the validation span${all} for the highway's ${C + 2} weights (1 lag, ${C} calendar and trend columns, intercept), got ${ends.reduce((u, e) => u + e, 0)}`,
      'give a longer series (the last 20 % is the test span, the 10 % before it the validation span)');
  }
  let p = 1;
  while (fits(p + 1)) p++;
  return p;
}

/** Every series in model units with room for `H` future steps. */
export function prepareAll(series: readonly Series[], spec: TimeSeriesSpec, H: number): PreparedSeries[] {
  return series.map((s) => prepareSeries(s, spec, H));
}


/** What `buildLinear` chose: the spec, the series in its units, the highway's start, and the transform test. */
export interface LinearStart {
  spec: TimeSeriesSpec;
  prepared: PreparedSeries[];
  fit: HighwayFit;
  /** With transform 'auto' and log's or log1p's rule met: the forward-in-time gain (MASE units) of the
   * candidate that must earn its place over the rule's choice (no transform over log; log1p over none), else null. */
  transformGain: PairedGain | null;
}

/**
 * `buildSpec`, `prepareAll` and `fitHighway` in one; the spec keeps its trend column τ only when one of the
 * highway's candidates with τ ('trend', 'trendh', 'trendar') wins forward in time (else it is rebuilt without one). With transform 'auto', when `autoTransform` says 'log'
 * the untransformed model is fitted too, and it replaces the log one when its highway's one-step forecasts,
 * forward in time (`HighwayFit.forwardMase`, errors in the series' own units), beat the log one's by one
 * standard error of the paired sub-block gains: max/min ≥ 3 also holds for an additive season or trend
 * from a low start (a temperature near 0, a steep line), where a log would bend what is linear. On a price
 * both highways are the last value, the gain is 0 and the log stays. When it says 'log1p' (non-negative values
 * with zeros), log1p is kept only if its highway beats the untransformed one's by two standard errors, the bar
 * every linear choice here clears: on rain its one-step forecasts, medians censored at 0, are far closer to the
 * mostly dry days than a least-squares mean; on a level series that touches 0 now and then it buys nothing.
 */
export function buildLinear(series: readonly Series[], o: SpecOptions, H: number): LinearStart {
  const fitted = (opts: SpecOptions): Omit<LinearStart, 'transformGain'> => {
    const spec = buildSpec(series, opts);
    const prepared = prepareAll(series, spec, H);
    return { spec, prepared, fit: fitHighway(prepared, spec) };
  };
  // The trend column stays in the spec only when its candidate wins; else the model is built without it.
  const make = (transform: Transform | 'auto'): Omit<LinearStart, 'transformGain'> => {
    const withTrend = fitted({ ...o, transform, trend: o.trend ?? true });
    return withTrend.spec.trend && !TREND_CANDIDATES.includes(withTrend.fit.candidate) ? fitted({ ...o, transform, trend: false }) : withTrend;
  };
  const first = make(o.transform ?? 'auto');
  if ((o.transform ?? 'auto') !== 'auto' || first.spec.transform === 'none') return { ...first, transformGain: null };
  const plain = make('none');
  if (first.spec.transform === 'log1p') {
    const gain = pairedGain(plain.fit.forwardMase, first.fit.forwardMase, 2);
    return { ...(gain.keep ? first : plain), transformGain: gain };
  }
  const gain = pairedGain(first.fit.forwardMase, plain.fit.forwardMase, 1);
  return { ...(gain.keep ? plain : first), transformGain: gain };
}

export { fitHighway, type HighwayFit, RIDGE_GRID } from './highway.js';
