// Tesseract (the `tesseract` command of Debian's tesseract-ocr) as a reference reader of OCR lines: finds
// the binary and its languages, writes each LineImage as a dark-on-white PGM, runs `tesseract --psm 7`
// (one text line) over a list of them, and returns the text. Not a recognizer of recur's own.
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../errors.js';
import type { OcrKind } from './dataset.js';
import { type LineImage, resize } from './line-image.js';

const INSTALL_HINT = 'install it: apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-hin (Debian/Ubuntu)';

/** A tesseract found on this machine. */
export interface TesseractInfo {
  /** The command run (a name looked up on PATH, or a path). */
  binary: string;
  /** Its version, e.g. '5.3.0'. */
  version: string;
  /** The languages `tesseract --list-langs` reports, e.g. ['eng', 'hin', 'osd']. */
  langs: string[];
}

/** How lines are handed to tesseract. */
export interface TesseractOptions {
  /** The tesseract command (default 'tesseract', looked up on PATH). */
  binary?: string;
  /** Height the 32 px line is resized to before tesseract reads it (default 40). */
  height?: number;
  /** White margin added on every side, in pixels of the resized line (default 20). */
  margin?: number;
  /** Lines per tesseract process (default 50); each process loads the language model once. */
  chunk?: number;
}

/**
 * Defaults of TesseractOptions. Height and margin were chosen on 800 validation lines (validation fonts, not
 * the test ones) of each script: heights 32–64 and margins 10–20 px differ by a few tenths of a point of
 * CER; 40 px with 20 px margins was best or tied for Latin, Devanagari and digits alike.
 */
export const TESSERACT_DEFAULTS = { height: 40, margin: 20, chunk: 50 } as const;

// Tesseract uses OpenMP; one thread keeps it polite on a shared machine and its output reproducible.
const ENV = { ...process.env, OMP_THREAD_LIMIT: process.env['OMP_THREAD_LIMIT'] ?? '1' };

function run(binary: string, args: string[], timeoutMs: number): SpawnSyncReturns<string> {
  const r = spawnSync(binary, args, { encoding: 'utf8', timeout: timeoutMs, env: ENV, maxBuffer: 64 * 1024 * 1024 });
  const code = (r.error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'EACCES') {
    throw new ConfigError(`tesseract: expected the program '${binary}' to be installed, got ${code === 'ENOENT' ? 'no such program' : 'no permission to run it'}`, INSTALL_HINT);
  }
  if (code === 'ETIMEDOUT') throw new ConfigError(`tesseract ${args.join(' ')}: expected it to finish within ${timeoutMs / 1000} s, got a timeout`, 'check that tesseract runs on a small image by hand');
  if (r.error) throw new ConfigError(`tesseract: expected to run '${binary}', got ${r.error.message}`, INSTALL_HINT);
  if (r.status !== 0) throw new ConfigError(`tesseract ${args[0] ?? ''}: expected exit status 0, got ${r.status ?? r.signal}: ${r.stderr.trim().split('\n').slice(-2).join(' ')}`, INSTALL_HINT);
  return r;
}

/**
 * Finds tesseract: its version and languages. ConfigError (with an apt-get hint) when the program is
 * missing or does not run.
 * @example
 * findTesseract(); // { binary: 'tesseract', version: '5.3.0', langs: ['eng', 'hin', 'osd'] }
 */
export function findTesseract(binary = 'tesseract'): TesseractInfo {
  const v = run(binary, ['--version'], 20_000);
  // Tesseract 3 printed its version on stderr, later ones on stdout.
  const version = /tesseract\s+v?([0-9][^\s]*)/i.exec(`${v.stdout}\n${v.stderr}`)?.[1] ?? 'unknown';
  const l = run(binary, ['--list-langs'], 20_000);
  const langs = `${l.stdout}\n${l.stderr}`.split('\n').map((s) => s.trim()).filter((s) => /^[a-z_]+$/i.test(s));
  return { binary, version, langs };
}

/** The tesseract language and settings for a kind of line: eng, hin, or eng restricted to digits. */
export function tesseractArgs(kind: OcrKind): { lang: string; args: string[] } {
  if (kind === 'digits') return { lang: 'eng', args: ['-c', 'tessedit_char_whitelist=0123456789'] };
  return { lang: kind === 'latin' ? 'eng' : 'hin', args: [] };
}

/** ConfigError unless `info` has the language `kind` needs. */
export function expectLanguage(info: TesseractInfo, kind: OcrKind): void {
  const { lang } = tesseractArgs(kind);
  if (!info.langs.includes(lang)) {
    const pkg = lang === 'hin' ? 'tesseract-ocr-hin' : 'tesseract-ocr-eng';
    throw new ConfigError(`tesseract language '${lang}' (for ${kind} lines): expected it in \`tesseract --list-langs\`, got ${info.langs.join(', ') || 'none'}`, `install it: apt-get install ${pkg}`);
  }
}

