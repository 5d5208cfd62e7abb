import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CheckpointError, DataError } from '../../../src/errors.js';
import { Alphabet } from '../../../src/tasks/ocr/alphabet.js';

test('an alphabet encodes code points to ids from 1 and decodes skipping the blank', () => {
  const a = new Alphabet([...'कि ab']);
  assert.equal(a.size, 6);
  assert.deepEqual([...a.encode('कि')], [1, 2]);
  assert.equal(a.decode([0, 4, 0, 5, 3]), 'ab ');
  assert.equal(Alphabet.fromJSON(a.toJSON()).decode(a.encode('a कि')), 'a कि');
});

test('a character outside the alphabet is a DataError naming it', () => {
  assert.throws(() => new Alphabet([...'ab']).encode('abc'), (e) => e instanceof DataError && /got "c" \(U\+0063\)/.test(e.message));
});

test('a damaged stored alphabet is a CheckpointError', () => {
  assert.throws(() => Alphabet.fromJSON(['ab']), (e) => e instanceof CheckpointError && e.code === 'bad_checkpoint');
  assert.throws(() => Alphabet.fromJSON('abc'), CheckpointError);
});
