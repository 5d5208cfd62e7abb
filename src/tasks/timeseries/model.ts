// The forecaster: a stacked RNN/GRU/LSTM whose output head gives a Gaussian mean offset and raw scale per
// step (DeepAR), beside a linear autoregressive highway over the last p values and the calendar features
// (LSTNet's "highway", here ARX) that adds to the mean. PyTorch names: rnn.*, head.*, highway.*.
import { ConfigError } from '../../errors.js';
import { Linear } from '../../nn/linear.js';
import { Module, type ModuleInit, initOf } from '../../nn/module.js';
import { GRU, LSTM, RNN, type RecurrentLayer, type RecurrentState } from '../../nn/recurrent.js';
import { reshape } from '../../tensor/ops.js';
import { expectInt, expectKnownKeys } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { softplusInverse } from './gaussian.js';

export type CellType = 'lstm' | 'gru' | 'rnn';
export const CELL_TYPES: readonly CellType[] = ['lstm', 'gru', 'rnn'];

/** Sizes of a TimeSeriesModel (also its stored config). */
export interface TimeSeriesModelOptions {
  cell: CellType;
  /** I: inputs per step (previous value, calendar features, previous feature values). */
  inputSize: number;
  /** H: recurrent state size. */
  hidden: number;
  /** L: stacked layers. */
  layers: number;
  /** p: lags the highway reads. */
  lags: number;
  /** C: calendar features the highway reads beside the lags. */
  exo: number;
}

const KEYS = ['cell', 'inputSize', 'hidden', 'layers', 'lags', 'exo'] as const;

/** What one forward gives: head [T·B, 2] (mean offset, raw scale), highway [T·B, 1], the final state. */
export interface TimeSeriesOutput {
  head: Tensor;
  highway: Tensor;
  state: RecurrentState;
}

/**
 * For each step t of x [T, B, I] and highway inputs a [T, B, p + C] (see inputs.ts):
 *   h_t = rnn(x_t, h_{t−1}),  μ_t − z_{t−1} = head.weight[0]·h_t + head.bias[0] + highway.weight·a_t + highway.bias,
 *   σ_t = softplus(head.weight[1]·h_t + head.bias[1]) + σ_min        (all in the series' scaled units).
 * Start from `initFromAR` so that the untrained model is exactly the least-squares ARX fit with its
 * residual scale, and training only has to learn what the linear model misses.
 * @example
 * const model = new TimeSeriesModel({ cell: 'lstm', inputSize: 5, hidden: 32, layers: 1, lags: 7, exo: 4 });
 * const { head, highway } = model.forward(x, a); // x [64, 32, 5], a [64, 32, 11] → head [2048, 2]
 */
export class TimeSeriesModel extends Module {
  readonly options: Readonly<TimeSeriesModelOptions>;
  readonly rnn: RecurrentLayer;
  readonly head: Linear;
  readonly highway: Linear;

  constructor(options: TimeSeriesModelOptions, init?: ModuleInit) {
    super();
    expectKnownKeys('TimeSeriesModel', options, KEYS);
    if (!CELL_TYPES.includes(options.cell)) throw new ConfigError(`TimeSeriesModel.cell: expected 'lstm', 'gru' or 'rnn', got ${JSON.stringify(options.cell)}`);
    const o = {
      cell: options.cell, inputSize: expectInt('TimeSeriesModel.inputSize', options.inputSize, 1), hidden: expectInt('TimeSeriesModel.hidden', options.hidden, 1),
      layers: expectInt('TimeSeriesModel.layers', options.layers, 1, 16), lags: expectInt('TimeSeriesModel.lags', options.lags, 1), exo: expectInt('TimeSeriesModel.exo', options.exo, 0),
    };
    this.options = Object.freeze(o);
    const { rng, dtype } = initOf(init);
    const ro = { inputSize: o.inputSize, hiddenSize: o.hidden, numLayers: o.layers };
    const mi = { rng, dtype };
    this.rnn = this.addModule('rnn', o.cell === 'lstm' ? new LSTM(ro, mi) : o.cell === 'gru' ? new GRU(ro, mi) : new RNN(ro, mi));
    this.head = this.addModule('head', new Linear({ inFeatures: o.hidden, outFeatures: 2 }, mi));
    this.highway = this.addModule('highway', new Linear({ inFeatures: o.lags + o.exo, outFeatures: 1 }, mi));
  }

  /** x [T, B, I], a [T, B, p + C] → head [T·B, 2], highway [T·B, 1] and the state after step T. */
  forward(x: Tensor, a: Tensor, state: RecurrentState = {}): TimeSeriesOutput {
    const r = this.rnn.forward(x, state);
    const H = this.options.hidden;
    const head = this.head.forward(reshape(r.output, [-1, H]));
    const highway = this.highway.forward(reshape(a, [-1, this.options.lags + this.options.exo]));
    return { head, highway, state: r.c ? { h: r.h, c: r.c } : { h: r.h } };
  }

  /**
   * Sets the highway to a least-squares fit (weights over [lags, calendar], then the intercept) and the head
   * to output a zero mean offset and the fit's residual scale `sigma`, so the model starts as that fit.
   */
  initFromAR(beta: ArrayLike<number>, sigma: number): void {
    this.setHighway(beta);
    this.head.weight.data.fill(0);
    this.head.bias!.data[0] = 0;
    this.head.bias!.data[1] = softplusInverse(Math.max(sigma, 1e-2));
  }

  /** The highway's weights over [lags, calendar], then its intercept (the layout of `setHighway`). */
  highwayWeights(): Float64Array {
    return Float64Array.from([...this.highway.weight.data, this.highway.bias!.data[0]!]);
  }

  /** Sets the highway to weights over [lags, calendar], then the intercept; the head is left as it is. */
  setHighway(beta: ArrayLike<number>): void {
    const K = this.options.lags + this.options.exo;
    for (let k = 0; k < K; k++) this.highway.weight.data[k] = beta[k]!;
    this.highway.bias!.data[0] = beta[K]!;
  }
}
