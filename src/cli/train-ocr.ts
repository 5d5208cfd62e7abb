// `recur train ocr`: CRNN + CTC (or the lecture's segmented and Maxlen recognizers, train-ocr-other.ts) on
// rendered Latin or Devanagari lines (train fonts; validation fonts for model selection) or MNIST digit
// strings, then CER, WER and sequence accuracy on the test fonts.
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { backend } from '../backend/index.js';
import { ConfigError } from '../errors.js';
import { loadModelFile } from '../io/model-file.js';
import { Adam } from '../optim/adam.js';
import { Crnn } from '../tasks/ocr/crnn.js';
import { type OcrKind, OCR_KINDS, dataLog, fixedSamples, lineSource } from '../tasks/ocr/dataset.js';
import { FONT_SPLIT } from '../tasks/ocr/fonts.js';
import { isOtherOcrConfig } from '../tasks/ocr/read-other.js';
import { loadOcrModel } from '../tasks/ocr/recognize.js';
import { OcrCtcTask, scoreLines } from '../tasks/ocr/task.js';
import type { Rng } from '../tensor/rng.js';
import { readCheckpoint } from '../train/checkpoint.js';
import { choice, int, num } from './args.js';
import type { Io } from './io.js';
import { OCR_TEST_SEED, OCR_VAL_SEED, setupMaxlen, setupSegmented, testScoresOther } from './train-ocr-other.js';
import { type TaskSetup, commonTrainHelp, commonTrainOptions, defaultOutDir, runTraining } from './train-run.js';

/** Defaults: a small CRNN that trains at about a step per second on two busy cores. */
export const OCR_DEFAULTS = { script: 'latin', approach: 'ctc', channels: '16,32,48,64', hidden: '96', layers: '2', batch: '16', augment: '1', 'val-lines': '160', 'test-lines': '300', beam: '8' } as const;

const APPROACHES = ['ctc', 'segmented', 'maxlen'] as const;

export const trainOcrHelp = `usage: recur train ocr [--script latin|devanagari|digits] [--approach ctc] [options]

Trains a text-line recognizer on rendered lines (train fonts), selects it on the validation fonts, and
reports cer, wer and sequence_accuracy on the test fonts, never seen in training (see src/tasks/ocr/fonts.ts).
data:
  --script S        latin (Moby Dick lines) | devanagari (Hindi UI strings) | digits (MNIST strings of 1–8
                    digits; also sequence_accuracy_5 on 5-digit strings)  (default ${OCR_DEFAULTS.script})
  --augment X       augmentation strength 0…1 (default ${OCR_DEFAULTS.augment})
  --val-lines N     validation lines (default ${OCR_DEFAULTS['val-lines']})   --test-lines N  test lines (default ${OCR_DEFAULTS['test-lines']})
model:
  --approach A      ctc (CRNN + CTC, default) | segmented (cut into characters, CNN per
                    character, BiLSTM) | maxlen (whole-line CNN features repeated Maxlen times, LSTM)
  --channels A,B,C,D  conv channels (default ${OCR_DEFAULTS.channels})
  --hidden N        LSTM size per direction (default ${OCR_DEFAULTS.hidden})   --layers N  BiLSTM layers (default ${OCR_DEFAULTS.layers})
  --batch N         lines per step (default ${OCR_DEFAULTS.batch})          --beam N    beam width for the test (default ${OCR_DEFAULTS.beam})
${commonTrainHelp}

example: recur train ocr --script digits --minutes 10 --out runs/ocr-digits`;

const ocrOptions = {
  ...commonTrainOptions,
  script: { type: 'string' },
  approach: { type: 'string' },
  channels: { type: 'string' },
  hidden: { type: 'string' },
  layers: { type: 'string' },
  batch: { type: 'string' },
  augment: { type: 'string' },
  'val-lines': { type: 'string' },
  'test-lines': { type: 'string' },
  beam: { type: 'string' },
} as const;

type Values = Record<string, string | boolean | undefined>;
type Key = keyof typeof OCR_DEFAULTS;
const get = (v: Values, k: Key): string => (v[k] as string | undefined) ?? OCR_DEFAULTS[k];


function channelsOf(v: Values): [number, number, number, number] {
  const parts = get(v, 'channels').split(',');
  if (parts.length !== 4) throw new ConfigError(`--channels: expected four counts like 16,32,48,64, got '${get(v, 'channels')}'`);
  return parts.map((p) => int('channels', p.trim(), 1, 1024)) as [number, number, number, number];
}

