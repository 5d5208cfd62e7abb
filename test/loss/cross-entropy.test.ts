import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, DataError, ShapeError } from '../../src/errors.js';
import { crossEntropy, type CrossEntropyOptions } from '../../src/loss/cross-entropy.js';
import { dot } from '../../src/tensor/ops.js';
import { Rng } from '../../src/tensor/rng.js';
import { Tensor, noGrad } from '../../src/tensor/tensor.js';
import { normal } from '../../src/tensor/init.js';
import { expectClose, gradcheck } from '../helpers/gradcheck.js';

function randomLogits(N: number, C: number, seed: number): Tensor {
  return normal(Tensor.zeros([N, C], 'float64'), 0, 1.5, new Rng(seed));
}

/** Direct transcription of PyTorch's formula, row by row. */
function reference(logits: number[][], targets: number[], ignore: number, eps: number): { rows: number[]; valid: number } {
  const rows: number[] = [];
  let valid = 0;
  logits.forEach((row, n) => {
    const lse = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
    const lp = row.map((v) => v - lse);
    if (targets[n] === ignore) { rows.push(0); return; }
    valid++;
    const C = row.length;
    rows.push(-(1 - eps) * lp[targets[n]!]! - (eps / C) * lp.reduce((s, v) => s + v, 0));
  });
  return { rows, valid };
}

test('cross-entropy mean matches the log-softmax formula', () => {
  const rows = [[2, 0.5, -1], [0, 1, 0], [-3, 4, 1]];
  const loss = crossEntropy(Tensor.from(rows, undefined, 'float64'), [0, 2, 1]);
  const ref = reference(rows, [0, 2, 1], -100, 0);
  assert.deepEqual(loss.shape, [1]);
  expectClose(loss.data, [ref.rows.reduce((s, v) => s + v, 0) / 3], { atol: 1e-14 });
});

test('ignored rows add nothing and mean divides by the number of non-ignored rows', () => {
  const logits = randomLogits(6, 4, 1);
  const targets = [1, -100, 3, -100, 0, 2];
  const rows = logits.toArray() as number[][];
  const ref = reference(rows, targets, -100, 0);
  const none = crossEntropy(logits, targets, { reduction: 'none' });
  assert.deepEqual(none.shape, [6]);
  expectClose(none.data, ref.rows, { atol: 1e-14 });
  assert.equal(none.data[1], 0);
  const sum = crossEntropy(logits, targets, { reduction: 'sum' }).item();
  const mean = crossEntropy(logits, targets).item();
  expectClose([mean], [sum / 4], { atol: 1e-14 });
});

test('label smoothing mixes the one-hot target with the uniform distribution, ignored rows excluded', () => {
  const logits = randomLogits(5, 3, 2);
  const targets = [0, 2, 7, 1, 7];
  const ref = reference(logits.toArray() as number[][], targets, 7, 0.25);
  const mean = crossEntropy(logits, targets, { ignoreIndex: 7, labelSmoothing: 0.25 }).item();
  expectClose([mean], [ref.rows.reduce((s, v) => s + v, 0) / ref.valid], { atol: 1e-14 });
  const none = crossEntropy(logits, targets, { ignoreIndex: 7, labelSmoothing: 0.25, reduction: 'none' });
  expectClose(none.data, ref.rows, { atol: 1e-14 });
});

test('an ignoreIndex inside the class range ignores that class as a target', () => {
  const logits = randomLogits(4, 5, 3);
  const all = crossEntropy(logits, [3, 1, 3, 0], { ignoreIndex: 3, reduction: 'none' });
  assert.equal(all.data[0], 0);
  assert.equal(all.data[2], 0);
  assert.ok(all.data[1]! > 0);
});

const optionSets: CrossEntropyOptions[] = [
  {},
  { reduction: 'sum' },
  { reduction: 'none' },
  { ignoreIndex: 2 },
  { ignoreIndex: 2, reduction: 'sum' },
  { labelSmoothing: 0.1 },
  { labelSmoothing: 0.3, reduction: 'none', ignoreIndex: 2 },
  { labelSmoothing: 0.2, ignoreIndex: 2 },
  { labelSmoothing: 1 },
];

for (const opts of optionSets) {
  test(`cross-entropy gradients match finite differences with ${JSON.stringify(opts)}`, () => {
    const logits = randomLogits(5, 4, 10);
    const targets = [0, 2, 3, 1, 2];
    const w = Float64Array.from([0.3, -1.2, 0.7, 2.0, -0.5]); // drives 'none' through a weighted sum
    gradcheck(() => {
      const l = crossEntropy(logits, targets, opts);
      return opts.reduction === 'none' ? dot(l, w) : l;
    }, [logits], { names: ['logits'] });
  });
}

