// Finding the recurrent cells of model files (and of layers): kinds from shapes and config, stack notes,
// and every refusal as a typed error.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cellFromArrays, cellOfLayer, scaleRecurrent } from '../../src/diagnose/cell-params.js';
import { cellsOfModel, cellsOfModelFile } from '../../src/diagnose/model-source.js';
import { CheckpointError, ConfigError, type RecurError, ShapeError } from '../../src/errors.js';
import { saveModel } from '../../src/io/model-file.js';
import type { SafeTensor } from '../../src/io/safetensors.js';
import { Module } from '../../src/nn/module.js';
import { GRU, LSTM, RNN, type RecurrentLayer } from '../../src/nn/recurrent.js';
import { Rng } from '../../src/tensor/rng.js';

class Net extends Module {
  constructor(layers: Record<string, RecurrentLayer>) {
    super();
    for (const [name, l] of Object.entries(layers)) this.addModule(name, l);
  }
}

function scratch(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'recur-diagnose-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function expectError(fn: () => unknown, cls: new (...a: never[]) => RecurError, code: string, message: RegExp, hint?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${String(e)}`);
    assert.equal((e as RecurError).code, code);
    assert.match((e as Error).message, message);
    if (hint) assert.match((e as RecurError).hint, hint);
    return true;
  });
}

function tensorsOf(layer: RecurrentLayer, prefix = ''): Map<string, SafeTensor> {
  const m = new Map<string, SafeTensor>();
  for (const [n, t] of layer.namedParameters()) m.set(prefix + n, { dtype: 'F32', shape: t.shape, data: Float32Array.from(t.data) });
  return m;
}

test('a top-level LSTM in a model file is found with its float32 weights, kind and sizes', (t) => {
  const path = join(scratch(t), 'lm.safetensors');
  const lstm = new LSTM({ inputSize: 3, hiddenSize: 4 }, { rng: new Rng(1) });
  saveModel(path, lstm, { cell: 'lstm', inputSize: 3, hiddenSize: 4 });
  const [cell, ...rest] = cellsOfModelFile(path);
  assert.equal(rest.length, 0);
  assert.equal(cell!.name, 'lm.safetensors');
  assert.equal(cell!.note, null);
  const want = cellOfLayer(lstm).params;
  assert.deepEqual({ ...cell!.params }, { ...want });
});

test('cells under prefixes take reset and nonlinearity from their config section or the top level', (t) => {
  const path = join(scratch(t), 'net.safetensors');
  const enc = new GRU({ inputSize: 2, hiddenSize: 3, reset: 'before' }, { rng: new Rng(2) });
  const dec = new RNN({ inputSize: 3, hiddenSize: 5, nonlinearity: 'relu', numLayers: 2, bidirectional: true }, { rng: new Rng(3) });
  saveModel(path, new Net({ encoder: enc, decoder: dec }), { task: 'seq2seq', encoder: { reset: 'before' }, nonlinearity: 'relu' });
  const cells = cellsOfModelFile(path);
  assert.deepEqual(cells.map((c) => [c.name, c.params.kind, c.params.I, c.params.H, c.note]), [
    ['net.safetensors:decoder', 'rnn_relu', 3, 5, 'first layer (l0) of 2, forward direction'],
    ['net.safetensors:encoder', 'gru_reset_before', 2, 3, null],
  ]);
});

test('the cell kind comes from the gate count when the config names none, and PyTorch mode names are understood', () => {
  const gru = new GRU({ inputSize: 2, hiddenSize: 3 });
  assert.equal(cellsOfModel(tensorsOf(gru), {}, 'f')[0]!.params.kind, 'gru');
  const rnn = new RNN({ inputSize: 2, hiddenSize: 3 });
  assert.equal(cellsOfModel(tensorsOf(rnn, 'rnn.'), { kind: 'charlm' }, 'f')[0]!.params.kind, 'rnn_tanh');
  assert.equal(cellsOfModel(tensorsOf(rnn, 'rnn.'), { rnn: { mode: 'RNN_RELU' } }, 'f')[0]!.params.kind, 'rnn_relu');
  const noBias = new LSTM({ inputSize: 2, hiddenSize: 3, bias: false });
  const p = cellsOfModel(tensorsOf(noBias), {}, 'f')[0]!.params;
  assert.equal(p.kind, 'lstm');
  assert.equal(p.bIh, null);
});

test('an LSTM with a projection is refused with a ConfigError', () => {
  const lstm = new LSTM({ inputSize: 2, hiddenSize: 4, projSize: 2 });
  expectError(() => cellsOfModel(tensorsOf(lstm), {}, 'p.safetensors'), ConfigError, 'bad_config',
    /p\.safetensors weight_hr_l0: expected an LSTM without projection, got a projection/, /proj_size/);
  expectError(() => cellOfLayer(lstm), ConfigError, 'bad_config', /LSTM\.projSize: expected 0 for the gradient-flow diagnostic, got 2/, /projection/);
});

