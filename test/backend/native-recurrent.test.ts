// Native recurrent sequence kernels against the js reference run in float64 on the same values: every
// cell kind (LSTM with and without projection), H = 1, 3, 17, 100, 1000, batch 1, length 1, reverse,
// batch sizes that shrink, with and without biases, for each instruction set this CPU has. Every output
// and gradient is compared; outputs past a sequence's end and assigned gradients start as NaN here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsBackend } from '../../src/backend/index.js';
import { gateCount, type CellKind, type RecurrentDims, type RecurrentGrads, type RecurrentOutputs,
  type RecurrentUpstream, type RecurrentWeights } from '../../src/backend/backend.js';
import { loadNativeBackend } from '../../src/backend/native/load.js';
import type { NativeBackend } from '../../src/backend/native/addon.js';
import { nativeTestHooks } from '../../src/backend/native/native-backend.js';
import type { Buf } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/tensor/rng.js';

const loaded = loadNativeBackend();
const skip = 'problem' in loaded ? `native addon not built: ${loaded.problem}` : false;
const nb = 'backend' in loaded ? loaded.backend : null;

interface Case {
  T: number;
  B: number;
  I: number;
  H: number;
  bs: number[];
  proj?: number; // LSTM projection size P
  noBias?: boolean;
  noCell?: boolean; // LSTM without cN / cAll / dcN / dcAll
}

const CASES: Case[] = [
  { T: 3, B: 2, I: 2, H: 1, bs: [2, 2, 1] },
  { T: 4, B: 5, I: 3, H: 3, bs: [5, 4, 4, 1], proj: 2 },
  { T: 6, B: 9, I: 5, H: 17, bs: [9, 9, 7, 4, 2, 2], proj: 5 },
  { T: 7, B: 1, I: 4, H: 17, bs: [1, 1, 1, 1, 1, 1, 1] },
  { T: 1, B: 3, I: 4, H: 17, bs: [3], noBias: true, noCell: true },
  { T: 3, B: 3, I: 2, H: 5, bs: [3, 1, 0] },
  { T: 5, B: 12, I: 20, H: 100, bs: [12, 12, 10, 6, 3], proj: 40 },
];
const BIG: Case[] = [
  { T: 2, B: 3, I: 8, H: 1000, bs: [3, 2], proj: 300 },
  { T: 2, B: 6, I: 8, H: 1000, bs: [6, 5], noBias: true },
];
const KINDS: CellKind[] = ['rnn_tanh', 'rnn_relu', 'lstm', 'gru', 'gru_reset_before'];

function rand(rng: Rng, n: number, scale: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-scale, scale);
  return a;
}
const nan = (n: number): Float32Array => new Float32Array(n).fill(NaN);
const f64 = (b: Buf | null): Float64Array | null => (b ? Float64Array.from(b) : null);

/** |a − b| ≤ 1e-4·(max(1, max|ref|) + |b|): relative to the buffer's scale, so near-zeros do not fail. */
function expectNear(a: ArrayLike<number> | null, b: ArrayLike<number> | null, what: string): void {
  assert.ok(a && b, `${what}: missing`);
  assert.equal(a.length, b.length, `${what}: length`);
  let scale = 1;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i]! - b[i]!) <= 1e-4 * (scale + Math.abs(b[i]!)))) {
      assert.fail(`${what}[${i}]: native ${a[i]}, float64 reference ${b[i]}`);
    }
  }
}

