// The raw surface of recur_native.node (native/addon.c) and the native backend's extra controls.
// Argument order follows the C entry points exactly; the addon checks every buffer's type and length.
import type { Backend } from '../backend.js';

type F32 = Float32Array;
type F32N = Float32Array | null;

export interface NativeAddon {
  gemm(C: F32, A: F32, B: F32, M: number, N: number, K: number, transA: boolean, transB: boolean, alpha: number, beta: number): void;
  recurrentForward(kind: number, T: number, B: number, I: number, H: number, P: number, reverse: boolean,
    batchSizes: Int32Array, x: F32, wIh: F32, wHh: F32, bIh: F32N, bHh: F32N, wHr: F32N,
    h0: F32, c0: F32N, y: F32, hN: F32, cN: F32N, cAll: F32N,
    act: F32N, hPrev: F32N, c: F32N, cPrev: F32N, hRaw: F32N, aux: F32N, pre: F32N): void;
  /** Floats recurrentPack writes for these sizes under the active instruction set. */
  recurrentPackedSize(kind: number, I: number, H: number, P: number, proj: boolean): number;
  /** W_ih, W_hh (and W_hr) packed once for recurrentForward's `pre` (a header names the sizes and ISA). */
  recurrentPack(out: F32, kind: number, I: number, H: number, P: number, wIh: F32, wHh: F32, wHr: F32N): void;
  recurrentBackward(kind: number, T: number, B: number, I: number, H: number, P: number, reverse: boolean,
    batchSizes: Int32Array, x: F32, wIh: F32, wHh: F32, bIh: F32N, bHh: F32N, wHr: F32N,
    act: F32, hPrev: F32, c: F32N, cPrev: F32N, hRaw: F32N, aux: F32N,
    dy: F32, dhN: F32, dcN: F32N, dcAll: F32N,
    dx: F32, dh0: F32, dc0: F32N, dwIh: F32, dwHh: F32, dbIh: F32N, dbHh: F32N, dwHr: F32N, dhAll: F32N): void;
  softmaxXent(p: F32, loss: Float64Array, x: F32, y: Int32Array, N: number, C: number, eps: number): void;
  softmaxXentBackward(dx: F32, p: F32, y: Int32Array, N: number, C: number, eps: number, scale: number, rowScale: F32N): void;
  adam(w: F32, g: F32, m: F32, v: F32, vmax: F32N, hyper: Float64Array): void;
  /** out[i] = f(x[i]) with the active ISA's vector code: f = 0 exp, 1 tanh, 2 sigmoid. */
  math(out: F32, x: F32, f: number): void;
  info(): { isa: string; best: string; threads: number };
  setIsa(name: string): boolean;
  setThreads(n: number): void;
}

/** Instruction sets, lowest first. */
export const ISAS = ['portable', 'avx2', 'avx512'] as const;
export type Isa = (typeof ISAS)[number];

/** The native backend plus what tests and `recur info` need beyond the Backend interface. */
export interface NativeBackend extends Backend {
  readonly name: 'native';
  /** The best instruction set this CPU supports. */
  readonly bestIsa: Isa;
  /** Instruction sets this CPU can run, lowest first. */
  readonly isas: readonly Isa[];
  /** Switches the kernels to `isa` (at most `bestIsa`); false if unknown or unsupported. */
  setIsa(isa: string): boolean;
  /** Sets the OpenMP thread count; n ≤ 0 restores the default (the number of cores). */
  setThreads(n: number): void;
  /** The vector exp/tanh/sigmoid of the active ISA, for accuracy tests. */
  math(out: Float32Array, x: Float32Array, f: 'exp' | 'tanh' | 'sigmoid'): void;
}
