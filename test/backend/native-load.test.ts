// Loading the native addon: RECUR_ISA forces a lower instruction set, RECUR_THREADS sets the thread
// count, and a bad value of either is reported as the reason the backend cannot be used. Each case runs
// in a child process because the loader reads the environment once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { loadNativeBackend } from '../../src/backend/native/load.js';

const loaded = loadNativeBackend();
const skip = 'problem' in loaded ? `native addon not built: ${loaded.problem}` : false;
const loader = new URL('../../src/backend/native/load.js', import.meta.url).href;

/** What loadNative() gives in a fresh process with `env` added: { name, isa, threads } or { problem }. */
function loadWith(env: Record<string, string>): { name?: string; isa?: string; threads?: number; problem?: string } {
  const script = `import { loadNative } from ${JSON.stringify(loader)};
    const r = loadNative();
    console.log(JSON.stringify('backend' in r ? { name: r.backend.name, isa: r.backend.isa, threads: r.backend.threads } : r));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ...env }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { name?: string; isa?: string; threads?: number; problem?: string };
}

test('the native backend reports its name, the best ISA by default, and the thread count', { skip }, () => {
  const be = 'backend' in loaded ? loaded.backend : null;
  const r = loadWith({ RECUR_ISA: '', RECUR_THREADS: '' });
  assert.equal(r.name, 'native');
  assert.equal(r.isa, be!.bestIsa);
  assert.ok(r.threads! >= 1);
});

test('RECUR_ISA=portable and RECUR_THREADS=3 are applied', { skip }, () => {
  assert.deepEqual(loadWith({ RECUR_ISA: 'portable', RECUR_THREADS: '3' }), { name: 'native', isa: 'portable', threads: 3 });
});

test('an unknown RECUR_ISA is the reason the native backend is not used', { skip }, () => {
  const r = loadWith({ RECUR_ISA: 'sse9' });
  assert.match(r.problem ?? '', /^RECUR_ISA: expected one of portable.*, got 'sse9'$/);
});

test('a RECUR_THREADS that is not a positive integer is the reason the native backend is not used', { skip }, () => {
  assert.equal(loadWith({ RECUR_THREADS: 'two' }).problem, "RECUR_THREADS: expected a positive integer, got 'two'");
  assert.equal(loadWith({ RECUR_THREADS: '0' }).problem, "RECUR_THREADS: expected a positive integer, got '0'");
});
