// Training-time distortion of one handwritten glyph (an MNIST digit): a random affine map (rotation,
// anisotropic scale, shear, sub-pixel shift) composed with an elastic field (Simard, Steinkraus & Platt
// 2003: uniform random displacements smoothed by a Gaussian), sampled bilinearly. Only 8,000 real training
// digits exist; distorted copies are what lets a recognizer generalise to the held-out writers' digits.
import type { Rng } from '../../tensor/rng.js';

/** Options of `distortGlyph` (all scaled by `strength`). */
export interface DistortOptions {
  /** 0 = unchanged copy … 1 = full distortion (default 1). */
  strength?: number;
  /** Largest rotation in degrees at strength 1 (default 12). */
  rotation?: number;
  /** Largest relative scale change per axis (default 0.15: factors in [0.85, 1.15]). */
  scale?: number;
  /** Largest horizontal shear x += k·y (default 0.3). */
  shear?: number;
  /** Elastic field: largest displacement α in pixels and smoothness σ (defaults 2.5 and 4). */
  alpha?: number;
  sigma?: number;
}

/** A normalised 1-D Gaussian kernel of radius ⌈3σ⌉. */
function gaussian(sigma: number): Float32Array {
  const r = Math.ceil(3 * sigma);
  const k = new Float32Array(2 * r + 1);
  let s = 0;
  for (let i = -r; i <= r; i++) s += (k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma)));
  for (let i = 0; i < k.length; i++) k[i]! /= s;
  return k;
}

/** A smooth random field [side, side]: U(−1, 1) noise blurred by a separable Gaussian (zero beyond the edges), scaled to max |v| = 1. */
function smoothField(side: number, sigma: number, rng: Rng): Float32Array {
  const k = gaussian(sigma);
  const r = (k.length - 1) / 2;
  const noise = Float32Array.from({ length: side * side }, () => rng.uniform(-1, 1));
  const tmp = new Float32Array(side * side);
  const out = new Float32Array(side * side);
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) {
    let a = 0;
    for (let j = -r; j <= r; j++) if (x + j >= 0 && x + j < side) a += k[j + r]! * noise[y * side + x + j]!;
    tmp[y * side + x] = a;
  }
  let peak = 1e-6;
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) {
    let a = 0;
    for (let j = -r; j <= r; j++) if (y + j >= 0 && y + j < side) a += k[j + r]! * tmp[(y + j) * side + x]!;
    out[y * side + x] = a;
    peak = Math.max(peak, Math.abs(a));
  }
  for (let i = 0; i < out.length; i++) out[i]! /= peak;
  return out;
}

/** Bilinear sample of src [side, side] at (x, y); 0 outside. */
function sample(src: Float32Array, side: number, x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const at = (xx: number, yy: number): number => (xx >= 0 && yy >= 0 && xx < side && yy < side ? src[yy * side + xx]! : 0);
  return (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) + fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
}

/**
 * A distorted copy of the square glyph src [side, side] (ink high). Each output pixel p reads the source at
 * c + A⁻¹(p − c) + α·(u(p), v(p)), c the centre, A = rotation·shear·scale, (u, v) the elastic field; ink
 * is clamped to [0, 1]. Strength 0 returns an exact copy (and draws nothing from the Rng).
 * @example
 * const d = distortGlyph(digit28x28, 28, rng); // Float32Array(784)
 */
export function distortGlyph(src: Float32Array, side: number, rng: Rng, options: DistortOptions = {}): Float32Array {
  const s = options.strength ?? 1;
  if (s <= 0) return src.slice(0, side * side);
  const rot = s * rng.uniform(-1, 1) * (options.rotation ?? 12) * (Math.PI / 180);
  const sc = options.scale ?? 0.15;
  const [sx, sy] = [1 + s * rng.uniform(-sc, sc), 1 + s * rng.uniform(-sc, sc)];
  const sh = s * rng.uniform(-1, 1) * (options.shear ?? 0.3);
  const [tx, ty] = [rng.uniform(-1, 1), rng.uniform(-1, 1)];
  const alpha = s * (options.alpha ?? 2.5);
  const sigma = options.sigma ?? 4;
  const u = smoothField(side, sigma, rng);
  const v = smoothField(side, sigma, rng);
  // Forward map A = R · Sh · S; we need A⁻¹ = S⁻¹ · Sh⁻¹ · R⁻¹ applied to (p − c − t).
  const [cr, sr] = [Math.cos(rot), Math.sin(rot)];
  const c = (side - 1) / 2;
  const out = new Float32Array(side * side);
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) {
    const dx = x - c - tx;
    const dy = y - c - ty;
    const rx = cr * dx + sr * dy; // R⁻¹
    const ry = -sr * dx + cr * dy;
    const hx = rx - sh * ry; // Sh⁻¹ with Sh = [[1, sh], [0, 1]]
    const i = y * side + x;
    const qx = hx / sx + c + alpha * u[i]!;
    const qy = ry / sy + c + alpha * v[i]!;
    out[i] = Math.min(1, Math.max(0, sample(src, side, qx, qy)));
  }
  return out;
}
