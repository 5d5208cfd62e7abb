// CharLM: the character language model — Embedding → stacked RNN/GRU/LSTM → (Dropout) → Linear over the
// vocabulary, time-major, with PyTorch parameter names (embed.weight, rnn.weight_ih_l0, …, head.weight,
// head.bias). Also its parameter count in closed form, and the hidden size that hits a parameter budget.
import { ConfigError } from '../../errors.js';
import { Dropout } from '../../nn/dropout.js';
import { Embedding } from '../../nn/embedding.js';
import { Linear } from '../../nn/linear.js';
import { Module, type ModuleInit, initOf } from '../../nn/module.js';
import { GRU, LSTM, RNN, type RecurrentLayer } from '../../nn/recurrent.js';
import { reshape } from '../../tensor/ops.js';
import { expectInt, expectKnownKeys, expectNumber } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { modelFromConfig } from '../../io/model-file.js';

/** The recurrent cell: 'lstm' (gates i|f|g|o), 'gru' (r|z|n) or 'rnn' (Elman, tanh). */
export type CellType = 'lstm' | 'gru' | 'rnn';
/** Every `CellType`, in the order the CLI lists them. */
export const CELL_TYPES: readonly CellType[] = ['lstm', 'gru', 'rnn'];

/** The sizes of a CharLM (also its stored config). */
export interface CharLMOptions {
  /** V: vocabulary size, the unknown symbol included. */
  vocabSize: number;
  cell: CellType;
  /** E: embedding size. */
  embed: number;
  /** H: recurrent state size. */
  hidden: number;
  /** L: stacked recurrent layers. */
  layers: number;
  /** Dropout probability between recurrent layers and on the last layer's output (training only; 0 = none). */
  dropout: number;
}

/** The carried recurrent state: h [L, B, H] and, for LSTM, c [L, B, H]. */
export interface CharLMState {
  h: Tensor;
  c?: Tensor;
}

const KEYS = ['vocabSize', 'cell', 'embed', 'hidden', 'layers', 'dropout'] as const;

/** Validates every option (ConfigError), without building anything. */
function checkOptions(o: CharLMOptions): CharLMOptions {
  if (typeof o !== 'object' || o === null) throw new ConfigError(`CharLM options: expected an object, got ${String(o)}`);
  expectKnownKeys('CharLM', o, KEYS);
  if (!CELL_TYPES.includes(o.cell)) {
    throw new ConfigError(`CharLM.cell: expected 'lstm', 'gru' or 'rnn', got ${JSON.stringify(o.cell)}`, 'LSTM is the usual choice for language models');
  }
  return {
    vocabSize: expectInt('CharLM.vocabSize', o.vocabSize, 2),
    cell: o.cell,
    embed: expectInt('CharLM.embed', o.embed, 1),
    hidden: expectInt('CharLM.hidden', o.hidden, 1),
    layers: expectInt('CharLM.layers', o.layers, 1),
    dropout: expectNumber('CharLM.dropout', o.dropout, 0, 0.99),
  };
}

/**
 * A character language model over a vocabulary of V symbols:
 *   x_t = embed.weight[id_t] (E),  h_t = rnn(x_t, h_{t−1}) (L layers of H, dropout p between layers),
 *   logits_t = head.weight · dropout(h_t^L) + head.bias (V).
 * Inputs are time-major ids [T·B] (position t·B + b is step t of stream b). Every random draw — the
 * embedding's N(0, 1) init, the recurrent and head U(±1/√fan) inits and every dropout mask — comes from the
 * one `init.rng`, so a trainer that checkpoints that Rng's state resumes exactly.
 * @example
 * const rng = new Rng(1);
 * const model = new CharLM({ vocabSize: vocab.size, cell: 'lstm', embed: 64, hidden: 256, layers: 2, dropout: 0.1 }, { rng });
 * const { logits, state } = model.forward(vocab.encode('abcd'), 2, 2); // logits [4, V], state.h [2, 2, 256]
 */
export class CharLM extends Module {
  readonly options: Readonly<CharLMOptions>;
  readonly embed: Embedding;
  readonly rnn: RecurrentLayer;
  readonly drop: Dropout | null;
  readonly head: Linear;

