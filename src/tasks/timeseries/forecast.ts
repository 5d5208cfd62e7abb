// Multi-step forecasts with intervals. The point forecast feeds the predicted MEAN back as the next input
// (for the linear highway this is the exact conditional mean; one path is cheap and has no Monte-Carlo
// noise). Intervals come from SAMPLE paths (ancestral sampling as in DeepAR: each step draws from its
// Gaussian and feeds the draw back), because feeding means back would ignore how errors compound. A stored
// calibration (spec.calibration, from calibrate.ts) then stretches each horizon's intervals around the mean;
// a stored local volatility (spec.volatility) first scales every σ by the recent residuals' size. With the
// 'log1p' transform every value fed back is censored at 0, and an interval that reaches 0 holds all of it.
import { noGrad, Tensor } from '../../tensor/tensor.js';
import type { Rng } from '../../tensor/rng.js';
import { gaussianParams, standardNormalQuantile } from './gaussian.js';
import { type PreparedSeries, type TimeSeriesSpec, anchorLevel, calendarSize, fillInputs, fromModelUnits, inputSize, modelFloor } from './inputs.js';
import type { TimeSeriesModel } from './model.js';
import { volatilityRatio } from './volatility.js';

/** Forecast H steps of series `s` from origin `origin` (the last observed index it may read). */
export interface ForecastRequest {
  s: PreparedSeries;
  origin: number;
}

/** H values per request, in the series' own units (with a log transform `mean` is exp of the log-mean: the median). */
export interface Forecast {
  mean: Float64Array;
  lo80: Float64Array;
  hi80: Float64Array;
  lo95: Float64Array;
  hi95: Float64Array;
  /** The predicted one-step scale σ at each step of the mean path (own units; for 'log', half the width of μ ± σ), with the local volatility scale, before calibration. */
  sigma: Float64Array;
  /** μ and σ of each step of the mean path in model units (transformed, scaled). */
  zMean: Float64Array;
  zSigma: Float64Array;
  /** lo80, hi80, lo95, hi95 of each step in model units, before the censoring at zero of 'log1p' ([H, 4]). */
  zBounds: Float64Array;
}

export interface ForecastOptions {
  /** Sample paths for the intervals of steps 2 … H (default 200; 0: Gaussian μ ± zσ of each step). */
  samples?: number;
  /** Draws the sample paths (a fixed seed makes forecasts reproducible). */
  rng: Rng;
  /** Requests per batch (bounds memory; default 256). */
  chunk?: number;
}

function quantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const i = Math.floor(pos);
  const f = pos - i;
  return i + 1 < sorted.length ? sorted[i]! * (1 - f) + sorted[i + 1]! * f : sorted[i]!;
}

/** Forecasts every request H steps ahead: mean path plus 80 % / 95 % intervals (see the file header). */
export function forecast(model: TimeSeriesModel, spec: TimeSeriesSpec, reqs: readonly ForecastRequest[], H: number, o: ForecastOptions): Forecast[] {
  const chunk = o.chunk ?? 256;
  const out: Forecast[] = [];
  for (let i = 0; i < reqs.length; i += chunk) out.push(...forecastChunk(model, spec, reqs.slice(i, i + chunk), H, o.samples ?? 200, o.rng));
  return out;
}

