import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../../src/errors.js';
import { CharLM } from '../../../src/tasks/charlm/model.js';
import { sampleText } from '../../../src/tasks/charlm/sample.js';
import { Vocab } from '../../../src/tasks/charlm/vocab.js';
import { Rng } from '../../../src/tensor/rng.js';

const vocab = Vocab.fromText('abcdefgh ijk\n');

function model(): CharLM {
  return new CharLM({ vocabSize: vocab.size, cell: 'lstm', embed: 6, hidden: 12, layers: 2, dropout: 0.3 }, { rng: new Rng(5) });
}

test('sampleText is deterministic for a seed, and draws only known characters', () => {
  const m = model();
  const a = sampleText(m, vocab, { prompt: 'abc', length: 300, temperature: 1.5, rng: new Rng(1) });
  const b = sampleText(m, vocab, { prompt: 'abc', length: 300, temperature: 1.5, rng: new Rng(1) });
  const c = sampleText(m, vocab, { prompt: 'abc', length: 300, temperature: 1.5, rng: new Rng(2) });
  assert.equal(Array.from(a).length, 300);
  assert.equal(a, b);
  assert.notEqual(a, c);
  assert.ok([...a].every((ch) => vocab.chars.includes(ch)), a);
  assert.equal(m.training, true, 'the training mode is restored');
  assert.equal(sampleText(m, vocab, { length: 0 }), '');
});

test('sampleText at temperature 0 takes the most likely character at every step', () => {
  const m = model();
  const prompt = 'bad ice';
  const got = sampleText(m, vocab, { prompt, length: 20, temperature: 0 });
  m.eval();
  let out = m.forward(vocab.encode(prompt), prompt.length, 1);
  let text = '';
  for (let i = 0; i < 20; i++) {
    const row = Array.from(out.logits.data.subarray((out.logits.shape[0]! - 1) * vocab.size));
    const id = row.indexOf(Math.max(...row.slice(1))); // never the unknown symbol
    text += vocab.decode([id]);
    out = m.forward(Int32Array.of(id), 1, 1, out.state);
  }
  assert.equal(got, text);
  // top-k = 1 is greedy at any temperature, and ignores the random draws.
  assert.equal(sampleText(m, vocab, { prompt, length: 20, temperature: 2, topK: 1, rng: new Rng(9) }), text);
});

test('sampleText maps unknown prompt characters to the unknown symbol and never samples it', () => {
  const m = model();
  m.head.bias!.data[0] = 50; // the unknown symbol would win every draw if it were allowed
  const s = sampleText(m, vocab, { prompt: 'xyz😀 abc', length: 100, temperature: 1, topK: 3, rng: new Rng(3) });
  assert.equal(Array.from(s).length, 100);
  assert.ok(!s.includes(Vocab.UNKNOWN_CHAR));
  assert.ok(!sampleText(m, vocab, { length: 50, temperature: 0 }).includes(Vocab.UNKNOWN_CHAR));
});

test('sampleText rejects bad options with ConfigError', () => {
  const m = model();
  const cases: [object, string][] = [
    [{ length: -1 }, 'sampleText length: expected an integer ≥ 0, got -1'],
    [{ temperature: -0.5 }, 'sampleText temperature: expected a number ≥ 0, got -0.5'],
    [{ temperature: Number.POSITIVE_INFINITY }, 'sampleText temperature: expected a number ≥ 0, got Infinity'],
    [{ topK: 1.5 }, 'sampleText topK: expected an integer ≥ 0, got 1.5'],
    [{ prompt: 42 }, 'sampleText prompt: expected a string, got number'],
    [{ rng: 7 }, 'sampleText rng: expected an Rng, got 7'],
    [{ seed: 7 }, "sampleText: unknown option 'seed'"],
  ];
  for (const [o, message] of cases) {
    assert.throws(() => sampleText(m, vocab, o as never), (e: unknown) => e instanceof ConfigError && e.code === 'bad_config' && e.message === message, message);
  }
  assert.throws(() => sampleText(m, Vocab.fromText('ab'), {}), (e: unknown) =>
    e instanceof ConfigError && e.message === "vocab: expected 14 symbols (the model's vocabSize), got 3" && /model file/.test(e.hint));
});
