import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DataError } from '../../../src/errors.js';
import { fontCodePoints, missingChars } from '../../../src/tasks/ocr/coverage.js';

const files = 'node_modules/@fontsource';

test('a Devanagari subset file covers क and ि but not Latin letters; a Latin one the reverse', () => {
  const dev = fontCodePoints(`${files}/hind/files/hind-devanagari-400-normal.woff2`);
  const lat = fontCodePoints(`${files}/roboto/files/roboto-latin-400-normal.woff2`);
  assert.ok(dev.has(0x915) && dev.has(0x93f) && !dev.has(0x41));
  assert.ok(lat.has(0x41) && lat.has(0x7a) && !lat.has(0x915));
});

test('karma\'s Devanagari file has no space glyph, which only the cmap reveals', () => {
  assert.equal(fontCodePoints(`${files}/karma/files/karma-devanagari-400-normal.woff2`).has(32), false);
});

test('missingChars lists each uncovered character once and ignores spaces', () => {
  assert.deepEqual(missingChars('aक बa क', new Set([0x61])), ['क', 'ब']);
});

test('a missing or non-font file gives a DataError', () => {
  assert.throws(() => fontCodePoints('/no/such/font.woff2'), (e) => e instanceof DataError && e.code === 'bad_data' && /expected a readable file/.test(e.message));
  const bad = join(mkdtempSync(join(tmpdir(), 'cov-')), 'x.woff2');
  writeFileSync(bad, 'wOF2 this is not a font at all, just some text');
  assert.throws(() => fontCodePoints(bad), (e) => e instanceof DataError && /expected a WOFF2, TTF or OTF font/.test(e.message));
});
