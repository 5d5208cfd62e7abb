import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../../src/errors.js';
import { alphabetFor, batchLines, drawBatch, fixedSamples, lineSource } from '../../../src/tasks/ocr/dataset.js';
import { composeDigits, digitRange } from '../../../src/tasks/ocr/digits.js';
import { FONT_SPLIT } from '../../../src/tasks/ocr/fonts.js';
import { textLines } from '../../../src/tasks/ocr/text-source.js';
import { Rng } from '../../../src/tensor/rng.js';

test('rendered lines are 32 px high, labelled with text the alphabet covers, in fonts of their split', () => {
  for (const kind of ['latin', 'devanagari'] as const) {
    const src = lineSource({ kind, split: 'test' });
    const rng = new Rng(5);
    for (let i = 0; i < 4; i++) {
      const s = src.next(rng);
      assert.equal(s.image.height, 32);
      assert.equal(s.image.data.length, 32 * s.image.width);
      assert.ok(s.image.width >= 4 && Array.from(s.text).length <= 40);
      assert.ok(src.alphabet.covers(s.text));
      assert.ok(FONT_SPLIT.test.some((p) => s.font.startsWith(`recur-ocr-${p}-`)), s.font);
      assert.ok(Math.max(...s.image.data) > 0.9, 'the line has ink');
    }
  }
});

test('the same seed gives the same lines', () => {
  const a = fixedSamples(lineSource({ kind: 'devanagari', split: 'val' }), 3, 11);
  const b = fixedSamples(lineSource({ kind: 'devanagari', split: 'val' }), 3, 11);
  assert.deepEqual(a.map((s) => s.text), b.map((s) => s.text));
  assert.deepEqual([...a[2]!.image.data], [...b[2]!.image.data]);
});

test('alphabets: printable ASCII for Latin, Devanagari letters and matras for Devanagari, ten digits', () => {
  const latin = alphabetFor('latin');
  assert.ok(latin.covers('Call me Ishmael. "Whale?" (1851)'));
  const dev = alphabetFor('devanagari');
  assert.ok(dev.covers('फ़ाइल खोलें') && !dev.covers('A'));
  assert.equal(alphabetFor('digits').size, 11);
});

test('validation and test text lines do not overlap, for either script', () => {
  for (const kind of ['latin', 'devanagari'] as const) {
    const test = new Set(textLines(kind, 'test'));
    assert.ok(test.size > 100);
    const shared = textLines(kind, 'val').filter((l) => test.has(l) && l.length > 20);
    assert.ok(shared.length < 0.02 * test.size, `${kind}: ${shared.length} shared lines`);
  }
});

test('digit strings have 1–8 digits from their split\'s MNIST samples, which are disjoint by index', () => {
  const src = lineSource({ kind: 'digits', split: 'train' });
  const rng = new Rng(2);
  for (let i = 0; i < 10; i++) assert.match(src.next(rng).text, /^[0-9]{1,8}$/);
  for (let d = 0; d < 10; d++) {
    const [tr, va, te] = [digitRange(d, 'train'), digitRange(d, 'val'), digitRange(d, 'test')];
    assert.ok(tr[0] === 0 && tr[1] === va[0] && va[1] === te[0] && te[1] > te[0]);
  }
  const five = lineSource({ kind: 'digits', split: 'test', minDigits: 5, maxDigits: 5 }).next(rng);
  assert.equal(five.text.length, 5);
  assert.throws(() => composeDigits('12a', 'test', rng), ConfigError);
  assert.throws(() => lineSource({ kind: 'digits', split: 'test', minDigits: 3, maxDigits: 2 }), ConfigError);
});

test('batching pads lines on the right with zeros and keeps each width', () => {
  const im = (w: number, v: number) => ({ data: new Float32Array(32 * w).fill(v), height: 32, width: w });
  const { x, widths } = batchLines([im(5, 1), im(8, 0.5)]);
  assert.deepEqual(x.shape, [2, 1, 32, 8]);
  assert.deepEqual([...widths], [5, 8]);
  assert.equal(x.data[4], 1);
  assert.equal(x.data[5], 0);
  assert.throws(() => batchLines([]), ConfigError);
  assert.throws(() => batchLines([im(5, 1), { data: new Float32Array(16 * 5), height: 16, width: 5 }]), (e) => e instanceof ConfigError && /expected every image 32 px high, got 16/.test(e.message));
});

test('a training batch holds lines of similar length, and a length range restricts the draw', () => {
  const src = lineSource({ kind: 'latin', split: 'val', strength: 0 });
  const rng = new Rng(8);
  const batch = drawBatch(src, 6, rng);
  const L = Array.from(batch[0]!.text).length;
  const d = Math.max(2, Math.ceil(0.15 * L));
  for (const s of batch) assert.ok(Math.abs(Array.from(s.text).length - L) <= d, `${s.text} vs ${L}`);
  assert.equal(Array.from(src.next(rng, { min: 12, max: 12 }).text).length, 12);
  assert.equal(lineSource({ kind: 'digits', split: 'val' }).next(rng, { min: 3, max: 3 }).text.length, 3);
});
