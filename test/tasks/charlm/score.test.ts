import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, DataError } from '../../../src/errors.js';
import { crossEntropy } from '../../../src/loss/cross-entropy.js';
import { mobyDick } from '../../../src/tasks/charlm/corpus.js';
import { CharLM } from '../../../src/tasks/charlm/model.js';
import { modelBpc, modelNats, ngramBpc } from '../../../src/tasks/charlm/score.js';
import { Vocab } from '../../../src/tasks/charlm/vocab.js';
import { Rng } from '../../../src/tensor/rng.js';

test('modelNats scores every character but the first exactly once, whatever the batch and chunk size', () => {
  // An RNN with every weight zero keeps h = 0, so its logits are head.bias: each character has a fixed,
  // distinct cost, and a character scored twice or skipped would change the total.
  const vocab = Vocab.fromText('abcdefghij');
  const model = new CharLM({ vocabSize: vocab.size, cell: 'rnn', embed: 3, hidden: 4, layers: 2, dropout: 0.3 }, { dtype: 'float64' });
  for (const [, p] of model.namedParameters()) p.data.fill(0);
  const bias = model.head.bias!.data;
  for (let v = 0; v < vocab.size; v++) bias[v] = 0.05 * 2 ** v;
  const logZ = Math.log(Array.from(bias).reduce((s, b) => s + Math.exp(b), 0));
  const text = 'abcdefghizjj'; // 'z' is unknown: it counts as the unknown symbol (id 0)
  const ids = vocab.encode(text);
  let expected = 0;
  for (let i = 1; i < ids.length; i++) expected += logZ - bias[ids[i]!]!;
  for (const batch of [1, 2, 3, 4, 5, 10, 11, 12, 32]) {
    for (const seq of [1, 2, 3, 100]) {
      const { nats, chars } = modelNats(model, ids, { batch, seq });
      assert.equal(chars, 11);
      assert.ok(Math.abs(nats - expected) < 1e-9, `batch ${batch} seq ${seq}: ${nats} vs ${expected}`);
    }
  }
  assert.equal(model.training, true, 'the training mode is restored');
});

test('modelNats runs each stream from a zero state and carries the state through it', () => {
  const vocab = Vocab.fromText('the cat sat on a mat');
  const model = new CharLM({ vocabSize: vocab.size, cell: 'lstm', embed: 5, hidden: 7, layers: 2, dropout: 0 }, { rng: new Rng(4), dtype: 'float64' });
  const ids = vocab.encode('a cat sat on the mat'); // N = 20: M = 19 targets
  const forwardNats = (from: number, to: number): number => { // targets [from, to) in one pass from zeros
    const { logits } = model.forward(ids.slice(from - 1, to - 1), to - from, 1);
    return crossEntropy(logits, ids.slice(from, to), { reduction: 'sum' }).item();
  };
  const one = modelNats(model, ids, { batch: 1, seq: 4 });
  assert.ok(Math.abs(one.nats - forwardNats(1, 20)) < 1e-9);
  // batch 4: 19 = 4·4 + 3, so the streams hold 5, 5, 5 and 4 targets starting at positions 1, 6, 11, 16.
  const four = modelNats(model, ids, { batch: 4, seq: 2 });
  const expected = forwardNats(1, 6) + forwardNats(6, 11) + forwardNats(11, 16) + forwardNats(16, 20);
  assert.ok(Math.abs(four.nats - expected) < 1e-9, `${four.nats} vs ${expected}`);
  assert.equal(four.chars, 19);
  const score = modelBpc(model, vocab, 'a cat sat on the mat', { batch: 4, seq: 2 });
  assert.ok(Math.abs(score.loss - expected / 19) < 1e-12 && Math.abs(score.bpc - expected / 19 / Math.LN2) < 1e-12);
});

