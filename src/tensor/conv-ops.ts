// Differentiable 2-D convolution and max pooling over NCHW tensors (PyTorch's conv2d and max_pool2d;
// no dilation, groups or ceil_mode). Convolution is im2col into one reused column buffer plus one backend
// GEMM per batch item; backward recomputes the columns instead of keeping them for the whole batch.
import { backend } from '../backend/index.js';
import { ConfigError, ShapeError } from '../errors.js';
import { expectInt, expectShape } from './shape.js';
import { type Buf, Tensor, allocBuf, needsGrad, record } from './tensor.js';

/** A size given once for both spatial dimensions or as [height, width]. */
export type Size2 = number | readonly [number, number];

/** Reads a Size2 option as [h, w], each an integer ≥ `min`; ConfigError otherwise. */
export function expectPair(arg: string, v: unknown, min: number): [number, number] {
  if (typeof v === 'number') {
    const n = expectInt(arg, v, min);
    return [n, n];
  }
  if (Array.isArray(v) && v.length === 2) return [expectInt(`${arg}[0]`, v[0], min), expectInt(`${arg}[1]`, v[1], min)];
  throw new ConfigError(`${arg}: expected an integer or [height, width], got ${JSON.stringify(v)}`);
}

/** Number of window positions along one dimension: ⌊(n + 2p − k) / s⌋ + 1 (≤ 0 if the window does not fit). */
export function slidingOut(n: number, k: number, s: number, p: number): number {
  return Math.floor((n + 2 * p - k) / s) + 1;
}

/** Geometry shared by im2col and col2im: input plane C×H×W, kernel kh×kw, stride, padding, output Ho×Wo. */
interface Geom {
  C: number; H: number; W: number;
  kh: number; kw: number; sh: number; sw: number; ph: number; pw: number;
  Ho: number; Wo: number;
}

/** First and one-past-last output index o with 0 ≤ o·s − p + k < n (the taps that land inside the input). */
function validRange(k: number, s: number, p: number, n: number, nOut: number): [number, number] {
  const lo = Math.min(nOut, Math.max(0, Math.ceil((p - k) / s)));
  const hi = Math.min(nOut, Math.floor((n - 1 + p - k) / s) + 1);
  return [lo, Math.max(lo, hi)];
}

// col [C·kh·kw, Ho·Wo] ← patches of x[xOff ..] [C, H, W]; taps in the padding are 0.
function im2col(col: Buf, x: Buf, xOff: number, g: Geom): void {
  const { C, H, W, kh, kw, sh, sw, ph, pw, Ho, Wo } = g;
  const HoWo = Ho * Wo;
  let r = 0;
  for (let c = 0; c < C; c++) for (let ki = 0; ki < kh; ki++) for (let kj = 0; kj < kw; kj++, r++) {
    const [lo, hi] = validRange(kj, sw, pw, W, Wo);
    for (let oh = 0; oh < Ho; oh++) {
      const dst = r * HoWo + oh * Wo;
      const ih = oh * sh - ph + ki;
      if (ih < 0 || ih >= H) { col.fill(0, dst, dst + Wo); continue; }
      const src = xOff + (c * H + ih) * W - pw + kj;
      col.fill(0, dst, dst + lo);
      for (let ow = lo; ow < hi; ow++) col[dst + ow] = x[src + ow * sw]!;
      col.fill(0, dst + hi, dst + Wo);
    }
  }
}

// dx[dxOff ..] [C, H, W] += the column gradients dcol [C·kh·kw, Ho·Wo] scattered back to their taps.
function col2im(dx: Buf, dxOff: number, dcol: Buf, g: Geom): void {
  const { C, H, W, kh, kw, sh, sw, ph, pw, Ho, Wo } = g;
  const HoWo = Ho * Wo;
  let r = 0;
  for (let c = 0; c < C; c++) for (let ki = 0; ki < kh; ki++) for (let kj = 0; kj < kw; kj++, r++) {
    const [lo, hi] = validRange(kj, sw, pw, W, Wo);
    for (let oh = 0; oh < Ho; oh++) {
      const ih = oh * sh - ph + ki;
      if (ih < 0 || ih >= H) continue;
      const src = r * HoWo + oh * Wo;
      const dst = dxOff + (c * H + ih) * W - pw + kj;
      for (let ow = lo; ow < hi; ow++) dx[dst + ow * sw]! += dcol[src + ow]!;
    }
  }
}

