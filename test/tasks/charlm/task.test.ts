import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckpointError, ConfigError, DataError } from '../../../src/errors.js';
import { crossEntropy } from '../../../src/loss/cross-entropy.js';
import { Adam } from '../../../src/optim/adam.js';
import { clipGradNorm } from '../../../src/optim/clip.js';
import { CharLM, type CharLMOptions, type CharLMState } from '../../../src/tasks/charlm/model.js';
import { modelBpc } from '../../../src/tasks/charlm/score.js';
import { CharLMTask, charLMFromConfig } from '../../../src/tasks/charlm/task.js';
import { Vocab } from '../../../src/tasks/charlm/vocab.js';
import { Rng } from '../../../src/tensor/rng.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import type { TaskState } from '../../../src/train/task.js';

const TRAIN = 'It is a way I have of driving off the spleen and regulating the circulation. ';
const VAL = 'Whenever I find myself growing grim about the mouth.';

test('CharLMTask feeds contiguous streams, carries the detached state and resets it when the streams wrap', () => {
  const vocab = Vocab.fromText(TRAIN);
  const model = new CharLM({ vocabSize: vocab.size, cell: 'lstm', embed: 4, hidden: 5, layers: 2, dropout: 0 }, { rng: new Rng(2), dtype: 'float64' });
  const [B, T] = [3, 5];
  const task = new CharLMTask({ model, vocab, train: TRAIN, val: VAL, batch: B, seq: T });
  const ids = vocab.encode(TRAIN); // 77 characters: S = 25 per stream, ⌊24/5⌋ = 4 steps per epoch
  const S = 25;
  assert.equal(task.stepsPerEpoch(), 4);
  let state: CharLMState | undefined;
  const expectedLoss = (k: number): number => { // step k of an epoch, by hand
    const x = new Int32Array(T * B);
    const y = new Int32Array(T * B);
    for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) {
      x[t * B + b] = ids[b * S + k * T + t]!;
      y[t * B + b] = ids[b * S + k * T + t + 1]!;
    }
    const out = model.forward(x, T, B, k === 0 ? undefined : state);
    state = out.state;
    return crossEntropy(out.logits, y).item();
  };
  const rng = new Rng(0);
  for (let epoch = 0; epoch < 2; epoch++) {
    for (let k = 0; k < 4; k++) {
      assert.equal(task.epochs, epoch);
      const { loss, count } = task.trainStep(rng);
      assert.equal(count, 15);
      assert.ok(Math.abs(loss.item() - expectedLoss(k)) < 1e-12, `epoch ${epoch} step ${k}`);
      assert.equal(task.saveState().tensors.get('h')?.requiresGrad ?? false, false);
    }
  }
  assert.equal(task.epochs, 2);
  assert.deepEqual(task.saveState(), { json: { streamPos: 0, epoch: 2 }, tensors: new Map() });
});

/** A run to checkpoint: model (float32, dropout on), Adam, the one Rng, the task. */
function makeRun(options: CharLMOptions, seed: number) {
  const vocab = Vocab.fromText(TRAIN);
  const rng = new Rng(seed);
  const model = new CharLM({ ...options, vocabSize: vocab.size }, { rng });
  const opt = new Adam(model.namedParameters(), { lr: 0.01 });
  const task = new CharLMTask({ model, vocab, train: TRAIN, val: VAL, batch: 4, seq: 8 }); // S = 19: ⌊18/8⌋ = 2 steps per epoch
  const step = (): number => {
    opt.zeroGrad();
    const { loss } = task.trainStep(rng);
    loss.backward();
    clipGradNorm(model.parameters(), 1);
    opt.step();
    return loss.item();
  };
  return { model, opt, rng, task, step };
}

type Run = ReturnType<typeof makeRun>;

/** Everything a trainer checkpoints, passed through JSON and float32 copies as a file would. */
function checkpoint(run: Run) {
  const s = run.task.saveState();
  const task: TaskState = {
    json: JSON.parse(JSON.stringify(s.json)) as Record<string, unknown>,
    tensors: new Map([...s.tensors].map(([k, t]) => [k, Tensor.from(Float32Array.from(t.data), t.shape)])),
  };
  return { weights: new Map([...run.model.stateDict()].map(([k, t]) => [k, t.clone()])), opt: run.opt.stateDict(), rng: run.rng.getState(), task };
}

