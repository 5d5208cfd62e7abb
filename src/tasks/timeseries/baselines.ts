// The forecasts a forecaster tries first, computed by the same rolling-origin code as the model: last value
// (naive), seasonal naive (period given or detected by autocorrelation), least-squares AR(p) with an
// intercept (order by BIC, iterated for multi-step), and the training mean. Plus the least-squares solver.
import { DataError } from '../../errors.js';

/** Forecasts `H` steps after the last value of `history` (the true values up to the origin). */
export type PointForecaster = (history: Float64Array, H: number) => Float64Array;

/**
 * Solves min‖Xβ − y‖² + ridge‖β‖² by the normal equations (Gaussian elimination with partial pivoting).
 * X is row-major [N, K]. Small K only (AR orders, a few regressors).
 */
export function leastSquares(X: Float64Array, y: Float64Array, N: number, K: number, ridge = 1e-8): Float64Array {
  return solveNormalEquations(normalEquations(X, y, N, K), ridge);
}

/** XᵀX and Xᵀy of a least-squares problem, as the augmented [K, K | 1] matrix, for several ridge strengths at once. */
export interface NormalEquations { A: Float64Array; N: number; K: number }

/** The normal equations of min‖Xβ − y‖² (X row-major [N, K]), built once for `solveNormalEquations`. */
export function normalEquations(X: Float64Array, y: Float64Array, N: number, K: number): NormalEquations {
  const A = new Float64Array(K * (K + 1)); // [K, K | 1] augmented
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < K; i++) {
      const xi = X[n * K + i]!;
      for (let j = 0; j < K; j++) A[i * (K + 1) + j]! += xi * X[n * K + j]!;
      A[i * (K + 1) + K]! += xi * y[n]!;
    }
  }
  return { A, N, K };
}

/** β of the normal equations `ne` with ridge·max(1, N) added to XᵀX's diagonal (`ne` itself is left as it is). */
export function solveNormalEquations(ne: NormalEquations, ridge = 1e-8): Float64Array {
  const { N, K } = ne;
  const A = ne.A.slice();
  for (let i = 0; i < K; i++) A[i * (K + 1) + i]! += ridge * Math.max(1, N);
  for (let c = 0; c < K; c++) {
    let piv = c;
    for (let r = c + 1; r < K; r++) if (Math.abs(A[r * (K + 1) + c]!) > Math.abs(A[piv * (K + 1) + c]!)) piv = r;
    if (piv !== c) for (let j = 0; j <= K; j++) { const t = A[c * (K + 1) + j]!; A[c * (K + 1) + j] = A[piv * (K + 1) + j]!; A[piv * (K + 1) + j] = t; }
    const d = A[c * (K + 1) + c]!;
    if (Math.abs(d) < 1e-300) continue;
    for (let r = 0; r < K; r++) {
      if (r === c) continue;
      const f = A[r * (K + 1) + c]! / d;
      if (f !== 0) for (let j = c; j <= K; j++) A[r * (K + 1) + j]! -= f * A[c * (K + 1) + j]!;
    }
  }
  const beta = new Float64Array(K);
  for (let i = 0; i < K; i++) { const d = A[i * (K + 1) + i]!; beta[i] = Math.abs(d) < 1e-300 ? 0 : A[i * (K + 1) + K]! / d; }
  return beta;
}

/** An AR(p) model y_t = c + Σ_k a_k y_{t−k} + ε (coef[k−1] = a_k), with the residual std. */
export interface ARModel {
  p: number;
  coef: Float64Array;
  intercept: number;
  residStd: number;
}

/**
 * Fits AR(p) with an intercept by least squares on values[0, end) (targets t = p … end−1).
 * @example
 * fitAR(y, y.length, 2).coef; // ≈ [1.5, −0.7] for y_t = 1.5 y_{t−1} − 0.7 y_{t−2}
 */
