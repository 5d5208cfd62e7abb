import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, DataError, ShapeError } from '../../src/errors.js';
import { ctcLoss, type CtcOptions } from '../../src/loss/ctc.js';
import { normal } from '../../src/tensor/init.js';
import { dot } from '../../src/tensor/ops.js';
import { Rng } from '../../src/tensor/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { expectClose, gradcheck } from '../helpers/gradcheck.js';

function randomLogits(T: number, B: number, C: number, seed: number): Tensor {
  return normal(Tensor.zeros([T, B, C], 'float64'), 0, 1, new Rng(seed));
}

/** −log Σ over all C^Tb paths of sequence b that collapse to `labels`, by brute force. */
function exhaustiveNll(logits: Tensor, b: number, Tb: number, labels: number[], blank: number): number {
  const [, B, C] = logits.shape as [number, number, number];
  const y: number[][] = [];
  for (let t = 0; t < Tb; t++) {
    const row = Array.from(logits.data.subarray((t * B + b) * C, (t * B + b + 1) * C));
    const z = row.reduce((s, v) => s + Math.exp(v), 0);
    y.push(row.map((v) => Math.exp(v) / z));
  }
  let total = 0;
  const path = new Array<number>(Tb).fill(0);
  for (let k = 0; k < C ** Tb; k++) {
    let r = k;
    for (let t = 0; t < Tb; t++) { path[t] = r % C; r = Math.floor(r / C); }
    const collapsed = path.filter((c, t) => c !== blank && (t === 0 || c !== path[t - 1]));
    if (collapsed.length === labels.length && collapsed.every((c, i) => c === labels[i])) {
      total += path.reduce((p, c, t) => p * y[t]![c]!, 1);
    }
  }
  return -Math.log(total);
}

test('CTC loss equals the brute-force sum over every alignment on tiny problems', () => {
  const cases: { T: number; C: number; targets: number[][]; lengths: number[]; blank: number }[] = [
    { T: 4, C: 3, targets: [[1, 2], [1, 1], [2]], lengths: [4, 4, 3], blank: 0 },
    { T: 5, C: 3, targets: [[1, 1, 1], [2, 1, 2], []], lengths: [5, 5, 4], blank: 0 },
    { T: 5, C: 3, targets: [[0, 0], [1, 0, 1]], lengths: [5, 5], blank: 2 },
    { T: 3, C: 2, targets: [[1], [1, 1]], lengths: [1, 3], blank: 0 },
  ];
  cases.forEach(({ T, C, targets, lengths, blank }, k) => {
    const logits = randomLogits(T, targets.length, C, 20 + k);
    const loss = ctcLoss(logits, targets, lengths, targets.map((l) => l.length), { blank, reduction: 'none' });
    const ref = targets.map((l, b) => exhaustiveNll(logits, b, lengths[b]!, l, blank));
    expectClose(loss.data, ref, { atol: 1e-12, rtol: 1e-12, name: `case ${k}` });
  });
});

test("'mean' divides each loss by its target length (at least 1) and averages; 'sum' adds", () => {
  const logits = randomLogits(6, 3, 4, 2);
  const targets = [[1, 2, 3], [], [3, 3]];
  const lens = [3, 0, 2];
  const none = ctcLoss(logits, targets, [6, 5, 6], lens, { reduction: 'none' }).data;
  const mean = ctcLoss(logits, targets, [6, 5, 6], lens).item();
  const sum = ctcLoss(logits, targets, [6, 5, 6], lens, { reduction: 'sum' }).item();
  expectClose([mean], [(none[0]! / 3 + none[1]! / 1 + none[2]! / 2) / 3], { atol: 1e-14 });
  expectClose([sum], [none[0]! + none[1]! + none[2]!], { atol: 1e-14 });
});

const gradCases: { name: string; targets: number[][]; lengths: number[]; opts: CtcOptions }[] = [
  { name: "reduction 'mean'", targets: [[1, 2, 3], [2, 2]], lengths: [7, 5], opts: {} },
  { name: "reduction 'sum' with repeated labels", targets: [[3, 3, 3], [1, 1]], lengths: [7, 6], opts: { reduction: 'sum' } },
  { name: "reduction 'none'", targets: [[1], [3, 2, 1, 2]], lengths: [3, 7], opts: { reduction: 'none' } },
  { name: 'an empty target and a short input', targets: [[], [2]], lengths: [4, 1], opts: {} },
  { name: 'the blank as the last class', targets: [[0, 1, 0], [2, 2]], lengths: [7, 7], opts: { blank: 3 } },
  { name: 'zeroInfinity and an impossible sequence', targets: [[1, 1, 2], [2, 1]], lengths: [3, 7], opts: { zeroInfinity: true } },
];

for (const { name, targets, lengths, opts } of gradCases) {
  test(`CTC gradients match finite differences with ${name}`, () => {
    const logits = randomLogits(7, 2, 4, 30);
    const w = Float64Array.from([0.8, -1.3]);
    gradcheck(() => {
      const l = ctcLoss(logits, targets, lengths, targets.map((t) => t.length), opts);
      return opts.reduction === 'none' ? dot(l, w) : l;
    }, [logits], { names: ['logits'], atol: 1e-6, rtol: 1e-5 });
  });
}

test('padded steps past an input length get zero gradient', () => {
  const logits = randomLogits(5, 2, 3, 4);
  logits.requiresGrad = true;
  ctcLoss(logits, [[1], [2, 1]], [2, 5], [1, 2]).backward();
  for (let t = 2; t < 5; t++) for (let c = 0; c < 3; c++) assert.equal(logits.grad![(t * 2 + 0) * 3 + c], 0);
  assert.notEqual(logits.grad![(4 * 2 + 1) * 3], 0);
});

