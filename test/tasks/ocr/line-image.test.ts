import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataError } from '../../../src/errors.js';
import { inkFromLuminance, normaliseInk, resize } from '../../../src/tasks/ocr/line-image.js';

/** A 20×60 page of luminance `bg` with a `fg` block at rows 5–14, columns 10–49. */
function page(bg: number, fg: number): Float32Array {
  const p = new Float32Array(20 * 60).fill(bg);
  for (let y = 5; y < 15; y++) for (let x = 10; x < 50; x++) p[y * 60 + x] = fg;
  return p;
}

test('dark text on a light page and light text on a dark page give the same ink map', () => {
  const a = inkFromLuminance(page(0.9, 0.1))!;
  const b = inkFromLuminance(page(0.1, 0.9))!;
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 1e-5);
  assert.ok(a[5 * 60 + 10]! > 0.999);
  assert.ok(a[0]! < 0.01); // the background level is estimated to 1/1024
});

test('a page without contrast has no ink', () => {
  assert.equal(inkFromLuminance(new Float32Array(100).fill(0.7)), null);
});

test('normalising crops to the ink plus margins and keeps the aspect ratio at height 32', () => {
  const ink = inkFromLuminance(page(1, 0))!;
  const line = normaliseInk(ink, 60, 20, { margin: 0 });
  assert.equal(line.height, 32);
  assert.equal(line.width, 128); // 40×10 ink → 128×32
  assert.equal(line.data.length, 32 * 128);
  assert.ok(line.data[16 * 128 + 64]! > 0.99);
});

test('a blank ink map is a DataError', () => {
  assert.throws(() => normaliseInk(new Float32Array(200), 20, 10), (e) => e instanceof DataError && /got no ink/.test(e.message));
});

test('resizing a constant image keeps it constant', () => {
  const out = resize(new Float32Array(7 * 13).fill(0.25), 13, 7, 5, 3);
  for (const v of out) assert.ok(Math.abs(v - 0.25) < 1e-6);
});