function run(be: NativeBackend, kind: CellKind, c: Case, reverse: boolean, seed: number): void {
  const lstm = kind === 'lstm';
  const { T, B, I, H } = c;
  const P = lstm && c.proj ? c.proj : H;
  const GH = gateCount(kind) * H, TB = T * B;
  const rng = new Rng(seed);
  const k = 1 / Math.sqrt(H); // PyTorch's init range keeps the gates out of saturation
  const w: RecurrentWeights<Float32Array> = {
    wIh: rand(rng, GH * I, k), wHh: rand(rng, GH * P, k),
    bIh: c.noBias ? null : rand(rng, GH, k), bHh: c.noBias ? null : rand(rng, GH, k),
    wHr: P !== H ? rand(rng, P * H, k) : null,
  };
  const x = rand(rng, TB * I, 1), h0 = rand(rng, B * P, 1), c0 = lstm ? rand(rng, B * H, 1) : null;
  const cells = lstm && !c.noCell;
  const up: RecurrentUpstream<Float32Array> = {
    dy: rand(rng, TB * P, 1), dhN: rand(rng, B * P, 1),
    dcN: cells ? rand(rng, B * H, 1) : null, dcAll: cells ? rand(rng, TB * H, 1) : null,
  };
  const dW0 = { wIh: rand(rng, GH * I, 1), wHh: rand(rng, GH * P, 1), bIh: rand(rng, GH, 1), bHh: rand(rng, GH, 1), wHr: rand(rng, P * H, 1) };
  const dims: RecurrentDims = { kind, T, B, I, H, P, reverse };
  const batchSizes = Int32Array.from(c.bs);
  const label = `${kind} T${T} B${B} I${I} H${H} P${P} [${c.bs}]${reverse ? ' reverse' : ''} on ${be.isa}`;

  // float64 reference
  const ref: RecurrentOutputs<Float64Array> = {
    y: new Float64Array(TB * P), hN: new Float64Array(B * P),
    cN: cells ? new Float64Array(B * H) : null, cAll: cells ? new Float64Array(TB * H) : null,
  };
  const w64: RecurrentWeights<Float64Array> = { wIh: f64(w.wIh)!, wHh: f64(w.wHh)!, bIh: f64(w.bIh), bHh: f64(w.bHh), wHr: f64(w.wHr) };
  const x64 = f64(x)!;
  const saved64 = jsBackend.recurrentForward(ref, x64, w64, f64(h0)!, f64(c0), batchSizes, dims, true)!;
  const g64: RecurrentGrads<Float64Array> = {
    dx: new Float64Array(TB * I), dh0: new Float64Array(B * P), dc0: lstm ? new Float64Array(B * H) : null,
    dW: { wIh: f64(dW0.wIh)!, wHh: f64(dW0.wHh)!, bIh: w.bIh ? f64(dW0.bIh) : null, bHh: w.bHh ? f64(dW0.bHh) : null, wHr: w.wHr ? f64(dW0.wHr) : null },
  };
  jsBackend.recurrentBackward(g64, { dy: f64(up.dy)!, dhN: f64(up.dhN)!, dcN: f64(up.dcN), dcAll: f64(up.dcAll) }, saved64, x64, w64, batchSizes, dims);

  // native, training forward then backward
  const out: RecurrentOutputs<Float32Array> = { y: nan(TB * P), hN: nan(B * P), cN: cells ? nan(B * H) : null, cAll: cells ? nan(TB * H) : null };
  const saved = be.recurrentForward(out, x, w, h0, c0, batchSizes, dims, true);
  assert.ok(saved, `${label}: forward kept nothing for backward`);
  expectNear(out.y, ref.y, `${label}: y`);
  expectNear(out.hN, ref.hN, `${label}: hN`);
  if (cells) {
    expectNear(out.cN, ref.cN, `${label}: cN`);
    expectNear(out.cAll, ref.cAll, `${label}: cAll`);
  }
  const g: RecurrentGrads<Float32Array> = {
    dx: nan(TB * I), dh0: nan(B * P), dc0: lstm ? nan(B * H) : null,
    dW: { wIh: dW0.wIh.slice(), wHh: dW0.wHh.slice(), bIh: w.bIh ? dW0.bIh.slice() : null, bHh: w.bHh ? dW0.bHh.slice() : null, wHr: w.wHr ? dW0.wHr.slice() : null },
  };
  be.recurrentBackward(g, up, saved, x, w, batchSizes, dims);
  expectNear(g.dx, g64.dx, `${label}: dx`);
  expectNear(g.dh0, g64.dh0, `${label}: dh0`);
  if (lstm) expectNear(g.dc0, g64.dc0, `${label}: dc0`);
  for (const name of ['wIh', 'wHh', 'bIh', 'bHh', 'wHr'] as const) {
    if (g64.dW[name]) expectNear(g.dW[name], g64.dW[name], `${label}: dW.${name} (accumulated)`);
  }

  // native inference gives the same outputs
  const inf: RecurrentOutputs<Float32Array> = { y: nan(TB * P), hN: nan(B * P), cN: cells ? nan(B * H) : null, cAll: cells ? nan(TB * H) : null };
  assert.equal(be.recurrentForward(inf, x, w, h0, c0, batchSizes, dims, false), null);
  expectNear(inf.y, out.y, `${label}: inference y`);
  expectNear(inf.hN, out.hN, `${label}: inference hN`);
  if (cells) expectNear(inf.cN, out.cN, `${label}: inference cN`);
}

