// Model files of recognizers (a) segmented and (b) Maxlen for `recur ocr`: rebuild either from its stored
// config, load its weights, and read normalised lines with it. (CRNN + CTC files go through recognize.ts.)
import { CheckpointError } from '../../errors.js';
import { type ModelFile, loadModelFile, loadWeightsInto } from '../../io/model-file.js';
import { Alphabet } from './alphabet.js';
import { OCR_KINDS, type OcrKind } from './dataset.js';
import { LINE_HEIGHT, type LineImage } from './line-image.js';
import { MaxlenNet } from './maxlen-model.js';
import { type MaxlenOcr, readMaxlen } from './maxlen-task.js';
import type { Reading } from './recognize.js';
import { SegmentedNet, UnitSet } from './segmented-model.js';
import { type SegmentedOcr, readSegmented } from './segmented-task.js';

/** A segmented or Maxlen OCR model, ready to read. */
export type OtherOcr = { approach: 'segmented'; ocr: SegmentedOcr } | { approach: 'maxlen'; ocr: MaxlenOcr };

/** The approaches this file reads: a model config whose `approach` is one of them belongs here. */
export const OTHER_APPROACHES = ['segmented', 'maxlen'] as const;

/** Whether a stored model config is a segmented or Maxlen OCR model (else: CTC, or not OCR). */
export function isOtherOcrConfig(config: Record<string, unknown>): boolean {
  return config?.['task'] === 'ocr' && (OTHER_APPROACHES as readonly unknown[]).includes(config['approach']);
}

/**
 * Rebuilds a segmented or Maxlen model (untrained weights) from its stored config. CheckpointError when the
 * config is not one, names an unknown kind, or disagrees with its units or alphabet.
 */
export function otherFromConfig(config: Record<string, unknown>): OtherOcr {
  if (config?.['task'] !== 'ocr') throw new CheckpointError(`model config task: expected 'ocr', got ${JSON.stringify(config?.['task'])}`, 'this model was not trained with `recur train ocr`');
  const kind = config['kind'] as OcrKind;
  if (!OCR_KINDS.includes(kind)) throw new CheckpointError(`model config kind: expected one of ${OCR_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  if (config['approach'] === 'segmented') {
    const units = UnitSet.fromJSON(config['units']);
    const model = SegmentedNet.fromConfig(config);
    if (model.options.classes !== units.size) throw new CheckpointError(`model config classes: expected ${units.size} (units + unknown), got ${model.options.classes}`, 'the model file is damaged');
    return { approach: 'segmented', ocr: { model, units, kind } };
  }
  if (config['approach'] === 'maxlen') {
    const alphabet = Alphabet.fromJSON(config['alphabet']);
    const model = MaxlenNet.fromConfig(config);
    if (model.options.classes !== alphabet.size) throw new CheckpointError(`model config classes: expected ${alphabet.size} (alphabet + end), got ${model.options.classes}`, 'the model file is damaged');
    return { approach: 'maxlen', ocr: { model, alphabet, kind } };
  }
  throw new CheckpointError(`model config approach: expected 'segmented' or 'maxlen', got ${JSON.stringify(config['approach'])}`, 'CRNN + CTC models load with loadOcrModel');
}

/** Loads a segmented or Maxlen model file written by `recur train ocr --approach segmented|maxlen` (a path, or the file already read). */
export function loadOtherModel(source: string | ModelFile): OtherOcr {
  const file = typeof source === 'string' ? loadModelFile(source) : source;
  const m = otherFromConfig(file.config);
  loadWeightsInto(m.ocr.model, file.tensors);
  m.ocr.model.eval();
  return m;
}

/** Height the model's lines must be normalised to (pass it to loadLineImage). */
export function otherHeight(m: OtherOcr): number {
  return m.approach === 'maxlen' ? m.ocr.model.options.height : LINE_HEIGHT;
}

/**
 * Reads normalised lines (of `otherHeight(m)` pixels) with either model: {text, confidence} per line,
 * confidence being the product of the per-character (per-position) top probabilities.
 * @example
 * const m = loadOtherModel('runs/ocr-seg/model.safetensors');
 * const [r] = readOther(m, [line]); // { text: '90210', confidence: 0.93 }
 */
export function readOther(m: OtherOcr, lines: readonly LineImage[]): Reading[] {
  return m.approach === 'segmented' ? readSegmented(m.ocr, lines) : readMaxlen(m.ocr, lines);
}
