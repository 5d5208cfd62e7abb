// Differentiable tensor ops, each a forward computation plus one recorded backward closure.
// Only what recur's models need; shapes are checked by the callers' public APIs.
import { backend } from '../backend/index.js';
import { ShapeError } from '../errors.js';
import { type Buf, Tensor, allocBuf, record, sizeOf } from './tensor.js';

function like(t: Tensor, shape: readonly number[] = t.shape): Tensor {
  return Tensor.zeros(shape, t.dtype);
}

function sameShape(op: string, a: Tensor, b: Tensor): void {
  if (a.size !== b.size || a.rank !== b.rank || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new ShapeError(`${op}: b`, a.shape, b.shape, 'both operands must have the same shape');
  }
}

/** Elementwise a + b (same shapes). */
export function add(a: Tensor, b: Tensor): Tensor {
  sameShape('add', a, b);
  const out = like(a);
  for (let i = 0; i < out.size; i++) out.data[i] = a.data[i]! + b.data[i]!;
  return record(out, [a, b], (g) => {
    if (a.requiresGrad) a.accumulateGrad(g);
    if (b.requiresGrad) b.accumulateGrad(g);
  });
}

/** Elementwise a ∘ b (same shapes). */
export function mul(a: Tensor, b: Tensor): Tensor {
  sameShape('mul', a, b);
  const out = like(a);
  for (let i = 0; i < out.size; i++) out.data[i] = a.data[i]! * b.data[i]!;
  return record(out, [a, b], (g) => {
    if (a.requiresGrad) { const ga = a.gradBuf(); for (let i = 0; i < g.length; i++) ga[i]! += g[i]! * b.data[i]!; }
    if (b.requiresGrad) { const gb = b.gradBuf(); for (let i = 0; i < g.length; i++) gb[i]! += g[i]! * a.data[i]!; }
  });
}

/** s · a. */
export function scale(a: Tensor, s: number): Tensor {
  const out = like(a);
  for (let i = 0; i < out.size; i++) out.data[i] = a.data[i]! * s;
  return record(out, [a], (g) => {
    const ga = a.gradBuf();
    for (let i = 0; i < g.length; i++) ga[i]! += g[i]! * s;
  });
}

type Unary = { f: (x: number) => number; df: (y: number, x: number) => number };

function unary(a: Tensor, u: Unary): Tensor {
  const out = like(a);
  for (let i = 0; i < out.size; i++) out.data[i] = u.f(a.data[i]!);
  return record(out, [a], (g) => {
    const ga = a.gradBuf();
    for (let i = 0; i < g.length; i++) ga[i]! += g[i]! * u.df(out.data[i]!, a.data[i]!);
  });
}

export const tanh = (a: Tensor): Tensor => unary(a, { f: Math.tanh, df: (y) => 1 - y * y });
export const sigmoid = (a: Tensor): Tensor => unary(a, { f: (x) => 1 / (1 + Math.exp(-x)), df: (y) => y * (1 - y) });
export const relu = (a: Tensor): Tensor => unary(a, { f: (x) => (x > 0 ? x : 0), df: (_y, x) => (x > 0 ? 1 : 0) });

/** Same values, new shape (a copy-free view of the data; -1 infers one dimension). */
export function reshape(a: Tensor, shape: readonly number[]): Tensor {
  const known = shape.reduce((p, d) => (d === -1 ? p : p * d), 1);
  const full = shape.map((d) => (d === -1 ? a.size / known : d));
  if (sizeOf(full) !== a.size || full.some((d) => !Number.isInteger(d))) {
    throw new ShapeError('reshape', shape, a.shape, `a reshape must keep all ${a.size} values`);
  }
  const out = new Tensor(a.data, full);
  return record(out, [a], (g) => a.accumulateGrad(g));
}

/** Swaps the first two dimensions: [A, B, ...rest] → [B, A, ...rest] (batch-first ↔ time-major). */
export function swap01(a: Tensor): Tensor {
  const [A, B] = [a.shape[0]!, a.shape[1]!];
  const R = sizeOf(a.shape.slice(2));
  const out = like(a, [B, A, ...a.shape.slice(2)]);
  permute01(out.data, a.data, A, B, R);
  return record(out, [a], (g) => {
    const tmp = allocBuf(a.dtype, a.size);
    permute01(tmp, g, B, A, R);
    a.accumulateGrad(tmp);
  });
}