/** Stride and padding of a convolution or pooling window. */
export interface WindowOptions {
  /** Step between windows (default 1 for conv2d, the kernel size for maxPool2d). */
  stride?: Size2;
  /** Implicit zero (conv2d) or −∞ (maxPool2d) border on each side (default 0). */
  padding?: Size2;
}

function outputSize(x: Tensor, g: Omit<Geom, 'C' | 'Ho' | 'Wo'>, what: string): [number, number] {
  const Ho = slidingOut(g.H, g.kh, g.sh, g.ph);
  const Wo = slidingOut(g.W, g.kw, g.sw, g.pw);
  if (Ho < 1 || Wo < 1) {
    throw new ShapeError('x', [null, null, g.kh - 2 * g.ph, g.kw - 2 * g.pw], x.shape,
      `${what}: the ${g.kh}×${g.kw} window must fit in the padded input: H + 2·${g.ph} ≥ ${g.kh} and W + 2·${g.pw} ≥ ${g.kw}`);
  }
  return [Ho, Wo];
}

/**
 * 2-D cross-correlation, PyTorch's `F.conv2d` without dilation or groups:
 * y[n, o, i, j] = b[o] + Σ_{c, u, v} W[o, c, u, v] · x[n, c, i·sh − ph + u, j·sw − pw + v] (zero outside x).
 * x [N, C, H, W], weight [O, C, kh, kw], bias [O] or null → y [N, O, Ho, Wo], Ho = ⌊(H + 2ph − kh)/sh⌋ + 1.
 * @example const y = conv2d(x, w, b, { stride: 2, padding: 1 });
 */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null, opts: WindowOptions = {}): Tensor {
  if (weight.rank !== 4) throw new ShapeError('weight', [null, null, null, null], weight.shape, 'conv2d weights are [O, C, kh, kw]');
  const [O, C, kh, kw] = weight.shape as [number, number, number, number];
  expectShape('x', x, [null, C, null, null], `conv2d: x is [N, C, H, W] with C = ${C} input channels`);
  if (bias) expectShape('bias', bias, [O], 'one bias per output channel');
  const [sh, sw] = expectPair('stride', opts.stride ?? 1, 1);
  const [ph, pw] = expectPair('padding', opts.padding ?? 0, 0);
  const [N, , H, W] = x.shape as [number, number, number, number];
  const [Ho, Wo] = outputSize(x, { H, W, kh, kw, sh, sw, ph, pw }, 'conv2d');
  const g: Geom = { C, H, W, kh, kw, sh, sw, ph, pw, Ho, Wo };
  const HoWo = Ho * Wo;
  const K = C * kh * kw;
  const CHW = C * H * W;
  const be = backend(x.dtype);
  // A 1×1 kernel with stride 1 and no padding needs no im2col: x[n] is already [C, H·W].
  const direct = kh === 1 && kw === 1 && sh === 1 && sw === 1 && ph === 0 && pw === 0;
  const col = direct ? null : allocBuf(x.dtype, K * HoWo); // [K, Ho·Wo], reused per batch item
  const columns = (n: number): Buf => {
    if (!col) return x.data.subarray(n * CHW, (n + 1) * CHW);
    im2col(col, x.data, n * CHW, g);
    return col;
  };
  const out = Tensor.zeros([N, O, Ho, Wo], x.dtype);
  for (let n = 0; n < N; n++) {
    const y = out.data.subarray(n * O * HoWo, (n + 1) * O * HoWo); // [O, Ho·Wo]
    if (bias) for (let o = 0; o < O; o++) y.fill(bias.data[o]!, o * HoWo, (o + 1) * HoWo);
    be.gemm(y, weight.data, columns(n), O, HoWo, K, false, false, 1, bias ? 1 : 0);
  }
  return record(out, bias ? [x, weight, bias] : [x, weight], (gOut) => {
    const dcol = x.requiresGrad && !direct ? allocBuf(x.dtype, K * HoWo) : null; // [K, Ho·Wo]
    for (let n = 0; n < N; n++) {
      const dY = gOut.subarray(n * O * HoWo, (n + 1) * O * HoWo); // [O, Ho·Wo]
      if (bias?.requiresGrad) {
        const db = bias.gradBuf();
        for (let o = 0; o < O; o++) {
          let s = 0;
          for (let i = o * HoWo; i < (o + 1) * HoWo; i++) s += dY[i]!;
          db[o]! += s;
        }
      }
      if (weight.requiresGrad) be.gemm(weight.gradBuf(), dY, columns(n), O, K, HoWo, false, true, 1, 1);
      if (x.requiresGrad) {
        const dx = x.gradBuf();
        if (!dcol) be.gemm(dx.subarray(n * CHW, (n + 1) * CHW), weight.data, dY, K, HoWo, O, true, false, 1, 1);
        else {
          be.gemm(dcol, weight.data, dY, K, HoWo, O, true, false);
          col2im(dx, n * CHW, dcol, g);
        }
      }
    }
  });
}

