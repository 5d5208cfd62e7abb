// `recur train ocr --approach segmented|maxlen`: the TaskSetup of recognizers (a) and (b) from the same
// options as the CRNN's (--script, --channels, --hidden, --layers, --batch, --augment, --val-lines), and
// their scores on the test fonts. train-ocr.ts dispatches to these.
import { ConfigError } from '../errors.js';
import { Adam } from '../optim/adam.js';
import { OCR_KINDS, type OcrKind, fixedSamples, lineSource } from '../tasks/ocr/dataset.js';
import { FONT_SPLIT } from '../tasks/ocr/fonts.js';
import { MaxlenNet } from '../tasks/ocr/maxlen-model.js';
import { MaxlenTask } from '../tasks/ocr/maxlen-task.js';
import { ocrScores } from '../tasks/ocr/metrics.js';
import { loadOtherModel, readOther } from '../tasks/ocr/read-other.js';
import { SegmentedNet } from '../tasks/ocr/segmented-model.js';
import { SegmentedTask, unitsFor } from '../tasks/ocr/segmented-task.js';
import { segmentLine, textUnits } from '../tasks/ocr/segment.js';
import { MAX_LINE_CHARS } from '../tasks/ocr/text-source.js';
import type { Rng } from '../tensor/rng.js';
import { choice, int, num } from './args.js';
import type { TaskSetup } from './train-run.js';

type Values = Record<string, string | boolean | undefined>;

/** Defaults, as the CRNN's (src/cli/train-ocr.ts OCR_DEFAULTS). */
export const OTHER_DEFAULTS = { script: 'latin', channels: '16,32,48,64', hidden: '96', layers: '2', batch: '16', augment: '1', 'val-lines': '160', 'test-lines': '300' } as const;
/** Seeds of the fixed validation and test sets of every approach (independent of --seed, so runs compare on the same lines). */
export const OCR_VAL_SEED = 7001;
export const OCR_TEST_SEED = 7002;

const get = (v: Values, k: keyof typeof OTHER_DEFAULTS): string => (v[k] as string | undefined) ?? OTHER_DEFAULTS[k];

function channelsOf(v: Values): [number, number, number, number] {
  const parts = get(v, 'channels').split(',');
  if (parts.length !== 4) throw new ConfigError(`--channels: expected four counts like 16,32,48,64, got '${get(v, 'channels')}'`);
  return parts.map((p) => int('channels', p.trim(), 1, 1024)) as [number, number, number, number];
}

function data(v: Values): { kind: OcrKind; strength: number; train: ReturnType<typeof lineSource>; val: ReturnType<typeof fixedSamples> } {
  const kind = choice('script', get(v, 'script'), OCR_KINDS);
  const strength = num('augment', get(v, 'augment'), 0, 1);
  const train = lineSource({ kind, split: 'train', strength });
  const val = fixedSamples(lineSource({ kind, split: 'val', strength }), int('val-lines', get(v, 'val-lines'), 1), OCR_VAL_SEED);
  return { kind, strength, train, val };
}

const DEFAULTS = { lr: 1e-3, schedule: 'cosine', clip: 5, evalEvery: 200, logEvery: 20, checkpointEvery: 200 } as const;

/**
 * Recognizer (a): segmentation + per-character CNN + BiLSTM (see SegmentedTask). Options as
 * `recur train ocr`; the unit is the character (Latin, digits) or the akshara (Devanagari).
 * @example
 * await runTraining('ocr', { script: 'digits', steps: '300', out: 'runs/seg' }, io, setupSegmented);
 */
export function setupSegmented(v: Values, rng: Rng): TaskSetup {
  const { kind, train, val } = data(v);
  const units = unitsFor(train);
  const model = new SegmentedNet({ classes: units.size, channels: channelsOf(v), hidden: int('hidden', get(v, 'hidden'), 1), layers: int('layers', get(v, 'layers'), 1, 8) }, { rng });
  const task = new SegmentedTask({ model, units, train, val, batch: int('batch', get(v, 'batch'), 1) });
  return {
    task, optimizer: new Adam(model.namedParameters(), { lr: DEFAULTS.lr }), defaults: { ...DEFAULTS },
    summary: { script: kind, approach: 'segmented', params: model.parameterCount(), units: units.size - 1,
      train_fonts: train.fonts.length, val_lines: val.length, test_font_families: kind === 'digits' ? [] : FONT_SPLIT.test },
    probeLayer: model.rnn,
  };
}

/**
 * Recognizer (b): whole-line CNN → vector → Maxlen LSTM steps with an end symbol (see MaxlenTask).
 * Maxlen is 41 for text lines (≤ 40 characters) and 9 for digit strings (≤ 8 digits).
 */
export function setupMaxlen(v: Values, rng: Rng): TaskSetup {
  const { kind, train, val } = data(v);
  const maxlen = (kind === 'digits' ? 8 : MAX_LINE_CHARS) + 1;
  const model = new MaxlenNet({ classes: train.alphabet.size, maxlen, channels: channelsOf(v), hidden: int('hidden', get(v, 'hidden'), 1), layers: int('layers', get(v, 'layers'), 1, 8) }, { rng });
  const task = new MaxlenTask({ model, train, val, batch: int('batch', get(v, 'batch'), 1) });
  return {
    task, optimizer: new Adam(model.namedParameters(), { lr: DEFAULTS.lr }), defaults: { ...DEFAULTS },
    summary: { script: kind, approach: 'maxlen', params: model.parameterCount(), alphabet: train.alphabet.size - 1, maxlen,
      train_fonts: train.fonts.length, val_lines: val.length, test_font_families: kind === 'digits' ? [] : FONT_SPLIT.test },
    probeLayer: model.rnn,
  };
}

/**
 * Test-set scores of a saved segmented or Maxlen model on the test fonts (or test MNIST digits), the same
 * lines the CRNN is scored on: cer, wer, sequence_accuracy, test_lines; segmented models add
 * segment_match (lines cut into exactly one piece per unit); digits add sequence_accuracy_5 and cer_5.
 */
export function testScoresOther(modelPath: string, v: Values): Record<string, number> {
  const m = loadOtherModel(modelPath);
  const kind = m.ocr.kind;
  const strength = num('augment', get(v, 'augment'), 0, 1);
  const n = int('test-lines', get(v, 'test-lines'), 1);
  const score = (minDigits?: number): Record<string, number> => {
    const src = lineSource({ kind, split: 'test', strength, ...(minDigits ? { minDigits, maxDigits: minDigits } : {}) });
    const test = fixedSamples(src, n, OCR_TEST_SEED + (minDigits ? 1 : 0));
    const read = readOther(m, test.map((s) => s.image));
    const s = ocrScores(read.map((r) => r.text), test.map((t) => t.text));
    const out: Record<string, number> = { cer: +s.cer.toFixed(5), wer: +s.wer.toFixed(5), sequence_accuracy: +s.sequence_accuracy.toFixed(5), test_lines: s.lines };
    if (m.approach === 'segmented') {
      // Whether the segmenter found one piece per unit (what training needs), over the same lines.
      out['segment_match'] = +(test.filter((t) => segmentLine(t.image, kind).segments.length === textUnits(t.text, kind).units.length).length / test.length).toFixed(5);
    }
    return out;
  };
  const out = score();
  if (kind === 'digits') {
    const five = score(5);
    out['sequence_accuracy_5'] = five['sequence_accuracy']!;
    out['cer_5'] = five['cer']!;
  }
  return out;
}
