import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../../../src/errors.js';
import { plainStyle } from '../../../src/tasks/ocr/augment.js';
import { fontsFor } from '../../../src/tasks/ocr/fonts.js';
import { ocrScores } from '../../../src/tasks/ocr/metrics.js';
import { renderLine } from '../../../src/tasks/ocr/render.js';
import { cleanTesseractText, expectLanguage, findTesseract, linePgm, readWithTesseract } from '../../../src/tasks/ocr/tesseract.js';
import { Rng } from '../../../src/tensor/rng.js';

const dir = mkdtempSync(join(tmpdir(), 'tesseract-test-'));
const missing = join(dir, 'no-such-tesseract');
const line = { data: new Float32Array([0, 1, 0.5, 0, 0, 1]), height: 2, width: 3 };

/** An executable shell script standing in for tesseract. */
function fake(name: string, script: string): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${script}\n`);
  chmodSync(p, 0o755);
  return p;
}

const installed = ((): boolean => {
  try {
    return findTesseract().langs.includes('eng');
  } catch {
    return false;
  }
})();

test('a missing tesseract program is a ConfigError with an apt-get hint', () => {
  const check = (e: unknown): boolean => e instanceof ConfigError && e.code === 'bad_config'
    && /^tesseract: expected the program '.*no-such-tesseract' to be installed, got no such program$/.test(e.message)
    && /apt-get install tesseract-ocr/.test(e.hint);
  assert.throws(() => findTesseract(missing), check);
  assert.throws(() => readWithTesseract([line], 'latin', { binary: missing }), check);
});

test('a tesseract without the language a script needs is a ConfigError naming its Debian package', () => {
  const info = { binary: 'tesseract', version: '5.3.0', langs: ['eng', 'osd'] };
  assert.doesNotThrow(() => expectLanguage(info, 'latin'));
  assert.doesNotThrow(() => expectLanguage(info, 'digits'));
  assert.throws(() => expectLanguage(info, 'devanagari'), (e) => e instanceof ConfigError
    && /^tesseract language 'hin' \(for devanagari lines\): expected it in `tesseract --list-langs`, got eng, osd$/.test(e.message)
    && /apt-get install tesseract-ocr-hin/.test(e.hint));
});

test('the version and languages are read from the program, and a failing run is a ConfigError', () => {
  const bin = fake('fake-tesseract', [
    'case "$1" in',
    '  --version) echo "tesseract 9.9.1"; echo " leptonica-1.82.0";;',
    '  --list-langs) echo "List of available languages in \\"/x/\\" (2):"; echo eng; echo osd;;',
    '  *) echo "Error: cannot read input" >&2; exit 1;;',
    'esac',
  ].join('\n'));
  assert.deepEqual(findTesseract(bin), { binary: bin, version: '9.9.1', langs: ['eng', 'osd'] });
  assert.throws(() => readWithTesseract([line], 'devanagari', { binary: bin }), (e) => e instanceof ConfigError && /language 'hin'/.test(e.message));
  assert.throws(() => readWithTesseract([line], 'latin', { binary: bin }), (e) => e instanceof ConfigError
    && /^tesseract .*list-0\.txt: expected exit status 0, got 1: Error: cannot read input$/.test(e.message));
});

test('bad image options are ConfigErrors before tesseract runs', () => {
  assert.throws(() => readWithTesseract([line], 'latin', { binary: missing, height: 4 }), (e) => e instanceof ConfigError && /^tesseract height: expected an integer in \[8, 512\], got 4$/.test(e.message));
  assert.throws(() => readWithTesseract([line], 'latin', { binary: missing, margin: -1 }), (e) => e instanceof ConfigError && /margin/.test(e.message));
});

test('a line becomes a PGM of dark ink on white with a white margin', () => {
  const pgm = linePgm(line, 2, 1);
  const head = 'P5\n5 4\n255\n';
  assert.equal(pgm.subarray(0, head.length).toString('ascii'), head);
  const px = [...pgm.subarray(head.length)];
  assert.deepEqual(px, [
    255, 255, 255, 255, 255,
    255, 255, 0, 128, 255,
    255, 255, 255, 0, 255,
    255, 255, 255, 255, 255,
  ]);
  const big = linePgm(line, 8, 0);
  assert.equal(big.subarray(0, 11).toString('ascii'), 'P5\n12 8\n255');
});

test("tesseract's text is cleaned as the reference lines are: NFC, ASCII quotes, no zero-width joiners, one space", () => {
  assert.equal(cleanTesseractText('  \u201cIt\u2019s\u201d \u2014  a\tline\n\n'), '"It\'s" - a line');
  assert.equal(cleanTesseractText('क्\u200dया'), 'क्या');
  assert.equal(cleanTesseractText('e\u0301'), '\u00e9');
});

test('tesseract reads a clean Latin line in a test font almost exactly', (t) => {
  if (!installed) { t.skip('tesseract with eng is not installed'); return; }
  const font = fontsFor('latin', 'test', []).fonts.find((f) => f.pkg === 'lato' && f.weight === 400);
  assert.ok(font, 'lato is installed');
  const texts = ['Call me Ishmael. Some years ago', 'the whale, 1851; and the sea'];
  const images = texts.map((s) => renderLine(s, font, plainStyle(32), new Rng(1)));
  const read = readWithTesseract(images, 'latin');
  assert.equal(read.length, 2);
  assert.ok(ocrScores(read, texts).cer < 0.1, JSON.stringify(read));
});
