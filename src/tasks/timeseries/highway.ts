// The highway's least-squares start and the forward-in-time checks that choose it: a few linear candidates
// (the ridge ARX fit over every lag and calendar feature, and plain least-squares autoregressions, one of
// them exactly the AR(p) baseline's form), the one that forecasts best forward in time, and the last value
// unless that candidate beats it clearly. Fitted on data before the test span only.
import { ConfigError } from '../../errors.js';
import { type NormalEquations, leastSquares, normalEquations, selectArOrder, solveNormalEquations } from './baselines.js';
import { type PreparedSeries, type TimeSeriesSpec, anchorLevel, calendarSize, extraHarmonicColumns, fillInputs, fromModelUnits, inputSize } from './inputs.js';
import { naiveScale } from './metrics.js';
import { type PairedGain, meanOf, pairedGain } from './paired.js';
import { spansOf } from './task.js';

/** The highway's start: weights over [lags, calendar] then the intercept, residual std on the training targets, λ. */
export interface HighwayFit {
  beta: Float64Array;
  sigma: number;
  /** The ridge λ chosen; Infinity when the last-value forecast (β = 0) won, 0 for a plain least-squares candidate. */
  ridge: number;
  /** Forward-in-time mean gain in held-out MSE (scaled units²) of the fit over the last value, and its standard error. */
  cvGain: number;
  cvGainSe: number;
  /** Which candidate won: 'arx' (ridge, lags and calendar), 'arxh' (the same with every calendar harmonic),
   * 'trend' (the 'arx' inputs plus the trend column τ), 'trendh' (those of 'arxh' plus τ),
   * 'trendar' (every calendar column, τ and lags 1 … the residuals' AR order), 'ar' (lags 1 … q, q the BIC
   * order), 'diff' (the AR of the changes: 'ar' with its unit root imposed), 'diff0' (the same without its drift), 'lags' (all lags, no calendar), 'naive'. */
  candidate: 'arx' | 'arxh' | 'trend' | 'trendh' | 'trendar' | 'ar' | 'diff' | 'diff0' | 'lags' | 'naive';
  /** The same candidate refitted on every target before the test span (validation spans included), for
   * the final model when the recurrent part is not kept; the last value when that is the start. */
  refit: Float64Array;
  /** Forward-in-time one-step absolute errors of the start chosen, in the series' own units over each series'
   * one-step naive MAE (MASE units, so comparable across transforms), one mean per scored sub-block. */
  forwardMase: number[];
  /** The same candidate fitted on every series' targets before `cut(s)` (the last value: zeros), as `refit` is
   * up to the test span: the start as it stood at that point, for out-of-sample scores (calibrate.ts). */
  fitBefore: (cut: (s: PreparedSeries) => number) => Float64Array;
}

/** The candidates that read the trend column τ (the spec keeps τ only when one of them wins, see setup.ts). */
export const TREND_CANDIDATES: readonly HighwayFit['candidate'][] = ['trend', 'trendh', 'trendar'];

/** Ridge strengths tried for the ARX candidate (per training target); blocked cross-validation picks one. */
export const RIDGE_GRID = [1e-4, 1e-3, 1e-2, 3e-2, 0.1, 0.3, 1, 3, 10, 30];
const FOLDS = 5;
const DAY_MS = 86_400_000;
const YEAR_DAYS = 365.2425;
const SUBBLOCKS = 5;
/** The first forward fit holds at least this many targets per highway weight (see `forwardStart`). */
const MIN_ROWS_PER_WEIGHT = 3;

interface Rows { X: Float64Array; y: Float64Array; N: number; idx: number[] }

