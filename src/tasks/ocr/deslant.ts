// Slant correction of a text line before it is cut into characters: a horizontal shear, and the search for
// the shear that makes the column ink profile sharpest (italic and slanted letters overlap in columns).
import type { LineImage } from './line-image.js';

/** Shears the line: out(x, y) = in(x − s·(y − H/2) − off, y), linear in x, width grown to fit. */
export function shear(line: LineImage, s: number): LineImage {
  const { data, width: W, height: H } = line;
  const off = Math.abs(s) * H / 2;
  const W2 = W + Math.ceil(2 * off);
  const out = new Float32Array(W2 * H); // [H, W2]
  for (let y = 0; y < H; y++) {
    const d = s * (y + 0.5 - H / 2) + off;
    for (let x = 0; x < W2; x++) {
      const sx = x - d;
      const x0 = Math.floor(sx);
      const f = sx - x0;
      const a = x0 >= 0 && x0 < W ? data[y * W + x0]! : 0;
      const b = x0 + 1 >= 0 && x0 + 1 < W ? data[y * W + x0 + 1]! : 0;
      out[y * W2 + x] = (1 - f) * a + f * b;
    }
  }
  return { data: out, width: W2, height: H };
}

/**
 * Estimates the slant of a line and undoes it: of the shears −0.35 … 0.35 (step 0.05), the one whose
 * column ink profile (pixels > 0.45) is sharpest (largest Σ_x profile², the classic deslanting criterion) wins, by at
 * least 1 % over the shears nearer 0.
 */
export function deslant(line: LineImage): { image: LineImage; shear: number } {
  let best = { image: line, shear: 0, score: -1 };
  for (const k of [0, -1, 1, -2, 2, -3, 3, -4, 4, -5, 5, -6, 6, -7, 7]) {
    const s = k * 0.05;
    const im = k === 0 ? line : shear(line, s);
    let score = 0;
    for (let x = 0; x < im.width; x++) {
      let c = 0;
      for (let y = 0; y < im.height; y++) c += im.data[y * im.width + x]! > 0.45 ? 1 : 0;
      score += c * c;
    }
    if (score > 1.01 * best.score) best = { image: im, shear: s, score };
  }
  return { image: best.image, shear: best.shear };
}