/**
 * A LineImage (ink 1 on background 0) as a binary PGM (P5) of dark ink on white, resized to `height`
 * (aspect kept) with `margin` white pixels on every side.
 */
export function linePgm(image: LineImage, height: number = TESSERACT_DEFAULTS.height, margin: number = TESSERACT_DEFAULTS.margin): Buffer {
  const W = Math.max(1, Math.round((image.width * height) / image.height));
  const ink = height === image.height ? image.data : resize(image.data, image.width, image.height, W, height); // [height, W]
  const [pw, ph] = [W + 2 * margin, height + 2 * margin];
  const head = Buffer.from(`P5\n${pw} ${ph}\n255\n`, 'ascii');
  const px = Buffer.alloc(pw * ph, 255); // [ph, pw], white
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < W; x++) px[(y + margin) * pw + x + margin] = Math.round(255 * (1 - Math.min(1, Math.max(0, ink[y * W + x]!))));
  }
  return Buffer.concat([head, px]);
}

/** Typographic characters tesseract writes, mapped to ASCII as the reference lines were (text-source.ts). */
const TO_ASCII: Readonly<Record<string, string>> = { '\u2018': "'", '\u2019': "'", '\u201c': '"', '\u201d': '"', '\u2014': '-', '\u2013': '-', '\u00e6': 'ae', '\u00c6': 'AE' };

/**
 * Tesseract's text of one line made comparable with recur's: NFC, typographic quotes and dashes as the
 * reference lines spell them, zero-width joiners and spaces (U+200B–U+200D, U+FEFF: invisible, and never
 * in the reference lines) dropped, white space runs as one space, ends trimmed.
 */
export function cleanTesseractText(text: string): string {
  return text.replace(/[\u200b-\u200d\ufeff]/g, '').normalize('NFC').replace(/[\u2018\u2019\u201c\u201d\u2014\u2013\u00e6\u00c6]/g, (c) => TO_ASCII[c]!).replace(/\s+/g, ' ').trim();
}

/**
 * Reads lines with tesseract (`--psm 7`: each image is one line of text), `chunk` lines per process.
 * Languages: eng (Latin), hin (Devanagari), eng with a 0–9 whitelist (digits). Returns one cleaned text
 * per image (see cleanTesseractText). ConfigError when tesseract or the language is missing or fails.
 * @example
 * const texts = readWithTesseract(samples.map((s) => s.image), 'latin');
 */
export function readWithTesseract(images: readonly LineImage[], kind: OcrKind, options: TesseractOptions = {}, info?: TesseractInfo): string[] {
  const binary = options.binary ?? 'tesseract';
  const height = options.height ?? TESSERACT_DEFAULTS.height;
  const margin = options.margin ?? TESSERACT_DEFAULTS.margin;
  const chunk = options.chunk ?? TESSERACT_DEFAULTS.chunk;
  if (!(Number.isInteger(height) && height >= 8 && height <= 512)) throw new ConfigError(`tesseract height: expected an integer in [8, 512], got ${height}`);
  if (!(Number.isInteger(margin) && margin >= 0 && margin <= 256)) throw new ConfigError(`tesseract margin: expected an integer in [0, 256], got ${margin}`);
  if (!(Number.isInteger(chunk) && chunk >= 1)) throw new ConfigError(`tesseract chunk: expected an integer ≥ 1, got ${chunk}`);
  expectLanguage(info ?? findTesseract(binary), kind);
  const { lang, args } = tesseractArgs(kind);
  const dir = mkdtempSync(join(tmpdir(), 'recur-tesseract-'));
  try {
    const out: string[] = [];
    for (let i = 0; i < images.length; i += chunk) {
      const part = images.slice(i, i + chunk);
      const files = part.map((im, j) => {
        const f = join(dir, `line-${i + j}.pgm`);
        writeFileSync(f, linePgm(im, height, margin));
        return f;
      });
      const list = join(dir, `list-${i}.txt`);
      writeFileSync(list, `${files.join('\n')}\n`);
      // A list file makes one process read every image; pages come back separated by form feeds.
      const r = run(binary, [list, 'stdout', '-l', lang, '--psm', '7', '-c', 'page_separator=\f', ...args], 30_000 + 3_000 * part.length);
      const pages = r.stdout.split('\f');
      if (pages.length < part.length) throw new ConfigError(`tesseract: expected ${part.length} pages of text, got ${pages.length}`, 'check that tesseract reads a list of images (tesseract ≥ 4)');
      out.push(...pages.slice(0, part.length).map(cleanTesseractText));
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
