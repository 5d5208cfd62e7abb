// Training and reading for recognizer (a), with segmentation: lines are cut into characters (segment.ts),
// a line is used for training only when it gives exactly one segment per unit of its text, the loss is the
// sum of per-character cross-entropies, and reading joins the predicted units with the gaps' spaces.
import { ConfigError, DataError } from '../../errors.js';
import { crossEntropy, logSoftmaxRows } from '../../loss/cross-entropy.js';
import { reshape, scale } from '../../tensor/ops.js';
import type { Rng } from '../../tensor/rng.js';
import { expectInt } from '../../tensor/shape.js';
import { Tensor, noGrad } from '../../tensor/tensor.js';
import type { TaskState, TrainTask } from '../../train/task.js';
import type { LineSample, LineSource, OcrKind } from './dataset.js';
import { LINE_HEIGHT, type LineImage } from './line-image.js';
import { ocrScores } from './metrics.js';
import type { Reading } from './recognize.js';
import { joinUnits, segmentCrops, segmentLine, textUnits } from './segment.js';
import { SegmentedNet, UnitSet } from './segmented-model.js';

/** A segmented model with what it needs to read: its units and the kind of lines it was trained on. */
export interface SegmentedOcr {
  model: SegmentedNet;
  units: UnitSet;
  kind: OcrKind;
}

/** A line cut into n character crops [n, S, S], with the spaces found between them. */
export interface CutLine {
  crops: Float32Array;
  n: number;
  spaceBefore: boolean[];
}

/** Segments a line and fits each segment into the model's square (see segmentLine, segmentCrops). */
export function cutLine(image: LineImage, kind: OcrKind, size: number): CutLine {
  const seg = segmentLine(image, kind);
  return { crops: segmentCrops(seg, size), n: seg.segments.length, spaceBefore: seg.segments.map((s) => s.spaceBefore) };
}

/**
 * The unit vocabulary of a line source: its alphabet's characters (space left out) for Latin and digits;
 * for Devanagari the aksharas (grapheme clusters) seen at least twice in the training text lines.
 */
export function unitsFor(source: LineSource): UnitSet {
  if (source.kind !== 'devanagari') return new UnitSet(source.alphabet.chars.filter((c) => c !== ' '));
  const counts = new Map<string, number>();
  for (const line of source.texts) for (const u of textUnits(line, 'devanagari').units) counts.set(u, (counts.get(u) ?? 0) + 1);
  return new UnitSet([...counts].filter(([, c]) => c >= 2).map(([u]) => u).sort());
}

/** Crops of several lines stacked as [N, 1, S, S] with the count per line. */
function stackCrops(lines: readonly CutLine[], S: number): { x: Tensor; counts: Int32Array } {
  const N = lines.reduce((s, l) => s + l.n, 0);
  const x = Tensor.zeros([N, 1, S, S]);
  let at = 0;
  for (const l of lines) { x.data.set(l.crops, at); at += l.crops.length; }
  return { x, counts: Int32Array.from(lines, (l) => l.n) };
}

/** Targets [T·B] (time-major, −100 past each line) of labelled lines. */
function targetsOf(labels: readonly Int32Array[], T: number): Int32Array {
  const B = labels.length;
  const y = new Int32Array(T * B).fill(-100);
  labels.forEach((l, b) => l.forEach((c, t) => { y[t * B + b] = c; }));
  return y;
}

/**
 * Reads lines: segment, classify every segment (one batched forward per `batch` lines, eval mode, no
 * gradients), join the units with the spaces the gaps gave. confidence = Π over segments of the top
 * softmax probability (1 for a line with no segments, read as '').
 */
export function readSegmented(ocr: SegmentedOcr, lines: readonly LineImage[], batch = 32): Reading[] {
  const S = ocr.model.options.size;
  const cut = lines.map((im) => cutLine(im, ocr.kind, S));
  const out: Reading[] = cut.map(() => ({ text: '', confidence: 1 }));
  const wasTraining = ocr.model.training;
  ocr.model.eval();
  try {
    const todo = cut.map((c, i) => i).filter((i) => cut[i]!.n > 0);
    for (let k = 0; k < todo.length; k += batch) {
      const idx = todo.slice(k, k + batch);
      const { x, counts } = stackCrops(idx.map((i) => cut[i]!), S);
      const logits = noGrad(() => ocr.model.forward(x, counts));
      const [T, B, C] = logits.shape as [number, number, number];
      const lp = new Float64Array(T * B * C);
      logSoftmaxRows(lp, logits.data, T * B, C);
      idx.forEach((i, b) => {
        const units: string[] = [];
        let logp = 0;
        for (let t = 0; t < counts[b]!; t++) {
          let best = 0;
          for (let c = 1; c < C; c++) if (lp[(t * B + b) * C + c]! > lp[(t * B + b) * C + best]!) best = c;
          logp += lp[(t * B + b) * C + best]!;
          units.push(ocr.units.unit(best));
        }
        out[i] = { text: joinUnits(units, cut[i]!.spaceBefore), confidence: Math.exp(logp) };
      });
    }
  } finally {
    ocr.model.train(wasTraining);
  }
  return out;
}