/**
 * The highway's least-squares start: z_t − z_{t−1} regressed on the highway inputs a_t plus an intercept
 * (see `fillInputs`; ℓ as for the last target of a window). Candidates, each a least-squares fit:
 * - 'arx': every lag and calendar input, ridge λ·N towards the last-value forecast, λ from `RIDGE_GRID` by
 *   5-fold blocked cross-validation over the targets before the test span (Bergmeir et al. 2018);
 * - 'arxh', where the spec has calendar harmonics beyond each kind's first (day of week; day of year for
 *   monthly steps): the same with all of them (its own λ), so that any day-of-week or month-of-year pattern
 *   is a calendar effect rather than an echo, through lag 7 or 12, of last week's or year's noise; the other
 *   candidates but 'trendh' leave them out. On 40 seeds of 144-point airline-like series the linear start lost
 *   to a baseline in 13 of 80 comparisons with the first harmonic only, 1 with these; US births 0.207 → 0.189;
 * - 'trend', with a trend column τ in the spec (see setup.ts): every input but the extra harmonics, plain least
 *   squares; 'trendh' with them too (daily AR(2) + weekly season + trend, 40 seeds: losses to a baseline 11 →
 *   8 of 80 with 'trendh', where 'arxh' alone, without τ, lost a week ahead what it won a day ahead);
 * - 'trendar', with τ, a calendar and level 'absolute': every calendar column (harmonics too), τ, and lags 1 … r,
 *   r the BIC order of an AR on the residuals of z on those columns (`residualArOrder`), ridge λ·N by the same
 *   cross-validation (its own λ): the form of a trend and a season under AR(r) noise, y_t − m_t =
 *   Σ φ_k·(y_{t−k} − m_{t−k}) + ε_t with m_t linear in τ and the calendar, which the candidates over every lag
 *   over-fit on short series. With r = 1 (the residual order of every synthetic kind but one): quarterly
 *   seasons over 25 years, seeds 1–40, losses to a baseline 20 → 11 of 80; 5 years of weekly data 6 → 1; with the
 *   alternating quarter term (`alternatingFor`), 12 kinds of seasonal series 55 → 41 of 960 (see the README).
 *   With r from the residuals, daily AR(2) noise gets r = 2: its worst test ratio to the best baseline 1.277 →
 *   1.086. Not with level 'anchored' (log series): τ in the changes is then a drift that grows, a quadratic trend
 *   in the level (airline-like series: worst test ratio to the best baseline 1.15 → 1.47). Without a calendar it
 *   would be the 'ar' form plus τ, a near-duplicate whose forward wins on a stationary AR(2) were noise;
 * - 'ar': lags 1 … q only, no ridge, q the BIC order of the longest series (with level 'absolute' exactly
 *   the AR(q)-with-intercept baseline: z_t = c + Σ φ_k z_{t−k} is linear in a_t);
 * - 'lags': lags 1 … p (seasonal ones included), no calendar, no ridge;
 * - 'diff', on series without a seasonal period: Δz_t = c + Σ_{k<q} ψ_k Δz_{t−k}, the 'ar' form with its unit
 *   root imposed (ARIMA(q−1,1,0) with a drift: the lag columns but the level, a_k = z_{t−k−1} − z_{t−1}, span
 *   the changes Δz_{t−1} … Δz_{t−q+1}). It follows momentum without reverting to a training level (employment
 *   counts: the 'ar' fit reverts towards the pre-recession level). With a season it was a near-duplicate of the
 *   others whose forward wins were noise (synthetic seasonal series, seeds 1–40: 4 more losses of 480);
 * - 'diff0', the same without the drift c (q ≥ 2): the recent slope decays to none rather than to the training
 *   span's mean slope, which a recession in that span holds down (employment counts growing after it).
 * Each is scored forward in time: fitted on blocks 0 … k−1 and scored on block k (k = 1 … 4) by the
 * one-step squared errors averaged over 5 sub-blocks of each scored block; block 0 is the first fifth of the
 * targets, or later, for two full seasons, one, or 3 targets per weight (`forwardStart`); the rest split
 * evenly. The candidate with the lowest mean wins, except that 'trendar' wins where it has fewer columns than
 * that one and trails it by at most one standard error of the paired sub-block losses (the one-standard-error
 * rule, `pairedGain` with z = 1, for the structural form of a trend and a season): on short series the forward
 * check scores few targets and picks among near-equal fits partly by noise (12 synthetic kinds, seeds 1–80: the
 * same 106 of 1920 comparisons lost to a baseline, the week-ahead geometric mean of model / best baseline
 * 0.792 → 0.750 on 8 years of monthly data, 0.883 → 0.854 on 25 years of quarterly data). The winner must then
 * beat β = 0 (exactly the last-value forecast)
 * by 2 standard errors of the paired sub-block gains (`pairedGain`, z = 2), or by one and by 2 in its H-step
 * forecasts (`passesGate`), else the start is the last-value forecast: on a random walk a level or calendar
 * regression is spurious (Granger & Newbold 1974) and blocked folds reward it by interpolation.
 * The winner is fitted on every series' training targets before its validation span (`beta`, which the
 * recurrent part trains beside and the validation spans judge), and on every target before the test span
 * (`refit`), as the AR(p) baseline is.
 */
