import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CellParams, cellOfLayer, stateSize } from '../../src/diagnose/cell-params.js';
import { traceCell } from '../../src/diagnose/cell-trace.js';
import { gradientFlow } from '../../src/diagnose/gradient-flow.js';
import { forEachProduct, ldexp, stepJacobian } from '../../src/diagnose/jacobian.js';
import { frobeniusNorm, singularValues } from '../../src/diagnose/norms.js';
import { GRU, LSTM, RNN, type RecurrentLayer } from '../../src/nn/recurrent.js';
import { Rng } from '../../src/tensor/rng.js';
import { noGrad, Tensor } from '../../src/tensor/tensor.js';
import { expectClose } from '../helpers/gradcheck.js';

const [I, H, T] = [3, 5, 7];

// Each cell kind as the real layer in float64, W_hh scaled so that gates and activations leave their linear range.
const kinds: [string, () => RecurrentLayer][] = [
  ['RNN tanh', () => new RNN({ inputSize: I, hiddenSize: H }, { dtype: 'float64', rng: new Rng(1) })],
  ['RNN relu', () => new RNN({ inputSize: I, hiddenSize: H, nonlinearity: 'relu' }, { dtype: 'float64', rng: new Rng(2) })],
  ['GRU (reset after)', () => new GRU({ inputSize: I, hiddenSize: H }, { dtype: 'float64', rng: new Rng(3) })],
  ['GRU (reset before)', () => new GRU({ inputSize: I, hiddenSize: H, reset: 'before' }, { dtype: 'float64', rng: new Rng(4) })],
  ['GRU without bias', () => new GRU({ inputSize: I, hiddenSize: H, bias: false }, { dtype: 'float64', rng: new Rng(5) })],
  ['LSTM', () => new LSTM({ inputSize: I, hiddenSize: H }, { dtype: 'float64', rng: new Rng(6) })],
  ['LSTM without bias', () => new LSTM({ inputSize: I, hiddenSize: H, bias: false }, { dtype: 'float64', rng: new Rng(7) })],
];

function randn(n: number, rng: Rng, std = 1): Float64Array {
  return Float64Array.from({ length: n }, () => rng.normal(0, std));
}

function setup(make: () => RecurrentLayer): { layer: RecurrentLayer; x: Float64Array; h0: Float64Array; c0: Float64Array | null } {
  const layer = make();
  const w = layer.parameter('weight_hh_l0').data;
  for (let i = 0; i < w.length; i++) w[i]! *= 2.5;
  const rng = new Rng(11);
  return { layer, x: randn(T * I, rng), h0: randn(H, rng, 0.5), c0: layer.kind === 'lstm' ? randn(H, rng) : null };
}

// The real layer from state (h, c) over steps k+1 … T (x rows k … T−1): h_T and c_T.
function runLayer(layer: RecurrentLayer, x: Float64Array, k: number, h: Float64Array, c: Float64Array | null): { h: Float64Array; c: Float64Array | null } {
  return noGrad(() => {
    const xs = new Tensor(x.slice(k * I, T * I), [T - k, 1, I]);
    const hs = new Tensor(h.slice(), [1, 1, H]);
    const r = layer.forward(xs, c ? { h: hs, c: new Tensor(c.slice(), [1, 1, H]) } : { h: hs });
    return { h: Float64Array.from(r.h.data), c: r.c ? Float64Array.from(r.c.data) : null };
  });
}

// ∂s_T/∂s_k [n, n] by central differences of the real layer, s = h or (h, c).
function finiteDifferenceJacobian(layer: RecurrentLayer, x: Float64Array, k: number, h: Float64Array, c: Float64Array | null): Float64Array {
  const n = c ? 2 * H : H;
  const J = new Float64Array(n * n);
  const eps = 1e-6;
  for (let j = 0; j < n; j++) {
    const out = (delta: number): Float64Array => {
      const hp = h.slice();
      const cp = c ? c.slice() : null;
      if (j < H) hp[j]! += delta;
      else cp![j - H]! += delta;
      const r = runLayer(layer, x, k, hp, cp);
      return r.c ? Float64Array.from([...r.h, ...r.c]) : r.h;
    };
    const up = out(eps);
    const down = out(-eps);
    for (let i = 0; i < n; i++) J[i * n + j] = (up[i]! - down[i]!) / (2 * eps);
  }
  return J;
}

function products(p: CellParams, x: Float64Array, h0: Float64Array, c0: Float64Array | null): Float64Array[] {
  const trace = traceCell(p, x, T, h0, c0 ?? undefined);
  const out: Float64Array[] = [];
  forEachProduct(p, trace, (lag, P, exponent) => { out[lag] = P.map((v) => ldexp(v, exponent)); });
  return out;
}