function restore(options: CharLMOptions, saved: ReturnType<typeof checkpoint>): Run {
  const run = makeRun(options, 12345); // other initial weights and Rng: everything must come from the checkpoint
  run.model.loadStateDict(saved.weights);
  run.opt.loadStateDict(saved.opt);
  run.rng.setState(saved.rng);
  run.task.loadState(saved.task);
  return run;
}

test('CharLMTask state save/load resumes bit for bit, with and without a carried state', () => {
  for (const cell of ['lstm', 'gru'] as const) {
    const options = { vocabSize: 0, cell, embed: 6, hidden: 10, layers: 2, dropout: 0.2 };
    const a = makeRun(options, 7);
    a.step();
    a.step(); // the streams wrap here: no carried state
    const atWrap = checkpoint(a);
    assert.equal(atWrap.task.tensors.size, 0);
    a.step();
    const mid = checkpoint(a);
    assert.deepEqual(mid.task.json, { streamPos: 8, epoch: 1 });
    assert.deepEqual([...mid.task.tensors.keys()], cell === 'lstm' ? ['h', 'c'] : ['h']);
    const after = [a.step(), a.step()];
    const weights = a.model.parameters().map((p) => Array.from(p.data));

    const b = restore(options, mid);
    assert.deepEqual([b.step(), b.step()], after, `${cell}: losses after resuming`);
    assert.deepEqual(b.model.parameters().map((p) => Array.from(p.data)), weights, `${cell}: weights after resuming`);
    assert.equal(b.task.epochs, 2);

    const c = restore(options, atWrap);
    c.step();
    assert.deepEqual([c.step(), c.step()], after, `${cell}: resuming from 'no state yet'`);
  }
});

test('CharLMTask.evaluate scores the validation text in eval mode and leaves the model training', () => {
  const vocab = Vocab.fromText(TRAIN);
  const rng = new Rng(3);
  const model = new CharLM({ vocabSize: vocab.size, cell: 'lstm', embed: 4, hidden: 8, layers: 2, dropout: 0.5 }, { rng });
  const task = new CharLMTask({ model, vocab, train: TRAIN, val: VAL, batch: 2, seq: 4, evalBatch: 3 });
  const before = rng.getState();
  const r = task.evaluate();
  assert.deepEqual(Object.keys(r), ['loss', 'bpc']);
  assert.deepEqual(rng.getState(), before, 'no dropout masks drawn');
  assert.equal(model.training, true);
  assert.ok(Math.abs(r.bpc - r.loss / Math.LN2) < 1e-12);
  assert.deepEqual(task.evaluate(), r);
  const direct = modelBpc(model, vocab, VAL, { batch: 3 });
  assert.equal(direct.loss, r.loss);
  assert.equal(direct.chars, Array.from(VAL).length - 1);
});

test('CharLMTask.modelConfig rebuilds the model and vocabulary through charLMFromConfig', () => {
  const vocab = Vocab.fromText(TRAIN);
  const model = new CharLM({ vocabSize: vocab.size, cell: 'gru', embed: 4, hidden: 8, layers: 1, dropout: 0 });
  const task = new CharLMTask({ model, vocab, train: TRAIN, val: VAL, batch: 2, seq: 4 });
  const config = JSON.parse(JSON.stringify(task.modelConfig())) as Record<string, unknown>;
  assert.deepEqual(config, { task: 'charlm', vocabSize: vocab.size, cell: 'gru', embed: 4, hidden: 8, layers: 1, dropout: 0, vocab: { chars: vocab.chars.join('') } });
  const back = charLMFromConfig(config);
  assert.deepEqual(back.model.config(), model.config());
  assert.deepEqual(back.vocab.chars, vocab.chars);
  const bad: [Record<string, unknown>, string][] = [
    [{ ...config, task: 'ocr' }, `model config task: expected 'charlm', got "ocr"`],
    [{ ...config, vocabSize: 5 }, `model config vocabSize: expected ${vocab.size} (the stored vocabulary's size), got 5`],
    [{ ...config, vocab: { chars: 'ba' } }, 'vocab chars: expected distinct characters sorted by code point, got "b" before "a" at position 1'],
  ];
  for (const [c, message] of bad) {
    assert.throws(() => charLMFromConfig(c), (e: unknown) => e instanceof CheckpointError && e.code === 'bad_checkpoint' && e.message === message, message);
  }
});