/** What a `SegmentedTask` trains on. */
export interface SegmentedTaskOptions {
  model: SegmentedNet;
  units: UnitSet;
  train: LineSource;
  val: readonly LineSample[];
  /** B: lines per step (lines whose segment count matches their text). */
  batch: number;
}

/**
 * Recognizer (a) as a `TrainTask`. Step: draw lines until B of them segment into exactly as many pieces
 * as their text has units (the others are skipped: there is no way to know which piece is which unit);
 * loss = (1/B) Σ_lines Σ_characters −log p(unit | crops) (the lecture's sum of per-character
 * cross-entropies, averaged over the lines of the batch). Evaluation reads every validation line, also
 * those segmented wrongly (their extra or missing pieces are edit errors), and reports
 * `segment_match` (fraction of lines with the right count) beside loss (per character, matched lines),
 * cer, wer and sequence_accuracy.
 */
export class SegmentedTask implements TrainTask {
  readonly name = 'ocr';
  readonly unit = 'lines';
  readonly model: SegmentedNet;
  readonly ocr: SegmentedOcr;
  readonly train: LineSource;
  readonly val: readonly LineSample[];
  readonly batch: number;
  /** Lines drawn and lines skipped for a segment-count mismatch, since the start of the run. */
  drawn = 0;
  skipped = 0;

  constructor(options: SegmentedTaskOptions) {
    this.model = options.model;
    this.train = options.train;
    this.val = options.val;
    this.batch = expectInt('SegmentedTask.batch', options.batch, 1);
    if (this.model.options.classes !== options.units.size) {
      throw new ConfigError(`SegmentedTask model classes: expected ${options.units.size} (units + unknown), got ${this.model.options.classes}`, 'build the SegmentedNet with classes: units.size');
    }
    if (this.val.length === 0) throw new ConfigError('SegmentedTask.val: expected at least one validation line, got none');
    this.ocr = { model: this.model, units: options.units, kind: this.train.kind };
  }

  /** A line's crops and labels, or null when its segment count differs from its unit count. */
  private labelled(s: LineSample): { line: CutLine; labels: Int32Array } | null {
    const line = cutLine(s.image, this.train.kind, this.model.options.size);
    const { units } = textUnits(s.text, this.train.kind);
    if (line.n !== units.length || line.n === 0) return null;
    return { line, labels: Int32Array.from(units, (u) => this.ocr.units.id(u)) };
  }

  private loss(items: readonly { line: CutLine; labels: Int32Array }[], reduction: 'sum' | 'mean'): Tensor {
    const { x, counts } = stackCrops(items.map((i) => i.line), this.model.options.size);
    const logits = this.model.forward(x, counts);
    const [T, B, C] = logits.shape as [number, number, number];
    const ce = crossEntropy(reshape(logits, [T * B, C]), targetsOf(items.map((i) => i.labels), T), { reduction });
    return reduction === 'sum' ? scale(ce, 1 / B) : ce;
  }

  trainStep(rng: Rng): { loss: Tensor; count: number } {
    const items: { line: CutLine; labels: Int32Array }[] = [];
    for (let tries = 0; items.length < this.batch; tries++) {
      if (tries >= 50 * this.batch) throw new DataError(`segmented training: expected lines that segment into one piece per character, got ${items.length} of ${tries}`, 'this script segments too badly for recognizer (a); try --approach ctc');
      const it = this.labelled(this.train.next(rng));
      this.drawn++;
      if (it) items.push(it); else this.skipped++;
    }
    return { loss: this.loss(items, 'sum'), count: this.batch };
  }

  evaluate(): { loss: number; cer: number; wer: number; sequence_accuracy: number; segment_match: number; train_skipped: number } {
    const read = readSegmented(this.ocr, this.val.map((s) => s.image));
    const scores = ocrScores(read.map((r) => r.text), this.val.map((s) => s.text));
    const items = this.val.map((s) => this.labelled(s)).filter((i) => i !== null);
    let loss = 0;
    let chars = 0;
    for (let i = 0; i < items.length; i += 32) {
      const chunk = items.slice(i, i + 32);
      const n = chunk.reduce((s, c) => s + c.line.n, 0);
      loss += noGrad(() => this.loss(chunk, 'mean').item()) * n;
      chars += n;
    }
    return { loss: chars > 0 ? loss / chars : NaN, cer: scores.cer, wer: scores.wer, sequence_accuracy: scores.sequence_accuracy,
      segment_match: items.length / this.val.length, train_skipped: this.drawn > 0 ? this.skipped / this.drawn : 0 };
  }

  saveState(): TaskState {
    return { json: { drawn: this.drawn, skipped: this.skipped }, tensors: new Map() };
  }

  loadState(state: TaskState): void {
    this.drawn = Number(state.json['drawn'] ?? 0);
    this.skipped = Number(state.json['skipped'] ?? 0);
  }

  modelConfig(): Record<string, unknown> {
    return segmentedConfig(this.ocr);
  }
}

/** The stored config: `{ task: 'ocr', approach: 'segmented', kind, height: 32 (lines it reads), units, ...net.config() }`. */
export function segmentedConfig(ocr: SegmentedOcr): Record<string, unknown> {
  return { task: 'ocr', approach: 'segmented', kind: ocr.kind, height: LINE_HEIGHT, units: [...ocr.units.units], ...ocr.model.config() };
}
