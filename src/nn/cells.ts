// Single-step cells (RNNCell, GRUCell, LSTMCell): one step of the same fused kernels as the layers,
// for loops the user writes by hand. Parameter names are PyTorch's: weight_ih, weight_hh, bias_ih, bias_hh.
import type { CellKind } from '../backend/backend.js';
import { gateCount } from '../backend/backend.js';
import { ConfigError } from '../errors.js';
import { uniform } from '../tensor/init.js';
import { reshape } from '../tensor/ops.js';
import type { Rng } from '../tensor/rng.js';
import { expectInt, expectKnownKeys, expectShape } from '../tensor/shape.js';
import { type DType, Tensor } from '../tensor/tensor.js';
import { Module, type ModuleInit, initOf } from './module.js';
import { runStack } from './recurrent-run.js';

export interface CellOptions {
  inputSize: number;
  hiddenSize: number;
  /** Use b_ih and b_hh (default true). */
  bias?: boolean;
}

abstract class Cell extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  readonly dtype: DType;
  private readonly rng: Rng;
  private readonly w: { wIh: Tensor; wHh: Tensor; bIh: Tensor | null; bHh: Tensor | null };

  protected constructor(protected readonly kind: CellKind, what: string, options: CellOptions, extraKeys: readonly string[], init: ModuleInit | undefined) {
    super();
    if (typeof options !== 'object' || options === null) throw new ConfigError(`${what}: expected an options object, got ${String(options)}`);
    expectKnownKeys(what, options, ['inputSize', 'hiddenSize', 'bias', ...extraKeys]);
    this.inputSize = expectInt(`${what}.inputSize`, options.inputSize, 1);
    this.hiddenSize = expectInt(`${what}.hiddenSize`, options.hiddenSize, 1);
    this.bias = options.bias ?? true;
    const { rng, dtype } = initOf(init);
    this.rng = rng;
    this.dtype = dtype;
    const [H, G] = [this.hiddenSize, gateCount(kind)];
    const make = (name: string, shape: number[]): Tensor =>
      this.addParameter(name, uniform(Tensor.zeros(shape, dtype), -1 / Math.sqrt(H), 1 / Math.sqrt(H), rng));
    this.w = {
      wIh: make('weight_ih', [G * H, this.inputSize]),
      wHh: make('weight_hh', [G * H, H]),
      bIh: this.bias ? make('bias_ih', [G * H]) : null,
      bHh: this.bias ? make('bias_hh', [G * H]) : null,
    };
  }

  /** One step: x [B, I], h [B, H], c [B, H] (LSTM) → h', c'. */
  protected step(x: Tensor, h?: Tensor, c?: Tensor): { h: Tensor; c: Tensor | null } {
    const what = this.constructor.name;
    expectShape(`${what} input x`, x, [null, this.inputSize], 'a cell takes one step: x is [B, inputSize]');
    const B = x.shape[0]!;
    const H = this.hiddenSize;
    const h0 = h ?? Tensor.zeros([B, H], this.dtype);
    expectShape(`${what} state h`, h0, [B, H]);
    const lstm = this.kind === 'lstm';
    const c0 = lstm ? (c ?? Tensor.zeros([B, H], this.dtype)) : null;
    if (c0) expectShape(`${what} state c`, c0, [B, H]);
    const r = runStack({ kind: this.kind, L: 1, D: 1, I: this.inputSize, H, P: H, dirs: [{ ...this.w, wHr: null }], dropout: 0, rng: this.rng },
      reshape(x, [1, B, this.inputSize]), reshape(h0, [1, B, H]), c0 ? reshape(c0, [1, B, H]) : null, null,
      { returnStates: false, training: this.training });
    return { h: reshape(r.hN, [B, H]), c: r.cN ? reshape(r.cN, [B, H]) : null };
  }
}

/** h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu). */
export class RNNCell extends Cell {
  constructor(options: CellOptions & { nonlinearity?: 'tanh' | 'relu' }, init?: ModuleInit) {
    const nl = options?.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new ConfigError(`RNNCell.nonlinearity: expected 'tanh' or 'relu', got ${JSON.stringify(nl)}`);
    super(nl === 'relu' ? 'rnn_relu' : 'rnn_tanh', 'RNNCell', options, ['nonlinearity'], init);
  }
  /** x [B, I], h [B, H] (default zeros) → h' [B, H]. */
  forward(x: Tensor, h?: Tensor): Tensor {
    return this.step(x, h).h;
  }
}

/** One GRU step (reset after the matmul by default; `reset: 'before'` for Cho et al.'s form). */
export class GRUCell extends Cell {
  constructor(options: CellOptions & { reset?: 'after' | 'before' }, init?: ModuleInit) {
    const reset = options?.reset ?? 'after';
    if (reset !== 'after' && reset !== 'before') throw new ConfigError(`GRUCell.reset: expected 'after' or 'before', got ${JSON.stringify(reset)}`);
    super(reset === 'before' ? 'gru_reset_before' : 'gru', 'GRUCell', options, ['reset'], init);
  }
  /** x [B, I], h [B, H] (default zeros) → h' [B, H]. */
  forward(x: Tensor, h?: Tensor): Tensor {
    return this.step(x, h).h;
  }
}

/** One LSTM step: gates i|f|g|o, c' = f∘c + i∘g, h' = o∘tanh(c'). */
export class LSTMCell extends Cell {
  constructor(options: CellOptions, init?: ModuleInit) {
    super('lstm', 'LSTMCell', options, [], init);
  }
  /** x [B, I], state {h, c} [B, H] each (default zeros) → {h', c'}. */
  forward(x: Tensor, state: { h?: Tensor; c?: Tensor } = {}): { h: Tensor; c: Tensor } {
    const r = this.step(x, state.h, state.c);
    return { h: r.h, c: r.c! };
  }
}
