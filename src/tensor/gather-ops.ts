// Differentiable row gathers and masks: embedding lookup (rows of a table picked by integer indices, their
// gradients scattered back) and dropout (a seeded keep/drop mask scaled by 1/(1 − p)).
import { DataError, ShapeError } from '../errors.js';
import type { Rng } from './rng.js';
import { type Buf, type DType, Tensor, allocBuf, record, sizeOf } from './tensor.js';

/** "[1, 2]" for flat position 5 of shape [2, 3]: where a bad index sits, in the caller's own terms. */
function positionOf(flat: number, shape: readonly number[]): string {
  const idx: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    idx.unshift(flat % n);
    flat = Math.floor(flat / n);
  }
  return `[${idx.join(', ')}]`;
}

/**
 * Embedding lookup, PyTorch's `F.embedding`: out[..., :] = weight[indices[...], :].
 * weight [V, E], `indices` (integers in [0, V), `shape.length` dims, default [indices.length]) → [...shape, E].
 * Backward adds each output row's gradient into its table row (repeats accumulate); the row `paddingIdx`
 * (if not null) receives no gradient. Bad indices throw DataError naming the position.
 * @example const e = embedding(table, [3, 1, 4, 1], [2, 2]); // [2, 2, E]
 */
export function embedding(weight: Tensor, indices: ArrayLike<number>, shape: readonly number[] = [indices.length],
  paddingIdx: number | null = null): Tensor {
  if (weight.rank !== 2) throw new ShapeError('weight', [null, null], weight.shape, 'an embedding table is [V, E]');
  const [V, E] = weight.shape as [number, number];
  if (shape.some((d) => !Number.isInteger(d) || d < 0) || sizeOf(shape) !== indices.length) {
    throw new ShapeError('indices', shape, [indices.length],
      `the index shape [${shape.join(', ')}] must hold exactly the ${indices.length} indices given`);
  }
  const rows = new Int32Array(indices.length);
  for (let i = 0; i < rows.length; i++) {
    const r = indices[i]!;
    if (!Number.isInteger(r) || r < 0 || r >= V) {
      throw new DataError(`indices${positionOf(i, shape)}: expected an integer in [0, ${V}), got ${r}`,
        `every index must name a row of the ${V}-row embedding table (check the vocabulary size)`);
    }
    rows[i] = r;
  }
  const out = Tensor.zeros([...shape, E], weight.dtype);
  const W = weight.data;
  for (let i = 0; i < rows.length; i++) out.data.set(W.subarray(rows[i]! * E, (rows[i]! + 1) * E), i * E);
  return record(out, [weight], (g) => {
    const dW = weight.gradBuf();
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (r === paddingIdx) continue;
      for (let e = 0; e < E; e++) dW[r * E + e]! += g[i * E + e]!;
    }
  });
}

/**
 * A dropout mask of n values: each is 0 with probability p, else 1/(1 − p) (inverted dropout, so the
 * expected value of mask∘x is x). One 32-bit draw from `rng` per value. p must be in [0, 1).
 */
export function dropoutMask(n: number, p: number, rng: Rng, dtype: DType = 'float32'): Buf {
  const mask = allocBuf(dtype, n);
  const keep = 1 / (1 - p);
  const cut = p * 4294967296; // a draw u ∈ [0, 2³²) is dropped when u < p·2³²
  for (let i = 0; i < n; i++) mask[i] = rng.nextU32() < cut ? 0 : keep;
  return mask;
}

/** y = x ∘ mask for a constant mask of x.size values (gradient g ∘ mask): how dropout applies its mask. */
export function applyMask(x: Tensor, mask: ArrayLike<number>): Tensor {
  if (mask.length !== x.size) throw new ShapeError('mask', [x.size], [mask.length], 'one mask value per element of x');
  const out = Tensor.zeros(x.shape, x.dtype);
  for (let i = 0; i < x.size; i++) out.data[i] = x.data[i]! * mask[i]!;
  return record(out, [x], (g) => {
    const dx = x.gradBuf();
    for (let i = 0; i < g.length; i++) dx[i]! += g[i]! * mask[i]!;
  });
}
