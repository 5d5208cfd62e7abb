import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckpointError, ConfigError, ShapeError } from '../../src/errors.js';
import { Module } from '../../src/nn/module.js';
import { Adam, AdamW, type Optimizer, type OptimizerState, type ParamList, RMSprop, SGD } from '../../src/optim/index.js';
import { normal } from '../../src/tensor/init.js';
import { Rng } from '../../src/tensor/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';

class Tiny extends Module {
  constructor(seed: number) {
    super();
    const rng = new Rng(seed);
    this.addParameter('layer.weight', normal(Tensor.zeros([3, 4]), 0, 1, rng));
    this.addParameter('layer.bias', normal(Tensor.zeros([3]), 0, 1, rng));
  }
}

const makers: [string, (p: ParamList) => Optimizer][] = [
  ['SGD with nesterov and weight decay', (p) => new SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
  ['Adam with amsgrad and weight decay', (p) => new Adam(p, { lr: 0.01, amsgrad: true, weightDecay: 0.1 })],
  ['AdamW', (p) => new AdamW(p, { lr: 0.01, betas: [0.8, 0.99] })],
  ['RMSprop centered with momentum', (p) => new RMSprop(p, { lr: 0.01, centered: true, momentum: 0.5 })],
];

/** Sets seeded gradients (the bias skips odd steps) and steps `opt` for steps [from, to). */
function train(model: Tiny, opt: Optimizer, from: number, to: number): void {
  for (let t = from; t < to; t++) {
    const rng = new Rng(1000 + t);
    for (const [name, p] of model.namedParameters()) {
      p.grad = name.endsWith('bias') && t % 2 === 1 ? null : normal(Tensor.zeros(p.shape), 0, 1, rng).data;
    }
    opt.step();
  }
}

/** What a checkpoint round trip leaves: plain numbers, rebuilt into float32 arrays. */
function throughFile(s: OptimizerState): OptimizerState {
  const json = JSON.parse(JSON.stringify({ ...s, buffers: Object.fromEntries(Object.entries(s.buffers).map(([k, b]) => [k, [...b]])) }));
  return { ...json, buffers: Object.fromEntries(Object.entries(json.buffers as Record<string, number[]>).map(([k, b]) => [k, Float32Array.from(b)])) };
}

for (const [what, make] of makers) {
  test(`${what} resumed from a saved state matches an uninterrupted run bit for bit`, () => {
    const whole = new Tiny(7);
    train(whole, make(whole.namedParameters()), 0, 6);

    const first = new Tiny(7);
    const opt1 = make(first.namedParameters());
    train(first, opt1, 0, 3);
    const savedParams = new Map(first.namedParameters().map(([n, p]) => [n, p.clone()]));
    const saved = throughFile(opt1.stateDict());
    train(first, opt1, 3, 4); // later steps must not touch the saved copy

    const resumed = new Tiny(99);
    resumed.loadStateDict(savedParams);
    const fresh = make(resumed.namedParameters());
    fresh.lr = 123; // loading restores the saved hyper-parameters too
    fresh.loadStateDict(saved);
    assert.equal(fresh.stepCount, 3);
    assert.deepEqual(fresh.stateDict().hyper, opt1.stateDict().hyper);
    train(resumed, fresh, 3, 6);
    for (const [n, p] of whole.namedParameters()) assert.deepEqual(resumed.parameter(n).data, p.data, n);
  });
}

test('stateDict keys buffers by parameter name, or by index for a plain list', () => {
  const m = new Tiny(1);
  const named = new Adam(m.namedParameters());
  const plain = new Adam(m.parameters());
  train(m, named, 0, 1);
  train(m, plain, 0, 1);
  const keys = ['step', 'exp_avg', 'exp_avg_sq'];
  assert.deepEqual(Object.keys(named.stateDict().buffers).sort(), keys.flatMap((k) => [`${k}.layer.weight`, `${k}.layer.bias`]).sort());
  assert.deepEqual(Object.keys(plain.stateDict().buffers).sort(), keys.flatMap((k) => [`${k}.0`, `${k}.1`]).sort());
  const s = named.stateDict();
  assert.equal(s.name, 'Adam');
  assert.equal(s.step, 1);
  assert.ok(s.buffers['exp_avg.layer.weight'] instanceof Float32Array);
  assert.equal(s.buffers['exp_avg.layer.weight']!.length, 12);
});

test('zeroGrad drops every gradient and a step with no gradients changes nothing', () => {
  const m = new Tiny(2);
  const opt = new SGD(m.parameters(), { lr: 0.1 });
  train(m, opt, 0, 1);
  opt.zeroGrad();
  assert.ok(m.parameters().every((p) => p.grad === null));
  const before = m.parameters().map((p) => p.data.slice());
  opt.step();
  m.parameters().forEach((p, i) => assert.deepEqual(p.data, before[i]));
});

test('lr can be changed between steps, as schedules do', () => {
  const p = Tensor.from([1], [1], 'float64');
  const opt = new SGD([p], { lr: 0.1 });
  p.grad = Float64Array.from([1]);
  opt.step();
  opt.lr = 0.5;
  opt.step();
  assert.equal(opt.lr, 0.5);
  assert.ok(Math.abs(p.data[0]! - 0.4) < 1e-15);
  assert.throws(() => { opt.lr = -1; }, (e: unknown) => e instanceof ConfigError && /^SGD lr: expected a number ≥ 0, got -1$/.test(e.message) && e.hint.length > 0);
});

function expectCheckpointError(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof CheckpointError, String(e));
    assert.equal(e.code, 'bad_checkpoint');
    assert.match(e.message, message);
    assert.ok(e.hint.length > 0);
    return true;
  });
}

