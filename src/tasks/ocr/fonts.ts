// The fonts OCR lines are drawn in: @fontsource packages, their fixed train/validation/test split (by
// font family, so test fonts are never seen in training), registration with @napi-rs/canvas under unique
// family names, and each font's real coverage (code points from its cmap, see coverage.ts).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { GlobalFonts } from '@napi-rs/canvas';
import { ConfigError, DataError } from '../../errors.js';
import { fontCodePoints } from './coverage.js';

/** The writing systems the OCR data covers. */
export type Script = 'latin' | 'devanagari';
export const SCRIPTS: readonly Script[] = ['latin', 'devanagari'];
/** The three disjoint parts of the data. */
export type Split = 'train' | 'val' | 'test';
export const SPLITS: readonly Split[] = ['train', 'val', 'test'];

/** @fontsource packages with a Latin subset only. */
const LATIN_ONLY = ['roboto', 'open-sans', 'lato', 'merriweather', 'pt-serif', 'source-serif-4', 'eb-garamond', 'noto-serif',
  'libre-baskerville', 'ibm-plex-mono', 'courier-prime', 'crimson-text'];
/** @fontsource packages with Devanagari (and Latin) subsets. */
const DEVANAGARI = ['noto-sans-devanagari', 'noto-serif-devanagari', 'hind', 'mukta', 'poppins', 'tiro-devanagari-hindi', 'martel',
  'karma', 'sarala', 'baloo-2', 'laila', 'khand', 'rajdhani', 'eczar', 'palanquin', 'kalam', 'yantramanav'];

/**
 * The split, by package, shared by both scripts (a family is in the same part for Latin and Devanagari, so
 * a model for both scripts never sees a test family either). Test: a humanist sans (lato), a transitional
 * serif (pt-serif), a monospace (ibm-plex-mono), and three Devanagari families of different build — a
 * sans (noto-sans-devanagari), a sans with a thin stroke contrast (mukta) and a slab/serif (martel).
 * Validation: libre-baskerville and sarala. Everything else trains.
 */
const TEST_FONTS = ['lato', 'pt-serif', 'ibm-plex-mono', 'noto-sans-devanagari', 'mukta', 'martel'];
const VAL_FONTS = ['libre-baskerville', 'sarala'];
export const FONT_SPLIT: Readonly<Record<Split, readonly string[]>> = {
  test: TEST_FONTS,
  val: VAL_FONTS,
  train: [...LATIN_ONLY, ...DEVANAGARI].filter((p) => !TEST_FONTS.includes(p) && !VAL_FONTS.includes(p)),
};

/** Weights registered per family when the package has them (more stroke variety than strokeText alone). */
const WEIGHTS = [400, 700] as const;

/** A font ready to draw with: `ctx.font = \`${size}px "${family}"\``. */
export interface OcrFont {
  /** Unique family name it is registered under ("recur-ocr-hind-700"). */
  family: string;
  /** The @fontsource package. */
  pkg: string;
  weight: number;
  /** Code points with a real glyph (the union of the registered subset files). */
  covered: ReadonlySet<number>;
}

/** The fonts `fontsFor` kept, and those it dropped with the reason (the CLI prints them as `data:` lines). */
export interface FontReport {
  fonts: OcrFont[];
  dropped: { pkg: string; weight: number; reason: string }[];
}

const registered = new Map<string, OcrFont>();

function packageDir(pkg: string): string {
  try {
    return join(dirname(createRequire(import.meta.url).resolve(`@fontsource/${pkg}/package.json`)), 'files');
  } catch {
    throw new DataError(`font package @fontsource/${pkg}: expected it installed, got none`, 'run `npm install` in the recur folder');
  }
}

/** Registers (once) every subset file of `pkg` at `weight` under one family name; null if that weight is missing. */
function registerFont(pkg: string, weight: number): OcrFont | null {
  const family = `recur-ocr-${pkg}-${weight}`;
  const had = registered.get(family);
  if (had) return had;
  const dir = packageDir(pkg);
  const files = ['latin', 'latin-ext', 'devanagari'].map((s) => join(dir, `${pkg}-${s}-${weight}-normal.woff2`)).filter((f) => existsSync(f));
  if (files.length === 0) return null;
  const covered = new Set<number>();
  for (const f of files) {
    for (const c of fontCodePoints(f)) covered.add(c);
    GlobalFonts.registerFromPath(f, family);
  }
  const font: OcrFont = { family, pkg, weight, covered };
  registered.set(family, font);
  return font;
}

/**
 * The fonts of one split for one script: every family of `FONT_SPLIT[split]` that has that script, at
 * weights 400 and 700 where present, registered with @napi-rs/canvas. A font is dropped (and listed in
 * `dropped`) when its cmap lacks any code point of `required` (the characters the script's text uses,
 * which is checked by code point so no glyph can silently fall back to another font).
 * @example
 * const { fonts } = fontsFor('devanagari', 'train', new Set(['क', ' ']));
 */
export function fontsFor(script: Script, split: Split, required: Iterable<string>): FontReport {
  if (!SCRIPTS.includes(script)) throw new ConfigError(`script: expected one of ${SCRIPTS.join(', ')}, got ${JSON.stringify(script)}`);
  if (!SPLITS.includes(split)) throw new ConfigError(`split: expected one of ${SPLITS.join(', ')}, got ${JSON.stringify(split)}`);
  const need = [...new Set(required)].map((c) => c.codePointAt(0)!);
  const report: FontReport = { fonts: [], dropped: [] };
  for (const pkg of FONT_SPLIT[split]) {
    if (script === 'devanagari' && !DEVANAGARI.includes(pkg)) continue;
    for (const weight of WEIGHTS) {
      const font = registerFont(pkg, weight);
      if (!font) continue;
      const missing = need.filter((c) => !font.covered.has(c));
      if (missing.length > 0) {
        report.dropped.push({ pkg, weight, reason: `no glyph for ${missing.slice(0, 8).map((c) => `U+${c.toString(16).toUpperCase().padStart(4, '0')}`).join(' ')}${missing.length > 8 ? ` and ${missing.length - 8} more` : ''}` });
      } else report.fonts.push(font);
    }
  }
  if (report.fonts.length === 0) {
    throw new DataError(`fonts for ${script} ${split}: expected at least one font covering the script, got none`, `dropped: ${report.dropped.map((d) => `${d.pkg} ${d.weight} (${d.reason})`).join('; ')}`);
  }
  return report;
}