export function fitHighway(series: readonly PreparedSeries[], spec: TimeSeriesSpec): HighwayFit {
  const p = spec.lags;
  const C = calendarSize(spec);
  const K = p + C + 1;
  const E = extraHarmonicColumns(spec); // columns p + 2·kinds … of the calendar harmonics beyond each kind's first
  const isExtra = (k: number): boolean => k >= p + 2 * spec.calendar.length && k < p + 2 * spec.calendar.length + E;
  const x = new Float32Array(inputSize(spec));
  const a = new Float32Array(p + C);
  const rows: number[] = [];
  const ys: number[] = [];
  const fold: number[] = []; // blocked fold of the ridge cross-validation
  const fwd: number[] = []; // forward block: 0 only fits; 1 … FOLDS − 1 are scored in turn
  const pos: number[] = []; // where in its forward block a target lies, [0, 1)
  const inTrain: boolean[] = [];
  const full: boolean[] = []; // every lag observed (t ≥ p); the rows before only the 'ar' candidate reads
  const where: { s: PreparedSeries; t: number; scale: number }[] = [];
  const longest = series.reduce((u, v) => (v.n > u.n ? v : u));
  const q = Math.min(p, selectArOrder(longest.z, spansOf(longest.n).testStart));
  const from = Math.max(1, p);
  const lenOf = (s: PreparedSeries): number => Math.max(1, spansOf(s.n).testStart - from);
  const total = series.reduce((u, s) => u + lenOf(s), 0);
  for (const s of series) {
    const sp = spansOf(s.n);
    const zAt = (k: number): number => s.z[k]!;
    const scale = naiveScale(Float64Array.from(s.z.subarray(0, sp.testStart), (v) => fromModelUnits(s, v, spec.transform)), sp.testStart);
    const len = lenOf(s);
    // the first forward fit holds at least MIN_ROWS_PER_WEIGHT·K targets of all series together (this one's
    // share), K without the extra harmonics, which only the ridge 'arxh' reads: with them, ten years of monthly
    // employment counts would score only the recovery after 2009, and AR(p) would win there
    const first = forwardStart(len, seasonSteps(spec), (MIN_ROWS_PER_WEIGHT * (K - E) * len) / total);
    // from the AR order on, as the AR(p) baseline is fitted, so that the 'ar' candidate is exactly its form
    for (let t = Math.max(1, q); t < sp.testStart; t++) {
      fillInputs(x, 0, a, 0, s, spec, t, zAt, anchorLevel(s.z, t - spec.window));
      for (let k = 0; k < p + C; k++) rows.push(a[k]!);
      rows.push(1);
      ys.push(s.z[t]! - s.z[t - 1]!);
      full.push(t >= from);
      fold.push(t >= from ? Math.min(FOLDS - 1, Math.floor((FOLDS * (t - from)) / len)) : -1);
      const u = t - from < first ? 0 : 1 + ((FOLDS - 1) * (t - from - first)) / Math.max(1, len - first);
      fwd.push(Math.min(FOLDS - 1, Math.floor(u)));
      pos.push(u - Math.floor(u));
      inTrain.push(t < sp.valStart);
      where.push({ s, t, scale });
    }
  }
  const pick = (keep: (n: number) => boolean): Rows => {
    const idx = ys.map((_, n) => n).filter(keep);
    const X = new Float64Array(idx.length * K);
    idx.forEach((n, i) => X.set(rows.slice(n * K, (n + 1) * K), i * K));
    return { X, y: Float64Array.from(idx, (n) => ys[n]!), N: idx.length, idx };
  };
  const predict = (beta: Float64Array, d: Rows, n: number): number => {
    let f = 0;
    for (let k = 0; k < K; k++) f += d.X[n * K + k]! * beta[k]!;
    return f;
  };
  const sse = (beta: Float64Array, d: Rows): number => {
    let ss = 0;
    for (let n = 0; n < d.N; n++) ss += (d.y[n]! - predict(beta, d, n)) ** 2;
    return ss;
  };
  // Mean one-step absolute error in the series' own units over its naive scale (MASE units).
  const mase = (beta: Float64Array, d: Rows): number => {
    let e = 0;
    for (let n = 0; n < d.N; n++) {
      const { s, t, scale } = where[d.idx[n]!]!;
      e += Math.abs(fromModelUnits(s, s.z[t]!, spec.transform) - fromModelUnits(s, s.z[t - 1]! + predict(beta, d, n), spec.transform)) / scale;
    }
    return e / d.N;
  };
  const tr = pick((n) => full[n]! && inTrain[n]!);
  if (tr.N < K + 2) throw new ConfigError(`--lags ${p}: expected fewer lags than the ${tr.N} training targets allow`, 'use a smaller --lags');

  // Every column but the trend τ (the last calendar column when the spec has one): the 'arxh' candidate's
  // inputs; without the extra harmonics, the 'arx' candidate's. All but the extra harmonics: 'trend''s; all: 'trendh''s.
  const all = Array.from({ length: K }, (_, k) => k);
  const noTrendH = all.filter((k) => !spec.trend || k !== p + C - 1);
  const noTrend = noTrendH.filter((k) => !isExtra(k));
  // 'trendar''s: every calendar column, τ, and lags 1 … the AR order of the residuals of z on them
  const withTrendAr = spec.trend !== undefined && spec.level === 'absolute' && spec.calendar.length > 0;
  const trendAr = withTrendAr ? all.filter((k) => k < Math.min(p, residualArOrder(longest, C)) || k >= p) : [];
  const folds = Array.from({ length: FOLDS }, (_, f) => ({ fit: pick((n) => full[n]! && fold[n] !== f), held: pick((n) => fold[n] === f) }));
  const cvRidge = (use: readonly number[]): number => {
    // each fold's normal equations once, solved for every λ (the costliest part of the fit on long series)
    const eqs = folds.map((f) => (f.fit.N > K && f.held.N > 0 ? subsetNormalEquations(f.fit, K, use) : null));
    let best = RIDGE_GRID[0]!;
    let bestErr = Infinity;
    for (const r of RIDGE_GRID) {
      let err = 0;
      folds.forEach((f, i) => { if (eqs[i]) err += sse(onColumns(solveNormalEquations(eqs[i]!, r), use, K), f.held); });
      if (err < bestErr) { bestErr = err; best = r; }
    }
    return best;
  };
  const ridge = cvRidge(noTrend);
  const ridgeH = E > 0 ? cvRidge(noTrendH) : ridge;
  const cols = (m: number): number[] => [...Array.from({ length: m }, (_, k) => k), K - 1];
  // A candidate: least squares on the columns `use` (ridge λ·N, or none), fitted on the rows `keep` selects of
  // those it reads: full ones (every lag observed), or with `everyRow` every row from the AR order on, as fitAR.
  interface Candidate { name: HighwayFit['candidate']; ridge: number; everyRow: boolean; columns: number; fit: (keep: (n: number) => boolean) => Float64Array }
  const ls = (name: Candidate['name'], use: readonly number[], lambda = 0, everyRow = false): Candidate =>
    ({ name, ridge: lambda, everyRow, columns: use.length, fit: (keep) => subsetFit(pick(everyRow ? keep : (n) => full[n]! && keep(n)), K, use, lambda > 0 ? lambda : undefined) });
  const candidates: Candidate[] = [
    ls('arx', noTrend, ridge),
    ...(E > 0 ? [ls('arxh', noTrendH, ridgeH)] : []),
    ...(spec.trend ? [ls('trend', all.filter((k) => !isExtra(k)))] : []),
    ...(spec.trend && E > 0 ? [ls('trendh', all)] : []),
    ...(withTrendAr ? [ls('trendar', trendAr, cvRidge(trendAr))] : []),
    ls('ar', cols(q), 0, true),
    ...(q < p || C > 0 ? [ls('lags', cols(p))] : []),
    ...(spec.period === null ? [ls('diff', cols(q).slice(1), 0, true)] : []),
    ...(spec.period === null && q >= 2 ? [ls('diff0', cols(q).slice(1, -1), 0, true)] : []),
  ];
  const naive = new Float64Array(K); // β = 0 (λ = ∞): the last-value forecast itself
  // Forward in time only (fit on the blocks before block k, scored on block k): on a random walk the blocks
  // around a held-out one pull a level or a smooth calendar term towards it, interpolation no forecast can use.
  const held: Rows[] = [];
  const fits: Float64Array[][] = candidates.map(() => []);
  for (let k = 1; k < FOLDS; k++) {
    if (pick((n) => full[n]! && fwd[n]! < k).N <= K) continue;
    const betas = candidates.map((c) => c.fit((n) => fwd[n]! < k));
    for (let sub = 0; sub < SUBBLOCKS; sub++) {
      const h = pick((n) => full[n]! && fwd[n] === k && sub === Math.min(SUBBLOCKS - 1, Math.floor(SUBBLOCKS * pos[n]!)));
      if (h.N === 0) continue;
      held.push(h);
      betas.forEach((b, c) => fits[c]!.push(b));
    }
  }
  const naiveLoss = held.map((h) => sse(naive, h) / h.N);
  const losses = candidates.map((_, c) => held.map((h, i) => sse(fits[c]![i]!, h) / h.N));
  const best = pickCandidate(losses, candidates.map((c) => c.columns), candidates.findIndex((c) => c.name === 'trendar'));
  const hLoss = (beta: Float64Array, h: Rows): number => horizonLoss(spec, beta, h.idx.map((n) => where[n]!));
  const gain = passesGate(pairedGain(naiveLoss, losses[best]!, 2), () => pairedGain(held.map((h) => hLoss(naive, h)), held.map((h, i) => hLoss(fits[best]![i]!, h)), 2));
  const won = candidates[best]!;
  const beta = gain.keep ? won.fit((n) => inTrain[n]!) : naive;
  const fitRows = won.everyRow && gain.keep ? pick((n) => inTrain[n]!) : tr; // those the start was fitted on
  return {
    beta, refit: gain.keep ? won.fit(() => true) : naive, sigma: Math.sqrt(sse(beta, fitRows) / fitRows.N), ridge: gain.keep ? won.ridge : Infinity, cvGain: gain.mean, cvGainSe: gain.se,
    candidate: gain.keep ? won.name : 'naive', forwardMase: held.map((h, i) => mase(gain.keep ? fits[best]![i]! : naive, h)),
    fitBefore: (cut) => (gain.keep ? won.fit((n) => where[n]!.t < cut(where[n]!.s)) : naive),
  };
}