test('loading a state that does not fit throws CheckpointError and changes nothing', () => {
  const m = new Tiny(3);
  const adam = new Adam(m.namedParameters(), { lr: 0.01 });
  train(m, adam, 0, 2);
  const good = adam.stateDict();
  const target = new Adam(m.namedParameters(), { lr: 0.02 });
  train(m, target, 0, 1);
  const before = target.stateDict();

  expectCheckpointError(() => new SGD(m.namedParameters(), { lr: 0.1 }).loadStateDict(good), /^optimizer state: expected name 'SGD', got "Adam"$/);
  expectCheckpointError(() => new AdamW(m.namedParameters()).loadStateDict(good), /^optimizer state: expected name 'AdamW', got "Adam"$/);
  expectCheckpointError(() => target.loadStateDict({ ...good, buffers: { ...good.buffers, 'exp_avg.layer.bias': new Float32Array(4) } }),
    /^optimizer state buffer 'exp_avg.layer.bias': expected 3 values, got 4$/);
  expectCheckpointError(() => target.loadStateDict({ ...good, buffers: { ...good.buffers, 'exp_avg.2': new Float32Array(3) } }),
    /^optimizer state buffer 'exp_avg.2': expected one of .*, got an unknown key$/);
  expectCheckpointError(() => target.loadStateDict({ ...good, buffers: { ...good.buffers, 'momentum_buffer.layer.bias': new Float32Array(3) } }),
    /^optimizer state buffer 'momentum_buffer.layer.bias': expected one of/);
  expectCheckpointError(() => target.loadStateDict({ ...good, buffers: { 'constructor.layer.bias': new Float32Array(1) } }),
    /^optimizer state buffer 'constructor.layer.bias': expected one of/);
  expectCheckpointError(() => target.loadStateDict({ ...good, hyper: { lr: 0.1 } }), /^optimizer state hyper: expected keys \[amsgrad, betas, eps, lr, maximize, weightDecay\], got \[lr\]$/);
  expectCheckpointError(() => target.loadStateDict({ ...good, hyper: { ...good.hyper, betas: [0.9, 1.5] } }),
    /^optimizer state hyper: Adam betas\[1\]: expected a number in \[0, 1\), got 1.5$/);
  expectCheckpointError(() => target.loadStateDict({ ...good, hyper: { ...good.hyper, lr: -1 } }), /^optimizer state hyper: Adam lr: expected a number ≥ 0/);
  expectCheckpointError(() => target.loadStateDict({ ...good, step: -1 }), /^optimizer state step: expected an integer ≥ 0, got -1$/);
  expectCheckpointError(() => new Adam(m.parameters()).loadStateDict(good), /^optimizer state buffer 'step.layer.weight': expected one of/);

  assert.deepEqual(target.stateDict(), before);
});

test('an optimizer over no parameters, or over something else, is a ConfigError', () => {
  const t = Tensor.zeros([2]);
  const cases: [unknown, RegExp][] = [
    [[], /^SGD params: expected a non-empty list of tensors or \[name, tensor\] pairs, got an empty list$/],
    [[t, 'w'], /^SGD params\[1\]: expected a Tensor or a \[name, Tensor\] pair, got "w"$/],
    [[['a', t], Tensor.zeros([1])], /^SGD params\[1\]: expected the same form as entry 0, got a mix/],
    [[t, t], /^SGD params\[1\]: expected each parameter once, got a repeat of entry 0$/],
    [[['a', t], ['a', Tensor.zeros([1])]], /^SGD params\[1\]: expected unique names, got 'a' twice$/],
  ];
  for (const [params, message] of cases) {
    assert.throws(() => new SGD(params as ParamList, { lr: 0.1 }), (e: unknown) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.equal(e.code, 'bad_config');
      assert.match(e.message, message);
      assert.ok(e.hint.length > 0);
      return true;
    });
  }
});

test('a gradient whose size is not its parameter\'s is a ShapeError, before anything is updated', () => {
  const a = Tensor.from([1, 2], [2], 'float64');
  const b = Tensor.from([1, 2, 3], [3], 'float64');
  const opt = new SGD([['a', a], ['b', b]], { lr: 0.1 });
  a.grad = Float64Array.from([1, 1]);
  b.grad = new Float64Array(2);
  assert.throws(() => opt.step(), (e: unknown) => {
    assert.ok(e instanceof ShapeError, String(e));
    assert.equal(e.code, 'shape_mismatch');
    assert.equal(e.message, "SGD param 'b' grad: expected shape [3], got [2]");
    assert.ok(e.hint.length > 0);
    return true;
  });
  assert.deepEqual([...a.data], [1, 2]);
  assert.equal(opt.stepCount, 0);
});
