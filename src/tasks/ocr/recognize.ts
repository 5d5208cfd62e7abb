// Reading lines with a trained CRNN: batched forward without gradients, CTC greedy or beam decoding to
// text with a confidence, and model files (config + alphabet beside the weights) in and out.
import { CheckpointError } from '../../errors.js';
import { type ModelFile, loadModelFile, loadWeightsInto } from '../../io/model-file.js';
import { ctcBeamSearch, ctcGreedyDecode } from '../../loss/ctc-decode.js';
import { logSoftmaxRows } from '../../loss/cross-entropy.js';
import { noGrad } from '../../tensor/tensor.js';
import { Alphabet } from './alphabet.js';
import { Crnn } from './crnn.js';
import { OCR_KINDS, type OcrKind, batchLines } from './dataset.js';
import type { LineImage } from './line-image.js';

/** A line read by a model: the text and p(text | image) under the model (CTC: summed over alignments by beam search, or the best path's probability with greedy decoding). */
export interface Reading {
  text: string;
  confidence: number;
}

/** A CRNN with what it needs to read: its alphabet and the kind of lines it was trained on. */
export interface OcrModel {
  model: Crnn;
  alphabet: Alphabet;
  kind: OcrKind;
}

/** Options of `readLines`. */
export interface ReadOptions {
  /** Beam width for prefix beam search; 1 = greedy best path (default 1). */
  beam?: number;
  /** Lines per forward pass (default 32). */
  batch?: number;
}

/**
 * Reads normalised lines (of the model's height) with a CRNN: one forward per batch in eval mode without
 * gradients, then per line greedy decoding (beam 1; confidence = Π_t max_c y_t(c), the best path's
 * probability) or prefix beam search (confidence = p of the best labelling, its alignments summed).
 * @example
 * const [r] = readLines(ocr, [line], { beam: 8 }); // { text: 'Call me Ishmael.', confidence: 0.97 }
 */
export function readLines(ocr: OcrModel, lines: readonly LineImage[], options: ReadOptions = {}): Reading[] {
  const beam = options.beam ?? 1;
  const per = options.batch ?? 32;
  const out: Reading[] = [];
  const wasTraining = ocr.model.training;
  ocr.model.eval();
  try {
    for (let i = 0; i < lines.length; i += per) {
      const chunk = lines.slice(i, i + per);
      const { x, widths } = batchLines(chunk);
      const { logits, lengths } = noGrad(() => ocr.model.forward(x, widths));
      const [T, B, C] = logits.shape as [number, number, number];
      const lp = new Float64Array(T * B * C); // [T, B, C] log-probabilities
      logSoftmaxRows(lp, logits.data, T * B, C);
      const grid = { data: lp, shape: [T, B, C] };
      if (beam <= 1) {
        const labels = ctcGreedyDecode(grid, lengths, 0);
        for (let b = 0; b < B; b++) {
          let logp = 0;
          for (let t = 0; t < lengths[b]!; t++) {
            let m = -Infinity;
            for (let c = 0; c < C; c++) m = Math.max(m, lp[(t * B + b) * C + c]!);
            logp += m;
          }
          out.push({ text: ocr.alphabet.decode(labels[b]!), confidence: Math.exp(logp) });
        }
      } else {
        const beams = ctcBeamSearch(grid, lengths, { beamWidth: beam, blank: 0 });
        for (const bs of beams) {
          const top = bs[0];
          out.push(top ? { text: ocr.alphabet.decode(top.labels), confidence: Math.exp(top.logProb) } : { text: '', confidence: 0 });
        }
      }
    }
  } finally {
    ocr.model.train(wasTraining);
  }
  return out;
}

/** The stored config of an OCR CRNN: `{ task: 'ocr', approach: 'ctc', kind, alphabet, ...crnn.config() }`. */
export function ocrConfig(ocr: OcrModel): Record<string, unknown> {
  return { task: 'ocr', approach: 'ctc', kind: ocr.kind, alphabet: ocr.alphabet.toJSON(), ...ocr.model.config() };
}

/**
 * Rebuilds an OCR model from a stored config (then load weights into `model`). CheckpointError when the
 * config is not an OCR CTC one or disagrees with its alphabet.
 */
export function ocrFromConfig(config: Record<string, unknown>): OcrModel {
  if (config?.['task'] !== 'ocr') throw new CheckpointError(`model config task: expected 'ocr', got ${JSON.stringify(config?.['task'])}`, 'this model was not trained with `recur train ocr`');
  if (config['approach'] !== 'ctc') throw new CheckpointError(`model config approach: expected 'ctc', got ${JSON.stringify(config['approach'])}`, 'only CRNN + CTC models can be read by this version');
  const kind = config['kind'] as OcrKind;
  if (!OCR_KINDS.includes(kind)) throw new CheckpointError(`model config kind: expected one of ${OCR_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  const alphabet = Alphabet.fromJSON(config['alphabet']);
  const model = Crnn.fromConfig(config);
  if (model.options.classes !== alphabet.size) throw new CheckpointError(`model config classes: expected ${alphabet.size} (alphabet + blank), got ${model.options.classes}`, 'the model file is damaged');
  return { model, alphabet, kind };
}

/** Loads an OCR model file written by `recur train ocr` (a path, or the file already read; CheckpointError for other or damaged files). */
export function loadOcrModel(source: string | ModelFile): OcrModel {
  const file = typeof source === 'string' ? loadModelFile(source) : source;
  const ocr = ocrFromConfig(file.config);
  loadWeightsInto(ocr.model, file.tensors);
  ocr.model.eval();
  return ocr;
}
