// Timing helpers for `npm run bench`: run a step after warm-up, record each call's wall time, take the
// median. Medians, not means: these machines are noisy and one GC pause should not move the result.
import { performance } from 'node:perf_hooks';

/** Median of a non-empty list (the mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('median of an empty list');
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Fast calls (a small GEMM takes 0.1 ms) keep going past `steps` until this much time is timed, so their
 * median is over thousands of calls; likewise the warm-up (thread pools and caches settle). torch_peer.py
 * uses the same numbers.
 */
export const MIN_TIMED_MS = 500;
export const MIN_WARMUP_MS = 200;
const MAX_CALLS = 100_000;

/**
 * Warms up with at least `warmup` untimed calls (and MIN_WARMUP_MS), then times at least `steps` calls (and
 * MIN_TIMED_MS); returns each timed call's milliseconds.
 */
export function timeSteps(step: () => void, steps: number, warmup: number, minTimedMs = MIN_TIMED_MS, minWarmupMs = MIN_WARMUP_MS): number[] {
  const w0 = performance.now();
  for (let i = 0; i < MAX_CALLS && (i < warmup || performance.now() - w0 < minWarmupMs); i++) step();
  const ms: number[] = [];
  let total = 0;
  while (ms.length < MAX_CALLS && (ms.length < steps || total < minTimedMs)) {
    const t0 = performance.now();
    step();
    const dt = performance.now() - t0;
    ms.push(dt);
    total += dt;
  }
  return ms;
}
