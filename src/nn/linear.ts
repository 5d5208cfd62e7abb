// Linear: the fully connected layer y = x·Wᵀ + b over the last dimension, PyTorch's nn.Linear
// (parameters `weight` [O, I] and `bias` [O], both initialised U(±1/√I)).
import { DataError } from '../errors.js';
import { fanInUniform } from '../tensor/init.js';
import { linear } from '../tensor/ops.js';
import { expectKnownKeys, expectInt, expectShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { Module, type ModuleInit, initOf } from './module.js';

export interface LinearOptions {
  /** I: features in. */
  inFeatures: number;
  /** O: features out. */
  outFeatures: number;
  /** Learn an additive bias b [O] (default true). */
  bias?: boolean;
}

/**
 * y = x · Wᵀ + b, applied to the last dimension: x [..., I] → y [..., O]. weight [O, I] and bias [O] are
 * drawn from U(−1/√I, 1/√I), as PyTorch does (weight first, then bias, from `init.rng`).
 * @example
 * const fc = new Linear({ inFeatures: 128, outFeatures: 10 }, { rng: new Rng(1) });
 * const logits = fc.forward(h); // h [B, 128] → [B, 10]
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(options: LinearOptions, init?: ModuleInit) {
    super();
    expectKnownKeys('Linear', options, ['inFeatures', 'outFeatures', 'bias']);
    this.inFeatures = expectInt('Linear.inFeatures', options.inFeatures, 1);
    this.outFeatures = expectInt('Linear.outFeatures', options.outFeatures, 1);
    const { rng, dtype } = initOf(init);
    const [I, O] = [this.inFeatures, this.outFeatures];
    this.weight = this.addParameter('weight', fanInUniform(Tensor.zeros([O, I], dtype), I, rng));
    this.bias = options.bias ?? true ? this.addParameter('bias', fanInUniform(Tensor.zeros([O], dtype), I, rng)) : null;
  }

  /** x [..., I] → [..., O]. */
  forward(x: Tensor): Tensor {
    expectShape('x', x, [...x.shape.slice(0, -1).map(() => null), this.inFeatures],
      `Linear(${this.inFeatures} → ${this.outFeatures}) reads the last dimension of x`);
    expectDType('x', x, this.weight);
    return linear(x, this.weight, this.bias);
  }
}

/** Throws DataError unless `x` has the dtype of the layer's parameters (float32 and float64 do not mix). */
export function expectDType(arg: string, x: Tensor, param: Tensor): void {
  if (x.dtype !== param.dtype) {
    throw new DataError(`${arg}: expected a ${param.dtype} tensor, got ${x.dtype}`,
      `build the layer with { dtype: '${x.dtype}' } or convert the input`);
  }
}
