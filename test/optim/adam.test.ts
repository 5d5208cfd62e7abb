import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/errors.js';
import { Adam, type AdamOptions, AdamW } from '../../src/optim/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { expectClose } from '../helpers/gradcheck.js';

/** Applies Adam or AdamW to a float64 parameter starting at `w0`; returns w after each step. */
function trace(Opt: typeof Adam | typeof AdamW, options: AdamOptions, w0: number, grads: number[]): number[] {
  const p = Tensor.from([w0], [1], 'float64');
  const opt = new Opt([p], options);
  return grads.map((g) => {
    p.grad = Float64Array.from([g]);
    opt.step();
    return p.data[0]!;
  });
}

const tol = { atol: 1e-14, rtol: 1e-14 };
// Small betas keep the hand arithmetic short: bias corrections 1 − 0.5ᵗ and 1 − 0.75ᵗ.
const base = { lr: 0.1, betas: [0.5, 0.75] as const, eps: 0 };

test('Adam divides the bias-corrected first moment by the bias-corrected root second moment', () => {
  // t1: g = 2, m = 1, v = 1; w = 0 − (0.1/0.5)·1/(1/0.5) = −0.1
  // t2: g = 1, m = 0.5 + 0.5 = 1, v = 0.75 + 0.25 = 1; w = −0.1 − (0.1/0.75)·1/(1/√0.4375)
  const w2 = -0.1 - (0.1 / 0.75) * Math.sqrt(0.4375);
  expectClose(trace(Adam, base, 0, [2, 1]), [-0.1, w2], tol);
});

test('Adam adds eps after the square root of the bias-corrected second moment (PyTorch 1.13)', () => {
  // t1: m = 1, v = 1; denom = √1/√0.25 + 0.5 = 2.5; w = −(0.1/0.5)·1/2.5 = −0.08
  // (eps added to √v before the bias correction would give −0.0667)
  expectClose(trace(Adam, { ...base, eps: 0.5 }, 0, [2]), [-0.08], tol);
});

test('Adam with a constant gradient steps by lr/(1 + eps) with the default betas', () => {
  const step = 0.1 / (1 + 1e-8);
  expectClose(trace(Adam, { lr: 0.1 }, 1, [1, 1, 1]), [1 - step, 1 - 2 * step, 1 - 3 * step], tol);
});

test('Adam amsgrad divides by the running maximum of the second moment', () => {
  // t1: g = 2, m = 1, v = v̂ = 1, w = −0.1
  // t2: g = 0, m = 0.5, v = 0.75, v̂ = 1; w −= (0.1/0.75)·0.5·√0.4375
  // t3: g = 0, m = 0.25, v = 0.5625, v̂ = 1; w −= (0.1/0.875)·0.25·√0.578125
  const w2 = -0.1 - (0.1 / 0.75) * 0.5 * Math.sqrt(0.4375);
  const w3 = w2 - (0.1 / 0.875) * 0.25 * Math.sqrt(0.578125);
  expectClose(trace(Adam, { ...base, amsgrad: true }, 0, [2, 0, 0]), [-0.1, w2, w3], tol);
  // without amsgrad the second step divides by √0.75 instead
  const plain2 = -0.1 - (0.1 / 0.75) * 0.5 / (Math.sqrt(0.75) / Math.sqrt(0.4375));
  expectClose(trace(Adam, base, 0, [2, 0]), [-0.1, plain2], tol);
});

test('Adam weight decay adds lambda times the weight to the gradient', () => {
  // t1: g = 0.5·1 = 0.5, m = 0.25, v = 0.0625; w = 1 − 0.2·0.25/(0.25/0.5) = 0.9
  // t2: g = 0.45, m = 0.125 + 0.225 = 0.35, v = 0.046875 + 0.050625 = 0.0975
  const w2 = 0.9 - (0.1 / 0.75) * 0.35 / (Math.sqrt(0.0975) / Math.sqrt(0.4375));
  expectClose(trace(Adam, { ...base, weightDecay: 0.5 }, 1, [0, 0]), [0.9, w2], tol);
});

