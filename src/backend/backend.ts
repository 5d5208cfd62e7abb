// The Backend: the typed set of kernels every layer runs on. `js` (reference, float32 and float64) and
// `native` (C addon, float32) implement it; the golden fixtures are its acceptance tests. Kernels trust
// their callers: shapes are checked at the public API, never here.
import type { Buf } from '../tensor/tensor.js';

/** Recurrent cell kinds, each with PyTorch's gate order (GRU r|z|n, LSTM i|f|g|o). */
export type CellKind = 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru' | 'gru_reset_before';

/** Number of gate blocks G of a cell kind (weights have G·H rows). */
export function gateCount(kind: CellKind): number {
  return kind === 'lstm' ? 4 : kind === 'gru' || kind === 'gru_reset_before' ? 3 : 1;
}

/**
 * Sizes of one recurrent layer and direction, time-major: x [T, B, I], states [B, P] (h) and [B, H] (c).
 * P = H except for an LSTM with a projection (P = proj_size).
 */
export interface RecurrentDims {
  kind: CellKind;
  T: number;
  B: number;
  I: number;
  H: number;
  P: number;
  reverse: boolean;
}

/** One direction's parameters, PyTorch layout: wIh [G·H, I], wHh [G·H, P], biases [G·H], wHr [P, H]. */
export interface RecurrentWeights<F extends Buf = Buf> {
  wIh: F;
  wHh: F;
  bIh: F | null;
  bHh: F | null;
  wHr: F | null;
}

/** Forward outputs: y [T, B, P] (zero past each sequence's length), hN [B, P], cN [B, H], cAll [T, B, H]. */
export interface RecurrentOutputs<F extends Buf = Buf> {
  y: F;
  hN: F;
  cN: F | null;
  /** Optional: every step's cell state (LSTM), zero past each sequence's length. */
  cAll: F | null;
}

/** Backward outputs: dx [T, B, I] and dh0/dc0 are assigned; the weight gradients are accumulated. */
export interface RecurrentGrads<F extends Buf = Buf> {
  dx: F;
  dh0: F;
  dc0: F | null;
  dW: RecurrentWeights<F>;
  /** Optional [T, B, P], assigned: every step's total ∂L/∂h_t (through the recurrence), zero past each length. */
  dhAll?: F | null;
}

/** Incoming gradients: dy [T, B, P], dhN [B, P], dcN [B, H] and per-step dcAll [T, B, H] (null = zero). */
export interface RecurrentUpstream<F extends Buf = Buf> {
  dy: F;
  dhN: F;
  dcN: F | null;
  dcAll: F | null;
}

/** What a forward keeps for its backward; opaque outside the backend that made it, except `act`:
 * the activated gates [T, B, G·H] (σ/tanh outputs in PyTorch's gate order), read by diagnostics. */
export interface RecurrentSaved {
  readonly act: Buf;
}

/** Recurrent weights prepared once for many forwards (a streamed model); opaque outside the backend that made it. */
export interface RecurrentPacked {
  readonly bytes: number;
}

export interface Backend {
  readonly name: 'js' | 'native';
  /** Instruction set the kernels use ('portable', 'avx2', 'avx512'). */
  readonly isa: string;
  readonly threads: number;

  /** C[M, N] = alpha · op(A) · op(B) + beta · C, row-major; op(A) is [M, K], op(B) is [K, N]. */
  gemm(C: Buf, A: Buf, B: Buf, M: number, N: number, K: number, transA: boolean, transB: boolean, alpha?: number, beta?: number): void;

  /**
   * One layer and direction over time. Rows are sorted by decreasing length: step t runs on rows
   * [0, batchSizes[t]) and leaves the others' state alone (PyTorch packed semantics). The reverse
   * direction walks t = T−1 … 0, so each sequence starts at its own last step from h0.
   * Returns what backward needs when `train` is true, else null.
   */
  recurrentForward(out: RecurrentOutputs, x: Buf, w: RecurrentWeights, h0: Buf, c0: Buf | null,
    batchSizes: Int32Array, dims: RecurrentDims, train: boolean, packed?: RecurrentPacked | null): RecurrentSaved | null;

  /**
   * Optional: `w` prepared for many inference forwards of this layer and direction (`dims.T`, `dims.B` and
   * `dims.reverse` do not matter), passed back as recurrentForward's `packed`. It is a copy: after `w`
   * changes, pack again. recurrentForward ignores a packing it cannot use (another instruction set).
   */
  recurrentPack?(w: RecurrentWeights, dims: RecurrentDims): RecurrentPacked | null;

  /** Backpropagation through time for the forward that returned `saved`. */
  recurrentBackward(grads: RecurrentGrads, up: RecurrentUpstream, saved: RecurrentSaved, x: Buf,
    w: RecurrentWeights, batchSizes: Int32Array, dims: RecurrentDims): void;

  /** Optional: `saved` will not be used again, so its buffers may serve the next forward. */
  release?(saved: RecurrentSaved): void;

  // Optional fused float32 ops (native); callers run their own loops when a backend lacks them.
  /**
   * Softmax cross-entropy rows: p [N, C] ← softmax(x), loss [N] ← −(1 − ε)·log p[n, yₙ] − (ε/C)·Σ_c log p[n, c]
   * (0 where yₙ < 0, an ignored row).
   */
  softmaxXent?(p: Float32Array, loss: Float64Array, x: Float32Array, y: Int32Array, N: number, C: number, eps: number): void;
  /** dx[n, c] += scale · rowScale[n] · (p[n, c] − q[n, c]) with q = (1 − ε)·onehot(yₙ) + ε/C; rows with yₙ < 0 skipped. */
  softmaxXentBackward?(dx: Float32Array, p: Float32Array, y: Int32Array, N: number, C: number, eps: number, scale: number,
    rowScale: Float32Array | null): void;
  /**
   * Adam/AdamW in place, bit-identical to src/optim/adam.ts; hyper = [β1, β2, lr/(1 − β1ᵗ), √(1 − β2ᵗ), ε,
   * λ (L2 in the gradient), 1 − lr·λ (decoupled shrink), ±1 (maximize)], vmax null without amsgrad.
   */
  adam?(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, vmax: Float32Array | null, hyper: Float64Array): void;
}
