import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { measure } from '../../bench/measure.js';
import { TORCH_PEER, lastJsonLine, peerEnv, runTorch, tfjsWasmPath, torchVersion } from '../../bench/peers.js';

test('the PyTorch peer gets its threads pinned and the slow OpenBLAS presets removed', () => {
  const base = { OPENBLAS_CORETYPE: 'Haswell', OPENBLAS_L2_SIZE: '512', PATH: '/bin', OMP_NUM_THREADS: '8' };
  const env = peerEnv(base, 2);
  assert.equal(env['OPENBLAS_CORETYPE'], undefined);
  assert.equal(env['OPENBLAS_L2_SIZE'], undefined);
  assert.deepEqual([env['OPENBLAS_NUM_THREADS'], env['OMP_NUM_THREADS'], env['MKL_NUM_THREADS'], env['PATH']], ['2', '2', '2', '/bin']);
  assert.equal(base.OPENBLAS_CORETYPE, 'Haswell', 'recur\'s own environment is untouched');
});

test('a missing python makes the PyTorch peer a note, not an error', () => {
  const v = torchVersion('/nonexistent/python3');
  assert.ok('problem' in v && /cannot run/.test(v.problem));
  const r = runTorch('/nonexistent/python3', 'W1', 1, 1, {});
  assert.ok('problem' in r && /torch_peer\.py W1 1 failed/.test(r.problem));
});

test('the peer script is found beside the bench sources', () => {
  assert.ok(existsSync(TORCH_PEER), TORCH_PEER);
});

test('the last JSON object line of a noisy stdout is the result', () => {
  assert.deepEqual(lastJsonLine('warning: x\n{"a": 1}\n{"b": 2}\nbye\n'), { b: 2 });
  assert.deepEqual(lastJsonLine('{"a": 1}\n{broken\n'), { a: 1 });
  assert.equal(lastJsonLine('nothing here\n[1]\n'), null);
});

test('tfjs-wasm is looked up without failing when it is absent', () => {
  const p = tfjsWasmPath();
  assert.ok(p === null || typeof p === 'string');
});

test('a recur measurement reports the metric with the backend, its instruction set and threads', () => {
  const m = measure('G-32x320x1024', 2, { M: 2, K: 3, N: 4 });
  assert.equal(m.workload, 'G-32x320x1024');
  assert.equal(m.metric, 'GFLOP/s');
  assert.ok(m.median_ms >= 0 && m.value > 0);
  assert.ok(m.backend === 'js' || m.backend === 'native');
  assert.equal(typeof m.isa, 'string');
  assert.ok(m.threads >= 1);
  assert.ok(Number.isFinite(m.check));
});
