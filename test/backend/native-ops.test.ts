// The native ops around the recurrent kernels against the js reference: Adam/AdamW bit for bit, softmax
// cross-entropy (every option) within float32 rounding, and the addon refusing malformed calls.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsBackend } from '../../src/backend/index.js';
import { loadNativeBackend } from '../../src/backend/native/load.js';
import { using } from '../helpers/backend.js';
import { crossEntropy, type CrossEntropyOptions } from '../../src/loss/cross-entropy.js';
import { Adam, AdamW, type AdamOptions } from '../../src/optim/adam.js';
import { Rng } from '../../src/tensor/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';

const loaded = loadNativeBackend();
const skip = 'problem' in loaded ? `native addon not built: ${loaded.problem}` : false;
const nb = 'backend' in loaded ? loaded.backend : null;

function randomTensor(shape: number[], seed: number, scale = 1): Tensor {
  const rng = new Rng(seed);
  const t = Tensor.zeros(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal() * scale;
  return t;
}

function adamRun(make: (p: [string, Tensor][]) => Adam | AdamW): Float32Array[] {
  const params: [string, Tensor][] = [['a', randomTensor([37, 5], 1)], ['b', randomTensor([3], 2)]];
  for (const [, p] of params) p.requiresGrad = true;
  const opt = make(params);
  for (let step = 0; step < 6; step++) {
    for (const [name, p] of params) p.grad = randomTensor([...p.shape], 10 + step + (name === 'b' ? 100 : 0), 0.3).data;
    opt.step();
  }
  return params.map(([, p]) => (p.data as Float32Array).slice());
}

const adamCases: [string, (p: [string, Tensor][]) => Adam | AdamW][] = [
  ['Adam', (p) => new Adam(p, { lr: 0.01 })],
  ['Adam with L2, amsgrad and maximize', (p) => new Adam(p, { lr: 0.01, weightDecay: 0.1, amsgrad: true, maximize: true } as AdamOptions)],
  ['AdamW', (p) => new AdamW(p, { lr: 0.02, weightDecay: 0.05 })],
];

for (const [name, make] of adamCases) {
  test(`native ${name} gives bit-identical weights to the js loop`, { skip }, () => {
    const native = using(nb!, () => adamRun(make));
    const js = using(jsBackend, () => adamRun(make));
    native.forEach((w, i) => assert.deepEqual(w, js[i]));
  });
}

const xentCases: CrossEntropyOptions[] = [
  {},
  { reduction: 'sum', labelSmoothing: 0.1 },
  { reduction: 'none', ignoreIndex: 2 },
  { reduction: 'mean', ignoreIndex: 2, labelSmoothing: 0.3 },
];

for (const opts of xentCases) {
  test(`native softmax cross-entropy matches js within float32 rounding (${JSON.stringify(opts)})`, { skip }, () => {
    const [N, C] = [41, 13];
    const targets = Array.from({ length: N }, (_, n) => (n * 7) % C);
    const run = (): { loss: number[]; grad: number[] } => {
      const logits = randomTensor([N, C], 3, 4);
      logits.requiresGrad = true;
      const loss = crossEntropy(logits, targets, opts);
      const up = Tensor.zeros(loss.shape);
      for (let i = 0; i < up.size; i++) up.data[i] = 1 + 0.1 * i;
      loss.backward(up.data);
      return { loss: Array.from(loss.data), grad: Array.from(logits.grad!) };
    };
    const native = using(nb!, run);
    const js = using(jsBackend, run);
    native.loss.forEach((v, i) => assert.ok(Math.abs(v - js.loss[i]!) <= 2e-6 * (1 + Math.abs(js.loss[i]!)), `loss[${i}] ${v} vs ${js.loss[i]}`));
    native.grad.forEach((v, i) => assert.ok(Math.abs(v - js.grad[i]!) <= 2e-6, `grad[${i}] ${v} vs ${js.grad[i]}`));
  });
}

test('the addon refuses a class index out of range and buffers of the wrong type or length', { skip }, () => {
  const p = new Float32Array(6);
  const x = new Float32Array(6);
  assert.throws(() => nb!.softmaxXent!(p, new Float64Array(2), x, Int32Array.from([0, 3]), 2, 3, 0), /y: expected class indices below C/);
  assert.throws(() => nb!.softmaxXent!(p, new Float64Array(1), x, Int32Array.from([0, 1]), 2, 3, 0), /loss: expected at least 2 elements/);
  assert.throws(() => nb!.adam!(new Float32Array(4), new Float32Array(3), new Float32Array(4), new Float32Array(4), null, new Float64Array(8)), /g: expected at least 4 elements/);
  assert.throws(() => nb!.adam!(new Float32Array(4), new Float32Array(4), new Float32Array(4), new Float32Array(4), null, new Float64Array(7)), /hyper: expected at least 8/);
});
