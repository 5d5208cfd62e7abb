// RNN, GRU and LSTM layers: stacked (numLayers), bidirectional, batch-first or time-major, with
// per-sequence lengths (PyTorch's packed semantics). Parameters, names and gate order are PyTorch's.
import type { CellKind } from '../backend/backend.js';
import { gateCount } from '../backend/backend.js';
import { ConfigError } from '../errors.js';
import { uniform } from '../tensor/init.js';
import { swap01 } from '../tensor/ops.js';
import type { Rng } from '../tensor/rng.js';
import { expectInt, expectKnownKeys, expectLengths, expectNumber, expectShape } from '../tensor/shape.js';
import { type DType, Tensor } from '../tensor/tensor.js';
import { Module, type ModuleInit, initOf } from './module.js';
import { type DirectionParams, type StackTrace, runStack } from './recurrent-run.js';
import { RecurrentStream, type StreamOptions } from './recurrent-stream.js';

/** Options shared by RNN, GRU and LSTM (PyTorch's names in camelCase). */
export interface RecurrentOptions {
  /** I: features per step. */
  inputSize: number;
  /** H: state size per direction. */
  hiddenSize: number;
  /** L: stacked layers (default 1). */
  numLayers?: number;
  /** Use b_ih and b_hh (default true). */
  bias?: boolean;
  /** x and output are [B, T, ·] instead of [T, B, ·] (default false; states stay [L·D, B, H]). */
  batchFirst?: boolean;
  /** Dropout on each layer's output except the last, in training (default 0). */
  dropout?: number;
  /** D = 2: a second direction reads the sequence backwards; outputs are [h→; h←] (default false). */
  bidirectional?: boolean;
}

export interface RNNOptions extends RecurrentOptions {
  /** s_t = f(W_ih x_t + b_ih + W_hh s_{t−1} + b_hh) with f = tanh (default) or relu. */
  nonlinearity?: 'tanh' | 'relu';
}

export interface GRUOptions extends RecurrentOptions {
  /**
   * Where the reset gate acts. 'after' (PyTorch, cuDNN; default): n = tanh(W_in x + b_in + r∘(W_hn h + b_hn)).
   * 'before' (Cho et al. 2014, Keras reset_after=false): n = tanh(W_in x + b_in + W_hn(r∘h) + b_hn).
   */
  reset?: 'after' | 'before';
}

export interface LSTMOptions extends RecurrentOptions {
  /** P: if > 0, h_t = W_hr(o∘tanh(c_t)) is projected to P < H values (default 0: no projection). */
  projSize?: number;
}

/** Initial states: h [L·D, B, P] and, for LSTM, c [L·D, B, H]. Missing ones are zeros. */
export interface RecurrentState {
  h?: Tensor;
  c?: Tensor;
}

export interface RecurrentOutput {
  /** [T, B, D·P] (or [B, T, D·P] with batchFirst); zero past each sequence's length. */
  output: Tensor;
  /** h_n [L·D, B, P]: each sequence's last valid state, per layer and direction. */
  h: Tensor;
  /** c_n [L·D, B, H] (LSTM only). */
  c?: Tensor;
  /** With `returnStates`: every step's h [L·D, T, B, P] and (LSTM) c [L·D, T, B, H], zero past each length. */
  states?: { h: Tensor; c?: Tensor };
}

export interface ForwardOptions {
  /** Also return every step's h_t and c_t for every layer and direction (differentiable). */
  returnStates?: boolean;
}

const BASE_KEYS = ['inputSize', 'hiddenSize', 'numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional'] as const;

