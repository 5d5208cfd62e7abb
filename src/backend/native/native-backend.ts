// The native backend: float32 kernels from recur_native.node behind the Backend interface. Buffers that
// are not Float32Array (float64 gradient checks) go to the js reference kernels, as does a backward
// whose forward was not run here. Saved state is Float32Arrays allocated here, so the GC owns it.
import type { CellKind, RecurrentDims, RecurrentGrads, RecurrentOutputs, RecurrentPacked, RecurrentSaved, RecurrentUpstream,
  RecurrentWeights } from '../backend.js';
import { gateCount } from '../backend.js';
import { jsBackend } from '../js/index.js';
import type { Buf } from '../../tensor/tensor.js';
import { ISAS, type Isa, type NativeAddon, type NativeBackend } from './addon.js';

const KIND: Record<CellKind, number> = { rnn_tanh: 0, rnn_relu: 1, lstm: 2, gru: 3, gru_reset_before: 4 };

/** What recurrentForward keeps for recurrentBackward: [T, B, ·] buffers, see native/recur.h (rec_saved). */
class NativeSaved implements RecurrentSaved {
  /** Set by `release`: the buffers are back in the pool and must not be read again. */
  released = false;
  constructor(
    readonly act: Float32Array, // [T, B, GH] activated gates
    readonly hPrev: Float32Array, // [T, B, P] state each step started from
    readonly c: Float32Array | null, // [T, B, H] LSTM cell states
    readonly cPrev: Float32Array | null, // [T, B, H] LSTM previous cell states
    readonly hRaw: Float32Array | null, // [T, B, H] LSTM with projection: o∘tanh(c) before W_hr
    readonly aux: Float32Array | null, // [T, B, H] GRU: W_hn h + b_hn, or r∘h (reset before)
  ) {}
}

/** Saved-state buffers handed back by `release`, by length: the next forward of the same shape reuses them
 * instead of mapping fresh pages (a large allocation costs page faults now and a GC later). */
const pool = new Map<number, Float32Array[]>();
const POOL_DEPTH = 16;
/** At most this many bytes wait in the pool (lengths vary from batch to batch in some tasks, e.g. OCR widths). */
const POOL_BYTES = 128 * 2 ** 20;
let pooledBytes = 0;

/** Uninitialised memory (no zero-fill): the kernels write every element backward reads and zero the
 * padded rows the big GEMMs see. */
function scratch(n: number): Float32Array {
  const reused = pool.get(n)?.pop();
  if (reused) pooledBytes -= reused.byteLength;
  const a = reused ?? ((b) => new Float32Array(b.buffer, b.byteOffset, n))(Buffer.allocUnsafeSlow(n * 4));
  return nativeTestHooks.poisonSaved ? a.fill(NaN) : a;
}

function release(saved: RecurrentSaved): void {
  if (!(saved instanceof NativeSaved) || saved.released) return;
  saved.released = true;
  for (const b of [saved.act, saved.hPrev, saved.c, saved.cPrev, saved.hRaw, saved.aux]) {
    if (!b) continue;
    const free = pool.get(b.length) ?? [];
    if (free.length >= POOL_DEPTH || pooledBytes + b.byteLength > POOL_BYTES) continue;
    free.push(b);
    pooledBytes += b.byteLength;
    pool.set(b.length, free);
  }
}

/** Weights packed by recurrentPack, valid while the instruction set they were packed for is active. */
class NativePacked implements RecurrentPacked {
  constructor(readonly data: Float32Array, readonly isa: string) {}
  get bytes(): number {
    return this.data.byteLength;
  }
}

/** Tests set poisonSaved to fill saved state with NaN, proving nothing reads memory it did not write. */
export const nativeTestHooks = { poisonSaved: false };

const f32 = (b: Buf | null): b is Float32Array | null => b === null || b instanceof Float32Array;
const weightsF32 = (w: RecurrentWeights): boolean => f32(w.wIh) && f32(w.wHh) && f32(w.bIh) && f32(w.bHh) && f32(w.wHr);

/**
 * Wraps the loaded addon as a Backend. gemm and the recurrent kernels follow the js reference's contract
 * exactly (backend.ts): outputs past each sequence's length are zero, dx/dh0/dc0 are assigned and the
 * weight gradients accumulated. `isa` and `threads` read the addon's current settings.
 */
