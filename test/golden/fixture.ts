// Golden fixtures computed by PyTorch (float64): loading, flattening and comparison.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../src/errors.js';
import { type DType, type Nested, Tensor } from '../../src/tensor/tensor.js';

export interface Fixture {
  name: string;
  kind: string;
  config: Record<string, unknown>;
  inputs: Record<string, Nested>;
  params: Record<string, Nested>;
  outputs: Record<string, Nested>;
  grads: Record<string, Nested>;
}

/** What a handler computed: values keyed like the fixture's `outputs` and `grads`. */
export interface Result {
  outputs: Record<string, ArrayLike<number>>;
  grads: Record<string, ArrayLike<number>>;
}

export type Handler = (f: Fixture, dtype: DType) => Result;

export function loadFixture(path: string): Fixture {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Partial<Fixture>;
  return {
    name: path.replace(/^.*\//, '').replace(/\.json$/, ''),
    kind: raw.kind ?? '(none)',
    config: raw.config ?? {},
    inputs: raw.inputs ?? {},
    params: raw.params ?? {},
    outputs: raw.outputs ?? {},
    grads: raw.grads ?? {},
  };
}

export function flat(v: Nested): number[] {
  const out: number[] = [];
  const walk = (x: Nested): void => {
    if (Array.isArray(x)) for (const y of x) walk(y);
    else out.push(x);
  };
  walk(v);
  return out;
}

/** A fixture array as a tensor of `dtype`. */
export function tensorOf(v: Nested, dtype: DType, requiresGrad = false): Tensor {
  const t = Tensor.from(v, undefined, dtype);
  t.requiresGrad = requiresGrad;
  return t;
}

/** Throws ConfigError for config keys this runner does not understand (so new fixture sets fail loudly). */
export function checkConfig(f: Fixture, known: readonly string[]): void {
  for (const k of Object.keys(f.config)) {
    if (!known.includes(k)) throw new ConfigError(`${f.name}: config key '${k}' is not understood`);
  }
}

/** Largest tolerance-scaled error: max |ours − ref| − (atol + rtol·|ref|) ≤ 0 passes. Also the raw max error. */
export function compare(ours: ArrayLike<number>, ref: Nested, atol: number, rtol: number): { ok: boolean; maxErr: number } {
  const r = flat(ref);
  if (ours.length !== r.length) return { ok: false, maxErr: Infinity };
  let ok = true;
  let maxErr = 0;
  for (let i = 0; i < r.length; i++) {
    const e = Math.abs(ours[i]! - r[i]!);
    if (!(e <= atol + rtol * Math.abs(r[i]!))) ok = false;
    if (!(e <= maxErr)) maxErr = e;
  }
  return { ok, maxErr };
}
