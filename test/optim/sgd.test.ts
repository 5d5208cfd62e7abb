import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/errors.js';
import { SGD, type SGDOptions } from '../../src/optim/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { expectClose } from '../helpers/gradcheck.js';

/** Applies SGD to a float64 parameter starting at `w0`, one gradient per step; returns w after each step. */
function trace(options: SGDOptions, w0: number[], grads: number[][]): number[][] {
  const p = Tensor.from(w0, [w0.length], 'float64');
  const opt = new SGD([p], options);
  return grads.map((g) => {
    p.grad = Float64Array.from(g);
    opt.step();
    return [...p.data];
  });
}

function expectTrace(got: number[][], want: number[][]): void {
  got.forEach((w, t) => expectClose(w, want[t]!, { atol: 1e-14, rtol: 1e-14, name: `step ${t + 1}` }));
}

test('plain SGD subtracts lr times the gradient', () => {
  // w − 0.1·g: [1, −2] → [0.95, −2.1] → [0.9, −2.2]
  expectTrace(trace({ lr: 0.1 }, [1, -2], [[0.5, 1], [0.5, 1]]), [[0.95, -2.1], [0.9, -2.2]]);
});

test('SGD momentum without nesterov starts the buffer at the gradient and steps along it', () => {
  // b = 1, 1.9, 2.71; w = 1 − 0.1·b cumulatively: 0.9, 0.71, 0.439
  expectTrace(trace({ lr: 0.1, momentum: 0.9 }, [1], [[1], [1], [1]]), [[0.9], [0.71], [0.439]]);
});

test('SGD nesterov steps along g + momentum·b', () => {
  // b = 1, 1.9, 2.71; d = 1 + 0.9·b = 1.9, 2.71, 3.439; w = 1 − 0.19 = 0.81, − 0.271 = 0.539, − 0.3439 = 0.1951
  expectTrace(trace({ lr: 0.1, momentum: 0.9, nesterov: true }, [1], [[1], [1], [1]]), [[0.81], [0.539], [0.1951]]);
});

test('SGD dampening scales the gradient term of the momentum after the first step only', () => {
  // b = 1 (undamped), 0.9 + 0.5 = 1.4, 1.26 + 0.5 = 1.76; w = 0.9, 0.76, 0.584
  expectTrace(trace({ lr: 0.1, momentum: 0.9, dampening: 0.5 }, [1], [[1], [1], [1]]), [[0.9], [0.76], [0.584]]);
});

test('SGD weight decay adds lambda times the weight to the gradient', () => {
  // g = 0 + 0.1·w: w = 1 − 0.01 = 0.99, 0.99 − 0.0099 = 0.9801
  expectTrace(trace({ lr: 0.1, weightDecay: 0.1 }, [1], [[0], [0]]), [[0.99], [0.9801]]);
});

test('SGD weight decay enters the momentum buffer', () => {
  // g = 1 + 0.5·w. t1: g = 1.5, b = 1.5, w = 0.85. t2: g = 1.425, b = 1.35 + 1.425 = 2.775, w = 0.5725
  expectTrace(trace({ lr: 0.1, momentum: 0.9, weightDecay: 0.5 }, [1], [[1], [1]]), [[0.85], [0.5725]]);
});

test('SGD maximize ascends the gradient', () => {
  expectTrace(trace({ lr: 0.1, maximize: true }, [1], [[1], [2]]), [[1.1], [1.3]]);
  // with momentum the buffer holds −g: b = −1, −1.9; w = 1.1, 1.29
  expectTrace(trace({ lr: 0.1, momentum: 0.9, maximize: true }, [1], [[1], [1]]), [[1.1], [1.29]]);
});

test('SGD skips parameters whose grad is null and keeps no state for them', () => {
  const a = Tensor.from([1, 2], [2], 'float64');
  const b = Tensor.from([3], [1], 'float64');
  const opt = new SGD([a, b], { lr: 0.5, momentum: 0.9 });
  a.grad = Float64Array.from([1, 1]);
  opt.step();
  assert.deepEqual([...a.data], [0.5, 1.5]);
  assert.deepEqual([...b.data], [3]);
  assert.deepEqual(Object.keys(opt.stateDict().buffers), ['momentum_buffer.0']);
});

test('SGD updates float32 parameters in place and keeps float32 state', () => {
  const p = Tensor.from([1, 2]);
  const data = p.data;
  const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
  p.grad = Float32Array.from([1, 1]);
  opt.step();
  assert.equal(p.data, data);
  expectClose(p.data, [0.9, 1.9], { atol: 1e-7 });
  assert.ok(opt.stateDict().buffers['momentum_buffer.0'] instanceof Float32Array);
});

test('SGD options are validated with ConfigError and a hint', () => {
  const p = [Tensor.zeros([1])];
  const cases: [unknown, RegExp][] = [
    [{ lr: 0.1, momentun: 0.9 }, /^SGD options: unknown option 'momentun'$/],
    [{ lr: -1 }, /^SGD lr: expected a number ≥ 0, got -1$/],
    [{}, /^SGD lr: expected a number ≥ 0, got undefined$/],
    [{ lr: 0.1, momentum: -0.5 }, /^SGD momentum: expected a number ≥ 0, got -0.5$/],
    [{ lr: 0.1, weightDecay: Number.NaN }, /^SGD weightDecay: expected a number ≥ 0, got null$/],
    [{ lr: 0.1, nesterov: 'yes' }, /^SGD nesterov: expected true or false, got "yes"$/],
    [{ lr: 0.1, nesterov: true }, /^SGD nesterov: expected momentum > 0 and dampening 0, got momentum 0, dampening 0$/],
    [{ lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 }, /^SGD nesterov: expected momentum > 0 and dampening 0, got momentum 0.9, dampening 0.1$/],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => new SGD(p, options as SGDOptions), (e: unknown) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.equal(e.code, 'bad_config');
      assert.match(e.message, message);
      assert.ok(e.hint.length > 0, `no hint for ${e.message}`);
      return true;
    });
  }
});