for (const [name, make] of kinds) {
  test(`${name}: the float64 trace reproduces the layer's states at every step`, () => {
    const { layer, x, h0, c0 } = setup(make);
    const trace = traceCell(cellOfLayer(layer).params, x, T, h0, c0 ?? undefined);
    const r = noGrad(() => layer.forward(new Tensor(x, [T, 1, I]), c0 ? { h: new Tensor(h0, [1, 1, H]), c: new Tensor(c0, [1, 1, H]) } : { h: new Tensor(h0, [1, 1, H]) }, undefined, { returnStates: true }));
    expectClose(trace.h.subarray(H), r.states!.h.data, { atol: 1e-13, name: 'h' });
    if (c0) expectClose(trace.c!.subarray(H), r.states!.c!.data, { atol: 1e-13, name: 'c' });
  });

  test(`${name}: each step Jacobian ∂s_t/∂s_{t−1} matches finite differences of the real layer`, () => {
    const { layer, x, h0, c0 } = setup(make);
    const p = cellOfLayer(layer).params;
    const n = stateSize(p);
    const trace = traceCell(p, x, T, h0, c0 ?? undefined);
    const jac = stepJacobian(p);
    const J = new Float64Array(n * n);
    // one step of the layer: x row t−1 alone, from s_{t−1}
    for (const t of [1, 4, T]) {
      jac(J, trace, t);
      const h = trace.h.slice((t - 1) * H, t * H);
      const c = trace.c ? trace.c.slice((t - 1) * H, t * H) : null;
      const fd = finiteDifferenceJacobian(layer, stepOnly(x, t), T - 1, h, c);
      expectClose(J, fd, { atol: 1e-8, rtol: 1e-6, name: `J_${t}` });
    }
  });

  test(`${name}: the products ∂s_T/∂s_k match finite differences of the real layer at every lag checked`, () => {
    const { layer, x, h0, c0 } = setup(make);
    const p = cellOfLayer(layer).params;
    const P = products(p, x, h0, c0);
    const trace = traceCell(p, x, T, h0, c0 ?? undefined);
    for (const k of [T - 1, 3, 0]) {
      const h = trace.h.slice(k * H, (k + 1) * H);
      const c = trace.c ? trace.c.slice(k * H, (k + 1) * H) : null;
      const fd = finiteDifferenceJacobian(layer, x, k, h, c);
      expectClose(P[T - k]!, fd, { atol: 1e-8, rtol: 1e-6, name: `ds_T/ds_${k}` });
    }
  });

  test(`${name}: gradientFlow reports the spectral and Frobenius norms of the finite-difference ∂h_T/∂h_0`, () => {
    const { layer, x, h0, c0 } = setup(make);
    const flow = gradientFlow(cellOfLayer(layer).params, x, T, c0 ? { h0, c0 } : { h0 });
    assert.deepEqual(flow.lag, [1, 2, 3, 4, 5, 6, 7]);
    const fd = finiteDifferenceJacobian(layer, x, 0, h0, c0);
    const n = c0 ? 2 * H : H;
    const hh = new Float64Array(H * H);
    for (let i = 0; i < H; i++) hh.set(fd.subarray(i * n, i * n + H), i * H);
    const rel = (a: number, b: number): void => assert.ok(Math.abs(a - b) <= 1e-6 * b + 1e-9, `${a} vs ${b}`);
    rel(flow.spectral[T - 1]!, singularValues(hh, H, H)[0]!);
    rel(flow.frobenius[T - 1]!, frobeniusNorm(hh));
    if (c0) {
      rel(flow.state!.spectral[T - 1]!, singularValues(fd, n, n)[0]!);
      rel(flow.state!.frobenius[T - 1]!, frobeniusNorm(fd));
    } else {
      assert.equal(flow.state, undefined);
    }
  });
}

// x with row t−1 moved to the last row, so that running the layer over the last row alone is step t.
function stepOnly(x: Float64Array, t: number): Float64Array {
  const y = x.slice();
  y.set(x.subarray((t - 1) * I, t * I), (T - 1) * I);
  return y;
}

test('the running product is rescaled: an exploding RNN is exact up to 1e304 and Infinity (not NaN) beyond', () => {
  const layer = new RNN({ inputSize: 1, hiddenSize: 4 }, { dtype: 'float64', rng: new Rng(0) });
  for (const [, t] of layer.namedParameters()) t.data.fill(0);
  // W_hh = 40·I, no input or bias: h stays exactly 0 (tanh's unstable fixed point) while J_t = 40·I
  const w = layer.parameter('weight_hh_l0').data;
  for (let i = 0; i < 4; i++) w[i * 4 + i] = 40;
  const p = cellOfLayer(layer).params;
  const flow = gradientFlow(p, new Float64Array(250), 250);
  for (const lag of [1, 100, 190]) {
    assert.ok(Math.abs(flow.spectral[lag - 1]! / 40 ** lag - 1) < 1e-12, `lag ${lag}: ${flow.spectral[lag - 1]}`);
    assert.ok(Math.abs(flow.frobenius[lag - 1]! / (2 * 40 ** lag) - 1) < 1e-12);
  }
  assert.equal(flow.spectral[249], Infinity); // 40^250 ≈ 1e400
  assert.equal(flow.frobenius[249], Infinity);
});

test('a dead relu RNN has exactly zero gradient flow, reported as zeros', () => {
  const layer = new RNN({ inputSize: 1, hiddenSize: 3, nonlinearity: 'relu' }, { dtype: 'float64', rng: new Rng(0) });
  for (const [, t] of layer.namedParameters()) t.data.fill(-1);
  const flow = gradientFlow(cellOfLayer(layer).params, new Float64Array(5).fill(1), 5);
  assert.deepEqual(flow.spectral, [0, 0, 0, 0, 0]);
  assert.deepEqual(flow.frobenius, [0, 0, 0, 0, 0]);
});
