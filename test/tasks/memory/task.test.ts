import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CheckpointError, ConfigError } from '../../../src/errors.js';
import { copyBaselineXent } from '../../../src/tasks/memory/data.js';
import { MemoryModel } from '../../../src/tasks/memory/model.js';
import { AddingTask, CopyTask } from '../../../src/tasks/memory/task.js';
import { Rng } from '../../../src/tensor/rng.js';

const addingModel = (seed: number): MemoryModel => new MemoryModel({ cell: 'gru', inputSize: 2, hidden: 8, outputSize: 1, readout: 'last' }, { rng: new Rng(seed) });
const copyModel = (): MemoryModel => new MemoryModel({ cell: 'lstm', inputSize: 10, hidden: 8, outputSize: 9, readout: 'all' }, { rng: new Rng(1) });

test('the adding test set is the same for every model seed, and predicting 1 scores the baseline MSE', () => {
  const a = new AddingTask({ model: addingModel(1), length: 10, batch: 4, testSize: 300 });
  const b = new AddingTask({ model: addingModel(2), length: 10, batch: 4, testSize: 300 });
  assert.equal(a.baselineMse, b.baselineMse);
  assert.ok(Math.abs(a.baselineMse - 1 / 6) < 0.03, String(a.baselineMse));
  a.model.head.weight.data.fill(0);
  a.model.head.bias!.data.fill(1);
  const m = a.evaluate();
  assert.ok(Math.abs(m['mse']! - a.baselineMse) < 1e-6, `${m['mse']} vs ${a.baselineMse}`);
  assert.equal(m.loss, m['mse']);
});

test('an adding step counts its sequences and gives a loss with gradients for every parameter', () => {
  const task = new AddingTask({ model: addingModel(1), length: 10, batch: 5, testSize: 10 });
  const { loss, count } = task.trainStep(new Rng(1));
  assert.equal(count, 5);
  assert.equal(task.seen, 5);
  loss.backward();
  for (const [n, p] of task.model.namedParameters()) assert.ok(p.grad && p.grad.some((g) => g !== 0), n);
});

test('the first evaluation that meets the target is remembered in sequences, and survives saveState/loadState', () => {
  const task = new AddingTask({ model: addingModel(1), length: 10, batch: 5, testSize: 10, target: 10 });
  task.trainStep(new Rng(1));
  task.evaluate();
  task.trainStep(new Rng(2));
  task.evaluate();
  assert.equal(task.reachedAt, 5);
  const other = new AddingTask({ model: addingModel(1), length: 10, batch: 5, testSize: 10 });
  other.loadState(task.saveState());
  assert.equal(other.seen, 10);
  assert.equal(other.reachedAt, 5);
  assert.deepEqual(other.best, task.best);
  assert.deepEqual(other.modelConfig(), { task: 'adding', length: 10, cell: 'gru', inputSize: 2, hidden: 8, outputSize: 1, readout: 'last', forgetBias: 1 });
});

test('copy scores cross-entropy per step over all steps and accuracy over the 10 recalled symbols', () => {
  const task = new CopyTask({ model: copyModel(), length: 5, batch: 3, testSize: 40 });
  assert.equal(task.baselineXent, copyBaselineXent(5));
  task.model.head.weight.data.fill(0);
  const bias = task.model.head.bias!.data;
  bias.fill(0);
  assert.ok(Math.abs(task.evaluate()['xent']! - Math.log(9)) < 1e-5, 'uniform logits give ln 9 per step');
  bias[0] = 50; // always blank: every recalled symbol (1…8) is wrong
  const m = task.evaluate();
  assert.equal(m['accuracy'], 0);
  assert.ok(Math.abs(m['xent']! - (10 * 50) / 25) < 1e-3, `xent ${m['xent']}`);
  const { loss, count } = task.trainStep(new Rng(1));
  assert.equal(count, 3);
  assert.ok(Number.isFinite(loss.item()));
});

test('a mismatched model, options or saved state raise typed errors', () => {
  assert.throws(() => new AddingTask({ model: copyModel(), length: 10, batch: 4 }), (e: unknown) => e instanceof ConfigError && /AddingTask.model: expected inputSize 2, outputSize 1, readout 'last', got 10, 9, 'all'/.test(e.message));
  assert.throws(() => new CopyTask({ model: copyModel(), length: 0, batch: 4 }), (e: unknown) => e instanceof ConfigError && /CopyTask.length: expected an integer in \[1, 100000\], got 0/.test(e.message));
  const task = new AddingTask({ model: addingModel(1), length: 10, batch: 5, testSize: 10 });
  assert.throws(() => task.loadState({ json: { seen: -1, reachedAt: null, best: null }, tensors: new Map() }),
    (e: unknown) => e instanceof CheckpointError && /adding state seen: expected an integer ≥ 0, got -1/.test(e.message));
});
