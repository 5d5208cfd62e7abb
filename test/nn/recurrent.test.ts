import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, DataError, ShapeError } from '../../src/errors.js';
import { GRU, LSTM, RNN, type RecurrentLayer } from '../../src/nn/recurrent.js';
import { add, dot, reshape, sliceRows } from '../../src/tensor/ops.js';
import { Rng } from '../../src/tensor/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { expectClose, gradcheck } from '../helpers/gradcheck.js';

function randn(shape: number[], rng: Rng, requiresGrad = false): Tensor {
  const t = Tensor.zeros(shape, 'float64', requiresGrad);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal();
  return t;
}

function weights(n: number, rng: Rng): Float64Array {
  return Float64Array.from({ length: n }, () => rng.normal());
}

type Make = (o: { inputSize: number; hiddenSize: number; numLayers?: number; bidirectional?: boolean; batchFirst?: boolean }) => RecurrentLayer;
const kinds: [string, Make][] = [
  ['RNN tanh', (o) => new RNN(o, { dtype: 'float64', rng: new Rng(1) })],
  ['RNN relu', (o) => new RNN({ ...o, nonlinearity: 'relu' }, { dtype: 'float64', rng: new Rng(1) })],
  ['GRU (reset after)', (o) => new GRU(o, { dtype: 'float64', rng: new Rng(1) })],
  ['GRU (reset before)', (o) => new GRU({ ...o, reset: 'before' }, { dtype: 'float64', rng: new Rng(1) })],
  ['LSTM', (o) => new LSTM(o, { dtype: 'float64', rng: new Rng(1) })],
  ['LSTM with projection', (o) => new LSTM({ ...o, projSize: 2 }, { dtype: 'float64', rng: new Rng(1) })],
];

for (const [name, make] of kinds) {
  test(`${name}: 2-layer bidirectional batch-first gradients match finite differences, with unsorted lengths`, () => {
    const rng = new Rng(7);
    const layer = make({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, batchFirst: true });
    const [B, T] = [3, 5];
    const P = layer.outputSize;
    const x = randn([B, T, 3], rng);
    const h0 = randn([4, B, P], rng);
    const c0 = layer.kind === 'lstm' ? randn([4, B, 4], rng) : null;
    const gOut = weights(B * T * 2 * P, rng);
    const gH = weights(4 * B * P, rng);
    const gC = weights(4 * B * 4, rng);
    const lengths = [3, 5, 1];
    const loss = (): Tensor => {
      const r = layer.forward(x, c0 ? { h: h0, c: c0 } : { h: h0 }, lengths);
      let l = add(dot(r.output, gOut), dot(r.h, gH));
      if (r.c) l = add(l, dot(r.c, gC));
      return l;
    };
    gradcheck(loss, [x, h0, ...(c0 ? [c0] : []), ...layer.parameters()], { maxPerInput: 24 });
  });

  test(`${name}: every step's states (returnStates) carry gradients that match finite differences`, () => {
    const rng = new Rng(3);
    const layer = make({ inputSize: 2, hiddenSize: 3, numLayers: 2 });
    const x = randn([4, 2, 2], rng);
    const P = layer.outputSize;
    const gh = weights(2 * 4 * 2 * P, rng);
    const gc = weights(2 * 4 * 2 * 3, rng);
    const loss = (): Tensor => {
      const r = layer.forward(x, {}, [4, 2], { returnStates: true });
      let l = dot(r.states!.h, gh);
      if (r.states!.c) l = add(l, dot(r.states!.c, gc));
      return l;
    };
    gradcheck(loss, [x, ...layer.parameters()], { maxPerInput: 16 });
  });

  test(`${name}: a padded batch gives each sequence exactly what it gives alone`, () => {
    const rng = new Rng(11);
    const layer = make({ inputSize: 3, hiddenSize: 4, bidirectional: true });
    const [T, B] = [6, 3];
    const P = layer.outputSize;
    const x = randn([T, B, 3], rng);
    const lengths = [2, 6, 4];
    const batch = layer.forward(x, {}, lengths);
    for (let b = 0; b < B; b++) {
      const n = lengths[b]!;
      const xb = Tensor.zeros([n, 1, 3], 'float64');
      for (let t = 0; t < n; t++) for (let i = 0; i < 3; i++) xb.data[t * 3 + i] = x.data[(t * B + b) * 3 + i]!;
      const alone = layer.forward(xb);
      for (let t = 0; t < T; t++) {
        const got = batch.output.data.subarray((t * B + b) * 2 * P, (t * B + b + 1) * 2 * P);
        const want = t < n ? alone.output.data.subarray(t * 2 * P, (t + 1) * 2 * P) : new Float64Array(2 * P);
        expectClose(got, want, { atol: 1e-12, name: `output[${t}, ${b}]` });
      }
      for (let k = 0; k < 2; k++) {
        expectClose(batch.h.data.subarray((k * B + b) * P, (k * B + b + 1) * P), alone.h.data.subarray(k * P, (k + 1) * P), { atol: 1e-12, name: `h_n[${k}, ${b}]` });
      }
    }
  });
}