function forecastChunk(model: TimeSeriesModel, spec: TimeSeriesSpec, reqs: readonly ForecastRequest[], H: number, S: number, rng: Rng): Forecast[] {
  return noGrad(() => {
    const wasTraining = model.training;
    model.eval();
    const B = reqs.length;
    const W = spec.window;
    const I = inputSize(spec);
    const A = spec.lags + calendarSize(spec);
    // Context: W steps whose targets are origin − W + 2 … origin + 1; the last step predicts origin + 1.
    const x = new Float32Array(W * B * I);
    const a = new Float32Array(W * B * A);
    const levels = reqs.map(({ s, origin }) => anchorLevel(s.z, Math.max(0, origin - W + 1)));
    reqs.forEach(({ s, origin }, b) => {
      const zAt = (k: number): number => s.z[Math.min(k, origin)]!;
      for (let w = 0; w < W; w++) {
        const r = w * B + b;
        fillInputs(x, r * I, a, r * A, s, spec, origin - W + 2 + w, zAt, levels[b]!, origin);
      }
    });
    const ctx = model.forward(Tensor.from(x, [W, B, I]), Tensor.from(a, [W, B, A]));
    const K = 1 + S; // path 0 of each request follows the means, paths 1 … S are samples
    const P = B * K;
    const fut = new Float64Array(P * H); // fed-back scaled values per path
    const muPath = new Float64Array(B * H);
    const sigPath = new Float64Array(B * H);
    const draws = new Float64Array(B * S * H);
    const last = (W - 1) * B;
    const first = gaussianParams(ctx.head.data.subarray(2 * last), ctx.highway.data.subarray(last), B);
    for (let b = 0; b < B; b++) first.mu[b]! += reqs[b]!.s.z[reqs[b]!.origin]!; // the model predicts z_t − z_{t−1}
    const vol = spec.volatility ? contextVolatility(ctx, reqs, W, spec.volatility.halfLife) : null;
    // values fed back are censored where the series is ('log1p': never below the model value of 0)
    const floors = reqs.map(({ s }) => modelFloor(s, spec.transform));
    const take = (h: number, mu: Float64Array, sig: Float64Array, pathOf: (q: number) => number): void => {
      for (let q = 0; q < P; q++) {
        const b = Math.floor(q / K);
        const k = q % K;
        const m = mu[pathOf(q)]!;
        const sd = sig[pathOf(q)]! * (vol ? vol[b]! : 1);
        const v = k === 0 ? m : m + sd * rng.normal();
        fut[q * H + h] = Math.max(floors[b]!, v);
        if (k === 0) { muPath[b * H + h] = m; sigPath[b * H + h] = sd; } else draws[(b * S + k - 1) * H + h] = v;
      }
    };
    take(0, first.mu, first.sigma, (q) => Math.floor(q / K));
    let state: { h?: Tensor; c?: Tensor } = tile(ctx.state, B, K);
    for (let h = 1; h < H; h++) {
      const x1 = new Float32Array(P * I);
      const a1 = new Float32Array(P * A);
      for (let q = 0; q < P; q++) {
        const { s, origin } = reqs[Math.floor(q / K)]!;
        const zAt = (k: number): number => (k <= origin ? s.z[k]! : fut[q * H + (k - origin - 1)]!);
        fillInputs(x1, q * I, a1, q * A, s, spec, origin + h + 1, zAt, levels[Math.floor(q / K)]!, origin);
      }
      const step = model.forward(Tensor.from(x1, [1, P, I]), Tensor.from(a1, [1, P, A]), state);
      state = step.state;
      const g = gaussianParams(step.head.data, step.highway.data, P);
      for (let q = 0; q < P; q++) g.mu[q]! += fut[q * H + h - 1]!;
      take(h, g.mu, g.sigma, (q) => q);
    }
    model.train(wasTraining);
    const tr = spec.transform;
    const cal = spec.calibration;
    return reqs.map(({ s }, b) => {
      const u = (v: number): number => fromModelUnits(s, v, tr);
      const f: Forecast = { mean: new Float64Array(H), lo80: new Float64Array(H), hi80: new Float64Array(H), lo95: new Float64Array(H), hi95: new Float64Array(H), sigma: new Float64Array(H),
        zMean: muPath.slice(b * H, (b + 1) * H), zSigma: sigPath.slice(b * H, (b + 1) * H), zBounds: new Float64Array(4 * H) };
      const col = new Float64Array(S);
      for (let h = 0; h < H; h++) {
        const mu = muPath[b * H + h]!;
        const sd = sigPath[b * H + h]!;
        f.mean[h] = u(mu);
        f.sigma[h] = (u(mu + sd) - u(mu - sd)) / 2;
        // the p-quantile of this step's forecast in model units: Gaussian at step 1 (or without samples), else the draws'
        if (h > 0 && S > 0) {
          for (let k = 0; k < S; k++) col[k] = draws[(b * S + k) * H + h]!;
          col.sort();
        }
        const at = (p: number): number => (h === 0 || S === 0 ? mu + sd * standardNormalQuantile(p) : quantile(col, p));
        const q = [...levelInterval(0.8, at, floors[b]!), ...levelInterval(0.95, at, floors[b]!)]; // lo80, hi80, lo95, hi95
        const m80 = multiplier(cal?.level80, h);
        const m95 = multiplier(cal?.level95, h);
        // stretched around μ; a lower end at −∞ (everything down to a floor) stays there whatever the stretch
        const down = (m: number, lo: number): number => (lo === -Infinity ? lo : mu - m * (mu - lo));
        const lo80 = down(m80, q[0]!);
        const hi80 = mu + m80 * (q[1]! - mu);
        // separately calibrated levels can cross (a 95 % multiplier from a few dozen scores, far below the 80 %
        // one): a 95 % end inside the 80 % interval takes the 80 % stretch instead, so it stays outside it
        const lo95 = down(m95, q[2]!);
        const hi95 = mu + m95 * (q[3]! - mu);
        const zb = [lo80, hi80, lo95 <= lo80 ? lo95 : down(m80, q[2]!), hi95 >= hi80 ? hi95 : mu + m80 * (q[3]! - mu)];
        f.zBounds.set(zb, 4 * h);
        [f.lo80[h], f.hi80[h], f.lo95[h], f.hi95[h]] = zb.map(u) as [number, number, number, number];
      }
      return f;
    });
  });
}

