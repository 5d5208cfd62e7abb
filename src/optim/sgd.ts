// SGD with momentum, dampening, Nesterov momentum, L2 weight decay and maximize: torch.optim.SGD's
// update (PyTorch 1.13), one plain loop per parameter.
import { ConfigError } from '../errors.js';
import type { Buf } from '../tensor/tensor.js';
import { type Hyper, Optimizer, type ParamList, type ParamState, checkOptions, flag, nonNegative } from './optimizer.js';

export interface SGDOptions {
  /** Learning rate (required). */
  lr: number;
  /** Momentum factor μ (default 0: plain SGD). */
  momentum?: number;
  /** Dampening τ of the momentum's gradient term (default 0). */
  dampening?: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening 0). */
  nesterov?: boolean;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay?: number;
  /** Ascend the objective instead of descending (default false). */
  maximize?: boolean;
}

type Resolved = Required<SGDOptions>;
const KEYS = ['lr', 'momentum', 'dampening', 'nesterov', 'weightDecay', 'maximize'] as const;

function resolve(o: SGDOptions): Resolved {
  checkOptions('SGD', o, KEYS);
  const r: Resolved = {
    lr: nonNegative('SGD', 'lr', o.lr, 'the learning rate is required; try 0.1'),
    momentum: nonNegative('SGD', 'momentum', o.momentum ?? 0, 'momentum is usually 0.9, or 0 for plain SGD'),
    dampening: nonNegative('SGD', 'dampening', o.dampening ?? 0, 'dampening is usually 0'),
    nesterov: flag('SGD', 'nesterov', o.nesterov ?? false),
    weightDecay: nonNegative('SGD', 'weightDecay', o.weightDecay ?? 0, 'weight decay is usually 0 to 1e-2'),
    maximize: flag('SGD', 'maximize', o.maximize ?? false),
  };
  if (r.nesterov && (r.momentum <= 0 || r.dampening !== 0)) {
    throw new ConfigError(`SGD nesterov: expected momentum > 0 and dampening 0, got momentum ${r.momentum}, dampening ${r.dampening}`,
      'Nesterov momentum needs a momentum (e.g. 0.9) and zero dampening');
  }
  return r;
}

/**
 * Stochastic gradient descent, exactly torch.optim.SGD. With g = ±∇ (− when maximize) and step t:
 *
 *   g ← g + λ·w
 *   b ← g (t = 1),  b ← μ·b + (1 − τ)·g (t > 1)        (when μ ≠ 0)
 *   g ← g + μ·b (nesterov),  g ← b (otherwise)
 *   w ← w − lr·g
 *
 * State: `momentum_buffer` (b) per parameter, created at its first gradient.
 *
 * @example
 * const opt = new SGD(model.namedParameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
 * loss.backward(); opt.step(); opt.zeroGrad();
 */
export class SGD extends Optimizer {
  private o: Resolved;

  constructor(params: ParamList, options: SGDOptions) {
    const o = resolve(options);
    super('SGD', params, o.lr);
    this.o = o;
  }

  protected update(w: Buf, grad: Buf, s: ParamState): void {
    const { momentum: mu, dampening, nesterov, weightDecay: wd, maximize } = this.o;
    const lr = this.lr;
    const sign = maximize ? -1 : 1;
    const n = w.length;
    if (mu === 0) {
      for (let i = 0; i < n; i++) w[i] = w[i]! - lr * (sign * grad[i]! + wd * w[i]!);
      return;
    }
    const first = !s.has('momentum_buffer');
    const b = this.buffer(s, 'momentum_buffer', w); // [n], like w
    const keep = 1 - dampening;
    for (let i = 0; i < n; i++) {
      const g = sign * grad[i]! + wd * w[i]!;
      b[i] = first ? g : mu * b[i]! + keep * g;
      w[i] = w[i]! - lr * (nesterov ? g + mu * b[i]! : b[i]!);
    }
  }

  protected hyper(): Hyper {
    const { lr: _lr, ...rest } = this.o;
    return rest;
  }

  protected setHyper(h: Hyper): void {
    this.o = resolve({ ...(h as Omit<SGDOptions, 'lr'>), lr: this.lr });
  }

  protected bufferSizes(): Record<string, 'param' | 1> {
    return { momentum_buffer: 'param' };
  }
}
