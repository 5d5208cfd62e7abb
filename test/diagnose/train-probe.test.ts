import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { GRU, LSTM, RNN, type RecurrentLayer } from '../../src/nn/recurrent.js';
import type { StackTrace } from '../../src/nn/recurrent-run.js';
import { gateSaturation, gradNormAtLag, recurrentProbe } from '../../src/diagnose/train-probe.js';
import { dot, sliceRows } from '../../src/tensor/ops.js';
import { Rng } from '../../src/tensor/rng.js';
import { type DType, Tensor } from '../../src/tensor/tensor.js';

function randn(shape: number[], rng: Rng, dtype: DType): Tensor {
  const t = Tensor.zeros(shape, dtype);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal();
  return t;
}

const kinds: [string, (dtype: DType) => RecurrentLayer][] = [
  ['RNN', (dtype) => new RNN({ inputSize: 3, hiddenSize: 5 }, { dtype, rng: new Rng(2) })],
  ['GRU', (dtype) => new GRU({ inputSize: 3, hiddenSize: 5 }, { dtype, rng: new Rng(2) })],
  ['GRU (reset before)', (dtype) => new GRU({ inputSize: 3, hiddenSize: 5, reset: 'before' }, { dtype, rng: new Rng(2) })],
  ['LSTM', (dtype) => new LSTM({ inputSize: 3, hiddenSize: 5 }, { dtype, rng: new Rng(2) })],
  ['LSTM with projection', (dtype) => new LSTM({ inputSize: 3, hiddenSize: 5, projSize: 2 }, { dtype, rng: new Rng(2) })],
];

for (const dtype of ['float64', 'float32'] as const) {
  for (const [name, make] of kinds) {
    test(`${name} (${dtype}): the traced ∂L/∂h_t equals the direct gradient plus the gradient of the rest of the sequence started from h_t`, () => {
      const rng = new Rng(5);
      const layer = make(dtype);
      const [T, B, P] = [6, 2, layer.outputSize];
      const x = randn([T, B, 3], rng, dtype);
      const w = Float64Array.from({ length: T * B * P }, () => rng.normal());
      const trace: StackTrace = { kind: layer.kind, T: 0, B: 0, H: 0, P: 0, batchSizes: new Int32Array(0), act: null, dhAll: null };
      layer.trace = trace;
      dot(layer.forward(x).output, w).backward();
      layer.trace = null;
      assert.ok(trace.dhAll && trace.act);
      for (const t of [T - 1, 3, 0]) {
        const first = layer.forward(sliceRows(x, 0, t + 1));
        const expected = Array.from(w.subarray(t * B * P, (t + 1) * B * P));
        if (t < T - 1) {
          const h0 = new Tensor(first.h.data.slice(), first.h.shape, true);
          const rest = layer.forward(sliceRows(x, t + 1, T - 1 - t), first.c ? { h: h0, c: new Tensor(first.c.data.slice(), first.c.shape) } : { h: h0 });
          dot(rest.output, w.subarray((t + 1) * B * P)).backward();
          for (let i = 0; i < expected.length; i++) expected[i]! += h0.grad![i]!;
        }
        const got = trace.dhAll.subarray(t * B * P, (t + 1) * B * P);
        const tol = dtype === 'float64' ? 1e-10 : 1e-4;
        expected.forEach((e, i) => assert.ok(Math.abs(got[i]! - e) <= tol * (1 + Math.abs(e)), `t=${t} [${i}]: ${got[i]} vs ${e}`));
      }
    });
  }
}

test('gradient norms at a lag are measured from each sequence\'s own last step, and gate saturation counts σ outputs beyond 0.05/0.95', () => {
  // Two sorted rows: row 0 has 3 steps, row 1 has 2; P = H = 1, LSTM gates i|f|g|o.
  const tr: StackTrace = {
    kind: 'lstm', T: 3, B: 2, H: 1, P: 1, batchSizes: Int32Array.from([2, 2, 1]),
    dhAll: Float64Array.from([1, 10, 2, 20, 3, 0]),
    // (t = 2, row 1) is padding: its zeros must not count.
    act: Float64Array.from([0.01, 0.5, 0, 0.99, 0.5, 0.5, 0, 0.5, 0.96, 0.02, 0, 0.5, 0.5, 0.5, 0, 0.5, 0.5, 0.5, 0, 0.5, 0, 0, 0, 0]),
  };
  assert.equal(gradNormAtLag(tr, 0), (3 + 20) / 2);
  assert.equal(gradNormAtLag(tr, 1), (2 + 10) / 2);
  assert.equal(gradNormAtLag(tr, 2), 1);
  assert.equal(gradNormAtLag(tr, 3), null);
  // valid (t, row): (0,0) (0,1) (1,0) (1,1) (2,0): input gates 0.01, 0.5, 0.96, 0.5, 0.5 → 2/5
  assert.deepEqual(gateSaturation(tr), { gate_sat_input: 2 / 5, gate_sat_forget: 1 / 5, gate_sat_output: 1 / 5 });
});

test('a probe on a layer logs the chosen lags it can reach and the gates of its cell', () => {
  const layer = new GRU({ inputSize: 2, hiddenSize: 3 }, { rng: new Rng(1) });
  const probe = recurrentProbe(layer, [0, 2, 50]);
  const x = randn([4, 2, 2], new Rng(3), 'float32');
  dot(layer.forward(x).output, new Float64Array(4 * 2 * 3).fill(1)).backward();
  const m = probe(1);
  assert.deepEqual(Object.keys(m).sort(), ['gate_sat_reset', 'gate_sat_update', 'grad_h_lag_0', 'grad_h_lag_2']);
  assert.ok(m['grad_h_lag_0']! > 0);
});

test('a negative or fractional lag is a ConfigError', () => {
  const layer = new RNN({ inputSize: 2, hiddenSize: 3 }, { rng: new Rng(1) });
  assert.throws(() => recurrentProbe(layer, [-1]), (e: unknown) => e instanceof ConfigError && e.code === 'bad_config' && /expected integers ≥ 0, got -1/.test(e.message));
});
