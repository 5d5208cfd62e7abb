// Runs a stack of recurrent layers (L layers × D directions) as ONE node on the autograd tape: the
// forward walks layer by layer through the backend's sequence kernels; the backward is BPTT through the
// same kernels, top layer first. Variable lengths follow PyTorch's packed semantics (batch sorted inside).
import type { CellKind, RecurrentDims, RecurrentSaved, RecurrentWeights } from '../backend/backend.js';
import { backend } from '../backend/index.js';
import type { Rng } from '../tensor/rng.js';
import { type Buf, type DType, Tensor, allocBuf, needsGrad } from '../tensor/tensor.js';

/** One direction of one layer: its parameter tensors (PyTorch layout). */
export interface DirectionParams {
  wIh: Tensor;
  wHh: Tensor;
  bIh: Tensor | null;
  bHh: Tensor | null;
  wHr: Tensor | null;
}

export interface StackSpec {
  kind: CellKind;
  L: number;
  D: number;
  I: number;
  H: number;
  P: number;
  /** dirs[l * D + d] */
  dirs: readonly DirectionParams[];
  /** Dropout on every layer's output except the last (training only). */
  dropout: number;
  rng: Rng;
}

/**
 * What a traced stack records of its last training run, for layer 0's forward direction, rows in the
 * stack's sorted order (longest first; `lengthOf(i)` counts the steps of sorted row i).
 */
export interface StackTrace {
  kind: CellKind;
  T: number;
  B: number;
  H: number;
  P: number;
  batchSizes: Int32Array;
  /** [T, B, G·H] activated gates (PyTorch order), from the forward. */
  act: Buf | null;
  /** [T, B, P] total ∂L/∂h_t (through the recurrence and from above), after the backward; else null. */
  dhAll: Buf | null;
}

export interface StackResult {
  output: Tensor; // [T, B, D·P]
  hN: Tensor; // [L·D, B, P]
  cN: Tensor | null; // [L·D, B, H]
  hAll: Tensor | null; // [L·D, T, B, P]
  cAll: Tensor | null; // [L·D, T, B, H]
}

/** Sort order (longest first, stable) and PyTorch's batch_sizes for per-sequence lengths. */
export function packOrder(lengths: Int32Array | null, T: number, B: number): { perm: Int32Array | null; batchSizes: Int32Array } {
  const batchSizes = new Int32Array(T).fill(B);
  if (!lengths) return { perm: null, batchSizes };
  const perm = Int32Array.from(Array.from({ length: B }, (_, i) => i).sort((a, b) => lengths[b]! - lengths[a]! || a - b));
  for (let t = 0; t < T; t++) {
    let n = 0;
    for (let b = 0; b < B; b++) if (lengths[b]! > t) n++;
    batchSizes[t] = n;
  }
  const sorted = perm.every((p, i) => p === i);
  return { perm: sorted ? null : perm, batchSizes };
}

/** dst[r, i] = src[r, perm[i]] (toSorted) or dst[r, perm[i]] = src[r, i] for buffers [R, B, W]. */
function permuteRows(dst: Buf, src: Buf, R: number, B: number, W: number, perm: Int32Array | null, toSorted: boolean): void {
  if (!perm) { dst.set(src.subarray(0, R * B * W)); return; }
  for (let r = 0; r < R; r++) for (let i = 0; i < B; i++) {
    const [to, from] = toSorted ? [i, perm[i]!] : [perm[i]!, i];
    dst.set(src.subarray((r * B + from) * W, (r * B + from + 1) * W), (r * B + to) * W);
  }
}

/** Copies direction d's [T, B, P] into / out of the [T, B, D·P] layer output. */
function interleave(dst: Buf, src: Buf, TB: number, P: number, D: number, d: number, into: boolean): void {
  for (let r = 0; r < TB; r++) {
    if (into) dst.set(src.subarray(r * P, (r + 1) * P), (r * D + d) * P);
    else dst.set(src.subarray((r * D + d) * P, (r * D + d + 1) * P), r * P);
  }
}

