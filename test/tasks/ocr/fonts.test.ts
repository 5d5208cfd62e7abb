import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, DataError } from '../../../src/errors.js';
import { FONT_SPLIT, fontsFor } from '../../../src/tasks/ocr/fonts.js';

test('the train, validation and test font families are disjoint', () => {
  const all = [...FONT_SPLIT.train, ...FONT_SPLIT.val, ...FONT_SPLIT.test];
  assert.equal(new Set(all).size, all.length);
  assert.ok(FONT_SPLIT.test.length >= 3 && FONT_SPLIT.val.length >= 1);
});

test('Devanagari fonts are only families with a Devanagari subset, each registered and covering क्ष', () => {
  const { fonts } = fontsFor('devanagari', 'test', 'क्ष');
  assert.deepEqual([...new Set(fonts.map((f) => f.pkg))].sort(), ['martel', 'mukta', 'noto-sans-devanagari']);
  for (const f of fonts) assert.ok(f.covered.has(0x915) && f.covered.has(0x94d) && f.covered.has(0x937));
});

test('a font without the required characters is dropped, and none left is a DataError', () => {
  assert.throws(() => fontsFor('latin', 'val', 'ж'), (e) => e instanceof DataError && /expected at least one font covering the script/.test(e.message) && /libre-baskerville 400 \(no glyph for U\+0436\)/.test(e.hint));
});

test('an unknown script or split is a ConfigError', () => {
  assert.throws(() => fontsFor('greek' as never, 'train', 'a'), (e) => e instanceof ConfigError && /script: expected one of latin, devanagari, got "greek"/.test(e.message));
  assert.throws(() => fontsFor('latin', 'dev' as never, 'a'), ConfigError);
});
