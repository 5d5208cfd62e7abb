// Streaming a recurrent layer one step per call against forward() over the whole sequence, on both
// backends and every cell kind; weights bound at creation; typed errors for misuse.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Backend } from '../../src/backend/backend.js';
import { jsBackend } from '../../src/backend/index.js';
import { loadNativeBackend } from '../../src/backend/native/load.js';
import { using } from '../helpers/backend.js';
import { ConfigError, ShapeError } from '../../src/errors.js';
import { GRU, LSTM, RNN, type RecurrentLayer } from '../../src/nn/recurrent.js';
import { Rng } from '../../src/tensor/rng.js';
import { Tensor, noGrad } from '../../src/tensor/tensor.js';

const loaded = loadNativeBackend();
const nb = 'backend' in loaded ? loaded.backend : null;
const backends: [string, Backend | null][] = [['js', jsBackend], ['native', nb]];

function randn(shape: number[], seed: number, dtype: 'float32' | 'float64' = 'float32'): Tensor {
  const rng = new Rng(seed);
  const t = Tensor.zeros(shape, dtype);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal();
  return t;
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
};

const I = 5, H = 17, L = 2, B = 3, T = 6;
const layers: [string, () => RecurrentLayer][] = [
  ['RNN tanh', () => new RNN({ inputSize: I, hiddenSize: H, numLayers: L }, { rng: new Rng(1) })],
  ['RNN relu', () => new RNN({ inputSize: I, hiddenSize: H, numLayers: L, nonlinearity: 'relu' }, { rng: new Rng(2) })],
  ['GRU', () => new GRU({ inputSize: I, hiddenSize: H, numLayers: L }, { rng: new Rng(3) })],
  ['GRU reset before', () => new GRU({ inputSize: I, hiddenSize: H, numLayers: L, reset: 'before' }, { rng: new Rng(4) })],
  ['LSTM', () => new LSTM({ inputSize: I, hiddenSize: H, numLayers: L }, { rng: new Rng(5) })],
  ['LSTM with projection', () => new LSTM({ inputSize: I, hiddenSize: H, numLayers: L, projSize: 7 }, { rng: new Rng(6) })],
];

for (const [bname, be] of backends) {
  for (const [name, make] of layers) {
    test(`${name} streamed step by step on ${bname} matches forward over the sequence, from a given state`, { skip: be ? false : 'native addon not built' }, () => {
      using(be!, () => {
        const layer = make().eval();
        const x = randn([T, B, I], 10);
        const lstm = layer instanceof LSTM;
        const state = { h: randn([L, B, layer.outputSize], 11), ...(lstm ? { c: randn([L, B, H], 12) } : {}) };
        const ref = noGrad(() => layer.forward(x, state));
        const s = layer.stream({ batch: B });
        s.reset(state);
        for (let t = 0; t < T; t++) {
          const y = s.step(new Tensor(x.data.subarray(t * B * I, (t + 1) * B * I), [B, I]));
          assert.deepEqual(y.shape, [B, layer.outputSize]);
          const want = ref.output.data.subarray(t * B * layer.outputSize, (t + 1) * B * layer.outputSize);
          assert.ok(maxDiff(y.data, want) < 1e-5, `step ${t}: ${maxDiff(y.data, want)}`);
        }
        assert.ok(maxDiff(s.state.h.data, ref.h.data) < 1e-5);
        if (lstm) assert.ok(maxDiff(s.state.c!.data, ref.c!.data) < 1e-5);
      });
    });
  }

  test(`a stream on ${bname} keeps the weights it was bound to until refresh()`, { skip: be ? false : 'native addon not built' }, () => {
    using(be!, () => {
      const lstm = new LSTM({ inputSize: I, hiddenSize: H }, { rng: new Rng(7) });
      const x = randn([1, I], 13);
      const s = lstm.stream();
      const before = s.step(x).data;
      for (const p of lstm.parameters()) p.data.fill(0.01);
      s.reset();
      assert.deepEqual(s.step(x).data, before);
      s.refresh();
      s.reset();
      const after = s.step(x).data;
      const ref = noGrad(() => lstm.forward(new Tensor(x.data, [1, 1, I]))).output.data;
      assert.ok(maxDiff(after, ref) < 1e-6);
      assert.ok(maxDiff(after, before) > 1e-3);
    });
  });
}

test('a native stream packed under one instruction set still answers right after switching to another', { skip: nb && nb.isas.length > 1 ? false : 'needs the native addon and two instruction sets' }, () => {
  using(nb!, () => {
    const lstm = new LSTM({ inputSize: 33, hiddenSize: 40 }, { rng: new Rng(8) });
    const x = randn([1, 33], 14);
    const ref = noGrad(() => lstm.forward(new Tensor(x.data, [1, 1, 33]))).output.data;
    const s = lstm.stream();
    const isa = nb!.isa;
    try {
      assert.ok(nb!.setIsa(nb!.isas[0]!));
      assert.ok(maxDiff(s.step(x).data, ref) < 1e-5);
    } finally {
      nb!.setIsa(isa);
    }
  });
});

test('a float64 layer streams too (js kernels)', () => {
  const gru = new GRU({ inputSize: I, hiddenSize: H }, { rng: new Rng(9), dtype: 'float64' });
  const x = randn([2, 1, I], 15, 'float64');
  const ref = noGrad(() => gru.forward(x)).output.data;
  const s = gru.stream();
  s.step(x.data.subarray(0, I) as Float64Array);
  const y = s.step(new Float32Array(x.data.subarray(I, 2 * I)));
  assert.equal(y.dtype, 'float64');
  assert.ok(maxDiff(y.data, ref.subarray(H, 2 * H)) < 1e-6);
});

test('streams refuse a bidirectional layer, a wrong step shape, a wrong state and a GRU cell state', () => {
  assert.throws(() => new LSTM({ inputSize: I, hiddenSize: H, bidirectional: true }).stream(),
    (e: unknown) => e instanceof ConfigError && /unidirectional/.test(e.message) && e.hint.includes('forward()'));
  const s = new LSTM({ inputSize: I, hiddenSize: H, numLayers: 2 }).stream({ batch: 2 });
  assert.throws(() => s.step(Tensor.zeros([3, I])), (e: unknown) => e instanceof ShapeError && /expected shape \[2, 5\], got \[3, 5\]/.test(e.message));
  assert.throws(() => s.step(Tensor.zeros([4, 2, I])), ShapeError);
  assert.throws(() => s.step(new Float32Array(7)), (e: unknown) => e instanceof ShapeError && /expected shape \[10\], got \[7\]/.test(e.message));
  assert.throws(() => s.step([1, 2] as unknown as Float32Array), ConfigError);
  assert.throws(() => s.reset({ h: Tensor.zeros([1, 2, H]) }), (e: unknown) => e instanceof ShapeError && /reset h: expected shape \[2, 2, 17\]/.test(e.message));
  assert.throws(() => new GRU({ inputSize: I, hiddenSize: H }).stream().reset({ c: Tensor.zeros([1, 1, H]) }), ConfigError);
  assert.throws(() => new GRU({ inputSize: I, hiddenSize: H }).stream({ batch: 0 }), ConfigError);
});