function bufs(dp: DirectionParams): RecurrentWeights {
  return { wIh: dp.wIh.data, wHh: dp.wHh.data, bIh: dp.bIh?.data ?? null, bHh: dp.bHh?.data ?? null, wHr: dp.wHr?.data ?? null };
}

/**
 * Forward of the whole stack over time-major x [T, B, I] with initial states h0 [L·D, B, P], c0 [L·D, B, H]
 * (LSTM). Everything returned hangs off one tape node whose backward runs BPTT through every layer.
 */
export function runStack(spec: StackSpec, x: Tensor, h0: Tensor, c0: Tensor | null, lengths: Int32Array | null,
  opts: { returnStates: boolean; training: boolean; trace?: StackTrace | null }): StackResult {
  const { kind, L, D, H, P } = spec;
  const [T, B] = [x.shape[0]!, x.shape[1]!];
  const dtype: DType = x.dtype;
  const be = backend(dtype);
  const lstm = kind === 'lstm';
  const { perm, batchSizes } = packOrder(lengths, T, B);
  const params = spec.dirs.flatMap((dp) => [dp.wIh, dp.wHh, dp.bIh, dp.bHh, dp.wHr].filter((t): t is Tensor => t !== null));
  const inputs = [x, h0, ...(c0 ? [c0] : []), ...params];
  const train = needsGrad(...inputs);
  const dropP = opts.training ? spec.dropout : 0;

  // One joint buffer holds every output, so each returned tensor is a view into it (no copies).
  const sizes = [T * B * D * P, L * D * B * P, lstm ? L * D * B * H : 0,
    opts.returnStates ? L * D * T * B * P : 0, opts.returnStates && lstm ? L * D * T * B * H : 0];
  const offs = sizes.map((_, i) => sizes.slice(0, i).reduce((s, n) => s + n, 0));
  const joint = new Tensor(allocBuf(dtype, sizes.reduce((s, n) => s + n, 0)), [sizes.reduce((s, n) => s + n, 0)]);
  const view = (k: number, shape: number[]): Tensor => new Tensor(joint.data.subarray(offs[k]!, offs[k]! + sizes[k]!), shape);

  // Inputs in sorted batch order; the kernels only read them, so unpermuted inputs are used as they are.
  const sortedIn = (src: Buf, R: number, W: number): Buf => {
    if (!perm) return src;
    const dst = allocBuf(dtype, R * B * W);
    permuteRows(dst, src, R, B, W, perm, true);
    return dst;
  };
  const h0s = sortedIn(h0.data, L * D, P);
  const c0s = lstm ? (c0 ? sortedIn(c0.data, L * D, H) : allocBuf(dtype, L * D * B * H)) : null;
  let layerIn = sortedIn(x.data, T, spec.I);

  interface LayerTape { input: Buf; I: number; mask: Buf | null; saved: (RecurrentSaved | null)[]; dims: RecurrentDims[] }
  const tape: LayerTape[] = [];
  // With the batch in order, the last layer's output and the final states are written into the joint
  // buffer directly; otherwise into sorted buffers that are permuted back at the end.
  const part = (k: number): Buf => joint.data.subarray(offs[k]!, offs[k]! + sizes[k]!);
  const hNs = perm ? allocBuf(dtype, L * D * B * P) : part(1);
  const cNs = lstm ? (perm ? allocBuf(dtype, L * D * B * H) : part(2)) : null;
  const hAllS = opts.returnStates ? allocBuf(dtype, L * D * T * B * P) : null;
  const cAllS = opts.returnStates && lstm ? allocBuf(dtype, L * D * T * B * H) : null;
  let layerOut = layerIn;
  for (let l = 0; l < L; l++) {
    const I = l === 0 ? spec.I : D * P;
    let mask: Buf | null = null;
    if (l > 0 && dropP > 0) {
      // Dropout between layers, on this layer's input: inverted scaling 1/(1−p).
      mask = allocBuf(dtype, T * B * I);
      for (let i = 0; i < mask.length; i++) mask[i] = spec.rng.next() < dropP ? 0 : 1 / (1 - dropP);
      const dropped = allocBuf(dtype, T * B * I);
      for (let i = 0; i < mask.length; i++) dropped[i] = layerIn[i]! * mask[i]!;
      layerIn = dropped;
    }
    layerOut = l === L - 1 && !perm ? part(0) : allocBuf(dtype, T * B * D * P);
    const entry: LayerTape = { input: layerIn, I, mask, saved: [], dims: [] };
    for (let d = 0; d < D; d++) {
      const k = l * D + d;
      const dims: RecurrentDims = { kind, T, B, I, H, P, reverse: d === 1 };
      const y = D === 1 ? layerOut : allocBuf(dtype, T * B * P);
      const out = {
        y,
        hN: hNs.subarray(k * B * P, (k + 1) * B * P),
        cN: cNs ? cNs.subarray(k * B * H, (k + 1) * B * H) : null,
        cAll: cAllS ? cAllS.subarray(k * T * B * H, (k + 1) * T * B * H) : null,
      };
      const saved = be.recurrentForward(out, layerIn, bufs(spec.dirs[k]!), h0s.subarray(k * B * P, (k + 1) * B * P),
        c0s ? c0s.subarray(k * B * H, (k + 1) * B * H) : null, batchSizes, dims, train);
      if (D > 1) interleave(layerOut, y, T * B, P, D, d, true);
      if (hAllS) hAllS.set(y, k * T * B * P);
      if (k === 0 && opts.trace) Object.assign(opts.trace, { kind, T, B, H, P, batchSizes, act: saved?.act ?? null, dhAll: null });
      entry.saved.push(saved);
      entry.dims.push(dims);
    }
    tape.push(entry);
    layerIn = layerOut;
  }

  if (perm) {
    permuteRows(part(0), layerOut, T, B, D * P, perm, false);
    permuteRows(part(1), hNs, L * D, B, P, perm, false);
    if (cNs) permuteRows(part(2), cNs, L * D, B, H, perm, false);
  }
  if (hAllS) permuteRows(part(3), hAllS, L * D * T, B, P, perm, false);
  if (cAllS) permuteRows(part(4), cAllS, L * D * T, B, H, perm, false);

  const result: StackResult = {
    output: view(0, [T, B, D * P]),
    hN: view(1, [L * D, B, P]),
    cN: lstm ? view(2, [L * D, B, H]) : null,
    hAll: opts.returnStates ? view(3, [L * D, T, B, P]) : null,
    cAll: opts.returnStates && lstm ? view(4, [L * D, T, B, H]) : null,
  };
  if (!train) return result;

  joint.requiresGrad = true;
  joint.parents = inputs;
  joint.backwardFn = () => {
    const g = joint.grad!;
    // Incoming gradients in sorted order: the joint gradient itself when nothing is permuted (the kernels
    // only read their upstream buffers, and this node is the joint gradient's only reader).
    const sortedGrad = (k: number, R: number, W: number): Buf => {
      const part = g.subarray(offs[k]!, offs[k]! + sizes[k]!);
      if (!perm) return part;
      const dst = allocBuf(dtype, R * B * W);
      permuteRows(dst, part, R, B, W, perm, true);
      return dst;
    };
    const dOut = sortedGrad(0, T, D * P);
    const dhN = sortedGrad(1, L * D, P);
    const dcN = lstm ? sortedGrad(2, L * D, H) : null;
    const dhAll = opts.returnStates ? sortedGrad(3, L * D * T, P) : null;
    const dcAll = opts.returnStates && lstm ? sortedGrad(4, L * D * T, H) : null;
    const dh0 = allocBuf(dtype, L * D * B * P);
    const dc0 = lstm ? allocBuf(dtype, L * D * B * H) : null;
    let dy = dOut; // grad of the current layer's output [T, B, D·P]
    for (let l = L - 1; l >= 0; l--) {
      const entry = tape[l]!;
      const dIn = allocBuf(dtype, T * B * entry.I);
      const dxd = D > 1 ? allocBuf(dtype, T * B * entry.I) : dIn;
      for (let d = 0; d < D; d++) {
        const k = l * D + d;
        const dyd = D === 1 ? dy : allocBuf(dtype, T * B * P);
        if (D > 1) interleave(dyd, dy, T * B, P, D, d, false);
        if (dhAll) { const s = dhAll.subarray(k * T * B * P, (k + 1) * T * B * P); for (let i = 0; i < dyd.length; i++) dyd[i]! += s[i]!; }
        const dp = spec.dirs[k]!;
        const dhAllK = k === 0 && opts.trace ? allocBuf(dtype, T * B * P) : null;
        if (dhAllK) opts.trace!.dhAll = dhAllK;
        const gradOf = (t: Tensor | null): Buf | null => (t ? (t.requiresGrad ? t.gradBuf() : allocBuf(dtype, t.size)) : null);
        be.recurrentBackward({
          dx: dxd,
          dh0: dh0.subarray(k * B * P, (k + 1) * B * P),
          dc0: dc0 ? dc0.subarray(k * B * H, (k + 1) * B * H) : null,
          dW: { wIh: gradOf(dp.wIh)!, wHh: gradOf(dp.wHh)!, bIh: gradOf(dp.bIh), bHh: gradOf(dp.bHh), wHr: gradOf(dp.wHr) },
          dhAll: dhAllK,
        }, {
          dy: dyd,
          dhN: dhN.subarray(k * B * P, (k + 1) * B * P),
          dcN: dcN ? dcN.subarray(k * B * H, (k + 1) * B * H) : null,
          dcAll: dcAll ? dcAll.subarray(k * T * B * H, (k + 1) * T * B * H) : null,
        }, entry.saved[d]!, entry.input, bufs(dp), batchSizes, entry.dims[d]!);
        if (D > 1) for (let i = 0; i < dIn.length; i++) dIn[i]! += dxd[i]!;
      }
      if (entry.mask) for (let i = 0; i < dIn.length; i++) dIn[i]! *= entry.mask[i]!;
      dy = dIn;
    }
    // The kernels' saved state is dead now; the traced direction's gates stay for the probe to read.
    tape.forEach((entry, l) => entry.saved.forEach((s, d) => { if (s && !(opts.trace && l === 0 && d === 0)) be.release?.(s); }));
    // These buffers were allocated here and nothing else holds them: a tensor without a gradient yet takes one as is.
    const give = (t: Tensor, g: Buf, R: number, W: number): void => {
      let inOrder = g;
      if (perm) { inOrder = allocBuf(dtype, t.size); permuteRows(inOrder, g, R, B, W, perm, false); }
      if (t.grad === null) t.grad = inOrder;
      else t.accumulateGrad(inOrder);
    };
    if (x.requiresGrad) give(x, dy, T, spec.I);
    if (h0.requiresGrad) give(h0, dh0, L * D, P);
    if (c0?.requiresGrad && dc0) give(c0, dc0, L * D, H);
  };
  // Each returned view's gradient is a view of the joint gradient, so whatever flows into the outputs
  // lands in place and the views' own backward has nothing to do.
  const jointGrad = joint.gradBuf();
  for (const t of Object.values(result)) {
    if (!(t instanceof Tensor)) continue;
    const off = t.data.byteOffset / t.data.BYTES_PER_ELEMENT - joint.data.byteOffset / joint.data.BYTES_PER_ELEMENT;
    t.requiresGrad = true;
    t.parents = [joint];
    t.grad = jointGrad.subarray(off, off + t.size);
    t.backwardFn = () => {};
  }
  return result;
}
