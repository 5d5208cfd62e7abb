// `recur ocr-reference`: tesseract (Debian's tesseract-ocr) scored on exactly the test lines
// `recur train ocr` scores (same seeds, fonts, augmentation and metrics), as a reference for the table.
import { parseArgs } from 'node:util';
import { type OcrKind, OCR_KINDS, fixedSamples, lineSource } from '../tasks/ocr/dataset.js';
import { ocrScores } from '../tasks/ocr/metrics.js';
import { TESSERACT_DEFAULTS, expectLanguage, findTesseract, readWithTesseract } from '../tasks/ocr/tesseract.js';
import { choice, int, num } from './args.js';
import type { Io } from './io.js';
import { OCR_TEST_SEED } from './train-ocr-other.js';

export const ocrReferenceHelp = `usage: recur ocr-reference [--script latin|devanagari|digits] [--test-lines N] [--json]

Scores tesseract (apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-hin) on the test lines
\`recur train ocr\` reports (same fonts, seeds and augmentation): cer, wer, sequence_accuracy, and for
digits sequence_accuracy_5 and cer_5 on 5-digit strings. Languages: eng (latin), hin (devanagari), eng with
a 0–9 whitelist (digits); page segmentation --psm 7 (one line).
  --script S       latin | devanagari | digits (default latin)
  --test-lines N   test lines (default 300, as recur train ocr)
  --augment X      augmentation strength of the test lines, 0…1 (default 1, as recur train ocr)
  --height N       height the 32 px line is resized to for tesseract (default ${TESSERACT_DEFAULTS.height})
  --margin N       white margin around it in pixels (default ${TESSERACT_DEFAULTS.margin})
  --tesseract CMD  the tesseract program (default tesseract, on PATH)
  --json           one JSON object instead of a line of text

example: recur ocr-reference --script devanagari --json`;

type Scores = Record<string, number>;

export async function ocrReferenceCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args: argv, strict: true, options: {
    script: { type: 'string', default: 'latin' }, 'test-lines': { type: 'string', default: '300' }, augment: { type: 'string', default: '1' },
    height: { type: 'string', default: String(TESSERACT_DEFAULTS.height) }, margin: { type: 'string', default: String(TESSERACT_DEFAULTS.margin) },
    tesseract: { type: 'string', default: 'tesseract' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
  } });
  if (values.help) { io.out(ocrReferenceHelp); return 0; }
  const kind: OcrKind = choice('script', values.script, OCR_KINDS);
  const n = int('test-lines', values['test-lines'], 1);
  const strength = num('augment', values.augment, 0, 1);
  const options = { binary: values.tesseract, height: int('height', values.height, 8, 512), margin: int('margin', values.margin, 0, 256) };
  const info = findTesseract(options.binary);
  expectLanguage(info, kind);
  const score = (minDigits?: number): Scores => {
    const src = lineSource({ kind, split: 'test', strength, ...(minDigits ? { minDigits, maxDigits: minDigits } : {}) });
    const test = fixedSamples(src, n, OCR_TEST_SEED + (minDigits ? 1 : 0));
    const s = ocrScores(readWithTesseract(test.map((t) => t.image), kind, options, info), test.map((t) => t.text));
    return { cer: +s.cer.toFixed(5), wer: +s.wer.toFixed(5), sequence_accuracy: +s.sequence_accuracy.toFixed(5), test_lines: s.lines };
  };
  const t0 = Date.now();
  const out: Scores = score();
  if (kind === 'digits') {
    const five = score(5);
    out['sequence_accuracy_5'] = five['sequence_accuracy']!;
    out['cer_5'] = five['cer']!;
  }
  const result = { engine: `tesseract ${info.version}`, script: kind, ...out, augment: strength, height: options.height, margin: options.margin, seconds: +((Date.now() - t0) / 1000).toFixed(1) };
  if (values.json) io.out(JSON.stringify(result));
  else io.out(`${result.engine} on ${n} ${kind} test lines: ${Object.entries(out).map(([k, x]) => `${k} ${x}`).join(', ')}`);
  return 0;
}
