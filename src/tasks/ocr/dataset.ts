// The OCR data API every recognizer uses: a LineSource per (kind, split) that draws labelled line images
// from a seeded Rng — rendered Latin or Devanagari text in that split's fonts, or MNIST digit strings —
// fixed evaluation sets, and batching into a zero-padded [B, 1, H, W] tensor with each line's width.
import { ConfigError } from '../../errors.js';
import { Rng } from '../../tensor/rng.js';
import { Tensor } from '../../tensor/tensor.js';
import { Alphabet } from './alphabet.js';
import { type AugmentOptions, sampleStyle } from './augment.js';
import { composeDigits } from './digits.js';
import { type OcrFont, SPLITS, type Script, type Split, fontsFor } from './fonts.js';
import { LINE_HEIGHT, type LineImage } from './line-image.js';
import { renderLine } from './render.js';
import { textLines } from './text-source.js';

/** What a line shows: printed Latin, printed Devanagari, or handwritten digits. */
export type OcrKind = Script | 'digits';
export const OCR_KINDS: readonly OcrKind[] = ['latin', 'devanagari', 'digits'];

/** One labelled line. `font` is the registered family (rendered lines) or 'mnist'. */
export interface LineSample {
  image: LineImage;
  text: string;
  font: string;
}

/** Options of `lineSource`. */
export interface LineSourceOptions extends AugmentOptions {
  kind: OcrKind;
  split: Split;
  /** Output height (default 32). */
  height?: number;
  /** Digit strings only: their length is drawn from [minDigits, maxDigits] (default 1…8). */
  minDigits?: number;
  maxDigits?: number;
}

/** A range of line lengths, inclusive: code points of the text (digit strings: digits). */
export interface LengthRange {
  min: number;
  max: number;
}

/** A stream of labelled lines; every random choice comes from the Rng passed to `next`. */
export interface LineSource {
  readonly kind: OcrKind;
  readonly split: Split;
  readonly alphabet: Alphabet;
  /** The fonts lines are drawn in (empty for digits). */
  readonly fonts: readonly OcrFont[];
  /** The text lines drawn from (empty for digits). */
  readonly texts: readonly string[];
  /**
   * Draws a line. With `length`, only texts (digit counts) in that range are drawn, if there are any;
   * otherwise the range is ignored.
   */
  next(rng: Rng, length?: LengthRange): LineSample;
}

/** Characters every font of a script must have (or it is dropped, see fontsFor). */
const CORE: Readonly<Record<Script, string>> = {
  latin: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,',
  devanagari: ' कखगघचछजझटठडढणतथदधनपफबभमयरलवशषसहािीुूेैोौ्ंअआइईउऊएऐओऔ',
};

/** Log lines of what was dropped while building alphabets (fonts without the core, characters not in every font). */
export const dataLog: string[] = [];

const alphabets = new Map<Script, Alphabet>();

/**
 * The alphabet of a script: the characters used by its text lines (all three splits) that every font of
 * every split (after dropping fonts without the core characters) really has a glyph for; text lines with
 * any other character are left out. Digits: '0'–'9'. Dropped fonts and characters go to `dataLog`.
 */
export function alphabetFor(kind: OcrKind): Alphabet {
  if (kind === 'digits') return new Alphabet([...'0123456789']);
  const had = alphabets.get(kind);
  if (had) return had;
  const fonts: OcrFont[] = [];
  for (const split of SPLITS) {
    const r = fontsFor(kind, split, CORE[kind]);
    fonts.push(...r.fonts);
    for (const d of r.dropped) dataLog.push(`${kind}: dropped font ${d.pkg} ${d.weight}: ${d.reason}`);
  }
  const used = new Set<string>();
  for (const split of SPLITS) for (const line of textLines(kind, split)) for (const ch of line) used.add(ch);
  const chars = [...used].filter((ch) => {
    const c = ch.codePointAt(0)!;
    const lacking = ch === ' ' ? [] : fonts.filter((f) => !f.covered.has(c));
    if (lacking.length > 0) dataLog.push(`${kind}: dropped character ${JSON.stringify(ch)} U+${c.toString(16).toUpperCase().padStart(4, '0')}: no glyph in ${lacking.map((f) => f.family).join(', ')}`);
    return lacking.length === 0;
  }).sort();
  const a = new Alphabet(chars);
  alphabets.set(kind, a);
  return a;
}

/**
 * A source of labelled lines. Rendered kinds: a text line of the split (those the alphabet covers) drawn in
 * a random font of the split with a random style (`strength` 0 = plain … 1 = full augmentation, default 1),
 * crop margins varied too. Digits: a string of minDigits…maxDigits random digits from the split's MNIST
 * samples (strength 0 gives fixed gaps of 2 px; on the train split, strength also distorts each digit:
 * affine + elastic, see distort.ts).
 * @example
 * const src = lineSource({ kind: 'latin', split: 'train' });
 * const { image, text } = src.next(new Rng(1)); // image.height 32
 */
