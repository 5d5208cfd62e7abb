import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DataError } from '../../../src/errors.js';
import { mobyDick, readTextFile, textCorpus } from '../../../src/tasks/charlm/corpus.js';

test('mobyDick trains on everything up to chapter 120 and holds out chapters 121–135 and the Epilogue', (t) => {
  const { train, val } = mobyDick();
  assert.ok(train.startsWith('CONTENTS'), train.slice(0, 20));
  assert.ok(train.endsWith('Oh, take medicine, take medicine!"'), train.slice(-40));
  assert.ok(val.startsWith('CHAPTER 121. Midnight.—The Forecastle Bulwarks.'), val.slice(0, 60));
  assert.ok(val.endsWith('only found another orphan.'), val.slice(-40));
  assert.ok(train.includes('\n\nCHAPTER 120. The Deck Towards the End of the First Night Watch.\n\n'));
  const count = (text: string, s: string): number => text.split(s).length - 1;
  assert.equal(count(train, 'CHAPTER 120.'), 2); // the table of contents and the chapter
  assert.equal(count(train, 'CHAPTER 121.'), 1); // the table of contents only
  assert.equal(count(val, 'CHAPTER 120.'), 0);
  assert.ok(val.includes('\n\nCHAPTER 135. The Chase.—Third Day.\n\nThe morning of') && val.includes('\n\nEpilogue "AND I ONLY'));
  const [nTrain, nVal] = [Array.from(train).length, Array.from(val).length];
  t.diagnostic(`moby-dick: train ${nTrain} characters, val ${nVal} characters`);
  assert.equal(nTrain, 1084867);
  assert.equal(nVal, 132526);
});

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'recur-corpus-'));
}

test('textCorpus holds out the last fraction of a file at a code-point boundary', () => {
  const dir = tmp();
  const path = join(dir, 'a.txt');
  writeFileSync(path, '\uFEFF' + 'abcdefgh😀j'); // BOM dropped; 10 code points, 11 UTF-16 units
  assert.deepEqual(textCorpus(path, 0.2), { train: 'abcdefgh', val: '😀j' });
  assert.deepEqual(textCorpus(path, 0.3), { train: 'abcdefg', val: 'h😀j' });
  assert.equal(readTextFile(path), 'abcdefgh😀j');
  const long = join(dir, 'long.txt');
  writeFileSync(long, 'x'.repeat(95) + 'yyyyy');
  assert.deepEqual(textCorpus(long), { train: 'x'.repeat(90), val: 'x'.repeat(5) + 'yyyyy' });
});

test('textCorpus rejects missing, empty, binary, non-UTF-8 and too-short files with DataError', () => {
  const dir = tmp();
  const files: Record<string, Uint8Array | string> = {
    'empty.txt': '', 'bom.txt': '\uFEFF', 'bin.dat': Uint8Array.of(0x41, 0x00, 0x42), 'latin1.txt': Uint8Array.of(0x63, 0x61, 0x66, 0xe9), 'short.txt': 'abc',
  };
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
  mkdirSync(join(dir, 'folder'));
  const cases: [string, string, RegExp][] = [
    ['missing.txt', 'expected a UTF-8 text file, got no such file', /check the path/],
    ['folder', 'expected a UTF-8 text file, got a folder', /check the path/],
    ['empty.txt', 'expected text, got an empty file', /some text/],
    ['bom.txt', 'expected text, got only a byte-order mark', /some text/],
    ['bin.dat', 'expected UTF-8 text, got binary data (NUL bytes at byte 1)', /plain text file/],
    ['latin1.txt', 'expected UTF-8 text, got bytes that are not valid UTF-8', /iconv/],
    ['short.txt', 'expected a text long enough to split into training and held-out parts of at least 2 characters each, got 3 characters (3 + 0)', /longer text/],
  ];
  for (const [name, message, hint] of cases) {
    const path = join(dir, name);
    assert.throws(() => textCorpus(path), (e: unknown) =>
      e instanceof DataError && e.code === 'bad_data' && e.message === `${path}: ${message}` && hint.test(e.hint), name);
  }
});

test('textCorpus rejects a valFraction outside (0, 1) with ConfigError', () => {
  for (const f of [0, 1, -0.1, Number.NaN]) {
    assert.throws(() => textCorpus('whatever.txt', f), (e: unknown) =>
      e instanceof ConfigError && e.code === 'bad_config' && e.message === `valFraction: expected a number in (0, 1), got ${f}` && /10 %/.test(e.hint));
  }
});