test('LSTM states: h of the last layer equals the output, and c_n equals the last valid c', () => {
  const rng = new Rng(5);
  const lstm = new LSTM({ inputSize: 2, hiddenSize: 3, numLayers: 2 }, { dtype: 'float64', rng });
  const x = randn([4, 2, 2], rng);
  const r = lstm.forward(x, {}, [4, 3], { returnStates: true });
  const hTop = r.states!.h.data.subarray(4 * 2 * 3); // layer 1, all steps
  expectClose(hTop, r.output.data, { atol: 0 });
  const cLast = r.states!.c!.data.subarray((1 * 4 + 2) * 2 * 3 + 3, (1 * 4 + 2) * 2 * 3 + 6); // layer 1, t = 2, b = 1
  expectClose(cLast, r.c!.data.subarray((1 * 2 + 1) * 3, (1 * 2 + 2) * 3), { atol: 0 });
});

test('dropout between layers is active in training only, and eval is deterministic', () => {
  const rng = new Rng(2);
  const lstm = new LSTM({ inputSize: 3, hiddenSize: 8, numLayers: 2, dropout: 0.5 }, { rng });
  const x = Tensor.from(Array.from({ length: 5 * 2 * 3 }, () => rng.normal()), [5, 2, 3]);
  const a = lstm.forward(x).output.data.slice();
  const b = lstm.forward(x).output.data.slice();
  assert.notDeepEqual(Array.from(a), Array.from(b));
  lstm.eval();
  assert.deepEqual(Array.from(lstm.forward(x).output.data), Array.from(lstm.forward(x).output.data));
});

test('parameters have PyTorch names, shapes and U(±1/√H) initial values', () => {
  const lstm = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, projSize: 2 });
  const names = lstm.namedParameters().map(([n, t]) => `${n}:${t.shape.join('x')}`);
  assert.deepEqual(names.slice(0, 5), ['weight_ih_l0:16x3', 'weight_hh_l0:16x2', 'bias_ih_l0:16', 'bias_hh_l0:16', 'weight_hr_l0:2x4']);
  assert.ok(names.includes('weight_ih_l1_reverse:16x4'));
  for (const t of lstm.parameters()) for (const v of t.data) assert.ok(Math.abs(v) <= 0.5);
  const gru = new GRU({ inputSize: 5, hiddenSize: 7, bias: false });
  assert.deepEqual(gru.namedParameters().map(([n]) => n), ['weight_ih_l0', 'weight_hh_l0']);
});

test('a layer is a single node on the tape that output and h_n share', () => {
  const rnn = new RNN({ inputSize: 2, hiddenSize: 3 });
  const x = Tensor.from(Array.from({ length: 12 }, (_, i) => i / 10), [3, 2, 2]);
  const r = rnn.forward(x);
  assert.equal(r.output.parents.length, 1);
  assert.equal(r.output.parents[0], r.h.parents[0]);
});