/** dst[b, a, :] = src[a, b, :] for src [A, B, R]. */
export function permute01(dst: Buf, src: Buf, A: number, B: number, R: number): void {
  for (let i = 0; i < A; i++) for (let j = 0; j < B; j++) {
    const s = (i * B + j) * R;
    const d = (j * A + i) * R;
    for (let r = 0; r < R; r++) dst[d + r] = src[s + r]!;
  }
}

/**
 * y = x · Wᵀ + b over the last dimension: x [..., I], weight [O, I], bias [O] → [..., O] (PyTorch's Linear).
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  const [O, I] = [weight.shape[0]!, weight.shape[1]!];
  const N = x.size / I;
  const out = like(x, [...x.shape.slice(0, -1), O]);
  const be = backend(x.dtype);
  be.gemm(out.data, x.data, weight.data, N, O, I, false, true);
  if (bias) for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) out.data[n * O + o]! += bias.data[o]!;
  return record(out, bias ? [x, weight, bias] : [x, weight], (g) => {
    if (x.requiresGrad) be.gemm(x.gradBuf(), g, weight.data, N, I, O, false, false, 1, 1);
    if (weight.requiresGrad) be.gemm(weight.gradBuf(), g, x.data, O, I, N, true, false, 1, 1);
    if (bias?.requiresGrad) {
      const gb = bias.gradBuf();
      for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) gb[o]! += g[n * O + o]!;
    }
  });
}

/** Concatenates along the last dimension (all leading dimensions equal). */
export function concatLast(parts: readonly Tensor[]): Tensor {
  const first = parts[0]!;
  const lead = first.shape.slice(0, -1);
  const N = sizeOf(lead);
  const widths = parts.map((p) => p.shape[p.rank - 1]!);
  const W = widths.reduce((s, w) => s + w, 0);
  const out = like(first, [...lead, W]);
  let off = 0;
  parts.forEach((p, k) => {
    const w = widths[k]!;
    for (let n = 0; n < N; n++) for (let j = 0; j < w; j++) out.data[n * W + off + j] = p.data[n * w + j]!;
    off += w;
  });
  return record(out, parts, (g) => {
    let o = 0;
    parts.forEach((p, k) => {
      const w = widths[k]!;
      if (p.requiresGrad) {
        const gp = p.gradBuf();
        for (let n = 0; n < N; n++) for (let j = 0; j < w; j++) gp[n * w + j]! += g[n * W + o + j]!;
      }
      o += w;
    });
  });
}

/** Σ of all values → scalar [1]. */
export function sum(a: Tensor): Tensor {
  const out = like(a, [1]);
  let s = 0;
  for (let i = 0; i < a.size; i++) s += a.data[i]!;
  out.data[0] = s;
  return record(out, [a], (g) => {
    const ga = a.gradBuf();
    for (let i = 0; i < ga.length; i++) ga[i]! += g[0]!;
  });
}

/** Mean of all values → scalar [1]. */
export function mean(a: Tensor): Tensor {
  return scale(sum(a), 1 / a.size);
}

/** Σ a ∘ w for a constant weight array w (how fixtures drive backward). */
export function dot(a: Tensor, w: ArrayLike<number>): Tensor {
  const out = like(a, [1]);
  let s = 0;
  for (let i = 0; i < a.size; i++) s += a.data[i]! * w[i]!;
  out.data[0] = s;
  return record(out, [a], (g) => {
    const ga = a.gradBuf();
    for (let i = 0; i < ga.length; i++) ga[i]! += g[0]! * w[i]!;
  });
}

/** Rows [start, start+count) along dimension 0. */
export function sliceRows(a: Tensor, start: number, count: number): Tensor {
  const R = sizeOf(a.shape.slice(1));
  const out = new Tensor(a.data.slice(start * R, (start + count) * R), [count, ...a.shape.slice(1)]);
  return record(out, [a], (g) => {
    const ga = a.gradBuf();
    for (let i = 0; i < g.length; i++) ga[start * R + i]! += g[i]!;
  });
}

/** Stacks equal-shaped tensors along a new dimension 0. */
export function stack(parts: readonly Tensor[]): Tensor {
  const first = parts[0]!;
  const R = first.size;
  const out = like(first, [parts.length, ...first.shape]);
  parts.forEach((p, k) => out.data.set(p.data, k * R));
  return record(out, parts, (g) => {
    parts.forEach((p, k) => { if (p.requiresGrad) p.accumulateGrad(g.subarray(k * R, (k + 1) * R)); });
  });
}
