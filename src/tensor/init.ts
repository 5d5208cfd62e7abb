// PyTorch's default initialisers, drawn from a seeded Rng.
import type { Rng } from './rng.js';
import type { Tensor } from './tensor.js';

/** Fills `t` with U(lo, hi). */
export function uniform(t: Tensor, lo: number, hi: number, rng: Rng): Tensor {
  for (let i = 0; i < t.size; i++) t.data[i] = rng.uniform(lo, hi);
  return t;
}

/** Fills `t` with N(mean, std²). */
export function normal(t: Tensor, mean: number, std: number, rng: Rng): Tensor {
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal(mean, std);
  return t;
}

/**
 * PyTorch's Linear/Conv2d default: kaiming_uniform(a=√5) for weights, which is U(±1/√fan_in), and
 * U(±1/√fan_in) for biases. Recurrent layers use U(±1/√H) for every parameter.
 */
export function fanInUniform(t: Tensor, fanIn: number, rng: Rng): Tensor {
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  return uniform(t, -bound, bound, rng);
}