function eachIsa(fn: (be: NativeBackend) => void): void {
  const be = nb!;
  nativeTestHooks.poisonSaved = true; // saved state starts as NaN: a read of an unwritten element shows
  try {
    for (const isa of be.isas) {
      assert.ok(be.setIsa(isa));
      fn(be);
    }
  } finally {
    nativeTestHooks.poisonSaved = false;
    be.setIsa(be.bestIsa);
    be.setThreads(0);
  }
}

for (const kind of KINDS) {
  test(`${kind} forward and backward match the float64 js reference on every ISA`, { skip }, () => {
    eachIsa((be) => {
      CASES.forEach((c, i) => {
        for (const reverse of [false, true]) run(be, kind, c, reverse, 100 * i + (reverse ? 1 : 0));
      });
    });
  });

  test(`${kind} with H = 1000 matches the float64 js reference`, { skip }, () => {
    eachIsa((be) => {
      BIG.forEach((c, i) => run(be, kind, c, i === 1, 7 + i));
    });
  });
}

test('recurrent kernels give the same answers with 1 and 3 threads', { skip }, () => {
  eachIsa((be) => {
    for (const threads of [1, 3]) {
      be.setThreads(threads);
      for (const kind of KINDS) run(be, kind, CASES[6]!, threads === 3, 11);
    }
  });
});

test('a float64 forward and its backward run on the js kernels', { skip }, () => {
  const dims: RecurrentDims = { kind: 'gru', T: 2, B: 1, I: 1, H: 1, P: 1, reverse: false };
  const w = { wIh: new Float64Array(3).fill(0.5), wHh: new Float64Array(3).fill(0.5), bIh: null, bHh: null, wHr: null };
  const out = { y: new Float64Array(2), hN: new Float64Array(1), cN: null, cAll: null };
  const ref = { y: new Float64Array(2), hN: new Float64Array(1), cN: null, cAll: null };
  const x = Float64Array.from([1, -1]), h0 = Float64Array.from([0.25]), bs = Int32Array.from([1, 1]);
  const saved = nb!.recurrentForward(out, x, w, h0, null, bs, dims, true)!;
  jsBackend.recurrentForward(ref, x, w, h0, null, bs, dims, true);
  assert.deepEqual(out, ref);
  const grads = { dx: new Float64Array(2), dh0: new Float64Array(1), dc0: null, dW: { wIh: new Float64Array(3), wHh: new Float64Array(3), bIh: null, bHh: null, wHr: null } };
  nb!.recurrentBackward(grads, { dy: Float64Array.from([1, 1]), dhN: new Float64Array(1), dcN: null, dcAll: null }, saved, x, w, bs, dims);
  assert.ok(grads.dx.every(Number.isFinite) && grads.dx[0] !== 0);
});
