import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CheckpointError, ConfigError, ShapeError } from '../../../src/errors.js';
import { MemoryModel } from '../../../src/tasks/memory/model.js';
import { Rng } from '../../../src/tensor/rng.js';
import { Tensor } from '../../../src/tensor/tensor.js';

const adding = { inputSize: 2, hidden: 6, outputSize: 1, readout: 'last' } as const;

test('a memory model has PyTorch parameter names: one recurrent layer and a Linear head', () => {
  const m = new MemoryModel({ cell: 'gru', ...adding }, { rng: new Rng(1) });
  assert.deepEqual(m.namedParameters().map(([n, t]) => `${n} [${t.shape.join(', ')}]`), [
    'rnn.weight_ih_l0 [18, 2]', 'rnn.weight_hh_l0 [18, 6]', 'rnn.bias_ih_l0 [18]', 'rnn.bias_hh_l0 [18]', 'head.weight [1, 6]', 'head.bias [1]']);
});

test('the LSTM starts with forget-gate b_ih at 1 and the other gates at PyTorch init', () => {
  const m = new MemoryModel({ cell: 'lstm', ...adding }, { rng: new Rng(1) });
  const b = m.rnn.parameter('bias_ih_l0').data;
  assert.deepEqual(Array.from(b.subarray(6, 12)), [1, 1, 1, 1, 1, 1]);
  assert.ok(Array.from(b.subarray(0, 6)).every((v) => Math.abs(v) <= 1 / Math.sqrt(6) && v !== 1));
  const m0 = new MemoryModel({ cell: 'lstm', ...adding, forgetBias: 0 }, { rng: new Rng(1) });
  assert.deepEqual(Array.from(m0.rnn.parameter('bias_ih_l0').data.subarray(6, 12)), [0, 0, 0, 0, 0, 0]);
});

test('readout last gives [B, O] and readout all gives [T·B, O]', () => {
  const x = Tensor.zeros([5, 3, 2]);
  assert.deepEqual(new MemoryModel({ cell: 'rnn', ...adding }).forward(x).shape, [3, 1]);
  assert.deepEqual(new MemoryModel({ cell: 'lstm', ...adding, outputSize: 9, readout: 'all' }).forward(x).shape, [15, 9]);
});

test('a model rebuilt from its config computes the same outputs', () => {
  const m = new MemoryModel({ cell: 'rnn', ...adding }, { rng: new Rng(4) });
  assert.equal(m.config()['nonlinearity'], 'tanh');
  const r = MemoryModel.fromConfig({ task: 'adding', length: 5, ...m.config() });
  r.loadStateDict(m.stateDict());
  const x = Tensor.from(Array.from({ length: 20 }, (_, i) => Math.sin(i)), [5, 2, 2]);
  assert.deepEqual(r.forward(x).data, m.forward(x).data);
});

test('bad options, inputs and configs raise typed errors', () => {
  assert.throws(() => new MemoryModel({ cell: 'elman' as 'rnn', ...adding }), (e: unknown) => e instanceof ConfigError && /MemoryModel.cell: expected 'rnn', 'gru' or 'lstm', got "elman"/.test(e.message));
  assert.throws(() => new MemoryModel({ cell: 'gru', ...adding }).forward(Tensor.zeros([5, 3, 4])), (e: unknown) => e instanceof ShapeError && /MemoryModel input x: expected shape \[\*, \*, 2\], got \[5, 3, 4\]/.test(e.message));
  assert.throws(() => MemoryModel.fromConfig({ cell: 'gru' }), (e: unknown) => e instanceof CheckpointError && /MemoryModel config: expected key 'inputSize'/.test(e.message));
  assert.throws(() => MemoryModel.fromConfig({ ...adding, cell: 'gru', forgetBias: 1, hidden: 0 }), (e: unknown) => e instanceof CheckpointError && /hidden: expected an integer ≥ 1, got 0/.test(e.message));
});
