// Split-conformal calibration of the forecaster's intervals (Vovk et al. 2005; normalised scores as in Lei et
// al. 2018, one set per horizon as in Stankeviciute et al. 2021): the validation spans, never trained on,
// say how far each horizon's 80 % and 95 % intervals must be stretched (or shrunk) around the mean to hold
// that share of the points (at least as far as a full season before the test span says). Before that, the
// targets before the test span choose whether σ follows the recent residuals' size (a local volatility
// scale, volatility.ts). Both go into the spec, so every later forecast uses them.
import { Rng } from '../../tensor/rng.js';
import { type Forecast, forecast } from './forecast.js';
import { type IntervalCalibration, type PreparedSeries, type TimeSeriesSpec, modelFloor } from './inputs.js';
import type { TimeSeriesModel } from './model.js';
import { meanOf, pairedGain } from './paired.js';
import { type Spans, spansOf } from './task.js';
import { HALF_LIVES, type LocalVolatility } from './volatility.js';

/**
 * The conformal quantile of n scores at `level`: the ⌈(n + 1)·level⌉-th smallest, which a new exchangeable
 * score falls below with probability ≥ level. With too few scores for that rank, the largest; 1 without any.
 * @example
 * conformalQuantile([0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5], 0.8); // 4 (the 8th smallest of 9)
 */
export function conformalQuantile(scores: readonly number[], level: number): number {
  return kthSmallest(scores, Math.ceil((scores.length + 1) * level));
}

/**
 * The empirical quantile of n scores at `level`: the ⌈n·level⌉-th smallest (1 without any), which a new
 * exchangeable score falls below with probability ⌈n·level⌉/(n + 1) ≈ level, not at least level: for scores
 * that aim at the level itself rather than at a guarantee (see `forwardCalibration`).
 * @example
 * empiricalQuantile([0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5], 0.8); // 4 (the 8th smallest of 10)
 */
export function empiricalQuantile(scores: readonly number[], level: number): number {
  return kthSmallest(scores, Math.ceil(scores.length * level));
}

/** The k-th smallest score (k clamped to 1 … n); 1 without any. */
function kthSmallest(scores: readonly number[], k: number): number {
  if (scores.length === 0) return 1;
  const sorted = [...scores].sort((a, b) => a - b);
  return sorted[Math.min(scores.length, Math.max(1, k)) - 1]!;
}

/**
 * The stretch m at which y lies on the edge of the interval [μ − m(μ − lo), μ + m(hi − μ)]: (y − μ)/(hi − μ)
 * above the mean, (μ − y)/(μ − lo) below (all in model units). y is inside the stretched interval iff m ≥ score.
 * With a `floor` (a series censored there, 'log1p'), both ends read as at least the floor, so y at the floor
 * is inside once the lower end reaches it: (μ − floor)/(μ − lo), or 0 when μ is below the floor.
 * @example
 * intervalScore(12, 10, 9, 14); // 0.5
 * intervalScore(0, -1, -2, 1, 0); // 0: a forecast censored to [0, 1] holds 0 whatever the stretch
 */
export function intervalScore(y: number, mu: number, lo: number, hi: number, floor = -Infinity): number {
  const r = y <= floor ? Math.max(0, mu - floor) / Math.max(mu - lo, 1e-12)
    : y >= mu ? (y - mu) / Math.max(hi - mu, 1e-12) : (mu - y) / Math.max(mu - lo, 1e-12);
  return Math.min(r, 1e6);
}

/** The 80 % and 95 % interval scores of target y (model units) against step h (1-based) of forecast f. */
function pointScores(f: Forecast, y: number, h: number, floor: number): [number, number] {
  const zb = (i: number): number => f.zBounds[4 * (h - 1) + i]!; // lo80, hi80, lo95, hi95
  const mu = f.zMean[h - 1]!;
  return [intervalScore(y, mu, zb(0), zb(1), floor), intervalScore(y, mu, zb(2), zb(3), floor)];
}

