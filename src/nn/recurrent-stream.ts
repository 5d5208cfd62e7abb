// Streaming inference with a recurrent layer: one step per call, the state kept between calls in buffers
// made once. The weights are bound when the stream is made (packed once on the native backend, so a step
// reads each weight exactly once); `refresh()` binds them again after training or loading changed them.
import type { Backend, CellKind, RecurrentDims, RecurrentPacked, RecurrentWeights } from '../backend/backend.js';
import { backend } from '../backend/index.js';
import { ConfigError, ShapeError } from '../errors.js';
import { expectInt } from '../tensor/shape.js';
import { type Buf, type DType, Tensor, allocBuf } from '../tensor/tensor.js';
import type { DirectionParams } from './recurrent-run.js';

/** What a stream needs of its layer (RecurrentLayer.stream passes it). */
export interface StreamSpec {
  what: string;
  kind: CellKind;
  /** L layers, one direction each. */
  L: number;
  I: number;
  H: number;
  P: number;
  dtype: DType;
  dirs: readonly DirectionParams[];
}

/** Options of `RecurrentLayer.stream`. */
export interface StreamOptions {
  /** B: sequences streamed side by side (default 1). */
  batch?: number;
}

interface BoundLayer {
  w: RecurrentWeights;
  packed: RecurrentPacked | null;
  dims: RecurrentDims;
}

const copyOf = (t: Tensor | null): Buf | null => (t ? t.data.slice() : null);

/**
 * A unidirectional RNN, GRU or LSTM run one time step per call, as for live data: the state h [L, B, P]
 * (and c [L, B, H]) carries over from call to call. Inference only: no gradients, no dropout. Equal to
 * `layer.forward` over the same steps, up to float rounding.
 * @example
 * const s = lstm.stream();           // batch 1
 * for (const x of live) s.step(x);   // x [1, I] (or I floats) → output [1, P]
 * s.reset();                         // back to a zero state
 */
export class RecurrentStream {
  readonly batch: number;
  private readonly be: Backend;
  private bound: BoundLayer[] = [];
  private readonly bs: Int32Array;
  // Per layer: the state read by the next step, the state it writes, and its output [1, B, P].
  private h: Buf[];
  private hNext: Buf[];
  private c: Buf[] | null;
  private cNext: Buf[] | null;
  private readonly y: Buf[];

  constructor(private readonly spec: StreamSpec, options: StreamOptions = {}) {
    this.batch = expectInt(`${spec.what}.stream batch`, options.batch ?? 1, 1);
    this.be = backend(spec.dtype);
    this.bs = Int32Array.of(this.batch);
    const { L, H, P, dtype } = spec;
    const B = this.batch;
    const many = (n: number): Buf[] => Array.from({ length: L }, () => allocBuf(dtype, n));
    this.h = many(B * P);
    this.hNext = many(B * P);
    this.y = many(B * P);
    const lstm = spec.kind === 'lstm';
    this.c = lstm ? many(B * H) : null;
    this.cNext = lstm ? many(B * H) : null;
    this.refresh();
  }

  /**
   * Binds the layer's current weights (packing them again on the native backend). The state is kept.
   * After the native backend switches instruction set (setIsa), the packing no longer applies and steps read
   * the layer's live weights until the next refresh().
   */
  refresh(): void {
    const { kind, I, H, P, dirs } = this.spec;
    this.bound = dirs.map((dp, l) => {
      const dims: RecurrentDims = { kind, T: 1, B: this.batch, I: l === 0 ? I : P, H, P, reverse: false };
      const live: RecurrentWeights = { wIh: dp.wIh.data, wHh: dp.wHh.data, bIh: dp.bIh?.data ?? null, bHh: dp.bHh?.data ?? null, wHr: dp.wHr?.data ?? null };
      const packed = this.be.recurrentPack?.(live, dims) ?? null;
      // Biases are read on every step; without a packing the weights are copied too, so both backends
      // see the weights of the moment the stream was bound.
      const w: RecurrentWeights = { wIh: packed ? live.wIh : copyOf(dp.wIh)!, wHh: packed ? live.wHh : copyOf(dp.wHh)!,
        bIh: copyOf(dp.bIh), bHh: copyOf(dp.bHh), wHr: packed ? live.wHr : copyOf(dp.wHr) };
      return { w, packed, dims };
    });
  }

