// Which Unicode code points a font really has glyphs for: reads the `cmap` table of a WOFF2 (or plain
// TTF/OTF) file — WOFF2's table directory, its Brotli stream, then cmap subtables of format 4 and 12.
// A font that lacks a glyph renders it silently in a fallback font, so the OCR data must know this.
import { readFileSync } from 'node:fs';
import { brotliDecompressSync } from 'node:zlib';
import { DataError } from '../../errors.js';

/** WOFF2's 63 known table tags, by the index stored in a directory entry's flags (WOFF2 spec §5.1). */
const KNOWN_TAGS = ('cmap head hhea hmtx maxp name OS/2 post cvt  fpgm glyf loca prep CFF  VORG EBDT EBLC gasp hdmx kern LTSH PCLT VDMX vhea vmtx BASE ' +
  'GDEF GPOS GSUB EBSC JSTF MATH CBDT CBLC COLR CPAL SVG  sbix acnt avar bdat bloc bsln cvar fdsc feat fmtx fvar gvar hsty just lcar mort morx opbd prop ' +
  'trak Zapf Silf Glat Gloc Feat Sill').match(/.{4}\s?/g)!.map((t) => t.slice(0, 4));

function base128(b: Buffer, at: { p: number }): number {
  let v = 0;
  for (let i = 0; i < 5; i++) {
    const x = b[at.p++]!;
    v = v * 128 + (x & 0x7f);
    if ((x & 0x80) === 0) return v;
  }
  throw new Error('bad UIntBase128');
}

/** The bytes of the `cmap` table of a WOFF2 file. */
function woff2Cmap(b: Buffer): Buffer {
  const numTables = b.readUInt16BE(12);
  const compressedLength = b.readUInt32BE(20);
  const at = { p: 48 };
  let offset = 0;
  let cmap: [number, number] | null = null;
  for (let i = 0; i < numTables; i++) {
    const flags = b[at.p++]!;
    let tag = KNOWN_TAGS[flags & 0x3f];
    if ((flags & 0x3f) === 63) { tag = b.toString('latin1', at.p, at.p + 4); at.p += 4; }
    const version = flags >> 6;
    const origLength = base128(b, at);
    // glyf/loca are transformed when version is 0; every other table when version is not 0.
    const transformed = tag === 'glyf' || tag === 'loca' ? version === 0 : version !== 0;
    const length = transformed ? base128(b, at) : origLength;
    if (tag === 'cmap') cmap = [offset, length];
    offset += length;
  }
  if (!cmap) throw new Error('no cmap table');
  const data = brotliDecompressSync(b.subarray(at.p, at.p + compressedLength));
  return data.subarray(cmap[0], cmap[0] + cmap[1]);
}

/** The bytes of the `cmap` table of a TrueType/OpenType file. */
function sfntCmap(b: Buffer): Buffer {
  const n = b.readUInt16BE(4);
  for (let i = 0; i < n; i++) {
    const r = 12 + 16 * i;
    if (b.toString('latin1', r, r + 4) === 'cmap') return b.subarray(b.readUInt32BE(r + 8), b.readUInt32BE(r + 8) + b.readUInt32BE(r + 12));
  }
  throw new Error('no cmap table');
}

/** Code points mapped to a glyph other than .notdef by the Unicode subtables (format 4 and 12) of a cmap. */
function cmapCodePoints(cmap: Buffer): Set<number> {
  const out = new Set<number>();
  const n = cmap.readUInt16BE(2);
  for (let i = 0; i < n; i++) {
    const platform = cmap.readUInt16BE(4 + 8 * i);
    const encoding = cmap.readUInt16BE(6 + 8 * i);
    if (!(platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10)))) continue;
    const o = cmap.readUInt32BE(8 + 8 * i);
    const format = cmap.readUInt16BE(o);
    if (format === 4) {
      const segX2 = cmap.readUInt16BE(o + 6);
      const ends = o + 14;
      const starts = ends + segX2 + 2;
      const deltas = starts + segX2;
      const ranges = deltas + segX2;
      for (let s = 0; s < segX2; s += 2) {
        const end = cmap.readUInt16BE(ends + s);
        const start = cmap.readUInt16BE(starts + s);
        const delta = cmap.readUInt16BE(deltas + s);
        const range = cmap.readUInt16BE(ranges + s);
        for (let c = start; c <= end && c !== 0xffff; c++) {
          let glyph: number;
          if (range === 0) glyph = (c + delta) & 0xffff;
          else {
            const g = cmap.readUInt16BE(ranges + s + range + 2 * (c - start));
            glyph = g === 0 ? 0 : (g + delta) & 0xffff;
          }
          if (glyph !== 0) out.add(c);
        }
      }
    } else if (format === 12) {
      const groups = cmap.readUInt32BE(o + 12);
      for (let g = 0; g < groups; g++) {
        const r = o + 16 + 12 * g;
        const [start, end, glyph] = [cmap.readUInt32BE(r), cmap.readUInt32BE(r + 4), cmap.readUInt32BE(r + 8)];
        for (let c = start; c <= end; c++) if (glyph + (c - start) !== 0) out.add(c);
      }
    }
  }
  return out;
}

/**
 * The set of Unicode code points that the font file at `path` (WOFF2, TTF or OTF) maps to a real glyph.
 * DataError when the file cannot be read or parsed.
 * @example
 * fontCodePoints('node_modules/@fontsource/hind/files/hind-devanagari-400-normal.woff2').has(0x915); // true (क)
 */
export function fontCodePoints(path: string): Set<number> {
  let b: Buffer;
  try {
    b = readFileSync(path);
  } catch (e) {
    throw new DataError(`font file ${path}: expected a readable file, got ${(e as { code?: string }).code ?? 'an error'}`, 'reinstall the @fontsource packages with `npm install`');
  }
  try {
    const sig = b.toString('latin1', 0, 4);
    return cmapCodePoints(sig === 'wOF2' ? woff2Cmap(b) : sfntCmap(b));
  } catch (e) {
    throw new DataError(`font file ${path}: expected a WOFF2, TTF or OTF font with a cmap table, got ${(e as Error).message}`, 'the font file is damaged; reinstall it');
  }
}

/** The characters of `text` (by code point) that are not in `covered`, each once, in order of appearance. */
export function missingChars(text: string, covered: ReadonlySet<number>): string[] {
  const miss = new Set<string>();
  for (const ch of text) if (ch !== ' ' && !covered.has(ch.codePointAt(0)!)) miss.add(ch);
  return [...miss];
}