/** What `calibrateIntervals` needs besides the model. */
export interface CalibrationOptions {
  /** H: horizons calibrated (default spec.horizon). */
  horizon?: number;
  /** Sample paths per forecast, as the forecasts to be calibrated will use (default 200). */
  samples?: number;
  rng: Rng;
  /** Targets before each test span that a second set of scores reads (default 0: none); used only where it
   * reaches further back than the validation span. Each horizon keeps the larger of the two multipliers. */
  span?: number;
  /** The linear start fitted on each series' targets before a cut (`HighwayFit.fitBefore`), where the model is
   * that start (the recurrent part dropped): then the scores come from refits that have not seen them
   * (`forwardCalibration`) instead of the validation span and the longer span. */
  refitBefore?: (cut: (s: PreparedSeries) => number) => Float64Array;
}

/** Blocks of the span `forwardCalibration` scores, each by the linear start refitted on everything before it. */
const REFIT_BLOCKS = 4;
/** That span holds at least this share of the targets before each test span. */
const REFIT_SHARE = 1 / 3;

/**
 * Rolling-origin forecasts over every series' validation span [valStart, testStart) with the model's own
 * (uncalibrated) intervals; for each horizon h the scores of the points j = origin + h in that span give
 * m_h = conformalQuantile(scores, level) for level 0.8 and 0.95. A well-specified model gets m ≈ 1, one whose
 * scale is twice too wide m ≈ ½. With `span` longer than the validation span (a season, see `seasonSteps`),
 * the scores of the last `span` targets before the test span give a second multiplier and m_h is the larger:
 * a validation span shorter than the season sees one phase of it (a calm spring), where week-ahead errors can
 * be smaller than elsewhere; the earlier points are in-sample for the fit, so this can only widen. The
 * validation span's forecasts draw first, as without a span. Reads nothing at or after the test span.
 * @example
 * spec.calibration = calibrateIntervals(model, spec, prepared, { rng: new Rng(1) });
 */
export function calibrateIntervals(model: TimeSeriesModel, spec: TimeSeriesSpec, series: readonly PreparedSeries[], o: CalibrationOptions): IntervalCalibration {
  const H = o.horizon ?? spec.horizon;
  if (o.refitBefore) return forwardCalibration(model, spec, series, o, o.refitBefore, H);
  const { calibration: _, ...raw } = spec;
  // The validation span's forecasts first, then (with their own draws) those of the longer span before it.
  // start: the first target of the longer span (the validation span's first without one)
  const startOf = (sp: Spans): number => Math.max(Math.min(spec.window, sp.valStart), Math.min(sp.valStart, sp.testStart - (o.span ?? 0)));
  // Forecast origins [max(0, from − H), end) of every series, each with its spans and scored start.
  const origins = (from: (sp: Spans) => number, end: (sp: Spans) => number) => series.flatMap((s) => {
    const sp = spansOf(s.n);
    const first = Math.max(0, from(sp) - H);
    return Array.from({ length: Math.max(0, end(sp) - first) }, (_, k) => ({ s, origin: first + k, sp, start: startOf(sp) }));
  });
  const reqs = origins((sp) => sp.valStart, (sp) => sp.testStart - 1);
  const early = origins(startOf, (sp) => sp.valStart - H);
  const samples = o.samples ?? 200;
  const fc = forecast(model, raw, reqs, H, { samples, rng: o.rng });
  if (early.length > 0) fc.push(...forecast(model, raw, early, H, { samples, rng: new Rng(o.rng.nextU32()) }));
  reqs.push(...early);
  // [validation span, longer span][h − 1]: scores of the points each holds
  const s80: number[][][] = [0, 1].map(() => Array.from({ length: H }, () => []));
  const s95: number[][][] = [0, 1].map(() => Array.from({ length: H }, () => []));
  reqs.forEach(({ s, origin, sp, start }, k) => {
    const f = fc[k]!;
    const floor = modelFloor(s, spec.transform);
    for (let h = 1; h <= H; h++) {
      const j = origin + h;
      if (j < start || j >= sp.testStart) continue;
      const [a, b] = pointScores(f, s.z[j]!, h, floor);
      for (const set of j >= sp.valStart ? [0, 1] : [1]) { s80[set]![h - 1]!.push(a); s95[set]![h - 1]!.push(b); }
    }
  });
  const r = (v: number): number => +v.toFixed(4);
  const longer = s80[1]![0]!.length > s80[0]![0]!.length;
  const m = (sets: number[][][], level: number): number[] => sets[0]!.map((sc, h) => r(Math.max(conformalQuantile(sc, level), longer ? conformalQuantile(sets[1]![h]!, level) : 0)));
  return { level80: m(s80, 0.8), level95: m(s95, 0.95), points: s80[longer ? 1 : 0]![0]!.length };
}

