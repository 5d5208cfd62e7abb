// Loads the native addon built by `npm install` (build/Release/recur_native.node), if it is there.
import type { Backend } from '../backend.js';

export function loadNative(): { backend: Backend } | { problem: string } {
  return { problem: 'the native addon is not built yet' };
}
