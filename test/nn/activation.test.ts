import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReLU, Sigmoid, Tanh } from '../../src/nn/activation.js';
import { dot } from '../../src/tensor/ops.js';
import { Rng } from '../../src/tensor/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { expectClose, gradcheck } from '../helpers/gradcheck.js';

const cases = [
  { name: 'ReLU', m: new ReLU(), f: (v: number) => Math.max(v, 0) },
  { name: 'Tanh', m: new Tanh(), f: Math.tanh },
  { name: 'Sigmoid', m: new Sigmoid(), f: (v: number) => 1 / (1 + Math.exp(-v)) },
];

for (const { name, m, f } of cases) {
  test(`${name} applies its function elementwise, keeps the shape and matches finite differences`, () => {
    const rng = new Rng(1);
    const x = Tensor.zeros([2, 3, 4], 'float64');
    for (let i = 0; i < x.size; i++) x.data[i] = rng.normal() + (i % 2 ? 0.05 : -0.05); // away from ReLU's kink
    const y = m.forward(x);
    assert.deepEqual(y.shape, [2, 3, 4]);
    expectClose(y.data, Array.from(x.data, f), { atol: 1e-15 });
    const g = Float64Array.from({ length: x.size }, () => rng.normal());
    gradcheck(() => dot(m.forward(x), g), [x], { names: ['x'] });
    assert.deepEqual(m.namedParameters(), []);
  });
}

test('ReLU passes no gradient at exactly zero, as PyTorch', () => {
  const x = Tensor.from([-1, 0, 2], [3], 'float64');
  x.requiresGrad = true;
  new ReLU().forward(x).backward([1, 1, 1]);
  assert.deepEqual(Array.from(x.grad!), [0, 0, 1]);
});