/**
 * The winner of the forward check: the candidate with the lowest mean loss, or `structural` (−1: none) where it
 * has fewer columns than that one and trails it by at most one standard error of the paired per-block losses
 * (`pairedGain` with z = 1: the one-standard-error rule, Hastie et al., ESL §7.10).
 * @example
 * pickCandidate([[1, 2, 1.5], [1.1, 1.9, 1.6]], [20, 14], 1); // 1: 0.033 worse on average, 1 SE is 0.067
 * pickCandidate([[1, 2, 1.5], [1.1, 2.1, 1.6]], [20, 14], 1); // 0: 0.1 worse on every block
 */
export function pickCandidate(losses: readonly (readonly number[])[], columns: readonly number[], structural: number): number {
  const lowest = losses.reduce((b, l, c) => (meanOf(l) < meanOf(losses[b]!) ? c : b), 0);
  if (structural < 0 || columns[structural]! >= columns[lowest]!) return lowest;
  return pairedGain(losses[structural]!, losses[lowest]!, 1).keep ? lowest : structural;
}

/** The longest cycle the highway's inputs carry, in steps: the seasonal period, or a year with day-of-year columns. */
export function seasonSteps(spec: Pick<TimeSeriesSpec, 'period' | 'calendar' | 'step' | 'weekdaysOnly'>): number {
  const year = spec.calendar.includes('year') ? (YEAR_DAYS * DAY_MS * (spec.weekdaysOnly ? 5 / 7 : 1)) / spec.step : 0;
  return Math.ceil(Math.max(spec.period ?? 0, year));
}

