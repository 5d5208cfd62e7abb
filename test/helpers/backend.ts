// Runs test code with one backend active: the shared helper of the tests that compare js and native.
import type { Backend } from '../../src/backend/backend.js';
import { backend, setBackend } from '../../src/backend/index.js';

/** Runs `f` with backend `b` active, then restores the previous one (also when `f` throws). */
export function using<T>(b: Backend, f: () => T): T {
  const before = backend();
  setBackend(b);
  try {
    return f();
  } finally {
    setBackend(before);
  }
}
