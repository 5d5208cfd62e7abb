// Connectionist temporal classification loss with torch.nn.CTCLoss semantics, on raw logits [T, B, C]
// (log-softmax is part of the op). Forward–backward in log space (Graves et al. 2006, α/β); the gradient
// w.r.t. the logits is softmax − γ per valid step, recorded as one node. Decoders live in ctc-decode.ts.
import { ConfigError, DataError, ShapeError } from '../errors.js';
import { expectInt, expectKnownKeys, expectShape } from '../tensor/shape.js';
import { Tensor, needsGrad, record } from '../tensor/tensor.js';
import { type Reduction, expectReduction, logSoftmaxRows } from './cross-entropy.js';

export interface CtcOptions {
  /** Index of the blank class (default 0). */
  blank?: number;
  /** 'mean' (default): each loss divided by its target length (at least 1), then averaged over B. */
  reduction?: Reduction;
  /** Replace infinite losses (no alignment fits) by 0 with zero gradient (default false). */
  zeroInfinity?: boolean;
}

/** log(eᵃ + eᵇ) without overflow; −∞ is the log of 0. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** Per-sequence lengths for CTC: B integers in [0, T] (DataError otherwise). */
export function expectCtcLengths(arg: string, lengths: ArrayLike<number>, B: number, T = Infinity): Int32Array {
  if (lengths.length !== B) {
    throw new DataError(`${arg}: expected ${B} values (one per sequence), got ${lengths.length}`,
      'give one length per sequence in the batch');
  }
  const out = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const n = lengths[b]!;
    if (!Number.isInteger(n) || n < 0 || n > T) {
      throw new DataError(`${arg}[${b}]: expected an integer ${T === Infinity ? '≥ 0' : `in [0, ${T}]`}, got ${n}`,
        T === Infinity ? 'a length counts items and cannot be negative or fractional'
          : 'an input length counts valid time steps and cannot exceed the padded length T');
    }
    out[b] = n;
  }
  return out;
}

/** The extended label sequence l' = [blank, l₁, blank, l₂, …, l_L, blank] (length S = 2L + 1). */
function extend(labels: ArrayLike<number>, blank: number): Int32Array {
  const ext = new Int32Array(2 * labels.length + 1).fill(blank);
  for (let i = 0; i < labels.length; i++) ext[2 * i + 1] = labels[i]!;
  return ext;
}

/**
 * −log p(l | x) for sequence b of lp [T, B, C] (log-probabilities) over its first Tb steps. alpha [Tb, S]
 * (workspace) gets log α_t(s). With dLogits [T, B, C], also runs β [Tb, S] (workspace `beta`) and writes
 * softmax − γ for t < Tb, where γ_t(c) = Σ_{s: l'_s = c} α_t(s)·β_t(s) / (p·y_t(c)) (α and β both include
 * step t's emission). An impossible sequence gives Infinity and, like PyTorch, NaN gradients.
 */
