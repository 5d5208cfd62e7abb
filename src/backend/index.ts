// Backend selection: RECUR_BACKEND=js|native picks; by default the native addon when it loads, else js
// with one warning. float64 always runs on js (the native kernels are float32).
import { BackendError } from '../errors.js';
import type { DType } from '../tensor/tensor.js';
import type { Backend } from './backend.js';
import { jsBackend } from './js/index.js';
import { loadNative } from './native/load.js';

let active: Backend | null = null;
let nativeProblem: string | null = null;

function choose(): Backend {
  const want = process.env['RECUR_BACKEND'] ?? '';
  if (want !== '' && want !== 'js' && want !== 'native') {
    throw new BackendError(`RECUR_BACKEND: expected 'js' or 'native', got '${want}'`, 'unset it to pick automatically');
  }
  if (want === 'js') return jsBackend;
  const loaded = loadNative();
  if ('backend' in loaded) return loaded.backend;
  nativeProblem = loaded.problem;
  if (want === 'native') {
    throw new BackendError(`RECUR_BACKEND=native, but the native addon cannot be used: ${loaded.problem}`,
      'run `npm install` (or `npm run build`) to build it, or set RECUR_BACKEND=js');
  }
  process.emitWarning(`recur: native backend unavailable (${loaded.problem}); using the slower js backend`);
  return jsBackend;
}

/** The backend for tensors of `dtype` (float64 always runs on the js reference kernels). */
export function backend(dtype: DType = 'float32'): Backend {
  if (dtype === 'float64') return jsBackend;
  return (active ??= choose());
}

/** Forces a backend (tests compare js and native this way). */
export function setBackend(b: Backend): void {
  active = b;
}

/** Why the native backend could not load, or null. */
export function nativeUnavailableReason(): string | null {
  backend();
  return nativeProblem;
}

export { jsBackend };
export type { Backend } from './backend.js';