export function fitAR(values: ArrayLike<number>, end: number, p: number, first = p): ARModel {
  const N = end - first;
  if (N < p + 2) throw new DataError(`AR(${p}): expected at least ${first + p + 2} training values, got ${end}`, 'use a smaller AR order or a longer series');
  const K = p + 1;
  const X = new Float64Array(N * K);
  const y = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    const t = first + n;
    for (let k = 1; k <= p; k++) X[n * K + k - 1] = values[t - k]!;
    X[n * K + p] = 1;
    y[n] = values[t]!;
  }
  const beta = leastSquares(X, y, N, K);
  let ss = 0;
  for (let n = 0; n < N; n++) {
    let f = 0;
    for (let k = 0; k < K; k++) f += X[n * K + k]! * beta[k]!;
    ss += (y[n]! - f) ** 2;
  }
  return { p, coef: beta.slice(0, p), intercept: beta[p]!, residStd: Math.sqrt(ss / N) };
}

/** The AR order with the lowest BIC among `candidates` (all fitted on the same targets). */
export function selectArOrder(values: ArrayLike<number>, end: number, candidates: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 21, 28]): number {
  const usable = candidates.filter((p) => p <= Math.floor(end / 5));
  if (usable.length === 0) return 1;
  const maxP = Math.max(...usable);
  let best = usable[0]!;
  let bestBic = Infinity;
  for (const p of usable) {
    const m = fitAR(values, end, p, maxP);
    const N = end - maxP;
    const bic = N * Math.log(Math.max(m.residStd, 1e-12) ** 2) + (p + 1) * Math.log(N);
    if (bic < bestBic) { bestBic = bic; best = p; }
  }
  return best;
}

/**
 * Autocorrelation of values[0, end) at lags 0 … maxLag, each lag's sum divided by its own number of terms
 * (the unbiased form: the biased one shrinks long lags by (n−k)/n and moves a yearly peak earlier).
 */
export function autocorrelation(values: ArrayLike<number>, end: number, maxLag: number): Float64Array {
  let mean = 0;
  for (let i = 0; i < end; i++) mean += values[i]!;
  mean /= end;
  let v = 0;
  for (let i = 0; i < end; i++) v += (values[i]! - mean) ** 2;
  const acf = new Float64Array(maxLag + 1);
  for (let k = 0; k <= maxLag; k++) {
    let s = 0;
    for (let i = k; i < end; i++) s += (values[i]! - mean) * (values[i - k]! - mean);
    acf[k] = v > 0 ? (s / (end - k)) / (v / end) : 0;
  }
  return acf;
}

/**
 * The seasonal period of values[0, end) by autocorrelation of the linearly detrended values: among lags 2 … min(maxLag, end/2) where the ACF
 * is highest within ±max(1, lag/10) lags, the one with the largest rise above the lowest ACF at any shorter lag (its prominence);
 * a shorter lag whose prominence is within 10 % of the best wins (7 over 364 for daily data with a weekly
 * season), and so does the shortest peak with half the best prominence and 80 % of its ACF whose multiple the
 * best lag is (within its ±lag/10) and whose double is a peak too: a season's multiples rise as high as it does, and the lowest ACF
 * before them only falls, so with AR noise on a weekly season 14, 35 or 126 topped 7 on 20 of 20 seeds (a lone
 * noise peak, as rain's at 20 days under one at 279, has no peak at its double; a half-season echo, as lag 2 of
 * a quarterly pattern, has a lower ACF than the season). A peak's ACF must exceed 0.1 and
 * 3/√(n−k) (three white-noise standard deviations); null when no peak qualifies or rises by 0.1 or more (no season).
 * A calendar's own cycle (`calendarCycle`, 4 steps for quarterly data, 12 for monthly) wins over a divisor of it
 * that this finds when its ACF is at least as high: a quarterly pattern that is mostly alternating ([3, −2, 1,
 * −2]) has a lag-2 ACF nearly as high as its lag-4 one, and was taken for a 2-step season on 10 of 20 seeds.
 * @example
 * detectPeriod(dailyBirths, n); // 7
 */