/**
 * The local volatility ratio of each request (see volatility.ts) from the context pass's one-step residuals:
 * step w of the window predicted index t = origin − W + 2 + w, observed for t ≤ origin (t ≥ 1 only).
 */
function contextVolatility(ctx: { head: Tensor; highway: Tensor }, reqs: readonly ForecastRequest[], W: number, halfLife: number): Float64Array {
  const B = reqs.length;
  const g = gaussianParams(ctx.head.data, ctx.highway.data, W * B);
  return Float64Array.from(reqs, ({ s, origin }, b) => {
    const e: number[] = [];
    for (let w = 0; w < W - 1; w++) {
      const t = origin - W + 2 + w;
      if (t >= 1) e.push((s.z[t]! - s.z[t - 1]! - g.mu[w * B + b]!) / g.sigma[w * B + b]!);
    }
    return volatilityRatio(e, halfLife);
  });
}

/**
 * The interval of `level` L from the quantile function `at`: the central [q_{(1−L)/2}, q_{(1+L)/2}], unless its
 * lower end reaches `floor` (a series censored at 0, where the atom at 0 holds at least (1 − L)/2 of the
 * forecast): then the central one would hold L + (1 − L)/2, and the interval is everything up to q_L
 * (lower end −∞, which reads as 0), so that it holds L.
 */
function levelInterval(level: number, at: (p: number) => number, floor: number): [number, number] {
  const lo = at((1 - level) / 2);
  return lo <= floor ? [-Infinity, at(level)] : [lo, at((1 + level) / 2)];
}

/** The calibration multiplier of horizon index h (the last one beyond the calibrated horizons; 1 without). */
function multiplier(m: readonly number[] | undefined, h: number): number {
  return m && m.length > 0 ? m[Math.min(h, m.length - 1)]! : 1;
}

/** Repeats each of the B states K times along the batch dimension: [L, B, H] → [L, B·K, H]. */
function tile(state: { h?: Tensor; c?: Tensor }, B: number, K: number): { h: Tensor; c?: Tensor } {
  const rep = (t: Tensor): Tensor => {
    const [L, , Hd] = [t.shape[0]!, t.shape[1]!, t.shape[2]!];
    const out = Tensor.zeros([L, B * K, Hd], t.dtype);
    for (let l = 0; l < L; l++) for (let b = 0; b < B; b++) {
      const src = t.data.subarray((l * B + b) * Hd, (l * B + b + 1) * Hd);
      for (let k = 0; k < K; k++) out.data.set(src, (l * B * K + b * K + k) * Hd);
    }
    return out;
  };
  return state.c ? { h: rep(state.h!), c: rep(state.c) } : { h: rep(state.h!) };
}