  constructor(options: CharLMOptions, init?: ModuleInit) {
    super();
    const o = (this.options = Object.freeze(checkOptions(options)));
    const { rng, dtype } = initOf(init);
    const shared: ModuleInit = { rng, dtype };
    this.embed = this.addModule('embed', new Embedding({ numEmbeddings: o.vocabSize, embeddingDim: o.embed }, shared));
    const rec = { inputSize: o.embed, hiddenSize: o.hidden, numLayers: o.layers, dropout: o.layers > 1 ? o.dropout : 0 };
    this.rnn = this.addModule('rnn', o.cell === 'lstm' ? new LSTM(rec, shared) : o.cell === 'gru' ? new GRU(rec, shared) : new RNN(rec, shared));
    this.drop = o.dropout > 0 ? this.addModule('drop', new Dropout({ p: o.dropout }, shared)) : null;
    this.head = this.addModule('head', new Linear({ inFeatures: o.hidden, outFeatures: o.vocabSize }, shared));
  }

  /**
   * ids: T·B integers in [0, V), time-major; `state` (default zeros) is the state after the previous chunk.
   * Returns logits [T·B, V] (row t·B + b) and the state after step T (part of the graph; detach it to carry
   * it across truncated-BPTT chunks). ConfigError for bad T or B, ShapeError for a mismatched state,
   * DataError for ids outside the vocabulary.
   */
  forward(ids: Int32Array, T: number, B: number, state?: CharLMState): { logits: Tensor; state: CharLMState } {
    expectInt('CharLM.forward T', T, 1);
    expectInt('CharLM.forward B', B, 1);
    if (ids.length !== T * B) {
      throw new ConfigError(`CharLM.forward ids: expected T·B = ${T}·${B} = ${T * B} ids, got ${ids.length}`, 'ids are time-major: position t·B + b holds step t of stream b');
    }
    const x = this.embed.forward(ids, [T, B]); // [T, B, E]
    const r = this.rnn.forward(x, state ?? {}); // output [T, B, H]
    const y = this.drop ? this.drop.forward(r.output) : r.output;
    const logits = reshape(this.head.forward(y), [T * B, this.options.vocabSize]); // [T·B, V]
    return { logits, state: r.c ? { h: r.h, c: r.c } : { h: r.h } };
  }

  /** The options, as stored in model files (`CharLM.fromConfig` rebuilds the model from them). */
  config(): CharLMOptions {
    return { ...this.options };
  }

  /**
   * Builds a CharLM from a stored config (the six `CharLMOptions` keys; other keys such as `task` and
   * `vocab` are ignored). Throws CheckpointError, with the reason, when a key is missing or invalid.
   */
  static fromConfig(config: Record<string, unknown>, init?: ModuleInit): CharLM {
    return modelFromConfig('CharLM', KEYS, config, 'the file was not saved from a charlm model', (o: CharLMOptions) => new CharLM(o, init));
  }

}

/** Gates per cell: G = 4 (LSTM), 3 (GRU), 1 (RNN). */
function gates(cell: CellType): number {
  return cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
}

/**
 * Trainable values of a CharLM, in closed form:
 *   V·E (embed) + Σ_l G·H·(I_l + H + 2) (rnn; I_0 = E, I_l = H) + V·H + V (head).
 * Equals `new CharLM(options).parameterCount()` (dropout does not matter).
 */
export function charLMParamCount(options: Omit<CharLMOptions, 'dropout'> & { dropout?: number }): number {
  const { vocabSize: V, cell, embed: E, hidden: H, layers: L } = checkOptions({ dropout: 0, ...options } as CharLMOptions);
  const G = gates(cell);
  let n = V * E + V * H + V;
  for (let l = 0; l < L; l++) n += G * H * ((l === 0 ? E : H) + H + 2);
  return n;
}

/**
 * The hidden size H ≥ 1 whose CharLM (with this cell, layers, embedding and vocabulary) has the parameter
 * count closest to `targetParams` (the smaller H on a tie) — for comparing cells at equal size.
 * @example
 * const n = charLMParamCount({ vocabSize: 80, cell: 'lstm', embed: 64, hidden: 256, layers: 2 });
 * hiddenForParams('gru', 2, 64, 80, n); // 297: a GRU of (nearly) the same size
 */
export function hiddenForParams(cell: CellType, layers: number, embed: number, vocabSize: number, targetParams: number): number {
  expectInt('hiddenForParams targetParams', targetParams, 1);
  const count = (hidden: number): number => charLMParamCount({ vocabSize, cell, embed, hidden, layers });
  let [lo, hi] = [1, 2];
  while (count(hi) < targetParams) [lo, hi] = [hi, hi * 2];
  while (hi - lo > 1) { // count(lo) < target ≤ count(hi), or lo = 1
    const mid = (lo + hi) >> 1;
    if (count(mid) < targetParams) lo = mid;
    else hi = mid;
  }
  return Math.abs(count(lo) - targetParams) <= Math.abs(count(hi) - targetParams) ? lo : hi;
}
