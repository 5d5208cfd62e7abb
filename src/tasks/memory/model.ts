// MemoryModel: the model of the long-memory benchmarks — one RNN/GRU/LSTM layer and a Linear head, read
// at the last step (adding: a regression) or at every step (copy: class logits). PyTorch parameter names
// (rnn.weight_ih_l0, …, head.weight, head.bias), so `recur diagnose gradients` and `recur info` read it.
import { ConfigError } from '../../errors.js';
import { Linear } from '../../nn/linear.js';
import { Module, type ModuleInit, initOf } from '../../nn/module.js';
import { GRU, LSTM, RNN, type RecurrentLayer } from '../../nn/recurrent.js';
import { reshape } from '../../tensor/ops.js';
import { expectInt, expectKnownKeys, expectNumber, expectShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { modelFromConfig } from '../../io/model-file.js';

/** The recurrent cell: 'rnn' (Elman, tanh), 'gru' (r|z|n) or 'lstm' (i|f|g|o). */
export type MemoryCell = 'rnn' | 'gru' | 'lstm';
/** Every `MemoryCell`, in the order the CLI lists them. */
export const MEMORY_CELLS: readonly MemoryCell[] = ['rnn', 'gru', 'lstm'];

/** The sizes of a MemoryModel (also its stored config, beside `task`, `length` and `nonlinearity`). */
export interface MemoryModelOptions {
  cell: MemoryCell;
  /** I: features per step (adding 2; copy 10, one-hot). */
  inputSize: number;
  /** H: state size. */
  hidden: number;
  /** O: head outputs (adding 1; copy 9 classes). */
  outputSize: number;
  /** 'last': the head reads h_T only ([B, O]); 'all': every step ([T·B, O]). */
  readout: 'last' | 'all';
  /** LSTM only: initial b_ih of the forget gate (b_hh's stays U(±1/√H)); default 1 (Gers et al. 2000). */
  forgetBias?: number;
}

const KEYS = ['cell', 'inputSize', 'hidden', 'outputSize', 'readout', 'forgetBias'] as const;

function checkOptions(o: MemoryModelOptions): Required<MemoryModelOptions> {
  if (typeof o !== 'object' || o === null) throw new ConfigError(`MemoryModel options: expected an object, got ${String(o)}`);
  expectKnownKeys('MemoryModel', o, KEYS);
  if (!MEMORY_CELLS.includes(o.cell)) throw new ConfigError(`MemoryModel.cell: expected 'rnn', 'gru' or 'lstm', got ${JSON.stringify(o.cell)}`);
  if (o.readout !== 'last' && o.readout !== 'all') throw new ConfigError(`MemoryModel.readout: expected 'last' or 'all', got ${JSON.stringify(o.readout)}`);
  return {
    cell: o.cell, readout: o.readout,
    inputSize: expectInt('MemoryModel.inputSize', o.inputSize, 1),
    hidden: expectInt('MemoryModel.hidden', o.hidden, 1),
    outputSize: expectInt('MemoryModel.outputSize', o.outputSize, 1),
    forgetBias: expectNumber('MemoryModel.forgetBias', o.forgetBias ?? 1, -100, 100),
  };
}

/**
 * One recurrent layer and a Linear head over time-major x [T, B, I]:
 *   h_t = cell(x_t, h_{t−1}) (h_0 = 0);  'last': y = head.weight · h_T + head.bias  [B, O];
 *   'all': y_t = head.weight · h_t + head.bias  [T·B, O] (row t·B + b).
 * Weights are PyTorch's defaults, U(±1/√H) for the cell and U(±1/√H) for the head, from `init.rng`; an
 * LSTM's forget-gate b_ih then becomes `forgetBias` (1 by default), so the cell starts out remembering.
 * @example
 * const m = new MemoryModel({ cell: 'gru', inputSize: 2, hidden: 128, outputSize: 1, readout: 'last' }, { rng: new Rng(1) });
 * const y = m.forward(x); // x [100, 32, 2] → y [32, 1]
 */
export class MemoryModel extends Module {
  readonly options: Readonly<Required<MemoryModelOptions>>;
  readonly rnn: RecurrentLayer;
  readonly head: Linear;

  constructor(options: MemoryModelOptions, init?: ModuleInit) {
    super();
    const o = (this.options = Object.freeze(checkOptions(options)));
    const { rng, dtype } = initOf(init);
    const shared: ModuleInit = { rng, dtype };
    const rec = { inputSize: o.inputSize, hiddenSize: o.hidden };
    this.rnn = this.addModule('rnn', o.cell === 'lstm' ? new LSTM(rec, shared) : o.cell === 'gru' ? new GRU(rec, shared) : new RNN(rec, shared));
    this.head = this.addModule('head', new Linear({ inFeatures: o.hidden, outFeatures: o.outputSize }, shared));
    if (o.cell === 'lstm') this.rnn.parameter('bias_ih_l0').data.fill(o.forgetBias, o.hidden, 2 * o.hidden); // rows i|f|g|o
  }

  /** x [T, B, I] → [B, O] ('last') or [T·B, O] ('all'). ShapeError for another input size. */
  forward(x: Tensor): Tensor {
    expectShape('MemoryModel input x', x, [null, null, this.options.inputSize], 'x is time-major [T, B, I]');
    const [T, B] = [x.shape[0]!, x.shape[1]!];
    const H = this.options.hidden;
    const r = this.rnn.forward(x);
    const feat = this.options.readout === 'last' ? reshape(r.h, [B, H]) : reshape(r.output, [T * B, H]);
    return this.head.forward(feat);
  }

  /** The options as stored in model files, with `nonlinearity: 'tanh'` for the RNN (read by the diagnostic). */
  config(): Record<string, unknown> {
    return { ...this.options, ...(this.options.cell === 'rnn' ? { nonlinearity: 'tanh' } : {}) };
  }

  /** Rebuilds a model from a stored `config()` (other keys are ignored); CheckpointError when it does not fit. */
  static fromConfig(config: Record<string, unknown>, init?: ModuleInit): MemoryModel {
    return modelFromConfig('MemoryModel', KEYS, config, 'the file was not saved by recur train adding or copy', (o: MemoryModelOptions) => new MemoryModel(o, init));
  }

}