test('Adam maximize ascends the gradient', () => {
  const w2 = -0.1 - (0.1 / 0.75) * Math.sqrt(0.4375);
  expectClose(trace(Adam, { ...base, maximize: true }, 0, [-2, -1]), [-0.1, w2], tol);
});

test('Adam counts steps per parameter, so one first updated later gets the first-step correction', () => {
  const a = Tensor.from([0], [1], 'float64');
  const b = Tensor.from([0], [1], 'float64');
  const opt = new Adam([a, b], base);
  a.grad = Float64Array.from([2]);
  opt.step();
  b.grad = Float64Array.from([2]);
  opt.step();
  expectClose(b.data, [-0.1], tol);
  assert.equal(opt.stateDict().buffers['step.0']![0], 2);
  assert.equal(opt.stateDict().buffers['step.1']![0], 1);
});

test('AdamW decays the weight by lr·lambda before the Adam step', () => {
  // constant g = 1 gives m̂ = v̂ = 1, so each step is w·(1 − 0.05) − 0.1: 0.85, 0.7075, 0.572125
  expectClose(trace(AdamW, { ...base, weightDecay: 0.5 }, 1, [1, 1, 1]), [0.85, 0.7075, 0.572125], tol);
});

test('AdamW keeps the decay out of the moments', () => {
  // g = 0 always: m = v = 0 (the update is 0/(0 + eps)), so only the decay acts: w = 0.95, 0.9025
  expectClose(trace(AdamW, { ...base, eps: 1e-8, weightDecay: 0.5 }, 1, [0, 0]), [0.95, 0.9025], tol);
});

test('AdamW with amsgrad uses the running maximum like Adam', () => {
  const w2 = -0.1 - (0.1 / 0.75) * 0.5 * Math.sqrt(0.4375);
  expectClose(trace(AdamW, { ...base, weightDecay: 0, amsgrad: true }, 0, [2, 0]), [-0.1, w2], tol);
});

test('Adam and AdamW defaults are PyTorch\'s', () => {
  const p = [Tensor.zeros([1])];
  assert.deepEqual(new Adam(p).stateDict().hyper, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false });
  assert.deepEqual(new AdamW(p).stateDict().hyper, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false });
});

test('Adam options are validated with ConfigError and a hint', () => {
  const p = [Tensor.zeros([1])];
  const cases: [typeof Adam | typeof AdamW, unknown, RegExp][] = [
    [Adam, { lr: 1e-3, beta1: 0.9 }, /^Adam options: unknown option 'beta1'$/],
    [AdamW, { lr: -1e-3 }, /^AdamW lr: expected a number ≥ 0, got -0.001$/],
    [Adam, { betas: [1, 0.999] }, /^Adam betas\[0\]: expected a number in \[0, 1\), got 1$/],
    [Adam, { betas: [0.9, -0.1] }, /^Adam betas\[1\]: expected a number in \[0, 1\), got -0.1$/],
    [AdamW, { betas: [0.9] }, /^AdamW betas: expected \[β1, β2\], got \[0.9\]$/],
    [Adam, { eps: -1 }, /^Adam eps: expected a number ≥ 0, got -1$/],
    [Adam, { weightDecay: -0.1 }, /^Adam weightDecay: expected a number ≥ 0, got -0.1$/],
    [Adam, { amsgrad: 1 }, /^Adam amsgrad: expected true or false, got 1$/],
  ];
  for (const [Opt, options, message] of cases) {
    assert.throws(() => new Opt(p, options as AdamOptions), (e: unknown) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.equal(e.code, 'bad_config');
      assert.match(e.message, message);
      assert.ok(e.hint.length > 0, `no hint for ${e.message}`);
      return true;
    });
  }
});
