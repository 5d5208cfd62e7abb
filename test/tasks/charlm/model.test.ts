import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckpointError, ConfigError, ShapeError } from '../../../src/errors.js';
import { crossEntropy } from '../../../src/loss/cross-entropy.js';
import { CharLM, type CellType, charLMParamCount, hiddenForParams } from '../../../src/tasks/charlm/model.js';
import { Rng } from '../../../src/tensor/rng.js';

const base = { vocabSize: 11, embed: 4, hidden: 6, layers: 2, dropout: 0.25 };

test('CharLM uses PyTorch parameter names and charLMParamCount matches its parameter count', () => {
  const model = new CharLM({ ...base, cell: 'lstm' });
  assert.deepEqual(model.namedParameters().map(([n, t]) => `${n} [${t.shape.join(', ')}]`), [
    'embed.weight [11, 4]',
    'rnn.weight_ih_l0 [24, 4]', 'rnn.weight_hh_l0 [24, 6]', 'rnn.bias_ih_l0 [24]', 'rnn.bias_hh_l0 [24]',
    'rnn.weight_ih_l1 [24, 6]', 'rnn.weight_hh_l1 [24, 6]', 'rnn.bias_ih_l1 [24]', 'rnn.bias_hh_l1 [24]',
    'head.weight [11, 6]', 'head.bias [11]',
  ]);
  for (const cell of ['lstm', 'gru', 'rnn'] as const) {
    for (const layers of [1, 3]) {
      for (const dropout of [0, 0.5]) {
        const o = { vocabSize: 90, cell, embed: 16, hidden: 24, layers, dropout };
        assert.equal(charLMParamCount(o), new CharLM(o).parameterCount(), JSON.stringify(o));
      }
    }
  }
  // By hand: V·E + 4H(E + H + 2) + 4H(2H + 2) + V·H + V for the 2-layer LSTM above.
  assert.equal(charLMParamCount({ ...base, cell: 'lstm' }), 11 * 4 + 24 * 12 + 24 * 14 + 11 * 6 + 11);
});

test('CharLM.forward maps time-major ids [T·B] to logits [T·B, V] and carries the state', () => {
  const model = new CharLM({ ...base, cell: 'gru', dropout: 0 }, { rng: new Rng(3), dtype: 'float64' });
  const ids = Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 1]); // T = 4, B = 3
  const whole = model.forward(ids, 4, 3);
  assert.deepEqual(whole.logits.shape, [12, 11]);
  assert.deepEqual(whole.state.h.shape, [2, 3, 6]);
  assert.equal(whole.state.c, undefined);
  // Two chunks of 2 steps with the state carried give the same logits as one chunk of 4.
  const a = model.forward(ids.subarray(0, 6), 2, 3);
  const b = model.forward(ids.subarray(6), 2, 3, a.state);
  const joined = [...a.logits.data, ...b.logits.data];
  joined.forEach((v, i) => assert.ok(Math.abs(v - whole.logits.data[i]!) < 1e-12));
  // Gradients reach every parameter.
  crossEntropy(whole.logits, Array.from(ids, (v) => (v + 1) % 11)).backward();
  for (const [n, p] of model.namedParameters()) assert.ok(p.grad && p.grad.some((g) => g !== 0), n);
});

test('CharLM draws every random number from the one Rng it is given, dropout masks included', () => {
  const ids = Int32Array.from([1, 2, 3, 4, 5, 6]);
  const run = (): number[] => {
    const rng = new Rng(9);
    const model = new CharLM({ ...base, cell: 'lstm', dropout: 0.5 }, { rng });
    const saved = rng.getState();
    const first = Array.from(model.forward(ids, 3, 2).logits.data);
    rng.setState(saved); // the same masks again
    const again = Array.from(model.forward(ids, 3, 2).logits.data);
    assert.deepEqual(first, again);
    const third = Array.from(model.forward(ids, 3, 2).logits.data);
    assert.notDeepEqual(first, third);
    model.eval();
    const e1 = Array.from(model.forward(ids, 3, 2).logits.data);
    assert.deepEqual(e1, Array.from(model.forward(ids, 3, 2).logits.data)); // no dropout in eval
    return first;
  };
  assert.deepEqual(run(), run());
});

