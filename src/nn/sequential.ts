// Sequential: modules applied one after another, PyTorch's nn.Sequential. Children are named "0", "1", …,
// so parameters read "0.weight", "2.bias" exactly as in a PyTorch state_dict.
import { ConfigError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

/** A module whose forward maps one tensor to one tensor (Linear, Conv2d, ReLU, Dropout, Sequential, …). */
export interface TensorModule extends Module {
  forward(x: Tensor): Tensor;
}

/**
 * y = m_{k−1}(… m_1(m_0(x))). Child i is registered under the name String(i); train()/eval() reach every child.
 * @example
 * const mlp = new Sequential(new Linear({ inFeatures: 4, outFeatures: 8 }), new ReLU(), new Linear({ inFeatures: 8, outFeatures: 2 }));
 * mlp.namedParameters().map(([n]) => n); // ['0.weight', '0.bias', '2.weight', '2.bias']
 */
export class Sequential extends Module {
  readonly layers: readonly TensorModule[];

  constructor(...modules: TensorModule[]) {
    super();
    modules.forEach((m, i) => {
      if (!(m instanceof Module) || typeof (m as Partial<TensorModule>).forward !== 'function') {
        throw new ConfigError(`Sequential: argument ${i}: expected a module with forward(x), got ${describe(m)}`,
          'pass layer instances, e.g. new Sequential(new Linear(…), new ReLU())');
      }
      this.addModule(String(i), m);
    });
    this.layers = modules;
  }

  get length(): number {
    return this.layers.length;
  }

  forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this.layers) y = m.forward(y);
    return y;
  }
}

function describe(v: unknown): string {
  if (v === null || typeof v !== 'object') return typeof v === 'function' ? 'a function (a class not instantiated?)' : String(v);
  return (v as object).constructor?.name ?? 'an object';
}