function ctcSequence(dLogits: Float64Array | null, alpha: Float64Array, beta: Float64Array, lp: Float64Array,
  ext: Int32Array, b: number, Tb: number, B: number, C: number, blank: number): number {
  const S = ext.length;
  if (Tb === 0) return S === 1 ? 0 : Infinity;
  const at = (t: number, c: number): number => lp[(t * B + b) * C + c]!;
  // Label s may also come from s − 2 when it is not blank and differs from l'_{s−2}.
  const skip = (s: number): boolean => s > 1 && ext[s] !== blank && ext[s] !== ext[s - 2];

  alpha.fill(-Infinity, 0, Tb * S);
  alpha[0] = at(0, blank);
  if (S > 1) alpha[1] = at(0, ext[1]!);
  for (let t = 1; t < Tb; t++) {
    const prev = (t - 1) * S;
    for (let s = 0; s < S; s++) {
      let a = alpha[prev + s]!;
      if (s > 0) a = logAddExp(a, alpha[prev + s - 1]!);
      if (skip(s)) a = logAddExp(a, alpha[prev + s - 2]!);
      alpha[t * S + s] = a === -Infinity ? a : a + at(t, ext[s]!);
    }
  }
  const last = (Tb - 1) * S;
  const logp = logAddExp(alpha[last + S - 1]!, S > 1 ? alpha[last + S - 2]! : -Infinity);
  const nll = -logp;
  if (!dLogits) return nll;

  beta.fill(-Infinity, 0, Tb * S);
  beta[last + S - 1] = at(Tb - 1, blank);
  if (S > 1) beta[last + S - 2] = at(Tb - 1, ext[S - 2]!);
  for (let t = Tb - 2; t >= 0; t--) {
    const next = (t + 1) * S;
    for (let s = 0; s < S; s++) {
      let v = beta[next + s]!;
      if (s < S - 1) v = logAddExp(v, beta[next + s + 1]!);
      if (s < S - 2 && skip(s + 2)) v = logAddExp(v, beta[next + s + 2]!);
      beta[t * S + s] = v === -Infinity ? v : v + at(t, ext[s]!);
    }
  }
  const lcab = new Float64Array(C); // [C] log Σ_{s: l'_s = c} α_t(s)·β_t(s)
  for (let t = 0; t < Tb; t++) {
    lcab.fill(-Infinity);
    for (let s = 0; s < S; s++) {
      const c = ext[s]!;
      lcab[c] = logAddExp(lcab[c]!, alpha[t * S + s]! + beta[t * S + s]!);
    }
    const o = (t * B + b) * C;
    for (let c = 0; c < C; c++) {
      const l = lp[o + c]!;
      dLogits[o + c] = Math.exp(l) - Math.exp(lcab[c]! + nll - l);
    }
  }
  return nll;
}

/**
 * CTC loss of raw logits against label sequences, exactly as `torch.nn.CTCLoss` applied to
 * `log_softmax(logits, 2)`.
 *
 * For sequence b with its first Tb = inputLengths[b] steps and labels l (length L = targetLengths[b]),
 * ℓ_b = −log Σ_{π ∈ B⁻¹(l)} Π_t y_t(π_t), where y = softmax(logits) and B removes repeats then blanks.
 * Computed by the α/β recursions over l' = [blank, l₁, blank, …, l_L, blank] in log space.
 * 'none' gives ℓ [B]; 'sum' gives Σ ℓ_b; 'mean' gives (1/B)·Σ ℓ_b / max(L_b, 1).
 * An impossible alignment (Tb too short for l and its needed blanks) gives ℓ_b = Infinity and NaN
 * gradients for that sequence, as PyTorch does; `zeroInfinity` turns such losses and gradients into 0.
 * Gradient: ∂ℓ_b/∂logits[t, b, c] = y_t(c) − γ_t(c) for t < Tb, and 0 for padded steps.
 *
 * Shapes: logits [T, B, C] (time-major; float32 or float64), targets B lists of labels in [0, C) without
 * the blank, inputLengths B integers in [0, T], targetLengths B integers equal to each list's length.
 *
 * @example
 * const logits = model(x);                                // [T, B, C]
 * const loss = ctcLoss(logits, [[3, 1, 4], [1, 5]], [50, 42], [3, 2], { blank: 0 });
 * loss.backward();
 */