test('cells match one step of the layer', async () => {
  const { GRUCell, LSTMCell } = await import('../../src/nn/cells.js');
  const rng = new Rng(4);
  const cell = new LSTMCell({ inputSize: 3, hiddenSize: 4 }, { dtype: 'float64', rng: new Rng(9) });
  const layer = new LSTM({ inputSize: 3, hiddenSize: 4 }, { dtype: 'float64', rng: new Rng(9) });
  const x = randn([2, 3], rng);
  const one = cell.forward(x);
  const seq = layer.forward(reshape(x, [1, 2, 3]));
  expectClose(one.h.data, seq.h.data, { atol: 0 });
  expectClose(one.c.data, seq.c!.data, { atol: 0 });
  const g = new GRUCell({ inputSize: 3, hiddenSize: 4, reset: 'before' }, { dtype: 'float64', rng: new Rng(3) });
  const xs = randn([3, 2, 3], rng, true);
  const h0 = randn([2, 4], rng, true);
  const w = weights(3 * 8, rng);
  gradcheck(() => {
    let h = h0;
    let l: Tensor | null = null;
    for (let s = 0; s < 3; s++) {
      h = g.forward(reshape(sliceRows(xs, s, 1), [2, 3]), h);
      const term = dot(h, w.subarray(s * 8, (s + 1) * 8));
      l = l ? add(l, term) : term;
    }
    return l!;
  }, [xs, h0, ...g.parameters()]);
});

test('bad shapes, states, lengths and options give typed errors with hints', () => {
  const lstm = new LSTM({ inputSize: 8, hiddenSize: 4, numLayers: 2 });
  assert.throws(() => lstm.forward(Tensor.zeros([5, 8])), (e: unknown) => e instanceof ShapeError && e.code === 'shape_mismatch'
    && e.message === 'LSTM input x: expected shape [*, *, 8], got [5, 8]' && e.hint.includes('batchFirst'));
  assert.throws(() => lstm.forward(Tensor.zeros([5, 2, 8]), { h: Tensor.zeros([1, 2, 4]) }),
    (e: unknown) => e instanceof ShapeError && e.message === 'LSTM state h: expected shape [2, 2, 4], got [1, 2, 4]');
  assert.throws(() => lstm.forward(Tensor.zeros([5, 2, 8]), {}, [5, 6]),
    (e: unknown) => e instanceof DataError && e.code === 'bad_data' && e.message === 'lengths[1]: expected an integer in [1, 5], got 6');
  assert.throws(() => lstm.forward(Tensor.zeros([5, 2, 8]), {}, [5]),
    (e: unknown) => e instanceof DataError && e.message === 'lengths: expected 2 values (one per sequence), got 1');
  assert.throws(() => new GRU({ inputSize: 8, hiddenSize: 4 }).forward(Tensor.zeros([5, 2, 8]), { c: Tensor.zeros([1, 2, 4]) }),
    (e: unknown) => e instanceof ConfigError && e.message.includes('only LSTM has one'));
  assert.throws(() => new LSTM({ inputSize: 8, hiddenSize: 4, hiddensize: 3 } as never),
    (e: unknown) => e instanceof ConfigError && e.code === 'bad_config' && e.message === "LSTM: unknown option 'hiddensize'" && e.hint.includes('hiddenSize'));
  assert.throws(() => new RNN({ inputSize: 0, hiddenSize: 4 }), (e: unknown) => e instanceof ConfigError && e.message === 'RNN.inputSize: expected an integer ≥ 1, got 0');
  assert.throws(() => new LSTM({ inputSize: 2, hiddenSize: 4, projSize: 4 }), (e: unknown) => e instanceof ConfigError && e.message.includes('projSize'));
  assert.throws(() => new GRU({ inputSize: 2, hiddenSize: 4, reset: 'sideways' as never }), (e: unknown) => e instanceof ConfigError && e.message.includes("'after' or 'before'"));
  assert.throws(() => new RNN({ inputSize: 2, hiddenSize: 4, nonlinearity: 'gelu' as never }), (e: unknown) => e instanceof ConfigError);
  assert.throws(() => new RNN({ inputSize: 2, hiddenSize: 4, dropout: 1 }), (e: unknown) => e instanceof ConfigError && e.message.startsWith('RNN.dropout'));
});
