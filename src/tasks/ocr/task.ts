// The OCR training task for CRNN + CTC: each step draws a fresh minibatch of augmented lines from the
// training fonts (or training MNIST digits), evaluation reads a fixed validation set (validation fonts),
// and `testScores` reads the test set (fonts never seen in training). The trainer (src/train) drives it.
import { ConfigError } from '../../errors.js';
import { ctcLoss } from '../../loss/ctc.js';
import type { Rng } from '../../tensor/rng.js';
import { expectInt } from '../../tensor/shape.js';
import { type Tensor, noGrad } from '../../tensor/tensor.js';
import type { TaskState, TrainTask } from '../../train/task.js';
import { Crnn } from './crnn.js';
import { type LineSample, type LineSource, batchLines, drawBatch } from './dataset.js';
import { type OcrScores, ocrScores } from './metrics.js';
import { type OcrModel, ocrConfig, readLines } from './recognize.js';

/** What an `OcrCtcTask` trains on. */
export interface OcrCtcTaskOptions {
  model: Crnn;
  /** Training lines (its alphabet must have model.options.classes − 1 characters). */
  train: LineSource;
  /** Fixed validation lines (see fixedSamples). */
  val: readonly LineSample[];
  /** B: lines per step. */
  batch: number;
}

/** Mean CTC loss (per target character, as torch's 'mean') of `samples` under `ocr`, without gradients. */
function meanCtc(ocr: OcrModel, samples: readonly LineSample[]): number {
  let total = 0;
  for (let i = 0; i < samples.length; i += 32) {
    const chunk = samples.slice(i, i + 32);
    const { x, widths } = batchLines(chunk.map((s) => s.image));
    const loss = noGrad(() => {
      const { logits, lengths } = ocr.model.forward(x, widths);
      const targets = chunk.map((s) => ocr.alphabet.encode(s.text));
      return ctcLoss(logits, targets, lengths, targets.map((t) => t.length), { zeroInfinity: true }).item();
    });
    total += loss * chunk.length;
  }
  return total / samples.length;
}

/**
 * CRNN + CTC as a `TrainTask`. Step: B lines of similar length from `drawBatch(train, B, rng)`, batched to
 * [B, 1, 32, W_max];
 * loss = ctcLoss(logits, labels, ⌊⌊w_b/2⌋/2⌋, |labels_b|), mean over lines of the per-character loss
 * (alignments that cannot fit count 0, `zeroInfinity`). Evaluation: that loss on the validation lines and
 * their greedy-decoded CER, WER and sequence accuracy. No state of its own: every draw comes from the
 * trainer's Rng, which checkpoints keep.
 * @example
 * const task = new OcrCtcTask({ model, train: lineSource({ kind: 'digits', split: 'train' }), val, batch: 16 });
 */
export class OcrCtcTask implements TrainTask {
  readonly name = 'ocr';
  readonly unit = 'lines';
  readonly model: Crnn;
  readonly train: LineSource;
  readonly val: readonly LineSample[];
  readonly batch: number;
  readonly ocr: OcrModel;

  constructor(options: OcrCtcTaskOptions) {
    this.model = options.model;
    this.train = options.train;
    this.val = options.val;
    this.batch = expectInt('OcrCtcTask.batch', options.batch, 1);
    if (this.model.options.classes !== this.train.alphabet.size) {
      throw new ConfigError(`OcrCtcTask.model classes: expected ${this.train.alphabet.size} (the alphabet + blank), got ${this.model.options.classes}`, 'build the Crnn with classes: source.alphabet.size');
    }
    if (this.val.length === 0) throw new ConfigError('OcrCtcTask.val: expected at least one validation line, got none');
    this.ocr = { model: this.model, alphabet: this.train.alphabet, kind: this.train.kind };
  }

  trainStep(rng: Rng): { loss: Tensor; count: number } {
    const samples = drawBatch(this.train, this.batch, rng);
    const { x, widths } = batchLines(samples.map((s) => s.image));
    const { logits, lengths } = this.model.forward(x, widths);
    const targets = samples.map((s) => this.train.alphabet.encode(s.text));
    return { loss: ctcLoss(logits, targets, lengths, targets.map((t) => t.length), { zeroInfinity: true }), count: this.batch };
  }

  /** Validation CTC loss (per character) and greedy cer, wer, sequence_accuracy. */
  evaluate(): { loss: number; cer: number; wer: number; sequence_accuracy: number } {
    const { cer, wer, sequence_accuracy } = scoreLines(this.ocr, this.val);
    return { loss: meanCtc(this.ocr, this.val), cer, wer, sequence_accuracy };
  }

  saveState(): TaskState {
    return { json: {}, tensors: new Map() };
  }

  loadState(_state: TaskState): void {}

  modelConfig(): Record<string, unknown> {
    return ocrConfig(this.ocr);
  }
}

/** CER, WER and sequence accuracy of `ocr` reading `samples` (greedy, or beam search with `beam` > 1). */
export function scoreLines(ocr: OcrModel, samples: readonly LineSample[], beam = 1): OcrScores {
  const read = readLines(ocr, samples.map((s) => s.image), { beam });
  return ocrScores(read.map((r) => r.text), samples.map((s) => s.text));
}
