import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseCsvSequence, parseJsonSequence, randomSequence, readSequenceFile } from '../../src/diagnose/input-sequence.js';
import { DataError } from '../../src/errors.js';
import { Rng } from '../../src/tensor/rng.js';

function expectDataError(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DataError, String(e));
    assert.equal(e.code, 'bad_data');
    assert.match(e.message, message);
    return true;
  });
}

test('a JSON array of rows is T × I; a flat array is T × 1', () => {
  assert.deepEqual(parseJsonSequence('[[1, 2], [3, -4.5], [0, 1e-3]]'), { T: 3, I: 2, x: Float64Array.from([1, 2, 3, -4.5, 0, 1e-3]) });
  assert.deepEqual(parseJsonSequence('[0.5, 1, 2]'), { T: 3, I: 1, x: Float64Array.from([0.5, 1, 2]) });
});

test('a CSV is T rows × I columns, with an optional header line and blank lines ignored', () => {
  assert.deepEqual(parseCsvSequence('a,b\n1,2\n\n3, 4\r\n'), { T: 2, I: 2, x: Float64Array.from([1, 2, 3, 4]) });
  assert.deepEqual(parseCsvSequence('7\n-8\n'), { T: 2, I: 1, x: Float64Array.from([7, -8]) });
});

test('bad sequences are DataErrors that say where', () => {
  expectDataError(() => parseJsonSequence('[[1, 2], [3]]', 'x.json'), /x\.json row 2: expected 2 values \(as row 1\), got 1/);
  expectDataError(() => parseJsonSequence('[[1, "a"]]', 'x.json'), /x\.json\[0\]\[1\]: expected a finite number, got "a"/);
  expectDataError(() => parseJsonSequence('[1, [2]]', 'x.json'), /x\.json\[1\]: expected a finite number, got \[2\]/);
  expectDataError(() => parseJsonSequence('[[1], 2]', 'x.json'), /x\.json\[1\]: expected an array of numbers \(one step\), got 2/);
  expectDataError(() => parseJsonSequence('[]', 'x.json'), /x\.json: expected at least one row \(one per step\), got none/);
  expectDataError(() => parseJsonSequence('[[]]', 'x.json'), /x\.json row 1: expected at least one number, got an empty row/);
  expectDataError(() => parseJsonSequence('{"x": 1}', 'x.json'), /x\.json: expected a JSON array of T rows, got object/);
  expectDataError(() => parseJsonSequence('[1,', 'x.json'), /x\.json: expected JSON, got invalid JSON/);
  expectDataError(() => parseCsvSequence('1,2\n3,x\n', 'x.csv'), /x\.csv line 2, column 2: expected a finite number, got 'x'/);
  expectDataError(() => parseCsvSequence('1,2\n3,NaN\n', 'x.csv'), /x\.csv line 2, column 2: expected a finite number, got 'NaN'/);
  expectDataError(() => parseCsvSequence('1,2\n3\n', 'x.csv'), /x\.csv row 2: expected 2 values \(as row 1\), got 1/);
  expectDataError(() => parseCsvSequence('\n\n', 'x.csv'), /x\.csv: expected at least one row/);
});

test('files are read as JSON or CSV by extension or content, and a missing file is a DataError', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'recur-seq-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'a.json'), '[[1],[2]]');
  writeFileSync(join(dir, 'b.txt'), ' [[1, 2]]');
  writeFileSync(join(dir, 'c.csv'), 'x\n1\n2\n3\n');
  assert.deepEqual(readSequenceFile(join(dir, 'a.json')), { T: 2, I: 1, x: Float64Array.from([1, 2]) });
  assert.deepEqual(readSequenceFile(join(dir, 'b.txt')), { T: 1, I: 2, x: Float64Array.from([1, 2]) });
  assert.deepEqual(readSequenceFile(join(dir, 'c.csv')).T, 3);
  expectDataError(() => readSequenceFile(join(dir, 'none.csv')), /none\.csv: expected a readable file, got no such file/);
  expectDataError(() => readSequenceFile(dir), /expected a readable file, got a folder/);
});

test('random sequences are N(0, 1) and reproducible from the seed', () => {
  const a = randomSequence(400, 5, new Rng(9));
  assert.deepEqual(a, randomSequence(400, 5, new Rng(9)));
  assert.notDeepEqual(a.x, randomSequence(400, 5, new Rng(10)).x);
  const mean = a.x.reduce((s, v) => s + v, 0) / a.x.length;
  const variance = a.x.reduce((s, v) => s + (v - mean) ** 2, 0) / a.x.length;
  assert.ok(Math.abs(mean) < 0.1 && Math.abs(variance - 1) < 0.1, `mean ${mean}, variance ${variance}`);
});
