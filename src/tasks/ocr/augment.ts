// Augmentation for rendered OCR lines: how a line is drawn (size, stroke weight, slant, rotation, blur,
// background and ink levels, JPEG quality) drawn from a seeded Rng, and the pixel noise added afterwards.
import type { Rng } from '../../tensor/rng.js';

/** How one line is drawn (render.ts reads it). */
export interface RenderStyle {
  /** Font size in pixels. */
  size: number;
  /** Extra outline drawn around the glyphs, in pixels (0: the font's own weight). */
  stroke: number;
  /** Horizontal shear x += slant·(baseline − y): positive leans right (italic-like). */
  slant: number;
  /** Rotation in radians (small). */
  rotation: number;
  /** Gaussian blur radius in pixels (0: sharp). */
  blur: number;
  /** Page luminance in [0, 1] at the left and right ends (a horizontal gradient). */
  background: [number, number];
  /** Ink luminance in [0, 1]. */
  ink: number;
  /** Gaussian pixel noise σ added after drawing (luminance units). */
  noise: number;
  /** JPEG quality 1–100 for an encode/decode round trip, or null for none. */
  jpeg: number | null;
  /** Extra space between letters, in pixels (may be slightly negative). */
  letterSpacing: number;
}

/** A clean style: black on white, upright, sharp, no noise (for tests and `--augment none`). */
export function plainStyle(size = 32): RenderStyle {
  return { size, stroke: 0, slant: 0, rotation: 0, blur: 0, background: [1, 1], ink: 0, noise: 0, jpeg: null, letterSpacing: 0 };
}

/** How strong augmentation is: 0 = plain, 1 = the default mix. */
export interface AugmentOptions {
  strength?: number;
}

/**
 * Draws a style at random. With strength s = 1: size 20–36 px; stroke 0 (60 %) or U[0, 1.2]·s px;
 * slant U[−0.25, 0.25]·s; rotation U[−2°, 2°]·s; blur 0 (50 %) or U[0, 1.2]·s px; page U[0.88, 1] at each
 * end (gradient); ink U[0, 0.35]; noise U[0, 0.08]·s; JPEG quality U[15, 90] on 40 % of lines;
 * letter spacing U[−0.5, 2] px.
 */
export function sampleStyle(rng: Rng, options: AugmentOptions = {}): RenderStyle {
  const s = options.strength ?? 1;
  if (s <= 0) return plainStyle(20 + rng.int(17));
  const page = (): number => 1 - 0.12 * s * rng.next();
  return {
    size: 20 + rng.int(17),
    stroke: rng.next() < 0.6 ? 0 : 1.2 * s * rng.next(),
    slant: s * rng.uniform(-0.25, 0.25),
    rotation: s * rng.uniform(-2, 2) * (Math.PI / 180),
    blur: rng.next() < 0.5 ? 0 : 1.2 * s * rng.next(),
    background: [page(), page()],
    ink: 0.35 * s * rng.next(),
    noise: 0.08 * s * rng.next(),
    jpeg: rng.next() < 0.4 * s ? 15 + rng.int(76) : null,
    letterSpacing: rng.uniform(-0.5, 2) * s,
  };
}

/** Adds N(0, σ²) to every pixel of an image in place, clamped to [0, 1]. */
export function addNoise(lum: Float32Array, sigma: number, rng: Rng): void {
  if (sigma <= 0) return;
  for (let i = 0; i < lum.length; i++) lum[i] = Math.min(1, Math.max(0, lum[i]! + sigma * rng.normal()));
}
