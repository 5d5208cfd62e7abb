// Training and reading for recognizer (b), without segmentation: the target of a line is its characters,
// the end symbol, then nothing (ignored) up to Maxlen; the loss sums the cross-entropies of the positions
// up to and including the end; reading takes the most likely class per position until the end symbol.
import { ConfigError, DataError } from '../../errors.js';
import { crossEntropy, logSoftmaxRows } from '../../loss/cross-entropy.js';
import { reshape, scale } from '../../tensor/ops.js';
import type { Rng } from '../../tensor/rng.js';
import { expectInt } from '../../tensor/shape.js';
import { type Tensor, noGrad } from '../../tensor/tensor.js';
import type { TaskState, TrainTask } from '../../train/task.js';
import type { Alphabet } from './alphabet.js';
import { type LineSample, type LineSource, type OcrKind, batchLines } from './dataset.js';
import type { LineImage } from './line-image.js';
import { ocrScores } from './metrics.js';
import { MaxlenNet } from './maxlen-model.js';
import type { Reading } from './recognize.js';

/** A Maxlen model with what it needs to read: its alphabet (class 0 = end) and kind of lines. */
export interface MaxlenOcr {
  model: MaxlenNet;
  alphabet: Alphabet;
  kind: OcrKind;
}

/**
 * Targets [Maxlen·B] (time-major): line b's class ids at steps 0…n−1, the end symbol 0 at step n, −100
 * (ignored) after. DataError for a text of Maxlen or more code points (no room for the end symbol).
 */
export function maxlenTargets(ocr: MaxlenOcr, texts: readonly string[]): Int32Array {
  const T = ocr.model.options.maxlen;
  const B = texts.length;
  const y = new Int32Array(T * B).fill(-100);
  texts.forEach((s, b) => {
    const ids = ocr.alphabet.encode(s);
    if (ids.length >= T) throw new DataError(`text ${JSON.stringify(s.slice(0, 30))}: expected at most ${T - 1} characters (Maxlen ${T} with the end symbol), got ${ids.length}`, 'train with a larger maxlen or shorter lines');
    ids.forEach((c, t) => { y[t * B + b] = c; });
    y[ids.length * B + b] = 0;
  });
  return y;
}

/** (1/B) Σ_lines Σ_{t ≤ n} −log p(y_t) for a batch (or the per-position mean with reduction 'mean'). */
function batchLoss(ocr: MaxlenOcr, samples: readonly LineSample[], reduction: 'sum' | 'mean'): Tensor {
  const { x, widths } = batchLines(samples.map((s) => s.image));
  const logits = ocr.model.forward(x, widths);
  const [T, B, C] = logits.shape as [number, number, number];
  const ce = crossEntropy(reshape(logits, [T * B, C]), maxlenTargets(ocr, samples.map((s) => s.text)), { reduction });
  return reduction === 'sum' ? scale(ce, 1 / B) : ce;
}

/**
 * Reads lines (batched, eval mode, no gradients): per position the most likely class, up to the first end
 * symbol. confidence = Π of the chosen classes' probabilities, the end symbol's included.
 */
export function readMaxlen(ocr: MaxlenOcr, lines: readonly LineImage[], batch = 32): Reading[] {
  const out: Reading[] = [];
  const wasTraining = ocr.model.training;
  ocr.model.eval();
  try {
    for (let i = 0; i < lines.length; i += batch) {
      const { x, widths } = batchLines(lines.slice(i, i + batch));
      const logits = noGrad(() => ocr.model.forward(x, widths));
      const [T, B, C] = logits.shape as [number, number, number];
      const lp = new Float64Array(T * B * C);
      logSoftmaxRows(lp, logits.data, T * B, C);
      for (let b = 0; b < B; b++) {
        const ids: number[] = [];
        let logp = 0;
        for (let t = 0; t < T; t++) {
          let best = 0;
          for (let c = 1; c < C; c++) if (lp[(t * B + b) * C + c]! > lp[(t * B + b) * C + best]!) best = c;
          logp += lp[(t * B + b) * C + best]!;
          if (best === 0) break;
          ids.push(best);
        }
        out.push({ text: ocr.alphabet.decode(ids), confidence: Math.exp(logp) });
      }
    }
  } finally {
    ocr.model.train(wasTraining);
  }
  return out;
}

/** What a `MaxlenTask` trains on. */
export interface MaxlenTaskOptions {
  model: MaxlenNet;
  train: LineSource;
  val: readonly LineSample[];
  /** B: lines per step. */
  batch: number;
}

/**
 * Recognizer (b) as a `TrainTask`. Step: B fresh lines, loss = (1/B) Σ_lines Σ_{t ≤ n_b} −log p(y_t)
 * (cross-entropy summed over the positions up to the end symbol, the rest ignored). Evaluation: the
 * per-position loss on the validation lines and their cer, wer and sequence_accuracy.
 */
export class MaxlenTask implements TrainTask {
  readonly name = 'ocr';
  readonly unit = 'lines';
  readonly model: MaxlenNet;
  readonly ocr: MaxlenOcr;
  readonly train: LineSource;
  readonly val: readonly LineSample[];
  readonly batch: number;

  constructor(options: MaxlenTaskOptions) {
    this.model = options.model;
    this.train = options.train;
    this.val = options.val;
    this.batch = expectInt('MaxlenTask.batch', options.batch, 1);
    if (this.model.options.classes !== this.train.alphabet.size) {
      throw new ConfigError(`MaxlenTask model classes: expected ${this.train.alphabet.size} (the alphabet + end), got ${this.model.options.classes}`, 'build the MaxlenNet with classes: source.alphabet.size');
    }
    if (this.val.length === 0) throw new ConfigError('MaxlenTask.val: expected at least one validation line, got none');
    this.ocr = { model: this.model, alphabet: this.train.alphabet, kind: this.train.kind };
  }

  trainStep(rng: Rng): { loss: Tensor; count: number } {
    const samples = Array.from({ length: this.batch }, () => this.train.next(rng));
    return { loss: batchLoss(this.ocr, samples, 'sum'), count: this.batch };
  }

  evaluate(): { loss: number; cer: number; wer: number; sequence_accuracy: number } {
    let loss = 0;
    let n = 0;
    for (let i = 0; i < this.val.length; i += 32) {
      const chunk = this.val.slice(i, i + 32);
      const positions = chunk.reduce((s, c) => s + Array.from(c.text).length + 1, 0);
      loss += noGrad(() => batchLoss(this.ocr, chunk, 'mean').item()) * positions;
      n += positions;
    }
    const read = readMaxlen(this.ocr, this.val.map((s) => s.image));
    const { cer, wer, sequence_accuracy } = ocrScores(read.map((r) => r.text), this.val.map((s) => s.text));
    return { loss: loss / n, cer, wer, sequence_accuracy };
  }

  saveState(): TaskState {
    return { json: {}, tensors: new Map() };
  }

  loadState(_state: TaskState): void {}

  modelConfig(): Record<string, unknown> {
    return maxlenConfig(this.ocr);
  }
}

/** The stored config: `{ task: 'ocr', approach: 'maxlen', kind, alphabet, ...net.config() }`. */
export function maxlenConfig(ocr: MaxlenOcr): Record<string, unknown> {
  return { task: 'ocr', approach: 'maxlen', kind: ocr.kind, alphabet: ocr.alphabet.toJSON(), ...ocr.model.config() };
}