test('CharLMTask rejects a state that does not fit it with CheckpointError, changing nothing', () => {
  const vocab = Vocab.fromText(TRAIN);
  const model = new CharLM({ vocabSize: vocab.size, cell: 'lstm', embed: 4, hidden: 5, layers: 2, dropout: 0 });
  const task = new CharLMTask({ model, vocab, train: TRAIN, val: VAL, batch: 3, seq: 5 }); // S = 25
  const h = Tensor.zeros([2, 3, 5]);
  const cases: [TaskState, string][] = [
    [{ json: { streamPos: 21, epoch: 0 }, tensors: new Map() }, 'charlm state streamPos: expected an integer in [0, 19], got 21'],
    [{ json: { streamPos: 5 }, tensors: new Map() }, 'charlm state epoch: expected an integer ≥ 0, got undefined'],
    [{ json: { streamPos: 5, epoch: 0 }, tensors: new Map([['h', Tensor.zeros([2, 4, 5])], ['c', h]]) }, 'charlm state h: expected shape [2, 3, 5], got [2, 4, 5]'],
    [{ json: { streamPos: 5, epoch: 0 }, tensors: new Map([['h', h]]) }, 'charlm state tensors: expected both h and c or neither for a lstm model, got [h]'],
    [{ json: { streamPos: 5, epoch: 0 }, tensors: new Map([['h', h], ['x', h]]) }, 'charlm state tensors: expected h and c, got [h, x]'],
  ];
  for (const [state, message] of cases) {
    assert.throws(() => task.loadState(state), (e: unknown) =>
      e instanceof CheckpointError && e.code === 'bad_checkpoint' && e.message === message && /same settings/.test(e.hint), message);
  }
  assert.deepEqual(task.saveState().json, { streamPos: 0, epoch: 0 });
});

test('CharLMTask rejects bad sizes, a mismatched vocabulary and too little text', () => {
  const vocab = Vocab.fromText(TRAIN);
  const model = new CharLM({ vocabSize: vocab.size, cell: 'rnn', embed: 4, hidden: 5, layers: 1, dropout: 0 });
  const base = { model, vocab, train: TRAIN, val: VAL, batch: 3, seq: 5 };
  const cases: [object, typeof ConfigError | typeof DataError, string][] = [
    [{ ...base, batch: 0 }, ConfigError, 'CharLMTask.batch: expected an integer ≥ 1, got 0'],
    [{ ...base, vocab: Vocab.fromText('abc') }, ConfigError, `CharLMTask.vocab: expected ${vocab.size} symbols (the model's vocabSize), got 4`],
    [{ ...base, seq: 26 }, DataError, 'training text: expected at least batch·(seq + 1) = 81 characters, got 77'],
    [{ ...base, val: 'x' }, DataError, 'validation text: expected at least 2 characters, got 1'],
  ];
  for (const [o, cls, message] of cases) {
    assert.throws(() => new CharLMTask(o as never), (e: unknown) => e instanceof cls && e.message === message && e.code === (cls === DataError ? 'bad_data' : 'bad_config'), message);
  }
});

test('a small LSTM trained with Adam for 100 steps learns a repetitive text to well under 1 bit per character', (t) => {
  const text = 'the cat sat on the mat. the dog sat on the log. '.repeat(40);
  const vocab = Vocab.fromText(text);
  const rng = new Rng(11);
  const model = new CharLM({ vocabSize: vocab.size, cell: 'lstm', embed: 16, hidden: 48, layers: 1, dropout: 0 }, { rng });
  const task = new CharLMTask({ model, vocab, train: text, val: text.slice(0, 480), batch: 8, seq: 24, evalBatch: 4 });
  const opt = new Adam(model.namedParameters(), { lr: 0.02 });
  const first = task.evaluate().bpc;
  for (let i = 0; i < 100; i++) {
    opt.zeroGrad();
    task.trainStep(rng).loss.backward();
    clipGradNorm(model.parameters(), 1);
    opt.step();
  }
  const { bpc } = task.evaluate();
  t.diagnostic(`held-out bpc: ${first.toFixed(3)} untrained, ${bpc.toFixed(3)} after 100 steps`);
  assert.ok(first > 3, `untrained: ${first} bpc`);
  assert.ok(bpc < 0.5, `after 100 steps: ${bpc} bpc`);
});