test('CharLM.config round-trips through fromConfig, ignoring the task and vocab keys', () => {
  const model = new CharLM({ ...base, cell: 'rnn' }, { rng: new Rng(5) });
  const config = { task: 'charlm', ...model.config(), vocab: { chars: 'abcdefghij' } };
  const back = CharLM.fromConfig(JSON.parse(JSON.stringify(config)), { rng: new Rng(5) });
  assert.deepEqual(back.config(), { ...base, cell: 'rnn' });
  assert.deepEqual(back.namedParameters().map(([n, t]) => [n, Array.from(t.data)]), model.namedParameters().map(([n, t]) => [n, Array.from(t.data)]));
});

test('CharLM rejects bad options with ConfigError and a bad stored config with CheckpointError', () => {
  const cases: [object, string][] = [
    [{ ...base, cell: 'tcn' }, `CharLM.cell: expected 'lstm', 'gru' or 'rnn', got "tcn"`],
    [{ ...base, cell: 'lstm', vocabSize: 1 }, 'CharLM.vocabSize: expected an integer ≥ 2, got 1'],
    [{ ...base, cell: 'lstm', hidden: 0 }, 'CharLM.hidden: expected an integer ≥ 1, got 0'],
    [{ ...base, cell: 'lstm', dropout: 1 }, 'CharLM.dropout: expected a number in [0, 0.99], got 1'],
    [{ ...base, cell: 'lstm', hiden: 3 }, "CharLM: unknown option 'hiden'"],
  ];
  for (const [o, message] of cases) {
    assert.throws(() => new CharLM(o as never), (e: unknown) => e instanceof ConfigError && e.code === 'bad_config' && e.message === message, message);
  }
  assert.throws(() => CharLM.fromConfig({ ...base }), (e: unknown) =>
    e instanceof CheckpointError && e.code === 'bad_checkpoint' && e.message === "CharLM config: expected key 'cell', got keys [vocabSize, embed, hidden, layers, dropout]" && /charlm/.test(e.hint));
  assert.throws(() => CharLM.fromConfig({ ...base, cell: 'lstm', layers: 'two' }), (e: unknown) =>
    e instanceof CheckpointError && e.code === 'bad_checkpoint' && e.message === 'CharLM config: CharLM.layers: expected an integer ≥ 1, got "two"' && /re-save/.test(e.hint));
  const model = new CharLM({ ...base, cell: 'lstm' });
  assert.throws(() => model.forward(Int32Array.from([1, 2, 3]), 2, 2), (e: unknown) =>
    e instanceof ConfigError && e.code === 'bad_config' && e.message === 'CharLM.forward ids: expected T·B = 2·2 = 4 ids, got 3' && /time-major/.test(e.hint));
  const { state } = model.forward(Int32Array.from([1, 2, 3, 4]), 2, 2);
  assert.throws(() => model.forward(Int32Array.from([1, 2, 3]), 1, 3, state), (e: unknown) =>
    e instanceof ShapeError && e.code === 'shape_mismatch' && e.message === 'LSTM state h: expected shape [2, 3, 6], got [2, 2, 6]');
});

test('hiddenForParams picks the hidden size whose parameter count is closest to the target', () => {
  const count = (cell: CellType, hidden: number): number => charLMParamCount({ vocabSize: 90, cell, embed: 64, hidden, layers: 2 });
  const target = count('lstm', 256);
  assert.equal(hiddenForParams('lstm', 2, 64, 90, target), 256);
  for (const cell of ['gru', 'rnn'] as const) {
    const h = hiddenForParams(cell, 2, 64, 90, target);
    const gap = Math.abs(count(cell, h) - target);
    assert.ok(gap <= Math.abs(count(cell, h - 1) - target) && gap <= Math.abs(count(cell, h + 1) - target), `${cell} ${h}`);
    assert.ok(gap / target < 0.01, `${cell} ${h}: ${count(cell, h)} vs ${target}`);
  }
  assert.equal(hiddenForParams('gru', 2, 64, 90, target), 297);
  assert.equal(hiddenForParams('rnn', 2, 64, 90, target), 516);
  assert.equal(hiddenForParams('lstm', 1, 4, 10, 1), 1); // below the smallest model: H = 1
  assert.throws(() => hiddenForParams('lstm', 2, 64, 90, 0), (e: unknown) =>
    e instanceof ConfigError && e.code === 'bad_config' && e.message === 'hiddenForParams targetParams: expected an integer ≥ 1, got 0');
});
