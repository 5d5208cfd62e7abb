// The one image format every OCR recognizer reads: a grayscale text line, ink high (1) on a dark
// background (0), fixed height, variable width, row-major Float32Array. Also the normalisation that turns
// any picture of a line (rendered, MNIST, or a user's photo) into it: polarity, contrast, ink crop, resize.
import { DataError } from '../../errors.js';
import type { Rng } from '../../tensor/rng.js';

/** A normalised text line: data [height, width], row-major, values in [0, 1] with ink near 1. */
export interface LineImage {
  data: Float32Array;
  height: number;
  width: number;
}

/** Default height of normalised lines, in pixels. */
export const LINE_HEIGHT = 32;
/** Widest normalised line (longer ones are squeezed to it). */
export const MAX_LINE_WIDTH = 1024;

/** Luminance in [0, 1] of RGBA bytes [h, w, 4] (alpha composited over white). */
export function rgbaToLuminance(rgba: Uint8Array | Uint8ClampedArray, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h); // [h, w]
  for (let i = 0; i < w * h; i++) {
    const a = rgba[4 * i + 3]! / 255;
    const l = (0.299 * rgba[4 * i]! + 0.587 * rgba[4 * i + 1]! + 0.114 * rgba[4 * i + 2]!) / 255;
    out[i] = a * l + (1 - a);
  }
  return out;
}

/** The q-quantile of values in [0, 1], to 1/1024 (a histogram: linear time). */
function quantile(v: Float32Array, q: number): number {
  const bins = new Int32Array(1025);
  for (let i = 0; i < v.length; i++) bins[Math.min(1024, Math.max(0, Math.round(v[i]! * 1024)))]!++;
  const want = q * v.length;
  let seen = 0;
  for (let b = 0; b <= 1024; b++) {
    seen += bins[b]!;
    if (seen > want) return b / 1024;
  }
  return 1;
}

/**
 * Ink map from luminance: dark text on a light page (median luminance ≥ 0.5) is inverted, light text on
 * a dark background is kept; then the background (median) goes to 0 and the 99.5th percentile to 1.
 * Returns null when the image has no contrast (a blank page).
 */
export function inkFromLuminance(lum: Float32Array): Float32Array | null {
  const med = quantile(lum, 0.5);
  const ink = new Float32Array(lum.length);
  for (let i = 0; i < lum.length; i++) ink[i] = med >= 0.5 ? 1 - lum[i]! : lum[i]!;
  const bg = med >= 0.5 ? 1 - med : med;
  const hi = quantile(ink, 0.995);
  if (hi - bg < 0.08) return null;
  const s = 1 / (hi - bg);
  for (let i = 0; i < ink.length; i++) ink[i] = Math.min(1, Math.max(0, (ink[i]! - bg) * s));
  return ink;
}

/** Resamples each of `n` lines of `src` (length `from`, stride `sStride`, step `sStep`) to `to` samples with a triangle (tent) filter. */
function resample(dst: Float32Array, src: Float32Array, n: number, from: number, to: number,
  sLine: number, sStep: number, dLine: number, dStep: number): void {
  const scale = from / to;
  const support = Math.max(1, scale);
  for (let j = 0; j < to; j++) {
    const center = (j + 0.5) * scale - 0.5;
    const lo = Math.max(0, Math.ceil(center - support));
    const hi = Math.min(from - 1, Math.floor(center + support));
    let wsum = 0;
    for (let k = lo; k <= hi; k++) wsum += Math.max(0, 1 - Math.abs(k - center) / support);
    for (let r = 0; r < n; r++) {
      let acc = 0;
      for (let k = lo; k <= hi; k++) acc += Math.max(0, 1 - Math.abs(k - center) / support) * src[r * sLine + k * sStep]!;
      dst[r * dLine + j * dStep] = wsum > 0 ? acc / wsum : 0;
    }
  }
}

/** Resizes an [h, w] image to [H, W] (separable tent filter, anti-aliased when shrinking). */
export function resize(src: Float32Array, w: number, h: number, W: number, H: number): Float32Array {
  const tmp = new Float32Array(h * W); // [h, W]
  resample(tmp, src, h, w, W, w, 1, W, 1);
  const out = new Float32Array(H * W); // [H, W]
  resample(out, tmp, W, h, H, 1, W, 1, W);
  return out;
}

/** Options of `normaliseInk`. */
export interface NormaliseOptions {
  /** Output height (default LINE_HEIGHT). */
  height?: number;
  /** Widest output (default MAX_LINE_WIDTH): a longer line is squeezed horizontally to fit. */
  maxWidth?: number;
  /** Margin around the ink, as a fraction of the ink height (default 0.12). */
  margin?: number;
  /** With an Rng, each of the four margins is drawn from [0.5, 1.5] × margin (training augmentation). */
  rng?: Rng;
}

/**
 * Crops an ink map [h, w] (ink high, background 0) to its ink (rows and columns holding pixels above 0.5)
 * plus a margin, and resizes it to the output height keeping the aspect ratio (width at least 4 pixels).
 * DataError when there is no ink at all.
 * @example
 * const line = normaliseInk(ink, w, h); // { data, height: 32, width }
 */
export function normaliseInk(ink: Float32Array, w: number, h: number, options: NormaliseOptions = {}): LineImage {
  const H = options.height ?? LINE_HEIGHT;
  const maxW = options.maxWidth ?? MAX_LINE_WIDTH;
  const rows = new Int32Array(h);
  const cols = new Int32Array(w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (ink[y * w + x]! > 0.5) { rows[y]!++; cols[x]!++; }
  let [y0, y1, x0, x1] = [0, h - 1, 0, w - 1];
  while (y0 < h && rows[y0] === 0) y0++;
  while (y1 > y0 && rows[y1] === 0) y1--;
  while (x0 < w && cols[x0] === 0) x0++;
  while (x1 > x0 && cols[x1] === 0) x1--;
  if (y0 >= h || x0 >= w) throw new DataError('image: expected a line of text, got no ink (a blank image)', 'give a picture with visible text');
  const inkH = y1 - y0 + 1;
  const m = options.margin ?? 0.12;
  const draw = (): number => Math.round(inkH * m * (options.rng ? 0.5 + options.rng.next() : 1));
  const [top, bottom, left, right] = [draw(), draw(), draw(), draw()];
  const cw = x1 - x0 + 1 + left + right;
  const ch = inkH + top + bottom;
  const crop = new Float32Array(cw * ch); // [ch, cw], zero margins
  for (let y = y0; y <= y1; y++) crop.set(ink.subarray(y * w + x0, y * w + x1 + 1), (y - y0 + top) * cw + left);
  const W = Math.max(4, Math.min(maxW, Math.round((cw * H) / ch)));
  return { data: resize(crop, cw, ch, W, H), height: H, width: W };
}