export function ctcLoss(logits: Tensor, targets: readonly ArrayLike<number>[], inputLengths: ArrayLike<number>,
  targetLengths: ArrayLike<number>, options: CtcOptions = {}): Tensor {
  expectKnownKeys('ctcLoss', options, ['blank', 'reduction', 'zeroInfinity']);
  expectShape('logits', logits, [null, null, null],
    'CTC takes time-major raw logits [T, B, C]; swap batch-first outputs with swap01 first');
  const [T, B, C] = [logits.shape[0]!, logits.shape[1]!, logits.shape[2]!];
  if (C < 1) throw new ShapeError('logits', [T, B, null], logits.shape, 'there must be at least the blank class');
  const blank = expectInt('ctcLoss: blank', options.blank ?? 0, 0, C - 1);
  const reduction = expectReduction('ctcLoss: reduction', options.reduction ?? 'mean');
  const zeroInfinity = options.zeroInfinity ?? false;
  if (typeof zeroInfinity !== 'boolean') {
    throw new ConfigError(`ctcLoss: zeroInfinity: expected true or false, got ${JSON.stringify(zeroInfinity)}`);
  }
  const lengths = expectCtcLengths('inputLengths', inputLengths, B, T);
  if (targets.length !== B) {
    throw new DataError(`targets: expected ${B} label lists (one per sequence), got ${targets.length}`,
      'pass targets as one array of labels per sequence, in batch order');
  }
  const labelLengths = expectCtcLengths('targetLengths', targetLengths, B);
  const exts: Int32Array[] = [];
  for (let b = 0; b < B; b++) {
    const l = targets[b]!;
    if (labelLengths[b] !== l.length) {
      throw new DataError(`targetLengths[${b}]: expected ${l.length} (the length of targets[${b}]), got ${labelLengths[b]}`,
        'each target length must count the labels in its own list');
    }
    for (let i = 0; i < l.length; i++) {
      const v = l[i]!;
      if (!Number.isInteger(v) || v < 0 || v >= C || v === blank) {
        throw new DataError(`targets[${b}][${i}]: expected a label in [0, ${C - 1}] other than blank ${blank}, got ${v}`,
          `labels index the C = ${C} classes of logits, and the blank is not a label`);
      }
    }
    exts.push(extend(l, blank));
  }

  const lp = new Float64Array(T * B * C); // [T, B, C] log-probabilities
  logSoftmaxRows(lp, logits.data, T * B, C);
  const wantGrad = needsGrad(logits);
  const dLogits = wantGrad ? new Float64Array(T * B * C) : null; // [T, B, C] ∂ℓ_b/∂logits, unscaled
  let maxTS = 0;
  for (let b = 0; b < B; b++) maxTS = Math.max(maxTS, lengths[b]! * exts[b]!.length);
  const alpha = new Float64Array(maxTS); // [Tb, S] workspace
  const beta = new Float64Array(wantGrad ? maxTS : 0);
  const losses = new Float64Array(B); // [B]
  const zeroed = new Uint8Array(B); // 1 where zeroInfinity replaced an infinite loss
  for (let b = 0; b < B; b++) {
    losses[b] = ctcSequence(dLogits, alpha, beta, lp, exts[b]!, b, lengths[b]!, B, C, blank);
    if (zeroInfinity && losses[b] === Infinity) { losses[b] = 0; zeroed[b] = 1; }
  }

  const scaleOf = (b: number): number => 1 / (Math.max(labelLengths[b]!, 1) * B); // 'mean' weight
  const out = Tensor.zeros(reduction === 'none' ? [B] : [1], logits.dtype);
  if (reduction === 'none') out.data.set(losses);
  else {
    let total = 0;
    for (let b = 0; b < B; b++) total += reduction === 'sum' ? losses[b]! : losses[b]! * scaleOf(b);
    out.data[0] = total;
  }

  return record(out, [logits], (g) => {
    const gl = logits.gradBuf(); // [T, B, C]
    for (let b = 0; b < B; b++) {
      if (zeroed[b]) continue;
      const w = reduction === 'none' ? g[b]! : reduction === 'sum' ? g[0]! : g[0]! * scaleOf(b);
      for (let t = 0; t < lengths[b]!; t++) {
        const o = (t * B + b) * C;
        for (let c = 0; c < C; c++) gl[o + c]! += w * dLogits![o + c]!;
      }
    }
  });
}
