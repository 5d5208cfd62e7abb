// Shape checks for public boundaries: "x: expected shape [T, B, 8], got [5, 8]".
import { ConfigError, DataError, ShapeError } from '../errors.js';
import type { Tensor } from './tensor.js';

/** Throws ShapeError unless `t` has `expected.length` dims and each non-null one matches. */
export function expectShape(arg: string, t: Tensor, expected: readonly (number | null)[], hint = ''): void {
  const ok = t.shape.length === expected.length && expected.every((d, i) => d === null || d === t.shape[i]);
  if (!ok) throw new ShapeError(arg, expected, t.shape, hint);
}

export function expectInt(arg: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
    throw new ConfigError(`${arg}: expected ${range}, got ${JSON.stringify(v)}`);
  }
  return v;
}

export function expectNumber(arg: string, v: unknown, min = -Infinity, max = Infinity): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw new ConfigError(`${arg}: expected a number in [${min}, ${max}], got ${JSON.stringify(v)}`);
  }
  return v;
}

/** Rejects option keys that `known` does not list (catches typos such as `hiddensize`). */
export function expectKnownKeys(what: string, options: object, known: readonly string[]): void {
  for (const k of Object.keys(options)) {
    if (!known.includes(k)) {
      throw new ConfigError(`${what}: unknown option '${k}'`, `known options: ${known.join(', ')}`);
    }
  }
}

/** Per-sequence lengths: B integers in [1, T]. */
export function expectLengths(lengths: ArrayLike<number>, B: number, T: number): Int32Array {
  if (lengths.length !== B) {
    throw new DataError(`lengths: expected ${B} values (one per sequence), got ${lengths.length}`);
  }
  const out = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const n = lengths[b]!;
    if (!Number.isInteger(n) || n < 1 || n > T) {
      throw new DataError(`lengths[${b}]: expected an integer in [1, ${T}], got ${n}`,
        'every sequence needs at least one step and at most the padded length T');
    }
    out[b] = n;
  }
  return out;
}
