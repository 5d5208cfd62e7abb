// Dropout: in training, zeroes each value with probability p and scales the rest by 1/(1 − p) (inverted
// dropout, PyTorch's nn.Dropout); in eval mode it returns its input unchanged. Masks come from a seeded Rng.
import { ConfigError } from '../errors.js';
import { applyMask, dropoutMask } from '../tensor/gather-ops.js';
import type { Rng } from '../tensor/rng.js';
import { expectKnownKeys } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, type ModuleInit, initOf } from './module.js';

export interface DropoutOptions {
  /** Probability of zeroing each value, in [0, 1) (default 0.5). */
  p?: number;
  /** Generator for the masks (default: `init.rng`, else seed 0). */
  rng?: Rng;
}

/**
 * Training: y = x ∘ m / (1 − p) with m ~ Bernoulli(1 − p) drawn afresh on every call; eval: y = x.
 * Any shape. The mask stream is reproducible from the Rng's seed (and its state can be checkpointed).
 * @example
 * const drop = new Dropout({ p: 0.2 }, { rng: new Rng(7) });
 * const y = drop.forward(h); // training; drop.eval() makes it the identity
 */
export class Dropout extends Module {
  readonly p: number;
  readonly rng: Rng;

  constructor(options: DropoutOptions = {}, init?: ModuleInit) {
    super();
    expectKnownKeys('Dropout', options, ['p', 'rng']);
    const p = options.p ?? 0.5;
    if (typeof p !== 'number' || !(p >= 0 && p < 1)) {
      throw new ConfigError(`Dropout.p: expected a number in [0, 1), got ${JSON.stringify(p)}`,
        'p is the probability of dropping a value; p = 1 would drop them all');
    }
    this.p = p;
    this.rng = options.rng ?? initOf(init).rng;
  }

  /** x (any shape) → same shape; draws x.size values from the Rng in training when p > 0. */
  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return x;
    return applyMask(x, dropoutMask(x.size, this.p, this.rng, x.dtype));
  }
}
