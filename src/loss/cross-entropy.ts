// Cross-entropy over class logits with PyTorch's F.cross_entropy semantics (ignore_index, label smoothing,
// mean/sum/none), as one fused node: log-softmax forward, softmax − target-distribution backward.
// Also holds the helpers every loss shares: the reduction option and a max-shifted row log-softmax.
import { ConfigError, DataError, ShapeError } from '../errors.js';
import { expectInt, expectKnownKeys, expectNumber, expectShape } from '../tensor/shape.js';
import { backend } from '../backend/index.js';
import { type Buf, Tensor, record } from '../tensor/tensor.js';

/** How per-item losses become the result: their mean, their sum, or all of them ('none'). */
export type Reduction = 'mean' | 'sum' | 'none';

/** Validates a reduction option (ConfigError otherwise). */
export function expectReduction(arg: string, v: unknown): Reduction {
  if (v === 'mean' || v === 'sum' || v === 'none') return v;
  throw new ConfigError(`${arg}: expected 'mean', 'sum' or 'none', got ${JSON.stringify(v)}`,
    "'mean' averages the per-item losses, 'sum' adds them, 'none' returns one loss per item");
}

/**
 * out[n, c] = x[n, c] − log Σ_k exp x[n, k] for x [N, C], computed in float64 with the row maximum
 * subtracted first so large logits do not overflow. Internal helper of the losses and CTC decoders.
 */
export function logSoftmaxRows(out: Float64Array, x: ArrayLike<number>, N: number, C: number, offset = 0): void {
  for (let n = 0; n < N; n++) {
    const o = offset + n * C;
    let m = -Infinity;
    for (let c = 0; c < C; c++) if (x[o + c]! > m) m = x[o + c]!;
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(x[o + c]! - m);
    const lse = m + Math.log(s);
    for (let c = 0; c < C; c++) out[n * C + c] = x[o + c]! - lse;
  }
}

export interface CrossEntropyOptions {
  /** Rows whose target equals this value add nothing to the loss nor to the 'mean' count (default -100). */
  ignoreIndex?: number;
  /** ε in [0, 1]: the target distribution becomes (1 − ε)·onehot(y) + ε/C (default 0). */
  labelSmoothing?: number;
  /** Default 'mean': divides by the number of rows whose target is not ignored. */
  reduction?: Reduction;
}

/**
 * Cross-entropy of class logits against class indices, exactly as PyTorch's `F.cross_entropy`.
 *
 * With p = log_softmax(logits) over C classes, for each row n whose target yₙ ≠ ignoreIndex:
 *   ℓₙ = (1 − ε)·(−p[n, yₙ]) + (ε / C)·(−Σ_c p[n, c]);   ignored rows have ℓₙ = 0.
 * 'sum' gives Σ ℓₙ, 'none' gives ℓ [N], 'mean' gives Σ ℓₙ / (number of non-ignored rows) — NaN when every
 * row is ignored, as in PyTorch. The gradient is one fused step: ∂ℓₙ/∂logits[n, c] = softmax − q with
 * q = (1 − ε)·onehot(yₙ) + ε/C (zero for ignored rows).
 *
 * Shapes: logits [N, C] (float32 or float64), targets N integers in [0, C) or equal to ignoreIndex.
 * Sequence models reshape their [T, B, C] outputs to [T·B, C] (and targets to T·B indices, padding with
 * ignoreIndex) before calling this. Returns a scalar [1], or [N] for reduction 'none'.
 *
 * @example
 * const logits = Tensor.from([[2, 0.5, -1], [0, 1, 0]]);
 * logits.requiresGrad = true;
 * const loss = crossEntropy(logits, [0, 2], { labelSmoothing: 0.1 });
 * loss.backward(); // logits.grad = (softmax − q) / 2
 */