/**
 * The calibration of a model that is its linear start, from out-of-sample scores only: the last
 * max(`span`, ⅓ of the targets before the test span) targets of each series (from p + H on, or from the window
 * on where the level is anchored; from the window on, 25 years of quarterly data had 16 of them, and 20 seeds'
 * 80 % intervals covered 0.738 / 0.718 at h = 1 / 7 on average; with 27, 0.752 / 0.743), in 4 blocks,
 * block k forecast by the start refitted on every target before it (the model's highway set to `refitBefore`,
 * then restored), as the saved model, refitted up to the test span, forecasts the test span. m_h is the
 * empirical quantile of all the scores at h (`empiricalQuantile`), not the conformal one: these few dozen
 * scores come from refits on less data than the saved model has, so they are if anything too large already,
 * and the conformal rank aimed 80 % intervals at 82 % on 38 scores (95 % ones at the largest score). On 20
 * airline-like series (38 scores each) coverage outside 70–90 % at h = 1 or 7 went 16 → 11 of 40, the 95 %
 * intervals' mean coverage 98.8 / 95.3 % → 96.7 / 93.8 %.
 */
function forwardCalibration(model: TimeSeriesModel, spec: TimeSeriesSpec, series: readonly PreparedSeries[], o: CalibrationOptions,
  refitBefore: (cut: (s: PreparedSeries) => number) => Float64Array, H: number): IntervalCalibration {
  const { calibration: _, ...raw } = spec;
  // the block edges of each series: edges[k] … edges[k + 1] is block k, the last edge the test span's start
  const edgesOf = new Map(series.map((s) => {
    const sp = spansOf(s.n);
    // the first block's forecasts need p + H values before it (the recurrent part is dropped), not a window,
    // except where the highway reads the window's anchor level (level 'anchored')
    const ctx = spec.level === 'absolute' ? spec.lags + H : spec.window;
    const a = Math.max(Math.min(ctx, sp.valStart), Math.min(sp.valStart, sp.testStart - Math.max(o.span ?? 0, Math.round(REFIT_SHARE * sp.testStart))));
    return [s, Array.from({ length: REFIT_BLOCKS + 1 }, (_, k) => a + Math.round(((sp.testStart - a) * k) / REFIT_BLOCKS))];
  }));
  const edge = (s: PreparedSeries, k: number): number => edgesOf.get(s)![k]!;
  const saved = model.highwayWeights();
  const s80: number[][] = Array.from({ length: H }, () => []);
  const s95: number[][] = Array.from({ length: H }, () => []);
  for (let k = 0; k < REFIT_BLOCKS; k++) {
    model.setHighway(refitBefore((s) => edge(s, k)));
    const reqs = series.flatMap((s) => {
      const first = Math.max(0, edge(s, k) - H);
      return Array.from({ length: Math.max(0, edge(s, k + 1) - 1 - first) }, (_, i) => ({ s, origin: first + i }));
    });
    const fc = forecast(model, raw, reqs, H, { samples: o.samples ?? 200, rng: k === 0 ? o.rng : new Rng(o.rng.nextU32()) });
    reqs.forEach(({ s, origin }, q) => {
      const f = fc[q]!;
      const floor = modelFloor(s, spec.transform);
      for (let h = 1; h <= H; h++) {
        const j = origin + h;
        if (j < edge(s, k) || j >= edge(s, k + 1)) continue;
        const [a, b] = pointScores(f, s.z[j]!, h, floor);
        s80[h - 1]!.push(a);
        s95[h - 1]!.push(b);
      }
    });
  }
  model.setHighway(saved);
  const r = (v: number): number => +v.toFixed(4);
  return { level80: s80.map((sc) => r(empiricalQuantile(sc, 0.8))), level95: s95.map((sc) => r(empiricalQuantile(sc, 0.95))), points: s80[0]!.length };
}