test('cross-entropy records a single node whose backward reaches the logits', () => {
  const logits = randomLogits(3, 4, 4);
  logits.requiresGrad = true;
  const loss = crossEntropy(logits, [0, 1, 2]);
  assert.deepEqual(loss.parents, [logits]);
  loss.backward();
  assert.ok(logits.grad);
  // Each row's gradient sums to zero: softmax and the target distribution both sum to one.
  for (let n = 0; n < 3; n++) {
    let s = 0;
    for (let c = 0; c < 4; c++) s += logits.grad[n * 4 + c]!;
    assert.ok(Math.abs(s) < 1e-15);
  }
});

test('when every target is ignored the mean is NaN and the gradient is zero, as in PyTorch', () => {
  const logits = randomLogits(2, 3, 5);
  logits.requiresGrad = true;
  const loss = crossEntropy(logits, [-100, -100]);
  assert.ok(Number.isNaN(loss.item()));
  loss.backward();
  assert.deepEqual(Array.from(logits.grad!), [0, 0, 0, 0, 0, 0]);
});

test('huge logits do not overflow the log-softmax', () => {
  const logits = Tensor.from([[1000, 0, -1000], [-1e4, 1e4, 0]]);
  logits.requiresGrad = true;
  const loss = crossEntropy(logits, [1, 1], { reduction: 'none' });
  expectClose(loss.data, [1000, 0], { atol: 1e-3 });
  loss.backward(new Float32Array([1, 1]));
  expectClose(logits.grad!, [1, -1, 0, 0, 0, 0], { atol: 1e-6 });
});

test('float32 logits give a float32 loss close to the float64 one', () => {
  const l64 = randomLogits(4, 6, 6);
  const l32 = Tensor.from(l64.data, l64.shape, 'float32');
  const a = crossEntropy(l32, [5, 0, 3, 1], { labelSmoothing: 0.1 });
  const b = crossEntropy(l64, [5, 0, 3, 1], { labelSmoothing: 0.1 });
  assert.equal(a.dtype, 'float32');
  expectClose(a.data, b.data, { atol: 1e-6 });
});

test('nothing is recorded under noGrad', () => {
  const logits = randomLogits(2, 2, 7);
  logits.requiresGrad = true;
  const loss = noGrad(() => crossEntropy(logits, [0, 1]));
  assert.equal(loss.requiresGrad, false);
  assert.equal(loss.backwardFn, null);
});

test('logits that are not [N, C] throw a ShapeError saying how to reshape', () => {
  assert.throws(() => crossEntropy(Tensor.zeros([2, 3, 4]), [0, 1]), (e: unknown) => {
    assert.ok(e instanceof ShapeError);
    assert.equal(e.code, 'shape_mismatch');
    assert.equal(e.message, 'logits: expected shape [*, *], got [2, 3, 4]');
    assert.match(e.hint, /\[T·B, C\]/);
    return true;
  });
});

test('targets of the wrong length throw a ShapeError', () => {
  assert.throws(() => crossEntropy(Tensor.zeros([3, 4]), [0, 1]), (e: unknown) => {
    assert.ok(e instanceof ShapeError);
    assert.equal(e.code, 'shape_mismatch');
    assert.equal(e.message, 'targets: expected shape [3], got [2]');
    return true;
  });
});

test('a target outside the classes throws a DataError', () => {
  assert.throws(() => crossEntropy(Tensor.zeros([2, 4]), [0, 4]), (e: unknown) => {
    assert.ok(e instanceof DataError);
    assert.equal(e.code, 'bad_data');
    assert.equal(e.message, 'targets[1]: expected a class index in [0, 3] or ignoreIndex -100, got 4');
    assert.match(e.hint, /ignoreIndex/);
    return true;
  });
  assert.throws(() => crossEntropy(Tensor.zeros([1, 4]), [1.5]), DataError);
});

test('bad options throw a ConfigError', () => {
  const x = Tensor.zeros([1, 3]);
  assert.throws(() => crossEntropy(x, [0], { labelSmoothing: 1.5 }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.code, 'bad_config');
    assert.equal(e.message, 'crossEntropy: labelSmoothing: expected a number in [0, 1], got 1.5');
    return true;
  });
  assert.throws(() => crossEntropy(x, [0], { reduction: 'avg' as 'mean' }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.message, `crossEntropy: reduction: expected 'mean', 'sum' or 'none', got "avg"`);
    return true;
  });
  assert.throws(() => crossEntropy(x, [0], { ignore_index: 1 } as CrossEntropyOptions), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.message, "crossEntropy: unknown option 'ignore_index'");
    assert.match(e.hint, /ignoreIndex/);
    return true;
  });
  assert.throws(() => crossEntropy(x, [0], { ignoreIndex: 0.5 }), ConfigError);
});