/** Common machinery of RNN, GRU and LSTM: parameter creation, checks, and the call into the stack runner. */
export abstract class RecurrentLayer extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  /** Output size per direction: projSize for a projected LSTM, else hiddenSize. */
  readonly outputSize: number;
  readonly dtype: DType;
  protected readonly rng: Rng;
  private readonly dirs: DirectionParams[] = [];
  /**
   * Diagnostics: when set, every training forward/backward records its first layer's forward direction
   * here (activated gates, and after backward every step's ∂L/∂h_t). Used by `recurrentProbe`.
   */
  trace: StackTrace | null = null;

  protected constructor(readonly kind: CellKind, what: string, options: RecurrentOptions, extraKeys: readonly string[], init: ModuleInit | undefined, projSize = 0) {
    super();
    if (typeof options !== 'object' || options === null) throw new ConfigError(`${what}: expected an options object, got ${String(options)}`);
    expectKnownKeys(what, options, [...BASE_KEYS, ...extraKeys]);
    this.inputSize = expectInt(`${what}.inputSize`, options.inputSize, 1);
    this.hiddenSize = expectInt(`${what}.hiddenSize`, options.hiddenSize, 1);
    this.numLayers = expectInt(`${what}.numLayers`, options.numLayers ?? 1, 1);
    this.bias = options.bias ?? true;
    this.batchFirst = options.batchFirst ?? false;
    this.dropout = expectNumber(`${what}.dropout`, options.dropout ?? 0, 0, 0.999999);
    this.bidirectional = options.bidirectional ?? false;
    this.outputSize = projSize > 0 ? projSize : this.hiddenSize;
    const { rng, dtype } = initOf(init);
    this.rng = rng;
    this.dtype = dtype;
    const [H, P, G] = [this.hiddenSize, this.outputSize, gateCount(kind)];
    const bound = 1 / Math.sqrt(H);
    const make = (name: string, shape: number[]): Tensor =>
      this.addParameter(name, uniform(Tensor.zeros(shape, dtype), -bound, bound, rng));
    for (let l = 0; l < this.numLayers; l++) {
      for (let d = 0; d < this.directions; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        const I = l === 0 ? this.inputSize : this.directions * P;
        const wIh = make(`weight_ih${sfx}`, [G * H, I]);
        const wHh = make(`weight_hh${sfx}`, [G * H, P]);
        const bIh = this.bias ? make(`bias_ih${sfx}`, [G * H]) : null;
        const bHh = this.bias ? make(`bias_hh${sfx}`, [G * H]) : null;
        const wHr = projSize > 0 ? make(`weight_hr${sfx}`, [P, H]) : null;
        this.dirs.push({ wIh, wHh, bIh, bHh, wHr });
      }
    }
  }

  /** D: 2 if bidirectional, else 1. */
  get directions(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** The options this layer was built with, as stored in model files. */
  abstract config(): Record<string, unknown>;

  protected baseConfig(): RecurrentOptions {
    return { inputSize: this.inputSize, hiddenSize: this.hiddenSize, numLayers: this.numLayers, bias: this.bias,
      batchFirst: this.batchFirst, dropout: this.dropout, bidirectional: this.bidirectional };
  }

  /**
   * Runs the layer over x: [T, B, I] (or [B, T, I] with batchFirst). `lengths` gives each sequence's
   * valid steps (1…T, any order): steps past it produce zeros and leave the state alone, and the reverse
   * direction starts at each sequence's own last step, as with PyTorch's packed sequences.
   */
  forward(x: Tensor, state: RecurrentState = {}, lengths?: ArrayLike<number>, options: ForwardOptions = {}): RecurrentOutput {
    const what = this.constructor.name;
    const I = this.inputSize;
    expectShape(`${what} input x`, x, [null, null, I],
      this.batchFirst ? 'x is [B, T, I] because batchFirst is true' : 'x is [T, B, I] (time-major); pass batchFirst: true for [B, T, I]');
    if (x.dtype !== this.dtype) throw new ConfigError(`${what} input x: expected ${this.dtype}, got ${x.dtype}`, 'build the layer with the same dtype as its input');
    const xt = this.batchFirst ? swap01(x) : x;
    const [T, B] = [xt.shape[0]!, xt.shape[1]!];
    if (T === 0 || B === 0) throw new ConfigError(`${what} input x: expected at least one step and one sequence, got [${x.shape.join(', ')}]`);
    const LD = this.numLayers * this.directions;
    const lstm = this.kind === 'lstm';
    if (state.c && !lstm) throw new ConfigError(`${what}: got a cell state c, but only LSTM has one`, 'pass { h } alone');
    const h0 = state.h ?? Tensor.zeros([LD, B, this.outputSize], this.dtype);
    expectShape(`${what} state h`, h0, [LD, B, this.outputSize], `h is [numLayers·directions, B, ${lstm && this.outputSize !== this.hiddenSize ? 'projSize' : 'hiddenSize'}], even with batchFirst`);
    const c0 = lstm ? (state.c ?? Tensor.zeros([LD, B, this.hiddenSize], this.dtype)) : null;
    if (c0) expectShape(`${what} state c`, c0, [LD, B, this.hiddenSize], 'c is [numLayers·directions, B, hiddenSize]');
    const lens = lengths === undefined ? null : expectLengths(lengths, B, T);
    const r = runStack({ kind: this.kind, L: this.numLayers, D: this.directions, I, H: this.hiddenSize, P: this.outputSize,
      dirs: this.dirs, dropout: this.dropout, rng: this.rng }, xt, h0, c0, lens,
    { returnStates: options.returnStates ?? false, training: this.training, trace: this.trace });
    const out: RecurrentOutput = { output: this.batchFirst ? swap01(r.output) : r.output, h: r.hN };
    if (r.cN) out.c = r.cN;
    if (r.hAll) out.states = r.cAll ? { h: r.hAll, c: r.cAll } : { h: r.hAll };
    return out;
  }

  /**
   * A stream that runs this layer one time step per call, keeping the state between calls (live data).
   * The weights are bound now; call the stream's refresh() after they change. ConfigError for a
   * bidirectional layer (its backward direction needs the whole sequence).
   * @example
   * const s = new LSTM({ inputSize: 128, hiddenSize: 512 }).stream();
   * const y = s.step(x); // x [1, 128] → y [1, 512]
   */
  stream(options: StreamOptions = {}): RecurrentStream {
    const what = this.constructor.name;
    if (this.bidirectional) throw new ConfigError(`${what}.stream: expected a unidirectional layer, got bidirectional: true`, 'a backward direction reads the whole sequence: use forward()');
    return new RecurrentStream({ what, kind: this.kind, L: this.numLayers, I: this.inputSize, H: this.hiddenSize,
      P: this.outputSize, dtype: this.dtype, dirs: this.dirs }, options);
  }
}