test('model files without a recurrent layer, with mismatched config, or with broken weights are CheckpointErrors', (t) => {
  const gru = new GRU({ inputSize: 2, hiddenSize: 3 });
  expectError(() => cellsOfModel(new Map([['w', { dtype: 'F32', shape: [1], data: new Float32Array(1) }]]), {}, 'x'), CheckpointError, 'bad_checkpoint',
    /x: expected a recurrent layer \(a tensor named weight_hh_l0, or PREFIX\.weight_hh_l0\), got \[w\]/, /RNN, GRU or LSTM/);
  expectError(() => cellsOfModel(tensorsOf(gru), { cell: 'lstm' }, 'x'), CheckpointError, 'bad_checkpoint',
    /x weight_hh_l0: expected the lstm layer the config names \(4·H rows\), got \[9, 3\]/, /disagree/);
  const nan = tensorsOf(gru);
  (nan.get('weight_hh_l0')!.data as Float32Array)[4] = NaN;
  expectError(() => cellsOfModel(nan, {}, 'x'), CheckpointError, 'bad_checkpoint', /x tensor 'weight_hh_l0'\[4\]: expected a finite weight, got NaN/, /diverged/);
  const odd = tensorsOf(gru);
  odd.set('weight_hh_l0', { dtype: 'F32', shape: [6, 3], data: new Float32Array(18) });
  expectError(() => cellsOfModel(odd, {}, 'x'), CheckpointError, 'bad_checkpoint', /weight_hh_l0: expected shape \[G·H, H\] with G = 1 \(RNN\), 3 \(GRU\) or 4 \(LSTM\), got \[6, 3\]/);
  const ints = tensorsOf(gru);
  ints.set('weight_ih_l0', { dtype: 'I32', shape: [9, 2], data: new Int32Array(18) });
  expectError(() => cellsOfModel(ints, {}, 'x'), CheckpointError, 'bad_checkpoint', /tensor 'weight_ih_l0' dtype: expected F32, F64, F16 or BF16, got I32/);
  const noIh = tensorsOf(gru);
  noIh.delete('weight_ih_l0');
  expectError(() => cellsOfModel(noIh, {}, 'x'), CheckpointError, 'bad_checkpoint', /weight_ih_l0: expected it beside weight_hh_l0, got no such tensor/);
  expectError(() => cellsOfModel(tensorsOf(gru), { reset: 'middle' }, 'x'), ConfigError, 'bad_config', /x config reset: expected 'after' or 'before', got "middle"/);
  expectError(() => cellsOfModel(tensorsOf(new RNN({ inputSize: 1, hiddenSize: 2 })), { nonlinearity: 'gelu' }, 'x'), ConfigError, 'bad_config',
    /x config nonlinearity: expected 'tanh' or 'relu', got "gelu"/);
  expectError(() => cellsOfModelFile(join(scratch(t), 'missing.safetensors')), CheckpointError, 'bad_checkpoint', /missing\.safetensors: expected a model file, got no such file/);
});

test('cell arrays are shape-checked: weight_ih rows, bias sizes, and both biases or neither', () => {
  const w = (shape: number[]): { shape: number[]; data: Float64Array } => ({ shape, data: new Float64Array(shape.reduce((a, b) => a * b, 1)) });
  expectError(() => cellFromArrays('m ', 'gru', w([8, 2]), w([9, 3]), null, null), ShapeError, 'shape_mismatch', /m weight_ih_l0: expected shape \[9, \*\], got \[8, 2\]/);
  expectError(() => cellFromArrays('m ', 'lstm', w([8, 2]), w([8, 3]), null, null), ShapeError, 'shape_mismatch', /m weight_hh_l0: expected shape \[4, \*\], got \[8, 3\]/, /\[4·H, H\]/);
  expectError(() => cellFromArrays('m ', 'rnn_tanh', w([3, 2]), w([3, 3]), w([3]), null), CheckpointError, 'bad_checkpoint',
    /m bias_ih_l0 \/ bias_hh_l0: expected both or neither, got only bias_ih_l0/);
  expectError(() => cellFromArrays('m ', 'rnn_tanh', w([3, 2]), w([3, 3]), w([3]), w([4])), ShapeError, 'shape_mismatch', /m bias_hh_l0: expected shape \[3\], got \[4\]/);
});

test('scaling W_hh leaves the other weights and the original alone', () => {
  const p = cellOfLayer(new GRU({ inputSize: 2, hiddenSize: 3 }, { dtype: 'float64' })).params;
  const q = scaleRecurrent(p, 4);
  assert.deepEqual(Array.from(q.wHh), Array.from(p.wHh, (v) => v * 4));
  assert.equal(q.wIh, p.wIh);
  assert.notEqual(q.wHh, p.wHh);
});
