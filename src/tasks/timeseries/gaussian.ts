// The Gaussian likelihood head of the forecaster (as DeepAR): per step a mean μ = head₀ + highway and a
// scale σ = softplus(head₁) + σ_min, trained by the negative log-likelihood; one fused op on the tape.
import { ShapeError } from '../../errors.js';
import { Tensor, record } from '../../tensor/tensor.js';

/** Floor of the predicted scale (in scaled units), so the likelihood never divides by zero. */
export const SIGMA_MIN = 1e-3;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** softplus(x) = log(1 + eˣ), computed without overflow. */
export function softplus(x: number): number {
  return x > 20 ? x : Math.log1p(Math.exp(x));
}

/** The x with softplus(x) = y (y > 0). */
export function softplusInverse(y: number): number {
  return y > 20 ? y : Math.log(Math.expm1(y));
}

/**
 * Mean Gaussian negative log-likelihood over N points:
 *   μ_n = head[n, 0] + highway[n],  σ_n = softplus(head[n, 1]) + σ_min,
 *   NLL = (1/N) Σ_n [log σ_n + ½((y_n − μ_n)/σ_n)² + ½ log 2π].
 * head [N, 2] and highway [N, 1] (or null) are differentiable; y [N] is data. Returns a scalar [1]. With
 * `shrink` λ > 0 the loss adds λ·(1/N) Σ_n head[n, 0]²: the recurrent part's mean offset is shrunk towards
 * the highway's linear forecast, as ridge shrinks a regression (∂/∂head₀ gains 2λ·head₀/N).
 * ∂/∂μ = −(y − μ)/σ², ∂/∂σ = 1/σ − (y − μ)²/σ³, ∂σ/∂head₁ = sigmoid(head₁).
 * @example
 * const loss = gaussianNll(model.head.forward(h), model.highway.forward(lags), targets);
 */
export function gaussianNll(head: Tensor, highway: Tensor | null, y: ArrayLike<number>, shrink = 0): Tensor {
  const N = y.length;
  if (head.size !== 2 * N) throw new ShapeError('gaussianNll head', [N, 2], head.shape, 'one (mean, raw scale) pair per target');
  if (highway && highway.size !== N) throw new ShapeError('gaussianNll highway', [N, 1], highway.shape, 'one highway value per target');
  const dMu = new Float64Array(N);
  const dRaw = new Float64Array(N);
  const dOff = new Float64Array(N);
  let total = 0;
  for (let n = 0; n < N; n++) {
    const raw = head.data[2 * n + 1]!;
    const mu = head.data[2 * n]! + (highway ? highway.data[n]! : 0);
    const sigma = softplus(raw) + SIGMA_MIN;
    const r = y[n]! - mu;
    const z = r / sigma;
    const off = head.data[2 * n]!;
    total += Math.log(sigma) + 0.5 * z * z + HALF_LOG_2PI + shrink * off * off;
    dMu[n] = -r / (sigma * sigma) / N;
    dOff[n] = (2 * shrink * off) / N;
    dRaw[n] = (1 / sigma - (r * r) / (sigma * sigma * sigma)) / (1 + Math.exp(-raw)) / N;
  }
  const out = Tensor.zeros([1], head.dtype);
  out.data[0] = total / N;
  return record(out, highway ? [head, highway] : [head], (g) => {
    const s = g[0]!;
    if (head.requiresGrad) {
      const gh = head.gradBuf();
      for (let n = 0; n < N; n++) { gh[2 * n]! += s * (dMu[n]! + dOff[n]!); gh[2 * n + 1]! += s * dRaw[n]!; }
    }
    if (highway?.requiresGrad) {
      const gw = highway.gradBuf();
      for (let n = 0; n < N; n++) gw[n]! += s * dMu[n]!;
    }
  });
}

/** Reads μ and σ (scaled units) for N points from head [N, 2] and highway [N, 1] values, without a tape. */
export function gaussianParams(head: ArrayLike<number>, highway: ArrayLike<number> | null, N: number): { mu: Float64Array; sigma: Float64Array } {
  const mu = new Float64Array(N);
  const sigma = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    mu[n] = head[2 * n]! + (highway ? highway[n]! : 0);
    sigma[n] = softplus(head[2 * n + 1]!) + SIGMA_MIN;
  }
  return { mu, sigma };
}

/** Standard normal quantiles of the central intervals recur reports: 80 % → 1.2816, 95 % → 1.9600. */
export const Z80 = 1.2815515655446004;
export const Z95 = 1.959963984540054;

/** Φ⁻¹(p) for the levels the forecasts use: 0.1, 0.9, 0.025, 0.975 (central 80 % and 95 % intervals) and
 * 0.8, 0.95 (one-sided ones, for series censored at 0; see forecast.ts). Other p throw a RangeError. */
export function standardNormalQuantile(p: number): number {
  if (p < 0.5) return -standardNormalQuantile(1 - p);
  const z = Z_OF.find(([q]) => Math.abs(q - p) < 1e-9)?.[1];
  if (z === undefined) throw new RangeError(`standardNormalQuantile: expected one of 0.025, 0.1, 0.8, 0.9, 0.95, 0.975, got ${p}`);
  return z;
}
const Z_OF: readonly (readonly [number, number])[] = [[0.9, Z80], [0.975, Z95], [0.8, 0.8416212335729143], [0.95, 1.6448536269514722]];