export function createNativeBackend(addon: NativeAddon): NativeBackend {
  const best = addon.info().best as Isa;
  const isas = ISAS.slice(0, ISAS.indexOf(best) + 1);
  let isa = addon.info().isa; // kept in step with setIsa: a packing is only passed to the ISA that made it

  function gemm(C: Buf, A: Buf, B: Buf, M: number, N: number, K: number, transA: boolean, transB: boolean,
    alpha = 1, beta = 0): void {
    if (C instanceof Float32Array && A instanceof Float32Array && B instanceof Float32Array) {
      addon.gemm(C, A, B, M, N, K, transA, transB, alpha, beta);
    } else {
      jsBackend.gemm(C, A, B, M, N, K, transA, transB, alpha, beta);
    }
  }

  function recurrentForward(out: RecurrentOutputs, x: Buf, w: RecurrentWeights, h0: Buf, c0: Buf | null,
    batchSizes: Int32Array, dims: RecurrentDims, train: boolean, packed: RecurrentPacked | null = null): RecurrentSaved | null {
    if (!(x instanceof Float32Array && h0 instanceof Float32Array && f32(c0) && weightsF32(w) &&
      out.y instanceof Float32Array && out.hN instanceof Float32Array && f32(out.cN) && f32(out.cAll))) {
      return jsBackend.recurrentForward(out, x, w, h0, c0, batchSizes, dims, train);
    }
    const { kind, T, B, I, H, P } = dims;
    const TB = T * B;
    const lstm = kind === 'lstm';
    const gru = kind === 'gru' || kind === 'gru_reset_before';
    const s = train ? new NativeSaved(scratch(TB * gateCount(kind) * H), scratch(TB * P),
      lstm ? scratch(TB * H) : null, lstm ? scratch(TB * H) : null,
      lstm && w.wHr ? scratch(TB * H) : null, gru ? scratch(TB * H) : null) : null;
    const c0f = lstm ? (c0 ?? new Float32Array(B * H)) : null;
    addon.recurrentForward(KIND[kind], T, B, I, H, P, dims.reverse, batchSizes, x, w.wIh as Float32Array,
      w.wHh as Float32Array, w.bIh as Float32Array | null, w.bHh as Float32Array | null, w.wHr as Float32Array | null,
      h0, c0f as Float32Array | null, out.y, out.hN, lstm ? out.cN as Float32Array | null : null,
      lstm ? out.cAll as Float32Array | null : null,
      s?.act ?? null, s?.hPrev ?? null, s?.c ?? null, s?.cPrev ?? null, s?.hRaw ?? null, s?.aux ?? null,
      packed instanceof NativePacked && packed.isa === isa ? packed.data : null);
    return s;
  }

  function recurrentPack(w: RecurrentWeights, dims: RecurrentDims): RecurrentPacked | null {
    if (!weightsF32(w)) return null;
    const { kind, I, H, P } = dims;
    const wHr = w.wHr as Float32Array | null;
    const out = new Float32Array(addon.recurrentPackedSize(KIND[kind], I, H, P, wHr !== null));
    addon.recurrentPack(out, KIND[kind], I, H, P, w.wIh as Float32Array, w.wHh as Float32Array, wHr);
    return new NativePacked(out, isa);
  }

  function recurrentBackward(grads: RecurrentGrads, up: RecurrentUpstream, saved: RecurrentSaved, x: Buf,
    w: RecurrentWeights, batchSizes: Int32Array, dims: RecurrentDims): void {
    if (saved instanceof NativeSaved && saved.released) throw new Error('recurrentBackward: the forward\'s saved state was released');
    if (!(saved instanceof NativeSaved)) {
      jsBackend.recurrentBackward(grads, up, saved, x, w, batchSizes, dims);
      return;
    }
    const { kind, T, B, I, H, P } = dims;
    const lstm = kind === 'lstm';
    const { dW } = grads;
    const f = (b: Buf | null): Float32Array | null => b as Float32Array | null;
    addon.recurrentBackward(KIND[kind], T, B, I, H, P, dims.reverse, batchSizes, x as Float32Array,
      w.wIh as Float32Array, w.wHh as Float32Array, f(w.bIh), f(w.bHh), f(w.wHr),
      saved.act, saved.hPrev, saved.c, saved.cPrev, saved.hRaw, saved.aux,
      up.dy as Float32Array, up.dhN as Float32Array, lstm ? f(up.dcN) : null, lstm ? f(up.dcAll) : null,
      grads.dx as Float32Array, grads.dh0 as Float32Array, lstm ? f(grads.dc0) : null,
      dW.wIh as Float32Array, dW.wHh as Float32Array, w.bIh ? f(dW.bIh) : null, w.bHh ? f(dW.bHh) : null,
      w.wHr ? f(dW.wHr) : null, f(grads.dhAll ?? null));
  }

  return {
    name: 'native',
    get isa(): string {
      return isa;
    },
    get threads(): number {
      return addon.info().threads;
    },
    bestIsa: best,
    isas,
    setIsa: (name: string) => {
      const ok = addon.setIsa(name);
      isa = addon.info().isa;
      return ok;
    },
    setThreads: (n: number) => addon.setThreads(n),
    math: (out, x, fn) => addon.math(out, x, fn === 'exp' ? 0 : fn === 'tanh' ? 1 : 2),
    gemm,
    recurrentForward,
    recurrentBackward,
    recurrentPack,
    release,
    softmaxXent: (p, loss, x, y, N, C, eps) => addon.softmaxXent(p, loss, x, y, N, C, eps),
    softmaxXentBackward: (dx, p, y, N, C, eps, scale, rowScale) => addon.softmaxXentBackward(dx, p, y, N, C, eps, scale, rowScale),
    adam: (w, g, m, v, vmax, hyper) => addon.adam(w, g, m, v, vmax, hyper),
  };
}