export function setupOcr(v: Values, rng: Rng): TaskSetup {
  const kind = choice('script', get(v, 'script'), OCR_KINDS);
  const strength = num('augment', get(v, 'augment'), 0, 1);
  const train = lineSource({ kind, split: 'train', strength });
  const val = fixedSamples(lineSource({ kind, split: 'val', strength }), int('val-lines', get(v, 'val-lines'), 1), OCR_VAL_SEED);
  const model = new Crnn({ classes: train.alphabet.size, channels: channelsOf(v), hidden: int('hidden', get(v, 'hidden'), 1), layers: int('layers', get(v, 'layers'), 1, 8) }, { rng });
  const task = new OcrCtcTask({ model, train, val, batch: int('batch', get(v, 'batch'), 1) });
  const be = backend();
  return {
    task,
    optimizer: new Adam(model.namedParameters(), { lr: 1e-3 }),
    defaults: { lr: 1e-3, schedule: 'cosine', clip: 5, evalEvery: 200, logEvery: 20, checkpointEvery: 200 },
    summary: { script: kind, approach: 'ctc', params: model.parameterCount(), alphabet: train.alphabet.size - 1,
      train_fonts: train.fonts.length, train_texts: train.texts.length, val_lines: val.length,
      test_font_families: kind === 'digits' ? [] : FONT_SPLIT.test, backend: `${be.name} (${be.isa}, ${be.threads} threads)` },
    probeLayer: model.rnn,
  };
}

/** Test-set scores of the saved model: cer, wer, sequence_accuracy (beam search), and for digits 5-digit accuracy. */
function testScores(modelPath: string, v: Values): Record<string, number> {
  const ocr = loadOcrModel(modelPath);
  const kind = ocr.kind as OcrKind;
  const strength = num('augment', get(v, 'augment'), 0, 1);
  const n = int('test-lines', get(v, 'test-lines'), 1);
  const beam = int('beam', get(v, 'beam'), 1, 100);
  const test = fixedSamples(lineSource({ kind, split: 'test', strength }), n, OCR_TEST_SEED);
  const s = scoreLines(ocr, test, beam);
  const out: Record<string, number> = { cer: +s.cer.toFixed(5), wer: +s.wer.toFixed(5), sequence_accuracy: +s.sequence_accuracy.toFixed(5), test_lines: s.lines };
  if (kind === 'digits') {
    const five = fixedSamples(lineSource({ kind, split: 'test', strength, minDigits: 5, maxDigits: 5 }), n, OCR_TEST_SEED + 1);
    out['sequence_accuracy_5'] = +scoreLines(ocr, five, beam).sequence_accuracy.toFixed(5);
    out['cer_5'] = +scoreLines(ocr, five, beam).cer.toFixed(5);
  }
  return out;
}

const SETUPS: Record<(typeof APPROACHES)[number], (v: Values, rng: Rng) => TaskSetup> = { ctc: setupOcr, segmented: setupSegmented, maxlen: setupMaxlen };

export async function trainOcr(argv: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args: argv, options: ocrOptions, strict: true });
  if (values.help) { io.out(trainOcrHelp); return 0; }
  const given: Values = { ...values };
  if (given['resume'] === undefined && given['out'] === undefined) given['out'] = defaultOutDir('ocr');
  const outDir = (given['resume'] ?? given['out']) as string;
  const json = given['json'] === true;
  let summary: Record<string, unknown> | null = null;
  const capture: Io = { ...io, out: (t) => { if (json) summary = JSON.parse(t) as Record<string, unknown>; else io.out(t); } };
  // The approach comes from the settings runTraining passes (the saved ones on --resume).
  const setup = (v: Values, rng: Rng): TaskSetup => SETUPS[choice('approach', (v['approach'] as string | undefined) ?? OCR_DEFAULTS.approach, APPROACHES)](v, rng);
  const rc = await runTraining('ocr', given, capture, setup);
  if (given['quiet'] !== true) for (const line of dataLog) io.err(`data: ${line}`);
  // On --resume the test uses the run's saved settings (--test-lines, --augment, --beam), as training does.
  const saved = given['resume'] !== undefined ? readCheckpoint(join(outDir, 'checkpoint.safetensors')).meta.run as Values : {};
  const modelPath = join(outDir, 'model.safetensors');
  const scores = rc === 0 && isOtherOcrConfig(loadModelFile(modelPath).config) ? testScoresOther : testScores;
  const test = rc === 0 ? scores(modelPath, { ...saved, ...given }) : {};
  if (json) io.out(JSON.stringify({ ...(summary ?? {}), ...test }));
  else if (rc === 0) io.err(`test (fonts never seen in training): ${Object.entries(test).map(([k, x]) => `${k} ${x}`).join(', ')}`);
  return rc;
}