test('ngramBpc computes add-α unigram and bigram bits per character by hand on a toy text', () => {
  // Vocabulary {unknown, a, b}, V = 3. Scored: 'b' and 'c' (unknown) of "abc".
  // Unigram, α = 1: p(b) = (2 + 1)/(4 + 3), p(unknown) = (0 + 1)/(4 + 3).
  const uni = ngramBpc(1, 'abab', 'abc', { alpha: 1 });
  assert.equal(uni.chars, 2);
  assert.equal(uni.alpha, 1);
  assert.ok(Math.abs(uni.bpc - -(Math.log2(3 / 7) + Math.log2(1 / 7)) / 2) < 1e-12);
  // Bigram, α = 0.5: bigrams ab ×2, ba ×1; p(b|a) = (2 + .5)/(2 + 1.5), p(unknown|b) = (0 + .5)/(1 + 1.5).
  const bi = ngramBpc(2, 'abab', 'abc', { alpha: 0.5 });
  assert.ok(Math.abs(bi.bpc - -(Math.log2(2.5 / 3.5) + Math.log2(0.5 / 2.5)) / 2) < 1e-12);
  assert.ok(Math.abs(bi.loss - bi.bpc * Math.LN2) < 1e-12);
});

test('ngramBpc chooses α by leave-one-out on the training text: tiny for a deterministic text', () => {
  const train = 'abcabcabcabcabcabc';
  const bi = ngramBpc(2, train, 'cabcab');
  assert.equal(bi.alpha, 1e-6); // the smallest candidate: every bigram is certain
  assert.ok(bi.bpc < 1e-4, String(bi.bpc));
  assert.equal(ngramBpc(2, train, 'cabcab', { alpha: bi.alpha }).bpc, bi.bpc);
  const uni = ngramBpc(1, train, 'cabcab');
  assert.ok(Math.abs(uni.bpc - Math.log2(3 + 4 * uni.alpha / 6)) < 0.01, `${uni.bpc} ${uni.alpha}`); // ≈ log2 3
});

test('ngramBpc on Moby Dick gives the unigram and bigram baselines of the held-out chapters', (t) => {
  const { train, val } = mobyDick();
  const uni = ngramBpc(1, train, val);
  const bi = ngramBpc(2, train, val);
  t.diagnostic(`moby-dick val (${uni.chars} characters scored): unigram ${uni.bpc.toFixed(3)} bpc (α ${uni.alpha}), bigram ${bi.bpc.toFixed(3)} bpc (α ${bi.alpha.toPrecision(3)})`);
  assert.equal(uni.chars, 132525);
  assert.ok(uni.bpc > 4.3 && uni.bpc < 4.6, String(uni.bpc));
  assert.ok(bi.bpc > 3.3 && bi.bpc < 3.6, String(bi.bpc));
});

test('the scoring functions reject bad options, a mismatched vocabulary and too-short texts', () => {
  const vocab = Vocab.fromText('abc');
  const model = new CharLM({ vocabSize: 4, cell: 'gru', embed: 2, hidden: 3, layers: 1, dropout: 0 });
  const isError = (cls: typeof ConfigError | typeof DataError, code: string, message: string, hint?: RegExp) => (e: unknown): boolean =>
    e instanceof cls && e.code === code && e.message === message && (hint === undefined || hint.test(e.hint));
  assert.throws(() => modelBpc(model, Vocab.fromText('ab'), 'abc'), isError(ConfigError, 'bad_config', "vocab: expected 4 symbols (the model's vocabSize), got 3", /model file/));
  assert.throws(() => modelBpc(model, vocab, 'a'), isError(DataError, 'bad_data', 'text to score: expected at least 2 characters, got 1', /at least one character/));
  assert.throws(() => modelBpc(model, vocab, 'abc', { batch: 0 }), isError(ConfigError, 'bad_config', 'modelBpc batch: expected an integer ≥ 1, got 0'));
  assert.throws(() => modelBpc(model, vocab, 'abc', { steps: 3 } as never), isError(ConfigError, 'bad_config', "modelBpc: unknown option 'steps'", /batch, seq/));
  assert.throws(() => ngramBpc(3 as never, 'abc', 'abc'), isError(ConfigError, 'bad_config', 'ngramBpc order: expected 1 (unigram) or 2 (bigram), got 3', /baselines/));
  assert.throws(() => ngramBpc(1, 'abc', 'abc', { alpha: 0 }), isError(ConfigError, 'bad_config', 'ngramBpc alpha: expected a number > 0, got 0', /Laplace/));
  assert.throws(() => ngramBpc(2, 'abc', 'c'), isError(DataError, 'bad_data', 'text to score: expected at least 2 characters, got 1'));
});