export function lineSource(options: LineSourceOptions): LineSource {
  const { kind, split } = options;
  if (!OCR_KINDS.includes(kind)) throw new ConfigError(`kind: expected one of ${OCR_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  if (!SPLITS.includes(split)) throw new ConfigError(`split: expected one of ${SPLITS.join(', ')}, got ${JSON.stringify(split)}`);
  const height = options.height ?? LINE_HEIGHT;
  const strength = options.strength ?? 1;
  const alphabet = alphabetFor(kind);
  if (kind === 'digits') {
    const lo = options.minDigits ?? 1;
    const hi = options.maxDigits ?? 8;
    if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo >= 1 && hi >= lo)) {
      throw new ConfigError(`digit string length: expected 1 ≤ minDigits ≤ maxDigits, got ${lo}…${hi}`);
    }
    return { kind, split, alphabet, fonts: [], texts: [], next(rng, length) {
      const [a, b] = length && Math.max(lo, length.min) <= Math.min(hi, length.max) ? [Math.max(lo, length.min), Math.min(hi, length.max)] : [lo, hi];
      const n = a + rng.int(b - a + 1);
      let text = '';
      for (let i = 0; i < n; i++) text += String(rng.int(10));
      const gaps = strength > 0 ? {} : { minGap: 2, maxGap: 2 };
      const distort = split === 'train' ? strength : 0; // only the training digits: val/test stay real handwriting
      return { image: composeDigits(text, split, rng, { height, distort, ...gaps, ...(strength > 0 ? { rng } : {}) }), text, font: 'mnist' };
    } };
  }
  const fonts = fontsFor(kind, split, CORE[kind]).fonts;
  const texts = textLines(kind, split).filter((t) => alphabet.covers(t) && t.trim() !== '');
  const byLength: string[][] = []; // texts by code-point length
  for (const t of texts) (byLength[Array.from(t).length] ??= []).push(t);
  const pick = (rng: Rng, length?: LengthRange): string => {
    if (length) {
      const pool: string[][] = [];
      let n = 0;
      for (let l = Math.max(0, length.min); l <= Math.min(byLength.length - 1, length.max); l++) {
        if (byLength[l]) { pool.push(byLength[l]!); n += byLength[l]!.length; }
      }
      let k = n > 0 ? rng.int(n) : -1;
      for (const bucket of pool) {
        if (k < bucket.length) return bucket[k]!;
        k -= bucket.length;
      }
    }
    return texts[rng.int(texts.length)]!;
  };
  return { kind, split, alphabet, fonts, texts, next(rng, length) {
    const text = pick(rng, length);
    const font = fonts[rng.int(fonts.length)]!;
    const style = sampleStyle(rng, { strength });
    return { image: renderLine(text, font, style, rng, { height, ...(strength > 0 ? { rng } : {}) }), text, font: font.family };
  } };
}

/**
 * A training minibatch of B lines of similar length, so that little of the padded batch is padding: the
 * first line is drawn freely (length L), the others with lengths in [L − d, L + d], d = max(2, ⌈0.15·L⌉).
 * Every line is still labelled and augmented as `source.next` does.
 */
export function drawBatch(source: LineSource, B: number, rng: Rng): LineSample[] {
  const first = source.next(rng);
  const L = Array.from(first.text).length;
  const d = Math.max(2, Math.ceil(0.15 * L));
  const out = [first];
  while (out.length < B) out.push(source.next(rng, { min: L - d, max: L + d }));
  return out;
}

/** `n` lines drawn from `source` with a fresh Rng(seed): the same set every time (validation and test sets). */
export function fixedSamples(source: LineSource, n: number, seed: number): LineSample[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => source.next(rng));
}

/**
 * Stacks lines of one height into x [B, 1, H, W_max] (zero padded on the right, i.e. background) and
 * their widths [B]. ConfigError for an empty list or mixed heights.
 */
export function batchLines(images: readonly LineImage[]): { x: Tensor; widths: Int32Array } {
  if (images.length === 0) throw new ConfigError('batchLines: expected at least one image, got none');
  const H = images[0]!.height;
  const W = Math.max(...images.map((im) => im.width));
  const B = images.length;
  const x = Tensor.zeros([B, 1, H, W]);
  const widths = new Int32Array(B);
  images.forEach((im, b) => {
    if (im.height !== H) throw new ConfigError(`batchLines: expected every image ${H} px high, got ${im.height} at ${b}`, 'normalise every line to the same height');
    widths[b] = im.width;
    for (let y = 0; y < H; y++) x.data.set(im.data.subarray(y * im.width, (y + 1) * im.width), (b * H + y) * W);
  });
  return { x, widths };
}