/**
 * 2-D max pooling, PyTorch's `F.max_pool2d` (no dilation, floor mode): y[n, c, i, j] is the maximum of
 * x[n, c] over the kh×kw window at (i·sh − ph, j·sw − pw); padding counts as −∞ and may be at most half the
 * kernel. x [N, C, H, W] → y [N, C, Ho, Wo]. Ties: the gradient goes to the first maximum in row-major scan
 * order of the window (as PyTorch's indices do); a NaN wins over any number, the last NaN over earlier ones.
 * @example const y = maxPool2d(x, 2); // halves H and W
 */
export function maxPool2d(x: Tensor, kernelSize: Size2, opts: WindowOptions = {}): Tensor {
  const [kh, kw] = expectPair('kernelSize', kernelSize, 1);
  const [sh, sw] = expectPair('stride', opts.stride ?? [kh, kw], 1);
  const [ph, pw] = expectPair('padding', opts.padding ?? 0, 0);
  if (2 * ph > kh || 2 * pw > kw) {
    throw new ConfigError(`padding: expected at most half the kernel size ${kh}×${kw}, got [${ph}, ${pw}]`,
      'max pooling pads with −∞, so a window must never lie wholly in the padding (PyTorch has the same rule)');
  }
  expectShape('x', x, [null, null, null, null], 'maxPool2d: x is [N, C, H, W]');
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [Ho, Wo] = outputSize(x, { H, W, kh, kw, sh, sw, ph, pw }, 'maxPool2d');
  const out = Tensor.zeros([N, C, Ho, Wo], x.dtype);
  const keep = needsGrad(x);
  const arg = keep ? new Int32Array(out.size) : null; // [N, C, Ho, Wo] offsets of the winners within their H×W plane
  const X = x.data;
  const Y = out.data;
  let o = 0;
  for (let p = 0; p < N * C; p++) {
    const base = p * H * W;
    for (let oh = 0; oh < Ho; oh++) {
      const h0 = oh * sh - ph;
      const ih1 = Math.min(h0 + kh, H);
      const ih0 = Math.max(h0, 0);
      for (let ow = 0; ow < Wo; ow++, o++) {
        const w0 = ow * sw - pw;
        const iw1 = Math.min(w0 + kw, W);
        const iw0 = Math.max(w0, 0);
        let best = -Infinity;
        let at = ih0 * W + iw0;
        for (let ih = ih0; ih < ih1; ih++) for (let iw = iw0; iw < iw1; iw++) {
          const v = X[base + ih * W + iw]!;
          // Strictly greater keeps the first maximum; `v !== v` lets NaN win (PyTorch's CPU kernel).
          if (v > best || v !== v) { best = v; at = ih * W + iw; }
        }
        Y[o] = best;
        if (arg) arg[o] = at;
      }
    }
  }
  return record(out, [x], (g) => {
    const dx = x.gradBuf();
    const per = Ho * Wo;
    for (let i = 0; i < g.length; i++) dx[Math.floor(i / per) * H * W + arg![i]!]! += g[i]!;
  });
}