export function detectPeriod(values: ArrayLike<number>, end: number, maxLag = 400, calendarCycle: number | null = null): number | null {
  const L = Math.min(maxLag, Math.floor(end / 2));
  if (L < 3) return null;
  const acf = autocorrelation(detrended(values, end), end, L);
  const peaks: { lag: number; prom: number; acf: number }[] = [];
  let low = acf[1]!;
  for (let k = 2; k < L; k++) {
    low = Math.min(low, acf[k]!);
    // a peak must top its neighbourhood of ±k/10 lags, so a noisy bump on a broad yearly hill does not count
    const r = Math.max(1, Math.floor(k / 10));
    let top = true;
    for (let j = Math.max(1, k - r); j <= Math.min(L, k + r) && top; j++) if (acf[j]! > acf[k]!) top = false;
    // and stand out of white noise's ±1/√(n−k) by three standard deviations
    if (top && acf[k]! > Math.max(0.1, 3 / Math.sqrt(end - k))) peaks.push({ lag: k, prom: acf[k]! - low, acf: acf[k]! });
  }
  const best = Math.max(0, ...peaks.map((p) => p.prom));
  if (best < 0.1) return null;
  const top = peaks.find((p) => p.prom >= 0.9 * best)!;
  const tol = Math.max(1, Math.floor(top.lag / 10));
  const peakNear = (lag: number): boolean => peaks.some((q) => Math.abs(q.lag - lag) <= 1);
  const fundamental = peaks.find((p) => p.prom >= 0.5 * best && p.acf >= 0.8 * top.acf && p.lag <= top.lag / 2 && peakNear(2 * p.lag) &&
    Math.abs(top.lag - Math.round(top.lag / p.lag) * p.lag) <= tol);
  const found = fundamental ? fundamental.lag : top.lag;
  const c = calendarCycle;
  return c !== null && c > found && c % found === 0 && c < L && acf[c]! >= acf[found]! ? c : found;
}

/** values[0, end) minus their least-squares line, so that a trend does not hide a season's peaks. */
export function detrended(values: ArrayLike<number>, end: number): Float64Array {
  const X = new Float64Array(end * 2);
  for (let t = 0; t < end; t++) { X[2 * t] = t / end; X[2 * t + 1] = 1; }
  const y = Float64Array.from({ length: end }, (_, t) => values[t]!);
  const [a, b] = leastSquares(X, y, end, 2, 0);
  return y.map((v, t) => v - a! * (t / end) - b!);
}

/** Last value: ŷ_{o+h} = y_o. */
export const naiveForecaster: PointForecaster = (hist, H) => new Float64Array(H).fill(hist[hist.length - 1]!);

/** Seasonal naive with period m: ŷ_{o+h} = y_{o+h−m·⌈h/m⌉} (the last value from the same phase). */
export function seasonalNaiveForecaster(m: number): PointForecaster {
  return (hist, H) => {
    const o = hist.length - 1;
    return Float64Array.from({ length: H }, (_, i) => {
      const h = i + 1;
      const at = o + h - m * Math.ceil(h / m);
      return hist[Math.max(0, at)]!;
    });
  };
}

/** The training mean, whatever the origin. */
export function meanForecaster(mean: number): PointForecaster {
  return (_hist, H) => new Float64Array(H).fill(mean);
}

/** AR(p) iterated: each step's forecast becomes the next step's lag (the mean path). */
export function arForecaster(m: ARModel): PointForecaster {
  return (hist, H) => {
    const p = m.p;
    const buf = new Float64Array(p + H);
    for (let k = 0; k < p; k++) buf[k] = hist[Math.max(0, hist.length - p + k)]!;
    for (let h = 0; h < H; h++) {
      let f = m.intercept;
      for (let k = 1; k <= p; k++) f += m.coef[k - 1]! * buf[p + h - k]!;
      buf[p + h] = f;
    }
    return buf.slice(p);
  };
}

/**
 * Rolling-origin forecasts over the test span [start, n): for horizon h and each test index j, the
 * forecast of y_j made at origin j − h from the true history y[0 … j−h]. Returns out[h−1][j − start].
 */
export function rollingForecasts(values: Float64Array, start: number, H: number, f: PointForecaster): Float64Array[] {
  const n = values.length;
  const out = Array.from({ length: H }, () => new Float64Array(n - start));
  for (let o = Math.max(0, start - H); o < n - 1; o++) {
    const path = f(values.subarray(0, o + 1), H);
    for (let h = 1; h <= H; h++) {
      const j = o + h;
      if (j >= start && j < n) out[h - 1]![j - start] = path[h - 1]!;
    }
  }
  return out;
}