/**
 * Where the scored forward blocks start among `len` targets: after the first fifth (five equal blocks, the
 * first only fitted), or later, after two full seasons of `season` steps when that leaves 40 % of the targets
 * to score, else after one when that leaves half, so that no candidate is judged by a fit that has not seen a
 * whole cycle: a trend plus a yearly season cannot be told apart in less than a year, and such early folds
 * favour the simpler candidates; after one they are still confounded (5 years of weekly data with a yearly
 * wave: fitted on a year and ten weeks, the candidates with the trend column τ forecast the next fold up to
 * 3.7× worse than the last value, and the check chose ones without τ, which lost a week ahead on the test span
 * to seasonal naive; 40 seeds: 17 losses to a baseline of 80 with one season, 1 with two). The price: shorter
 * scored blocks, in which a random walk's spurious fits pass the test against the last value more often (60
 * weekly random walks: geometric mean over the last value 1.001 / 1.003 → 1.008 / 1.019 at h = 1 / 7). With
 * less than two seasons the first fifth stays: fewer, shorter scored blocks let spurious fits pass the test
 * against the last value (a 600-step random walk then picks a trend). Later still, up to half the targets,
 * when the first fit would hold fewer than `minFit` targets: a fit with few rows per weight (12 years of
 * monthly data give a 14-lag ARX 20 rows in its first fifth) scores candidates by how badly they overfit.
 */