export function crossEntropy(logits: Tensor, targets: ArrayLike<number>, options: CrossEntropyOptions = {}): Tensor {
  expectKnownKeys('crossEntropy', options, ['ignoreIndex', 'labelSmoothing', 'reduction']);
  const ignoreIndex = expectInt('crossEntropy: ignoreIndex', options.ignoreIndex ?? -100, Number.MIN_SAFE_INTEGER);
  const eps = expectNumber('crossEntropy: labelSmoothing', options.labelSmoothing ?? 0, 0, 1);
  const reduction = expectReduction('crossEntropy: reduction', options.reduction ?? 'mean');
  expectShape('logits', logits, [null, null],
    'cross-entropy takes logits [N, C]; reshape sequence outputs [T, B, C] to [T·B, C] first');
  const [N, C] = [logits.shape[0]!, logits.shape[1]!];
  if (C < 1) throw new ShapeError('logits', [N, null], logits.shape, 'there must be at least one class');
  if (targets.length !== N) {
    throw new ShapeError('targets', [N], [targets.length], 'give one class index per row of logits');
  }
  const y = new Int32Array(N); // targets, −1 where ignored
  let valid = 0;
  for (let n = 0; n < N; n++) {
    const t = targets[n]!;
    if (t === ignoreIndex) { y[n] = -1; continue; }
    if (!Number.isInteger(t) || t < 0 || t >= C) {
      throw new DataError(`targets[${n}]: expected a class index in [0, ${C - 1}] or ignoreIndex ${ignoreIndex}, got ${t}`,
        'targets are class indices, not one-hot rows or probabilities; mark padding with ignoreIndex');
    }
    y[n] = t;
    valid++;
  }

  const rows = logits.data instanceof Float32Array ? nativeRows(logits.data, y, N, C, eps) : null;
  const { perRow, addGrad } = rows ?? jsRows(logits.data, y, N, C, eps);
  let total = 0;
  for (let n = 0; n < N; n++) total += perRow[n]!;

  const out = reduction === 'none' ? Tensor.zeros([N], logits.dtype) : Tensor.zeros([1], logits.dtype);
  if (reduction === 'none') out.data.set(perRow);
  else out.data[0] = reduction === 'sum' ? total : total / valid;

  return record(out, [logits], (g) => {
    if (reduction === 'none') addGrad(logits.gradBuf(), 1, g);
    else addGrad(logits.gradBuf(), reduction === 'sum' ? g[0]! : g[0]! / valid, null);
  });
}

/** Per-row losses ℓₙ and the backward dLogits[n] += scale·rowScale[n]·(softmax − q), by one of two routes. */
interface Rows {
  perRow: Float64Array;
  addGrad(dLogits: Buf, scale: number, rowScale: Buf | null): void;
}

// The backend's fused float32 kernels (native: vector exp, the softmax kept for backward), if it has them.
function nativeRows(x: Float32Array, y: Int32Array, N: number, C: number, eps: number): Rows | null {
  const be = backend('float32');
  if (!be.softmaxXent || !be.softmaxXentBackward) return null;
  const p = new Float32Array(N * C); // [N, C] softmax
  const perRow = new Float64Array(N);
  be.softmaxXent(p, perRow, x, y, N, C, eps);
  const bwd = be.softmaxXentBackward.bind(be);
  return {
    perRow,
    addGrad: (d, scale, rowScale) => bwd(d as Float32Array, p, y, N, C, eps, scale,
      rowScale ? (rowScale instanceof Float32Array ? rowScale : Float32Array.from(rowScale)) : null),
  };
}

// The reference route: float64 log-softmax rows.
function jsRows(x: Buf, y: Int32Array, N: number, C: number, eps: number): Rows {
  const lp = new Float64Array(N * C); // [N, C] log-probabilities
  logSoftmaxRows(lp, x, N, C);
  const perRow = new Float64Array(N); // [N] ℓₙ
  for (let n = 0; n < N; n++) {
    const yn = y[n]!;
    if (yn < 0) continue;
    let sumLp = 0;
    for (let c = 0; c < C; c++) sumLp += lp[n * C + c]!;
    perRow[n] = -(1 - eps) * lp[n * C + yn]! - (eps / C) * sumLp;
  }
  return {
    perRow,
    addGrad: (dLogits, scale, rowScale) => {
      const off = eps / C;
      for (let n = 0; n < N; n++) {
        const yn = y[n]!;
        if (yn < 0) continue;
        const w = rowScale ? rowScale[n]! * scale : scale;
        for (let c = 0; c < C; c++) {
          const q = c === yn ? 1 - eps + off : off;
          dLogits[n * C + c]! += w * (Math.exp(lp[n * C + c]!) - q);
        }
      }
    },
  };
}
