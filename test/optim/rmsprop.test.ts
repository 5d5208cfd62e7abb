import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/errors.js';
import { RMSprop, type RMSpropOptions } from '../../src/optim/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { expectClose } from '../helpers/gradcheck.js';

/** Applies RMSprop to a float64 parameter starting at `w0`; returns w after each step. */
function trace(options: RMSpropOptions, w0: number, grads: number[]): number[] {
  const p = Tensor.from([w0], [1], 'float64');
  const opt = new RMSprop([p], options);
  return grads.map((g) => {
    p.grad = Float64Array.from([g]);
    opt.step();
    return p.data[0]!;
  });
}

const tol = { atol: 1e-14, rtol: 1e-14 };
const base = { lr: 0.1, alpha: 0.5, eps: 0 };

test('RMSprop divides the gradient by the root of its squared average', () => {
  // t1: g = 2, v = 0.5·4 = 2, w = −0.1·2/√2.  t2: g = 1, v = 1 + 0.5 = 1.5, w −= 0.1/√1.5
  const w1 = -0.2 / Math.SQRT2;
  expectClose(trace(base, 0, [2, 1]), [w1, w1 - 0.1 / Math.sqrt(1.5)], tol);
});

test('RMSprop adds eps after the square root', () => {
  // v = 2, d = √2 + 1
  expectClose(trace({ ...base, eps: 1 }, 0, [2]), [-0.2 / (Math.SQRT2 + 1)], tol);
});

test('centered RMSprop divides by the root of the estimated variance', () => {
  // t1: g = 2, v = 2, ḡ = 1, d = √(2 − 1) = 1, w = −0.2
  // t2: g = 1, v = 1.5, ḡ = 1, d = √0.5, w −= 0.1/√0.5
  // t3: g = −1, v = 1.25, ḡ = 0, d = √1.25, w += 0.1/√1.25
  const w2 = -0.2 - 0.1 / Math.sqrt(0.5);
  expectClose(trace({ ...base, centered: true }, 0, [2, 1, -1]), [-0.2, w2, w2 + 0.1 / Math.sqrt(1.25)], tol);
});

test('RMSprop momentum accumulates the scaled gradients in a buffer that starts at zero', () => {
  // t1: v = 2, b = 2/√2 = √2, w = −0.1·√2.  t2: v = 1.5, b = 0.5·√2 + 1/√1.5, w −= 0.1·b
  const b2 = 0.5 * Math.SQRT2 + 1 / Math.sqrt(1.5);
  expectClose(trace({ ...base, momentum: 0.5 }, 0, [2, 1]), [-0.1 * Math.SQRT2, -0.1 * Math.SQRT2 - 0.1 * b2], tol);
});

test('centered RMSprop with momentum combines both', () => {
  // t1: d = 1, b = 2, w = −0.2.  t2: d = √0.5, b = 1 + 1/√0.5, w = −0.2 − 0.1·b
  expectClose(trace({ ...base, momentum: 0.5, centered: true }, 0, [2, 1]), [-0.2, -0.2 - 0.1 * (1 + 1 / Math.sqrt(0.5))], tol);
});

test('RMSprop weight decay adds lambda times the weight to the gradient', () => {
  // t1: g = 0.5, v = 0.125, w = 1 − 0.1·0.5/√0.125
  // t2: g = 0.5·w1, v = 0.0625 + 0.5·g², w = w1 − 0.1·g/√v
  const w1 = 1 - 0.05 / Math.sqrt(0.125);
  const g2 = 0.5 * w1;
  const w2 = w1 - (0.1 * g2) / Math.sqrt(0.0625 + 0.5 * g2 * g2);
  expectClose(trace({ ...base, weightDecay: 0.5 }, 1, [0, 0]), [w1, w2], tol);
});

test('RMSprop maximize ascends the gradient', () => {
  expectClose(trace({ ...base, maximize: true }, 0, [2]), [0.2 / Math.SQRT2], tol);
});

test('RMSprop defaults are PyTorch\'s', () => {
  assert.deepEqual(new RMSprop([Tensor.zeros([1])]).stateDict().hyper,
    { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false });
});

test('RMSprop options are validated with ConfigError and a hint', () => {
  const p = [Tensor.zeros([1])];
  const cases: [unknown, RegExp][] = [
    [{ rho: 0.9 }, /^RMSprop options: unknown option 'rho'$/],
    [{ lr: -0.01 }, /^RMSprop lr: expected a number ≥ 0, got -0.01$/],
    [{ alpha: -0.9 }, /^RMSprop alpha: expected a number ≥ 0, got -0.9$/],
    [{ momentum: -1 }, /^RMSprop momentum: expected a number ≥ 0, got -1$/],
    [{ centered: 'no' }, /^RMSprop centered: expected true or false, got "no"$/],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => new RMSprop(p, options as RMSpropOptions), (e: unknown) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.equal(e.code, 'bad_config');
      assert.match(e.message, message);
      assert.ok(e.hint.length > 0, `no hint for ${e.message}`);
      return true;
    });
  }
});
