// The charlm training task: truncated BPTT over `batch` contiguous streams of the encoded training text,
// the hidden state carried (detached) from step to step; evaluation in bits per character on the held-out
// text; the stream position and carried state as checkpointable state. The trainer (src/train) drives it.
import { CheckpointError, ConfigError, DataError } from '../../errors.js';
import { crossEntropy } from '../../loss/cross-entropy.js';
import type { ModuleInit } from '../../nn/module.js';
import type { TaskState, TrainTask } from '../../train/task.js';
import type { Rng } from '../../tensor/rng.js';
import { expectInt, expectKnownKeys } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { CharLM, type CharLMState } from './model.js';
import { modelNats } from './score.js';
import { Vocab } from './vocab.js';

/** What a `CharLMTask` trains on and how it cuts the text. */
export interface CharLMTaskOptions {
  model: CharLM;
  /** The vocabulary built from `train` (its size must be the model's vocabSize). */
  vocab: Vocab;
  train: string;
  val: string;
  /** B: contiguous training streams, the rows of every minibatch. */
  batch: number;
  /** T: characters per stream per step (the truncated-BPTT length). */
  seq: number;
  /** Streams for evaluation (default 32; see `modelNats`). */
  evalBatch?: number;
}

/** A copy of `t`'s values with no graph, as a fresh tensor. */
function detached(t: Tensor): Tensor {
  return new Tensor(t.data.slice(), [...t.shape]);
}

/**
 * Character language modelling as a `TrainTask`. The N encoded training characters are cut into B streams
 * of S = ⌊N/B⌋ contiguous characters (the last N − B·S are unused). Step k feeds characters
 * [k·T, (k+1)·T) of every stream and predicts characters [k·T + 1, (k+1)·T + 1): loss = mean cross-entropy
 * over the B·T targets (count B·T). The state after each step is carried, detached, into the next; when
 * another step no longer fits (after ⌊(S−1)/T⌋ steps) the streams wrap to their start, the epoch counter
 * increases and the state resets to zeros. No randomness of its own: the model's dropout draws from the
 * Rng the model was built with (give the model the trainer's Rng).
 * @example
 * const task = new CharLMTask({ model, vocab, train, val, batch: 32, seq: 128 });
 * const { loss, count } = task.trainStep(rng); loss.backward();
 * task.evaluate(); // { loss: nats/char, bpc }
 */
export class CharLMTask implements TrainTask {
  readonly name = 'charlm';
  readonly unit = 'tokens';
  readonly model: CharLM;
  readonly vocab: Vocab;
  readonly batch: number;
  readonly seq: number;
  readonly evalBatch: number;
  private readonly trainIds: Int32Array;
  private readonly valIds: Int32Array;
  /** S: characters per training stream. */
  private readonly streamLength: number;
  /** Offset of the next step's first input within every stream (a multiple of seq). */
  private streamPos = 0;
  private epoch = 0;
  /** The carried state, or null at the start of an epoch (zeros). */
  private state: CharLMState | null = null;

  constructor(options: CharLMTaskOptions) {
    expectKnownKeys('CharLMTask', options, ['model', 'vocab', 'train', 'val', 'batch', 'seq', 'evalBatch']);
    if (!(options.model instanceof CharLM)) throw new ConfigError(`CharLMTask.model: expected a CharLM, got ${String(options.model)}`);
    if (!(options.vocab instanceof Vocab)) throw new ConfigError(`CharLMTask.vocab: expected a Vocab, got ${String(options.vocab)}`);
    this.model = options.model;
    this.vocab = options.vocab;
    if (this.vocab.size !== this.model.options.vocabSize) {
      throw new ConfigError(`CharLMTask.vocab: expected ${this.model.options.vocabSize} symbols (the model's vocabSize), got ${this.vocab.size}`,
        'build the model with vocabSize: vocab.size');
    }
    this.batch = expectInt('CharLMTask.batch', options.batch, 1);
    this.seq = expectInt('CharLMTask.seq', options.seq, 1);
    this.evalBatch = expectInt('CharLMTask.evalBatch', options.evalBatch ?? 32, 1);
    for (const k of ['train', 'val'] as const) {
      if (typeof options[k] !== 'string') throw new ConfigError(`CharLMTask.${k}: expected a string, got ${typeof options[k]}`);
    }
    this.trainIds = this.vocab.encode(options.train);
    this.valIds = this.vocab.encode(options.val);
    this.streamLength = Math.floor(this.trainIds.length / this.batch);
    if (this.streamLength < this.seq + 1) {
      throw new DataError(`training text: expected at least batch·(seq + 1) = ${this.batch * (this.seq + 1)} characters, got ${this.trainIds.length}`,
        'use a longer text, or a smaller --batch or --seq');
    }
    if (this.valIds.length < 2) {
      throw new DataError(`validation text: expected at least 2 characters, got ${this.valIds.length}`, 'hold out more of the text for validation');
    }
  }

  /** Training steps in one pass over the streams: ⌊(S − 1)/T⌋. */
  stepsPerEpoch(): number {
    return Math.floor((this.streamLength - 1) / this.seq);
  }

