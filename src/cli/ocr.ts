// `recur ocr [--model MODEL] IMAGE…`: reads pictures of text lines (PNG or JPEG, any size) and prints their
// text. With no --model it tries the shipped Latin and Devanagari models and keeps the more confident reading.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError } from '../errors.js';
import { loadModelFile } from '../io/model-file.js';
import { loadLineImage } from '../tasks/ocr/image-io.js';
import type { LineImage } from '../tasks/ocr/line-image.js';
import { isOtherOcrConfig, loadOtherModel, otherHeight, readOther } from '../tasks/ocr/read-other.js';
import { type OcrModel, type Reading, loadOcrModel, readLines } from '../tasks/ocr/recognize.js';
import { int } from './args.js';
import type { Io } from './io.js';

export const ocrHelp = `usage: recur ocr [--model MODEL] [--beam N] [--json] IMAGE…

Reads each image (PNG or JPEG, one line of text, any size) and prints its text: just the text for one
image, "IMAGE<TAB>text" for several.
  --model MODEL   a model file from \`recur train ocr\` (any --approach), or a shipped one: latin | devanagari | digits
                  (default: latin and devanagari both, keeping the more confident reading)
  --beam N        CTC prefix beam search width (default 8; 1 = greedy; CTC models only)
  --json          one JSON object per image and line: {"file", "text", "confidence", "model"}

example: recur ocr line.png`;

/** Names of the shipped models, each `models/ocr-<name>.safetensors` in the package. */
export const SHIPPED_OCR_MODELS = ['latin', 'devanagari', 'digits'] as const;

/** The package root (the folder holding package.json), from src/cli or build/src/cli. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5 && !existsSync(join(dir, 'package.json')); i++) dir = dirname(dir);
  return dir;
}

/** Path of a shipped model by name. */
export function shippedModelPath(name: string): string {
  return join(packageRoot(), 'models', `ocr-${name}.safetensors`);
}

/** A loaded recognizer of any approach: the line height it reads and how it reads a batch of lines. */
interface Reader {
  name: string;
  height: number;
  read(lines: readonly LineImage[], beam: number): Reading[];
}

// A model file of any approach: CRNN + CTC, or the segmented / Maxlen recognizers.
function readerOf(name: string, path: string): Reader {
  const file = loadModelFile(path);
  if (isOtherOcrConfig(file.config)) {
    const m = loadOtherModel(file);
    return { name, height: otherHeight(m), read: (lines) => readOther(m, lines) };
  }
  const ocr: OcrModel = loadOcrModel(file);
  return { name, height: ocr.model.options.height, read: (lines, beam) => readLines(ocr, lines, { beam }) };
}

function modelsFor(given: string | undefined): Reader[] {
  if (given !== undefined) {
    const name = (SHIPPED_OCR_MODELS as readonly string[]).includes(given) && !existsSync(given) ? given : null;
    const path = name ? shippedModelPath(name) : given;
    if (name && !existsSync(path)) throw new ConfigError(`--model ${name}: expected the shipped model ${path}, got no such file`, 'train one with `recur train ocr` and pass --model PATH');
    return [readerOf(given, path)];
  }
  const found = ['latin', 'devanagari'].filter((n) => existsSync(shippedModelPath(n)));
  if (found.length === 0) {
    throw new ConfigError(`recur ocr: expected a shipped model in ${join(packageRoot(), 'models')}, got none`, 'pass --model PATH with a model from `recur train ocr`');
  }
  return found.map((n) => readerOf(n, shippedModelPath(n)));
}

export async function ocrCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: {
    model: { type: 'string' }, beam: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
  } });
  if (values.help) { io.out(ocrHelp); return 0; }
  if (positionals.length === 0) throw new ConfigError('recur ocr: expected at least one IMAGE, got none', 'usage: recur ocr [--model MODEL] IMAGE…');
  const beam = int('beam', values.beam ?? '8', 1, 100);
  const models = modelsFor(values.model);
  const heights = new Set(models.map((m) => m.height));
  const images = new Map<number, ReturnType<typeof loadLineImage>[]>();
  for (const h of heights) images.set(h, positionals.map((p) => loadLineImage(p, { height: h })));
  const best: { reading: Reading; model: string }[] = positionals.map(() => ({ reading: { text: '', confidence: -1 }, model: '' }));
  for (const m of models) {
    const read = m.read(images.get(m.height)!, beam);
    read.forEach((r, i) => { if (r.confidence > best[i]!.reading.confidence) best[i] = { reading: r, model: m.name }; });
  }
  positionals.forEach((file, i) => {
    const { reading, model } = best[i]!;
    if (values.json) io.out(JSON.stringify({ file, text: reading.text, confidence: +reading.confidence.toFixed(6), model }));
    else io.out(positionals.length === 1 ? reading.text : `${file}\t${reading.text}`);
  });
  return 0;
}
