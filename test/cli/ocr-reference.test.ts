import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { findTesseract } from '../../src/tasks/ocr/tesseract.js';
import { recur } from './run-cli.js';

const installed = ((): boolean => {
  try {
    return findTesseract().langs.includes('eng');
  } catch {
    return false;
  }
})();

test('recur ocr-reference without tesseract on PATH exits 2 with error and an apt-get hint', () => {
  const empty = mkdtempSync(join(tmpdir(), 'no-tesseract-'));
  const r = recur(['ocr-reference', '--script', 'digits', '--test-lines', '2'], { PATH: empty });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^error: tesseract: expected the program 'tesseract' to be installed, got no such program$/m);
  assert.match(r.stderr, /^hint: install it: apt-get install tesseract-ocr /m);
});

test('recur ocr-reference --json scores tesseract on the digit test lines with the fields of recur train ocr', (t) => {
  if (!installed) { t.skip('tesseract with eng is not installed'); return; }
  const r = recur(['ocr-reference', '--script', 'digits', '--test-lines', '6', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.match(String(s['engine']), /^tesseract \d/);
  assert.equal(s['script'], 'digits');
  assert.equal(s['test_lines'], 6);
  for (const k of ['cer', 'wer', 'sequence_accuracy', 'sequence_accuracy_5', 'cer_5']) {
    assert.ok(typeof s[k] === 'number' && (s[k] as number) >= 0, `${k}: ${String(s[k])}`);
  }
});