/** Contiguous blocks per series for the paired test of `chooseVolatility`. */
const BLOCKS = 10;

/**
 * The local volatility scale for σ, chosen by the one-step Gaussian NLL ½ log 2π + log σv + ½((z − μ)/σv)² of
 * every target before the test span (training and validation: whether surprises cluster is a property of the
 * residuals, which in-sample fitting of the mean does not create). The half-life in `HALF_LIVES` with the
 * lowest mean NLL is taken only if it beats none (v = 1) in a paired test: the NLLs, averaged in 10
 * contiguous blocks per series (surprises cluster, so points are not independent), must show a mean gain
 * above 2 standard errors (`pairedGain`, z = 2, ≈ the 5 % level). A homoscedastic series keeps its σ.
 * `nll` lists each candidate's mean ('none', '4', '16', …), `gainSe` the best one's gain in standard errors.
 */
export function chooseVolatility(model: TimeSeriesModel, spec: TimeSeriesSpec, series: readonly PreparedSeries[]): { volatility: LocalVolatility | null; nll: Record<string, number>; gainSe: number } {
  const { calibration: _c, volatility: _v, ...base } = spec;
  const reqs = series.flatMap((s, i) => {
    const sp = spansOf(s.n);
    const first = Math.min(spec.window, sp.valStart - 1);
    const count = Math.max(0, sp.testStart - 1 - first);
    return Array.from({ length: count }, (_, k) => ({ s, origin: first + k, block: i * BLOCKS + Math.min(BLOCKS - 1, Math.floor((BLOCKS * k) / count)) }));
  });
  const pointNll = (volatility: LocalVolatility | null): number[] => {
    const fc = forecast(model, volatility ? { ...base, volatility } : base, reqs, 1, { samples: 0, rng: new Rng(0) });
    return reqs.map(({ s, origin }, k) => {
      const sd = fc[k]!.zSigma[0]!;
      const r = (s.z[origin + 1]! - fc[k]!.zMean[0]!) / sd;
      return 0.5 * Math.log(2 * Math.PI) + Math.log(sd) + 0.5 * r * r;
    });
  };
  const none = pointNll(null);
  const nll: Record<string, number> = { none: +meanOf(none).toFixed(4) };
  let best: { halfLife: number; points: number[] } | null = null;
  for (const halfLife of HALF_LIVES) {
    const points = pointNll({ halfLife });
    nll[String(halfLife)] = +meanOf(points).toFixed(4);
    if (best === null || meanOf(points) < meanOf(best.points)) best = { halfLife, points };
  }
  if (best === null) return { volatility: null, nll, gainSe: 0 };
  // block means of each candidate's NLL, one block per (series, block index)
  const blockMeans = (points: readonly number[]): number[] => {
    const sums = new Map<number, { sum: number; n: number }>();
    reqs.forEach(({ block }, i) => {
      const b = sums.get(block) ?? { sum: 0, n: 0 };
      b.sum += points[i]!;
      b.n++;
      sums.set(block, b);
    });
    return [...sums.values()].map((b) => b.sum / b.n);
  };
  const g = pairedGain(blockMeans(none), blockMeans(best.points), 2);
  return { volatility: g.keep ? { halfLife: best.halfLife } : null, nll, gainSe: +(g.se > 0 && Number.isFinite(g.se) ? g.mean / g.se : 0).toFixed(2) };
}
