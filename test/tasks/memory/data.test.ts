import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../../src/errors.js';
import { COPY, addingBaselineMse, addingBatch, copyBaselineXent, copyBatch } from '../../../src/tasks/memory/data.js';
import { Rng } from '../../../src/tensor/rng.js';

test('each adding sequence has one marker in each half and its target is the sum of the marked values', () => {
  const [T, B] = [11, 50];
  const { x, y } = addingBatch(T, B, new Rng(3));
  for (let b = 0; b < B; b++) {
    const marked: number[] = [];
    for (let t = 0; t < T; t++) {
      const [v, m] = [x[(t * B + b) * 2]!, x[(t * B + b) * 2 + 1]!];
      assert.ok(v >= 0 && v < 1, `value ${v}`);
      assert.ok(m === 0 || m === 1);
      if (m === 1) marked.push(t);
    }
    assert.equal(marked.length, 2);
    assert.ok(marked[0]! < 5 && marked[1]! >= 5, `markers at ${marked.join(', ')}`);
    assert.equal(y[b], Math.fround(x[(marked[0]! * B + b) * 2]! + x[(marked[1]! * B + b) * 2]!));
  }
});

test('adding batches are reproducible from the seed and differ between seeds', () => {
  assert.deepEqual(addingBatch(20, 4, new Rng(7)).x, addingBatch(20, 4, new Rng(7)).x);
  assert.notDeepEqual(addingBatch(20, 4, new Rng(7)).x, addingBatch(20, 4, new Rng(8)).x);
});

test('predicting the mean scores an MSE near 1/6 on the adding problem', () => {
  const { y } = addingBatch(10, 20000, new Rng(1));
  assert.ok(Math.abs(addingBaselineMse(y) - 1 / 6) < 0.005, String(addingBaselineMse(y)));
  assert.equal(addingBaselineMse([0.5, 1.5]), 0.25);
});

test('a copy sequence shows 10 symbols, waits, gives the delimiter, and its target repeats the symbols at the end', () => {
  const [T, B] = [7, 3];
  const { x, y, S } = copyBatch(T, B, new Rng(2));
  assert.equal(S, T + 20);
  for (let b = 0; b < B; b++) {
    const col = (a: Int32Array): number[] => Array.from({ length: S }, (_, t) => a[t * B + b]!);
    const [xi, yi] = [col(x), col(y)];
    assert.ok(xi.slice(0, 10).every((s) => s >= 1 && s <= COPY.symbols));
    assert.deepEqual(xi.slice(10), [...Array(T - 1).fill(0), COPY.delimiter, ...Array(10).fill(0)]);
    assert.deepEqual(yi, [...Array(T + 10).fill(0), ...xi.slice(0, 10)]);
  }
});

test('the memoryless copy baseline is 10·ln 8/(T + 20) nats per step', () => {
  assert.equal(copyBaselineXent(100), (10 * Math.log(8)) / 120);
  assert.ok(Math.abs(copyBaselineXent(50) - 0.29706) < 1e-5);
});

test('a too-short adding sequence is a ConfigError', () => {
  assert.throws(() => addingBatch(1, 4, new Rng(1)), (e: unknown) => e instanceof ConfigError && /adding T: expected an integer ≥ 2, got 1/.test(e.message));
  assert.throws(() => copyBatch(5, 0, new Rng(1)), (e: unknown) => e instanceof ConfigError && /copy B: expected an integer ≥ 1, got 0/.test(e.message));
});