test('an impossible alignment gives Infinity, or 0 with zero gradient under zeroInfinity', () => {
  // [1, 1] needs 1, blank, 1: three steps, but only two are given.
  const logits = randomLogits(2, 2, 3, 5);
  logits.requiresGrad = true;
  const none = ctcLoss(logits, [[1, 1], [2]], [2, 2], [2, 1], { reduction: 'none' });
  assert.equal(none.data[0], Infinity);
  assert.ok(Number.isFinite(none.data[1]!));
  assert.equal(ctcLoss(logits, [[1, 1], [2]], [2, 2], [2, 1]).item(), Infinity);
  const zeroed = ctcLoss(logits, [[1, 1], [2]], [2, 2], [2, 1], { zeroInfinity: true, reduction: 'sum' });
  expectClose(zeroed.data, [none.data[1]!], { atol: 1e-14 });
  zeroed.backward();
  for (let t = 0; t < 2; t++) for (let c = 0; c < 3; c++) assert.equal(logits.grad![(t * 2) * 3 + c], 0);
});

test('without zeroInfinity an impossible sequence has NaN gradients, as in PyTorch', () => {
  const logits = randomLogits(1, 1, 3, 6);
  logits.requiresGrad = true;
  ctcLoss(logits, [[1, 2]], [1], [2], { reduction: 'sum' }).backward();
  assert.ok(Array.from(logits.grad!).every(Number.isNaN));
});

test('an input length of zero has zero loss for an empty target and Infinity otherwise', () => {
  const logits = randomLogits(3, 2, 3, 7);
  const l = ctcLoss(logits, [[], [1]], [0, 0], [0, 1], { reduction: 'none' });
  assert.deepEqual(Array.from(l.data), [0, Infinity]);
});

test('float32 logits give a float32 loss close to the float64 one', () => {
  const l64 = randomLogits(8, 2, 5, 8);
  const l32 = Tensor.from(l64.data, l64.shape, 'float32');
  const args = [[[1, 2, 2], [4]], [8, 6], [3, 1]] as const;
  const a = ctcLoss(l32, args[0], args[1], args[2]);
  const b = ctcLoss(l64, args[0], args[1], args[2]);
  assert.equal(a.dtype, 'float32');
  expectClose(a.data, b.data, { atol: 1e-5, rtol: 1e-5 });
});

function expectError(fn: () => unknown, cls: typeof DataError | typeof ConfigError | typeof ShapeError, code: string, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.equal(e.message, message);
    assert.ok(e.hint.length > 0 || cls === ConfigError, 'data and shape errors carry a hint');
    return true;
  });
}

test('bad CTC inputs throw typed errors that say what was expected', () => {
  const x = randomLogits(4, 2, 3, 9);
  const ok: [number[][], number[], number[]] = [[[1], [2, 1]], [4, 4], [1, 2]];
  expectError(() => ctcLoss(Tensor.zeros([4, 3], 'float64'), ok[0], ok[1], ok[2]), ShapeError, 'shape_mismatch',
    'logits: expected shape [*, *, *], got [4, 3]');
  expectError(() => ctcLoss(x, [[1]], ok[1], ok[2]), DataError, 'bad_data',
    'targets: expected 2 label lists (one per sequence), got 1');
  expectError(() => ctcLoss(x, [[1], [2, 0]], ok[1], ok[2]), DataError, 'bad_data',
    'targets[1][1]: expected a label in [0, 2] other than blank 0, got 0');
  expectError(() => ctcLoss(x, [[3], [2, 1]], ok[1], ok[2]), DataError, 'bad_data',
    'targets[0][0]: expected a label in [0, 2] other than blank 0, got 3');
  expectError(() => ctcLoss(x, ok[0], [4, 5], ok[2]), DataError, 'bad_data',
    'inputLengths[1]: expected an integer in [0, 4], got 5');
  expectError(() => ctcLoss(x, ok[0], [4], ok[2]), DataError, 'bad_data',
    'inputLengths: expected 2 values (one per sequence), got 1');
  expectError(() => ctcLoss(x, ok[0], ok[1], [1, 3]), DataError, 'bad_data',
    'targetLengths[1]: expected 2 (the length of targets[1]), got 3');
  expectError(() => ctcLoss(x, ok[0], ok[1], [1, -2]), DataError, 'bad_data',
    'targetLengths[1]: expected an integer ≥ 0, got -2');
});

test('bad CTC options throw a ConfigError', () => {
  const x = randomLogits(4, 1, 3, 10);
  const call = (opts: CtcOptions): unknown => ctcLoss(x, [[1]], [4], [1], opts);
  expectError(() => call({ blank: 3 }), ConfigError, 'bad_config', 'ctcLoss: blank: expected an integer in [0, 2], got 3');
  expectError(() => call({ reduction: 'avg' as 'mean' }), ConfigError, 'bad_config',
    `ctcLoss: reduction: expected 'mean', 'sum' or 'none', got "avg"`);
  expectError(() => call({ zeroInfinity: 1 as unknown as boolean }), ConfigError, 'bad_config',
    'ctcLoss: zeroInfinity: expected true or false, got 1');
  expectError(() => call({ zero_infinity: true } as CtcOptions), ConfigError, 'bad_config',
    "ctcLoss: unknown option 'zero_infinity'");
});
