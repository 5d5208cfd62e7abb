// Loads the native addon built by `npm install` (build/Release/recur_native.node under the package root)
// and applies RECUR_ISA (portable|avx2|avx512: force a lower instruction set) and RECUR_THREADS.
// Returns the backend, or the reason it cannot be used (the caller warns once and falls back to js).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Backend } from '../backend.js';
import type { NativeAddon, NativeBackend } from './addon.js';
import { createNativeBackend } from './native-backend.js';

/** The folder holding recur's package.json, searched upwards from this file (src/ or build/src/). */
function packageRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'recur') return dir;
      } catch {
        // not ours; keep looking
      }
    }
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

let cached: { backend: NativeBackend } | { problem: string } | null = null;

/** The native backend with its test controls (setIsa, isas, math), or why it cannot be used. */
export function loadNativeBackend(): { backend: NativeBackend } | { problem: string } {
  return (cached ??= load());
}

function load(): { backend: NativeBackend } | { problem: string } {
  const root = packageRoot();
  if (!root) return { problem: "recur's package.json was not found above " + fileURLToPath(import.meta.url) };
  const file = join(root, 'build', 'Release', 'recur_native.node');
  if (!existsSync(file)) return { problem: `${file} does not exist (the native build was skipped or failed; run \`npm run build\`)` };
  let addon: NativeAddon;
  try {
    addon = createRequire(import.meta.url)(file) as NativeAddon;
  } catch (e) {
    return { problem: `${file} failed to load: ${(e as Error).message}` };
  }
  const backend = createNativeBackend(addon);
  const isa = process.env['RECUR_ISA'];
  if (isa !== undefined && isa !== '' && !backend.setIsa(isa)) {
    return { problem: `RECUR_ISA: expected one of ${backend.isas.join(', ')} (what this CPU supports), got '${isa}'` };
  }
  const threads = process.env['RECUR_THREADS'];
  if (threads !== undefined && threads !== '') {
    const n = Number(threads);
    if (!Number.isInteger(n) || n < 1) return { problem: `RECUR_THREADS: expected a positive integer, got '${threads}'` };
    backend.setThreads(n);
  }
  return { backend };
}

export function loadNative(): { backend: Backend } | { problem: string } {
  return loadNativeBackend();
}
