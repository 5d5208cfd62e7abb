import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SIZES, WORKLOADS, type Sizes, makeWorkload, metricOf, metricValue } from '../../bench/workloads.js';

// Tiny versions of each workload: the same code paths, a few hundred values.
const TINY: Record<string, Sizes> = {
  W1: { V: 7, E: 3, H: 5, B: 2, T: 4 }, W2: { V: 7, E: 3, H: 5, B: 2, T: 4 },
  W3: { I: 3, H: 4, L: 2, B: 2, T: 5, C: 3 },
  W4: { I: 3, H: 4, S: 6 }, 'W4-seq': { I: 3, H: 4, S: 6 },
  W5: { I: 3, H: 4, B: 3, T: 5, C: 2 },
  'G-32x320x1024': { M: 3, K: 5, N: 4 }, 'G-2048x64x1024': { M: 2, K: 3, N: 7 }, 'G-1024x1024x1024': { M: 4, K: 4, N: 4 },
};

test('the default sizes are the issue\'s workloads', () => {
  assert.deepEqual(DEFAULT_SIZES.W1, { V: 96, E: 64, H: 256, B: 32, T: 64 });
  assert.deepEqual(DEFAULT_SIZES.W2, DEFAULT_SIZES.W1);
  assert.deepEqual(DEFAULT_SIZES.W3, { I: 40, H: 128, L: 2, B: 16, T: 200, C: 30 });
  assert.deepEqual(DEFAULT_SIZES.W4, { I: 128, H: 512, S: 1000 });
  assert.deepEqual(DEFAULT_SIZES.W5, { I: 32, H: 128, B: 64, T: 100, C: 10 });
  assert.deepEqual(DEFAULT_SIZES['G-2048x64x1024'], { M: 2048, K: 64, N: 1024 });
});

test('every workload builds at tiny sizes and its step computes a finite result', () => {
  for (const name of WORKLOADS) {
    const w = makeWorkload(name, TINY[name]);
    assert.equal(w.name, name);
    assert.equal(w.metric, metricOf(name).metric);
    w.step();
    assert.ok(Number.isFinite(w.check()), `${name} check ${w.check()}`);
  }
});

test('the training workloads lower their loss on their fixed batch', () => {
  for (const name of ['W1', 'W2', 'W3', 'W5'] as const) {
    const w = makeWorkload(name, TINY[name]);
    w.step();
    const first = w.check();
    for (let i = 0; i < 30; i++) w.step();
    assert.ok(w.check() < first, `${name}: loss ${first} → ${w.check()}`);
  }
});

test('W4 one step per call through lstm.stream() ends where W4-seq\'s single call ends', () => {
  const step = makeWorkload('W4', TINY.W4);
  const seq = makeWorkload('W4-seq', TINY['W4-seq']);
  step.step();
  seq.step();
  assert.ok(Math.abs(step.check() - seq.check()) < 1e-5, `${step.check()} vs ${seq.check()}`);
  step.step();
  assert.ok(Math.abs(step.check() - seq.check()) < 1e-5, 'each call starts from a zero state');
});

test('a GEMM workload computes A·B', () => {
  const w = makeWorkload('G-32x320x1024', { M: 1, K: 2, N: 1 }, 3);
  w.step();
  assert.ok(w.check() !== 0);
});

test('the metrics are B·T/s, B/s, µs per step and 2·M·N·K flops per second', () => {
  assert.equal(metricValue('W1', {}, 1000), 32 * 64);
  assert.equal(metricValue('W3', {}, 500), 2 * 16 * 200);
  assert.equal(metricValue('W5', {}, 2000), 32);
  assert.equal(metricValue('W4', {}, 30), 30);
  assert.equal(metricValue('W4-seq', { S: 10 }, 1), 100);
  assert.equal(metricValue('G-1024x1024x1024', {}, 1000), (2 * 1024 ** 3) / 1e9);
  assert.deepEqual(metricOf('W4'), { metric: 'µs/step', higherIsBetter: false });
  assert.deepEqual(metricOf('W2'), { metric: 'tokens/s', higherIsBetter: true });
  assert.deepEqual(metricOf('W5'), { metric: 'sequences/s', higherIsBetter: true });
  const w = makeWorkload('W1', TINY.W1);
  assert.equal(w.value(1000), 2 * 4);
});