  /**
   * One time step: x [B, I] (a Tensor, or B·I floats) → the top layer's output [B, P], a new tensor.
   * ShapeError when x has the wrong size.
   */
  step(x: Tensor | Float32Array | Float64Array): Tensor {
    const { what, I, P, L, dtype } = this.spec;
    const B = this.batch;
    const hint = 'one time step of every streamed sequence: [batch, inputSize], no time axis';
    if (x instanceof Tensor) {
      const ok = x.shape.length === 2 || (x.shape.length === 3 && x.shape[0] === 1);
      if (!ok || x.size !== B * I) throw new ShapeError(`${what}.stream step x`, [B, I], x.shape, hint);
    } else if (!(x instanceof Float32Array || x instanceof Float64Array)) {
      throw new ConfigError(`${what}.stream step x: expected a Tensor, Float32Array or Float64Array, got ${x === null ? 'null' : typeof x}`, hint);
    } else if (x.length !== B * I) {
      throw new ShapeError(`${what}.stream step x`, [B * I], [x.length], hint);
    }
    const data = x instanceof Tensor ? x.data : x;
    let input: Buf = data.BYTES_PER_ELEMENT === (dtype === 'float64' ? 8 : 4) ? data : dtype === 'float64' ? Float64Array.from(data) : Float32Array.from(data);
    for (let l = 0; l < L; l++) {
      const b = this.bound[l]!;
      const cN = this.cNext ? this.cNext[l]! : null;
      this.be.recurrentForward({ y: this.y[l]!, hN: this.hNext[l]!, cN, cAll: null }, input, b.w, this.h[l]!,
        this.c ? this.c[l]! : null, this.bs, b.dims, false, b.packed);
      input = this.y[l]!;
    }
    [this.h, this.hNext] = [this.hNext, this.h];
    if (this.c) [this.c, this.cNext] = [this.cNext!, this.c];
    return new Tensor(this.y[L - 1]!.slice(), [B, P]);
  }

  /** The current state: h [L, B, P] and, for an LSTM, c [L, B, H] (copies). */
  get state(): { h: Tensor; c?: Tensor } {
    const { L, H, P, dtype } = this.spec;
    const B = this.batch;
    const join = (parts: Buf[], n: number): Tensor => {
      const t = Tensor.zeros([L, B, n], dtype);
      parts.forEach((p, l) => t.data.set(p, l * B * n));
      return t;
    };
    const h = join(this.h, P);
    return this.c ? { h, c: join(this.c, H) } : { h };
  }

  /** Starts over from zeros, or from `state` (h [L, B, P], c [L, B, H]; a missing part is zeros). */
  reset(state: { h?: Tensor; c?: Tensor } = {}): void {
    const { what, L, H, P } = this.spec;
    const B = this.batch;
    if (state.c && !this.c) throw new ConfigError(`${what}.stream reset: got a cell state c, but only LSTM has one`, 'pass { h } alone');
    const check = (t: Tensor | undefined, n: number, name: string): void => {
      if (t && (t.shape.length !== 3 || t.shape[0] !== L || t.shape[1] !== B || t.shape[2] !== n)) {
        throw new ShapeError(`${what}.stream reset ${name}`, [L, B, n], t.shape, `${name} is [numLayers, batch, ${n === P ? 'outputSize' : 'hiddenSize'}]`);
      }
    };
    check(state.h, P, 'h');
    if (this.c) check(state.c, H, 'c');
    const load = (parts: Buf[], t: Tensor | undefined, n: number): void =>
      parts.forEach((p, l) => (t ? p.set(t.data.subarray(l * B * n, (l + 1) * B * n)) : p.fill(0)));
    load(this.h, state.h, P);
    if (this.c) load(this.c, state.c, H);
  }
}