export function forwardStart(len: number, season: number, minFit = 0): number {
  const seasons = 2 * season <= 0.6 * len ? 2 * season : season <= len / 2 ? season : 0;
  return Math.max(len / FOLDS, seasons, Math.min(len / 2, minFit));
}

/** The BIC order of an AR on the residuals of z on its C calendar (and τ) columns and an intercept, before the test span. */
function residualArOrder(s: PreparedSeries, C: number): number {
  const end = spansOf(s.n).testStart;
  const M = C + 1;
  const X = new Float64Array(end * M);
  for (let t = 0; t < end; t++) { for (let c = 0; c < C; c++) X[t * M + c] = s.cov[t * C + c]!; X[t * M + C] = 1; }
  const y = Float64Array.from(s.z.subarray(0, end));
  const b = leastSquares(X, y, end, M);
  const r = y.map((v, t) => { let f = 0; for (let c = 0; c < M; c++) f += X[t * M + c]! * b[c]!; return v - f; });
  return selectArOrder(r, end);
}

/** Least squares on the columns `cols` of d.X only (ridge λ, default ≈ 0), as a full K-vector (zeros elsewhere). */
function subsetFit(d: Rows, K: number, cols: readonly number[], ridge?: number): Float64Array {
  return onColumns(solveNormalEquations(subsetNormalEquations(d, K, cols), ridge), cols, K);
}

