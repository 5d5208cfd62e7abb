import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/errors.js';
import { ReLU, Tanh } from '../../src/nn/activation.js';
import { Conv2d } from '../../src/nn/conv2d.js';
import { Dropout } from '../../src/nn/dropout.js';
import { Linear } from '../../src/nn/linear.js';
import { MaxPool2d } from '../../src/nn/pool.js';
import { Sequential } from '../../src/nn/sequential.js';
import { dot } from '../../src/tensor/ops.js';
import { Rng } from '../../src/tensor/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { gradcheck } from '../helpers/gradcheck.js';

test('Sequential names parameters by position as PyTorch does: 0.weight, 0.bias, 2.weight, …', () => {
  const net = new Sequential(
    new Linear({ inFeatures: 4, outFeatures: 8 }), new ReLU(), new Linear({ inFeatures: 8, outFeatures: 2, bias: false }));
  assert.deepEqual(net.namedParameters().map(([n, t]) => [n, t.shape]), [['0.weight', [8, 4]], ['0.bias', [8]], ['2.weight', [2, 8]]]);
  assert.equal(net.length, 3);
  assert.equal(net.parameter('2.weight'), (net.layers[2] as Linear).weight);
});

test('Sequential nests: a Sequential inside a Sequential gives names such as 1.0.weight', () => {
  const net = new Sequential(new Tanh(), new Sequential(new Linear({ inFeatures: 2, outFeatures: 2 })));
  assert.deepEqual(net.namedParameters().map(([n]) => n), ['1.0.weight', '1.0.bias']);
});

test('Sequential chains forward calls and its gradients match finite differences', () => {
  const rng = new Rng(1);
  const init = { rng, dtype: 'float64' } as const;
  const net = new Sequential(
    new Conv2d({ inChannels: 1, outChannels: 2, kernelSize: 3, padding: 1 }, init), new Tanh(), new MaxPool2d({ kernelSize: 2 }));
  const x = Tensor.zeros([2, 1, 4, 6], 'float64');
  for (let i = 0; i < x.size; i++) x.data[i] = rng.normal();
  const manual = net.layers.reduce((h, m) => m.forward(h), x);
  assert.deepEqual(Array.from(net.forward(x).data), Array.from(manual.data));
  const g = Float64Array.from({ length: manual.size }, () => rng.normal());
  gradcheck(() => dot(net.forward(x), g), [x, ...net.parameters()], { names: ['x', '0.weight', '0.bias'] });
});

test('Sequential train() and eval() reach every child, so dropout switches off in eval', () => {
  const drop = new Dropout({ p: 0.5 });
  const net = new Sequential(new Linear({ inFeatures: 3, outFeatures: 3 }), drop);
  net.eval();
  assert.equal(drop.training, false);
  const x = Tensor.full([2, 3], 1);
  assert.deepEqual(Array.from(net.forward(x).data), Array.from(net.forward(x).data));
  net.train();
  assert.equal(drop.training, true);
});

test('Sequential loads a state dict by PyTorch names', () => {
  const net = new Sequential(new Linear({ inFeatures: 2, outFeatures: 1 }));
  net.loadStateDict(new Map([['0.weight', { shape: [1, 2], data: [3, 4] }], ['0.bias', { shape: [1], data: [5] }]]));
  assert.deepEqual(Array.from(net.forward(Tensor.from([[1, 1]])).data), [12]);
});

test('Sequential rejects anything that is not a module with forward(x) with ConfigError', () => {
  const bad: [unknown, string][] = [
    [ReLU, 'Sequential: argument 0: expected a module with forward(x), got a function (a class not instantiated?)'],
    [{ forward: (x: Tensor) => x }, 'Sequential: argument 0: expected a module with forward(x), got Object'],
    [undefined, 'Sequential: argument 0: expected a module with forward(x), got undefined'],
  ];
  for (const [arg, message] of bad) {
    assert.throws(() => new Sequential(arg as never), (e: unknown) =>
      e instanceof ConfigError && e.code === 'bad_config' && e.message === message && /new Sequential/.test(e.hint));
  }
});
