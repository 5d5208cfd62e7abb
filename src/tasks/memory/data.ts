// The two long-memory benchmarks' data: the adding problem (Hochreiter & Schmidhuber 1997, in the [0, 1]
// form of Le et al. 2015) and copy memory (Arjovsky et al. 2016), generated from a seeded Rng, with the
// baselines a memoryless model reaches. Time-major layouts, as the recurrent layers read them.
import { expectInt } from '../../tensor/shape.js';
import type { Rng } from '../../tensor/rng.js';

/** One adding-problem batch: x [T, B, 2] (value, marker) time-major, y [B] the sums of the marked values. */
export interface AddingBatch {
  T: number;
  B: number;
  x: Float32Array;
  y: Float32Array;
}

/**
 * B adding-problem sequences of length T ≥ 2. Step t of sequence b is (v, m) at x[(t·B + b)·2 + {0, 1}]:
 * v ~ U[0, 1), m = 1 at exactly two steps, one drawn uniformly from the first half [0, ⌊T/2⌋) and one
 * from the second half [⌊T/2⌋, T) (Le et al. 2015), else 0. The target is the sum of the two marked
 * values, in [0, 2); predicting its mean 1 gives MSE 2·(1/12) = 1/6 ≈ 0.167.
 * @example
 * const { x, y } = addingBatch(100, 32, new Rng(1)); // x 100·32·2 numbers, y 32 sums
 */
export function addingBatch(T: number, B: number, rng: Rng): AddingBatch {
  expectInt('adding T', T, 2);
  expectInt('adding B', B, 1);
  const x = new Float32Array(T * B * 2); // [T, B, 2]
  const y = new Float32Array(B); // [B]
  const half = Math.floor(T / 2);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) x[(t * B + b) * 2] = rng.next();
    const i = rng.int(half);
    const j = half + rng.int(T - half);
    x[(i * B + b) * 2 + 1] = 1;
    x[(j * B + b) * 2 + 1] = 1;
    y[b] = x[(i * B + b) * 2]! + x[(j * B + b) * 2]!;
  }
  return { T, B, x, y };
}

/** Mean squared error of always predicting `guess` (default 1, the mean of the target's distribution). */
export function addingBaselineMse(y: ArrayLike<number>, guess = 1): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (y[i]! - guess) ** 2;
  return s / y.length;
}

/** Copy memory's alphabet: blank 0, symbols 1…8, delimiter 9. */
export const COPY = { symbols: 8, remember: 10, blank: 0, delimiter: 9, inputs: 10, classes: 9 } as const;

/** One copy-memory batch: ids x and targets y [S, B] time-major (S = T + 20), as S·B integers. */
export interface CopyBatch {
  T: number;
  /** S = T + 20 steps per sequence. */
  S: number;
  B: number;
  x: Int32Array;
  y: Int32Array;
}

/**
 * B copy-memory sequences for delay T ≥ 1 (Arjovsky et al. 2016), each S = T + 20 steps:
 *   input  = s₁ … s₁₀, T − 1 blanks, the delimiter 9, 10 blanks;
 *   target = T + 10 blanks, then s₁ … s₁₀,
 * with the sᵢ uniform over 1…8 and blank 0. Position t·B + b holds step t of sequence b.
 * @example
 * const { x, y, S } = copyBatch(100, 16, new Rng(1)); // S = 120
 */
export function copyBatch(T: number, B: number, rng: Rng): CopyBatch {
  expectInt('copy T', T, 1);
  expectInt('copy B', B, 1);
  const R = COPY.remember;
  const S = T + 2 * R;
  const x = new Int32Array(S * B); // [S, B], zero = blank
  const y = new Int32Array(S * B); // [S, B]
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < R; t++) {
      const s = 1 + rng.int(COPY.symbols);
      x[t * B + b] = s;
      y[(T + R + t) * B + b] = s;
    }
    x[(T + R - 1) * B + b] = COPY.delimiter;
  }
  return { T, S, B, x, y };
}

/**
 * Cross-entropy per step (nats) of the best memoryless strategy: blanks predicted perfectly and the 10
 * symbols guessed uniformly over 8: 10·ln 8 / (T + 20).
 */
export function copyBaselineXent(T: number): number {
  return (COPY.remember * Math.log(COPY.symbols)) / (T + 2 * COPY.remember);
}
