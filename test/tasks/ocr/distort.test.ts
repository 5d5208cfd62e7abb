import assert from 'node:assert/strict';
import { test } from 'node:test';
import { composeDigits } from '../../../src/tasks/ocr/digits.js';
import { distortGlyph } from '../../../src/tasks/ocr/distort.js';
import { lineSource } from '../../../src/tasks/ocr/dataset.js';
import { Rng } from '../../../src/tensor/rng.js';

/** A 28×28 glyph: a filled 6×16 bar in the middle. */
function bar(): Float32Array {
  const g = new Float32Array(28 * 28);
  for (let y = 6; y < 22; y++) for (let x = 11; x < 17; x++) g[y * 28 + x] = 1;
  return g;
}

const mass = (g: Float32Array): number => g.reduce((s, v) => s + v, 0);

test('strength 0 returns an exact copy and draws nothing from the Rng', () => {
  const rng = new Rng(5);
  const before = rng.getState();
  const out = distortGlyph(bar(), 28, rng, { strength: 0 });
  assert.deepEqual(out, bar());
  assert.deepEqual(rng.getState(), before);
});

test('a distorted glyph differs from the source, stays in [0, 1], keeps roughly its ink, and repeats with the seed', () => {
  const a = distortGlyph(bar(), 28, new Rng(7));
  const b = distortGlyph(bar(), 28, new Rng(7));
  assert.deepEqual(a, b);
  let changed = 0;
  for (let i = 0; i < a.length; i++) {
    assert.ok(a[i]! >= 0 && a[i]! <= 1);
    if (Math.abs(a[i]! - bar()[i]!) > 0.5) changed++;
  }
  assert.ok(changed >= 5, `${changed} pixels changed`);
  const ratio = mass(a) / mass(bar());
  assert.ok(ratio > 0.6 && ratio < 1.5, `ink ratio ${ratio}`);
});

test('only training digit lines are distorted: validation and test lines show the real MNIST digits', () => {
  for (const split of ['val', 'test'] as const) {
    const line = lineSource({ kind: 'digits', split, minDigits: 3, maxDigits: 3 }).next(new Rng(11));
    // The same draws without the source: the line composes the same real digits.
    const rng = new Rng(11);
    rng.int(1); // the length draw (3…3)
    const text = String(rng.int(10)) + String(rng.int(10)) + String(rng.int(10));
    assert.equal(text, line.text);
    assert.deepEqual(composeDigits(text, split, rng, { rng }).data, line.image.data);
  }
  const train = lineSource({ kind: 'digits', split: 'train', minDigits: 3, maxDigits: 3 }).next(new Rng(11));
  const rng = new Rng(11);
  rng.int(1);
  const text = String(rng.int(10)) + String(rng.int(10)) + String(rng.int(10));
  assert.notDeepEqual(composeDigits(text, 'train', rng, { rng }).data, train.image.data);
});
