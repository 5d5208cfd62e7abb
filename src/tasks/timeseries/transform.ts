// What the forecaster reads instead of the value y: y itself, log y (positive series that grow
// multiplicatively, such as prices), or log(1 + y/c) (non-negative series with exact zeros, such as rainfall
// or counts). With 'log1p' a model value below the one of y = 0 reads back as 0: the forecast is censored
// at zero (as a Tobit model), so no forecast or interval bound is negative.
import { DataError } from '../../errors.js';

/** How values are transformed before scaling. */
export type Transform = 'none' | 'log' | 'log1p';

/**
 * u = T(y): log y for 'log', log(1 + y/c) for 'log1p' (c = `shift`), else y.
 * @example
 * transformValue(3, 'log1p', 1); // log 4 = 1.386…
 */
export function transformValue(y: number, t: Transform, shift = 1): number {
  return t === 'log' ? Math.log(y) : t === 'log1p' ? Math.log1p(y / shift) : y;
}

/**
 * y = T⁻¹(u): exp u for 'log', max(0, c·(eᵘ − 1)) for 'log1p' (the censoring at zero), else u.
 * @example
 * inverseTransform(-0.5, 'log1p', 2); // 0: below the model value of y = 0
 */
export function inverseTransform(u: number, t: Transform, shift = 1): number {
  return t === 'log' ? Math.exp(u) : t === 'log1p' ? Math.max(0, shift * Math.expm1(u)) : u;
}

/**
 * c of 'log1p' for values[0, end): the median of the positive ones (so the transform does not depend on
 * the unit: millimetres or inches of rain give the same model), 1 when none is positive.
 */
export function log1pShift(values: ArrayLike<number>, end: number): number {
  const pos: number[] = [];
  for (let i = 0; i < Math.min(end, values.length); i++) if (values[i]! > 0) pos.push(values[i]!);
  if (pos.length === 0) return 1;
  pos.sort((a, b) => a - b);
  const m = pos.length >> 1;
  return pos.length % 2 === 1 ? pos[m]! : (pos[m - 1]! + pos[m]!) / 2;
}

/** Throws a DataError when a value lies outside the transform's domain (log: > 0; log1p: ≥ 0). */
export function checkDomain(values: ArrayLike<number>, t: Transform, key: string): void {
  if (t === 'none') return;
  const ok = t === 'log' ? (v: number) => v > 0 : (v: number) => v >= 0;
  for (let i = 0; i < values.length; i++) {
    if (!ok(values[i]!)) {
      const what = t === 'log' ? 'positive' : 'non-negative';
      throw new DataError(`series${key ? ` '${key}'` : ''}: expected ${what} values for the model's ${t} transform, got ${values[i]}`, `this model was trained on a ${what} series`);
    }
  }
}
