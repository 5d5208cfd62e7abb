// RMSprop: torch.optim.RMSprop's update (PyTorch 1.13), with centering, momentum, L2 weight decay and
// maximize, one plain loop per parameter.
import type { Buf } from '../tensor/tensor.js';
import { type Hyper, Optimizer, type ParamList, type ParamState, checkOptions, flag, nonNegative } from './optimizer.js';

export interface RMSpropOptions {
  /** Learning rate (default 1e-2). */
  lr?: number;
  /** Smoothing constant α of the squared-gradient average (default 0.99). */
  alpha?: number;
  /** Added to the denominator for stability (default 1e-8). */
  eps?: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay?: number;
  /** Momentum factor μ (default 0). */
  momentum?: number;
  /** Normalise by the estimated variance instead of the raw second moment (default false). */
  centered?: boolean;
  /** Ascend the objective instead of descending (default false). */
  maximize?: boolean;
}

type Resolved = Required<RMSpropOptions>;
const KEYS = ['lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered', 'maximize'] as const;

function resolve(o: RMSpropOptions): Resolved {
  checkOptions('RMSprop', o, KEYS);
  return {
    lr: nonNegative('RMSprop', 'lr', o.lr ?? 1e-2, 'the usual RMSprop learning rate is 1e-2'),
    alpha: nonNegative('RMSprop', 'alpha', o.alpha ?? 0.99, 'alpha is usually 0.99'),
    eps: nonNegative('RMSprop', 'eps', o.eps ?? 1e-8, 'eps is usually 1e-8'),
    weightDecay: nonNegative('RMSprop', 'weightDecay', o.weightDecay ?? 0, 'weight decay is usually 0 to 1e-2'),
    momentum: nonNegative('RMSprop', 'momentum', o.momentum ?? 0, 'momentum is usually 0 or 0.9'),
    centered: flag('RMSprop', 'centered', o.centered ?? false),
    maximize: flag('RMSprop', 'maximize', o.maximize ?? false),
  };
}

/**
 * RMSprop, exactly torch.optim.RMSprop. With g = ±∇ (− when maximize):
 *
 *   g ← g + λ·w
 *   v ← α·v + (1 − α)·g²
 *   ḡ ← α·ḡ + (1 − α)·g,  d = √(v − ḡ²) + ε   (centered),   d = √v + ε   (otherwise)
 *   b ← μ·b + g/d,  w ← w − lr·b   (μ > 0),                  w ← w − lr·g/d   (otherwise)
 *
 * State per parameter: `square_avg` (v), `grad_avg` (ḡ, centered only), `momentum_buffer` (b, μ > 0 only),
 * all starting at zero.
 *
 * @example
 * const opt = new RMSprop(model.parameters(), { lr: 1e-2, alpha: 0.9 });
 */
export class RMSprop extends Optimizer {
  private o: Resolved;

  constructor(params: ParamList, options: RMSpropOptions = {}) {
    const o = resolve(options);
    super('RMSprop', params, o.lr);
    this.o = o;
  }

  protected update(w: Buf, grad: Buf, s: ParamState): void {
    const { alpha, eps, weightDecay: wd, momentum: mu, centered, maximize } = this.o;
    const lr = this.lr;
    const sign = maximize ? -1 : 1;
    const v = this.buffer(s, 'square_avg', w); // [n]
    const gAvg = centered ? this.buffer(s, 'grad_avg', w) : v; // [n] (centered only)
    const b = mu > 0 ? this.buffer(s, 'momentum_buffer', w) : v; // [n] (momentum only)
    const n = w.length;
    for (let i = 0; i < n; i++) {
      const g = sign * grad[i]! + wd * w[i]!;
      v[i] = alpha * v[i]! + (1 - alpha) * g * g;
      let d: number;
      if (centered) {
        gAvg[i] = alpha * gAvg[i]! + (1 - alpha) * g;
        d = Math.sqrt(v[i]! - gAvg[i]! * gAvg[i]!) + eps;
      } else {
        d = Math.sqrt(v[i]!) + eps;
      }
      if (mu > 0) {
        b[i] = mu * b[i]! + g / d;
        w[i] = w[i]! - lr * b[i]!;
      } else {
        w[i] = w[i]! - (lr * g) / d;
      }
    }
  }

  protected hyper(): Hyper {
    const { lr: _lr, ...rest } = this.o;
    return rest;
  }

  protected setHyper(h: Hyper): void {
    this.o = resolve({ ...(h as Omit<RMSpropOptions, 'lr'>), lr: this.lr });
  }

  protected bufferSizes(): Record<string, 'param' | 1> {
    return { square_avg: 'param', grad_avg: 'param', momentum_buffer: 'param' };
  }
}