/** The normal equations of the least squares of d.y on the columns `cols` of d.X. */
function subsetNormalEquations(d: Rows, K: number, cols: readonly number[]): NormalEquations {
  const M = cols.length;
  const X = new Float64Array(d.N * M);
  for (let n = 0; n < d.N; n++) cols.forEach((c, j) => { X[n * M + j] = d.X[n * K + c]!; });
  return normalEquations(X, d.y, d.N, M);
}

/** Weights `b` over the columns `cols` as a full K-vector (zeros elsewhere). */
function onColumns(b: Float64Array, cols: readonly number[], K: number): Float64Array {
  const beta = new Float64Array(K);
  cols.forEach((c, j) => { beta[c] = b[j]!; });
  return beta;
}

/**
 * The start the forward check keeps: the best candidate when its one-step gain over the last value clears 2
 * standard errors (`oneStep`), or when it clears one and its H-step gain (`hStep`, computed only then) clears 2.
 * A slow season moves the series little in one step and much in H: of 40 seeds of 5 years of weekly data with
 * a yearly wave, the one-step test alone kept the last value on 3, which then lost a week ahead to seasonal
 * naive by up to 1.7× (8 losses to a baseline of 80; with this rule none keeps it, 1 loss). The one-step
 * standard error still guards random walks: on daily S&P closes the best fit gains 0.16 SE in one step and
 * 2.6 SE in 7 (momentum in one bull run), and is worse than the last value on the test span at both horizons;
 * 60 weekly random walks keep a fit on 9 rather than 4, at the same geometric mean over the last value.
 */
export function passesGate(oneStep: PairedGain, hStep: () => PairedGain): PairedGain {
  if (oneStep.keep || !(oneStep.mean > oneStep.se)) return oneStep;
  return hStep().keep ? { ...oneStep, keep: true } : oneStep;
}

/**
 * Mean squared error (model units) of the H-step forecasts that `beta` (over the highway inputs and the
 * intercept) makes of the `targets` (index t of series s), H = spec.horizon: from origin t − H, each step's
 * forecast fed back as the next step's last value and lags, as the model forecasts without its recurrent part.
 */
function horizonLoss(spec: TimeSeriesSpec, beta: Float64Array, targets: readonly { s: PreparedSeries; t: number }[]): number {
  const H = spec.horizon;
  const A = spec.lags + calendarSize(spec);
  const x = new Float32Array(inputSize(spec));
  const a = new Float32Array(A);
  const path = new Float64Array(H + 1);
  let ss = 0;
  for (const { s, t } of targets) {
    const o = Math.max(0, t - H);
    const zAt = (k: number): number => (k <= o ? s.z[k]! : path[k - o]!);
    const level = anchorLevel(s.z, o - spec.window + 1); // one anchor per origin, as forecast() keeps
    for (let j = o + 1; j <= t; j++) {
      fillInputs(x, 0, a, 0, s, spec, j, zAt, level);
      let f = beta[A]!;
      for (let k = 0; k < A; k++) f += a[k]! * beta[k]!;
      path[j - o] = zAt(j - 1) + f;
    }
    ss += (s.z[t]! - path[t - o]!) ** 2;
  }
  return ss / Math.max(1, targets.length);
}