/**
 * Elman RNN: s_t = tanh(W_ih x_t + b_ih + W_hh s_{t−1} + b_hh) (or relu), stacked and bidirectional.
 * @example
 * const rnn = new RNN({ inputSize: 8, hiddenSize: 16, numLayers: 2 });
 * const { output, h } = rnn.forward(Tensor.zeros([T, B, 8])); // output [T, B, 16], h [2, B, 16]
 */
export class RNN extends RecurrentLayer {
  readonly nonlinearity: 'tanh' | 'relu';
  constructor(options: RNNOptions, init?: ModuleInit) {
    const nl = options?.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new ConfigError(`RNN.nonlinearity: expected 'tanh' or 'relu', got ${JSON.stringify(nl)}`);
    super(nl === 'relu' ? 'rnn_relu' : 'rnn_tanh', 'RNN', options, ['nonlinearity'], init);
    this.nonlinearity = nl;
  }
  config(): Record<string, unknown> {
    return { ...this.baseConfig(), nonlinearity: this.nonlinearity };
  }
}

/**
 * GRU with gates r|z|n: r = σ(W_ir x + b_ir + W_hr h + b_hr), z likewise,
 * n = tanh(W_in x + b_in + r∘(W_hn h + b_hn)), h' = (1−z)∘n + z∘h. `reset: 'before'` gives Cho et al.'s form.
 * @example
 * const gru = new GRU({ inputSize: 8, hiddenSize: 16, bidirectional: true, batchFirst: true });
 * const { output } = gru.forward(x, {}, [5, 3]); // x [2, 5, 8] → output [2, 5, 32]
 */
export class GRU extends RecurrentLayer {
  readonly reset: 'after' | 'before';
  constructor(options: GRUOptions, init?: ModuleInit) {
    const reset = options?.reset ?? 'after';
    if (reset !== 'after' && reset !== 'before') throw new ConfigError(`GRU.reset: expected 'after' or 'before', got ${JSON.stringify(reset)}`);
    super(reset === 'before' ? 'gru_reset_before' : 'gru', 'GRU', options, ['reset'], init);
    this.reset = reset;
  }
  config(): Record<string, unknown> {
    return { ...this.baseConfig(), reset: this.reset };
  }
}

/**
 * LSTM with gates i|f|g|o: c_t = f∘c_{t−1} + i∘g, h_t = o∘tanh(c_t) (then W_hr h_t with projSize).
 * @example
 * const lstm = new LSTM({ inputSize: 8, hiddenSize: 16, numLayers: 2, dropout: 0.2 });
 * const { output, h, c } = lstm.forward(x); // h [2, B, 16], c [2, B, 16]
 */
export class LSTM extends RecurrentLayer {
  readonly projSize: number;
  constructor(options: LSTMOptions, init?: ModuleInit) {
    const proj = expectInt('LSTM.projSize', options?.projSize ?? 0, 0);
    if (proj > 0 && proj >= (options?.hiddenSize ?? 0)) {
      throw new ConfigError(`LSTM.projSize: expected a value below hiddenSize (${options.hiddenSize}), got ${proj}`, 'a projection makes h smaller than c');
    }
    super('lstm', 'LSTM', options, ['projSize'], init, proj);
    this.projSize = proj;
  }
  config(): Record<string, unknown> {
    return { ...this.baseConfig(), projSize: this.projSize };
  }
}
