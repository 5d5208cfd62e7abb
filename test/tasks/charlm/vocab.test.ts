import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckpointError, DataError } from '../../../src/errors.js';
import { Vocab } from '../../../src/tasks/charlm/vocab.js';

test('Vocab puts the unknown symbol at 0 and the training characters after it, sorted by code point', () => {
  const vocab = Vocab.fromText('hello');
  assert.equal(vocab.size, 5);
  assert.deepEqual(vocab.chars, ['e', 'h', 'l', 'o']);
  assert.deepEqual(Array.from(vocab.encode('help')), [2, 1, 3, 0]);
  assert.equal(vocab.decode([2, 1, 3, 0]), 'hel\uFFFD');
  assert.equal(vocab.id('o'), 4);
  assert.equal(vocab.id('z'), Vocab.UNKNOWN);
});

test('Vocab counts astral-plane characters as one symbol each and round-trips them', () => {
  const text = 'a😀b𝄞a😀é';
  const vocab = Vocab.fromText(text);
  assert.deepEqual(vocab.chars, ['a', 'b', 'é', '𝄞', '😀']); // U+1D11E before U+1F600: sorted by code point
  const ids = vocab.encode(text);
  assert.equal(ids.length, 7);
  assert.deepEqual(Array.from(ids), [1, 5, 2, 4, 1, 5, 3]);
  assert.equal(vocab.decode(ids), text);
  assert.deepEqual(Array.from(vocab.encode('😀x🎉')), [5, 0, 0]);
  assert.equal(vocab.decode(vocab.encode('😀x🎉')), '😀\uFFFD\uFFFD');
});

test('Vocab survives toJSON / fromJSON as one string of characters', () => {
  const vocab = Vocab.fromText('the 😀 quick fox\n');
  const json = JSON.parse(JSON.stringify(vocab.toJSON()));
  assert.deepEqual(json, { chars: '\n cefhikoqtux😀' });
  const back = Vocab.fromJSON(json);
  assert.deepEqual(back.chars, vocab.chars);
  assert.deepEqual(Array.from(back.encode('quick 😀!')), Array.from(vocab.encode('quick 😀!')));
});

test('Vocab.fromJSON rejects a damaged vocabulary with CheckpointError', () => {
  const cases: [unknown, string][] = [
    [null, 'vocab: expected { chars: a non-empty string }, got null'],
    ['abc', 'vocab: expected { chars: a non-empty string }, got "abc"'],
    [{ chars: '' }, 'vocab: expected { chars: a non-empty string }, got {"chars":""}'],
    [{ chars: 42 }, 'vocab: expected { chars: a non-empty string }, got {"chars":42}'],
    [{ chars: 'acb' }, 'vocab chars: expected distinct characters sorted by code point, got "c" before "b" at position 2'],
    [{ chars: 'abb' }, 'vocab chars: expected distinct characters sorted by code point, got "b" before "b" at position 2'],
  ];
  for (const [json, message] of cases) {
    assert.throws(() => Vocab.fromJSON(json), (e: unknown) =>
      e instanceof CheckpointError && e.code === 'bad_checkpoint' && e.message === message && /re-save/.test(e.hint), message);
  }
});

test('Vocab rejects an empty training text and ids outside the vocabulary with DataError', () => {
  assert.throws(() => Vocab.fromText(''), (e: unknown) =>
    e instanceof DataError && e.code === 'bad_data' && e.message === 'vocabulary text: expected a non-empty string, got an empty string' && /training text/.test(e.hint));
  const vocab = Vocab.fromText('ab');
  for (const [id, i] of [[3, 1], [-1, 1], [1.5, 1]] as const) {
    assert.throws(() => vocab.decode([1, id]), (e: unknown) =>
      e instanceof DataError && e.code === 'bad_data' && e.message === `ids[${i}]: expected an integer in [0, 3), got ${id}` && /3 symbols/.test(e.hint));
  }
});