  /** One truncated-BPTT step (see the class doc); `rng` is unused (the model's dropout has its own). */
  trainStep(_rng: Rng): { loss: Tensor; count: number } {
    const [B, T, S] = [this.batch, this.seq, this.streamLength];
    const x = new Int32Array(T * B); // [T, B] inputs
    const y = new Int32Array(T * B); // [T, B] targets
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const i = b * S + this.streamPos + t;
        x[t * B + b] = this.trainIds[i]!;
        y[t * B + b] = this.trainIds[i + 1]!;
      }
    }
    const out = this.model.forward(x, T, B, this.state ?? undefined);
    const loss = crossEntropy(out.logits, y);
    this.state = out.state.c ? { h: detached(out.state.h), c: detached(out.state.c) } : { h: detached(out.state.h) };
    this.streamPos += T;
    if (this.streamPos + T + 1 > S) {
      this.streamPos = 0;
      this.epoch++;
      this.state = null;
    }
    return { loss, count: B * T };
  }

  /**
   * Mean loss on the whole validation text (nats per character) and bits per character, scored by
   * `modelNats` in `evalBatch` streams (every character but the first scored once; each stream's first
   * character is predicted from a zero state). The model is in eval mode during, in training mode after.
   */
  evaluate(): { loss: number; bpc: number } {
    try {
      const { nats, chars } = modelNats(this.model, this.valIds, { batch: this.evalBatch });
      const loss = nats / chars;
      return { loss, bpc: loss / Math.LN2 };
    } finally {
      this.model.train();
    }
  }

  /** Passes completed over the training text. */
  get epochs(): number {
    return this.epoch;
  }

  /** json { streamPos, epoch }; tensors h (and c for LSTM) of the carried state, none before the first step of an epoch. */
  saveState(): TaskState {
    const tensors = new Map<string, Tensor>();
    if (this.state) {
      tensors.set('h', this.state.h.clone());
      if (this.state.c) tensors.set('c', this.state.c.clone());
    }
    return { json: { streamPos: this.streamPos, epoch: this.epoch }, tensors };
  }

  /** Restores `saveState()`'s output exactly; CheckpointError (changing nothing) if it does not fit this task. */
  loadState(state: TaskState): void {
    const hint = 'the checkpoint was saved with another --batch, --seq, model or text; resume with the same settings';
    const { streamPos, epoch } = state?.json ?? {};
    const maxPos = this.streamLength - this.seq - 1;
    if (typeof streamPos !== 'number' || !Number.isInteger(streamPos) || streamPos < 0 || streamPos > maxPos) {
      throw new CheckpointError(`charlm state streamPos: expected an integer in [0, ${maxPos}], got ${JSON.stringify(streamPos)}`, hint);
    }
    if (typeof epoch !== 'number' || !Number.isInteger(epoch) || epoch < 0) {
      throw new CheckpointError(`charlm state epoch: expected an integer ≥ 0, got ${JSON.stringify(epoch)}`, hint);
    }
    const tensors = state.tensors ?? new Map<string, Tensor>();
    const extra = [...tensors.keys()].filter((k) => k !== 'h' && k !== 'c');
    if (extra.length > 0) throw new CheckpointError(`charlm state tensors: expected h and c, got [${[...tensors.keys()].join(', ')}]`, hint);
    const { layers, hidden, cell } = this.model.options;
    const shape = [layers, this.batch, hidden];
    const take = (name: string): Tensor | undefined => {
      const t = tensors.get(name);
      if (t === undefined) return undefined;
      if (t.shape.length !== 3 || t.shape.some((d, i) => d !== shape[i])) {
        throw new CheckpointError(`charlm state ${name}: expected shape [${shape.join(', ')}], got [${t.shape.join(', ')}]`, hint);
      }
      return Tensor.from(t.data, shape, this.model.rnn.dtype);
    };
    const h = take('h');
    const c = take('c');
    const lstm = cell === 'lstm';
    if (lstm ? (h === undefined) !== (c === undefined) : c !== undefined) {
      throw new CheckpointError(`charlm state tensors: expected ${lstm ? 'both h and c or neither' : 'h or nothing'} for a ${cell} model, got [${[...tensors.keys()].join(', ')}]`, hint);
    }
    this.streamPos = streamPos;
    this.epoch = epoch;
    this.state = h === undefined ? null : c === undefined ? { h } : { h, c };
  }

  /** What model files store: `{ task: 'charlm', ...model.config(), vocab: vocab.toJSON() }` (see `charLMFromConfig`). */
  modelConfig(): Record<string, unknown> {
    return { task: 'charlm', ...this.model.config(), vocab: this.vocab.toJSON() };
  }
}

/**
 * Rebuilds the model and vocabulary from a stored `modelConfig()` (then load the weights into the model).
 * CheckpointError if the config is not a charlm one, or its vocabulary or sizes are damaged or disagree.
 * @example
 * const file = loadModelFile('run/model.safetensors');
 * const { model, vocab } = charLMFromConfig(file.config);
 * loadWeightsInto(model, file.tensors);
 */
export function charLMFromConfig(config: Record<string, unknown>, init?: ModuleInit): { model: CharLM; vocab: Vocab } {
  if (config?.['task'] !== 'charlm') {
    throw new CheckpointError(`model config task: expected 'charlm', got ${JSON.stringify(config?.['task'])}`, 'this model was not trained with `recur train charlm`');
  }
  const vocab = Vocab.fromJSON(config['vocab']);
  const model = CharLM.fromConfig(config, init);
  if (model.options.vocabSize !== vocab.size) {
    throw new CheckpointError(`model config vocabSize: expected ${vocab.size} (the stored vocabulary's size), got ${model.options.vocabSize}`, 'the model file is damaged; re-save the model');
  }
  return { model, vocab };
}
