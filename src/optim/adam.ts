// Adam and AdamW: torch.optim.Adam / AdamW updates (PyTorch 1.13 arrangement of the bias corrections,
// eps added after the square root of the bias-corrected second moment), with amsgrad and maximize.
import { backend } from '../backend/index.js';
import { ConfigError } from '../errors.js';
import type { Buf } from '../tensor/tensor.js';
import { type Hyper, Optimizer, type ParamList, type ParamState, checkOptions, flag, nonNegative, unitRate } from './optimizer.js';

export interface AdamOptions {
  /** Learning rate (default 1e-3). */
  lr?: number;
  /** Decay rates [β1, β2] of the first and second moment averages, each in [0, 1) (default [0.9, 0.999]). */
  betas?: readonly [number, number];
  /** Added to the denominator for stability (default 1e-8). */
  eps?: number;
  /** Adam: L2 penalty λ added to the gradient (default 0). AdamW: decoupled decay w ← w·(1 − lr·λ) (default 1e-2). */
  weightDecay?: number;
  /** Use the running maximum of the second moment (AMSGrad; default false). */
  amsgrad?: boolean;
  /** Ascend the objective instead of descending (default false). */
  maximize?: boolean;
}

type Resolved = Required<AdamOptions>;
const KEYS = ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad', 'maximize'] as const;

function resolve(who: string, o: AdamOptions, defaultDecay: number): Resolved {
  checkOptions(who, o, KEYS);
  const betas = o.betas ?? [0.9, 0.999];
  if (!Array.isArray(betas) || betas.length !== 2) {
    throw new ConfigError(`${who} betas: expected [β1, β2], got ${JSON.stringify(betas)}`, 'the usual betas are [0.9, 0.999]');
  }
  const hint = 'each beta must lie in [0, 1); the usual betas are [0.9, 0.999]';
  return {
    lr: nonNegative(who, 'lr', o.lr ?? 1e-3, 'the usual Adam learning rate is 1e-3'),
    betas: [unitRate(who, 'betas[0]', betas[0], hint), unitRate(who, 'betas[1]', betas[1], hint)],
    eps: nonNegative(who, 'eps', o.eps ?? 1e-8, 'eps is usually 1e-8'),
    weightDecay: nonNegative(who, 'weightDecay', o.weightDecay ?? defaultDecay, 'weight decay is usually 0 to 1e-1'),
    amsgrad: flag(who, 'amsgrad', o.amsgrad ?? false),
    maximize: flag(who, 'maximize', o.maximize ?? false),
  };
}

/** Shared by Adam and AdamW; `decoupled` picks AdamW's weight decay. */
abstract class AdamBase extends Optimizer {
  protected o: Resolved;
  private readonly decoupled: boolean;
  private readonly hyperBuf = new Float64Array(8);

  constructor(who: string, params: ParamList, o: Resolved, decoupled: boolean) {
    super(who, params, o.lr);
    this.o = o;
    this.decoupled = decoupled;
  }

  protected update(w: Buf, grad: Buf, s: ParamState): void {
    const { betas: [b1, b2], eps, weightDecay: wd, amsgrad, maximize } = this.o;
    const lr = this.lr;
    const t = this.paramStep(s);
    const m = this.buffer(s, 'exp_avg', w); // [n] first moment
    const v = this.buffer(s, 'exp_avg_sq', w); // [n] second moment
    const vmax = amsgrad ? this.buffer(s, 'max_exp_avg_sq', w) : v; // [n] running max of v (amsgrad)
    const stepSize = lr / (1 - b1 ** t);
    const bc2Sqrt = Math.sqrt(1 - b2 ** t);
    const sign = maximize ? -1 : 1;
    const l2 = this.decoupled ? 0 : wd;
    const shrink = this.decoupled ? 1 - lr * wd : 1;
    const be = backend('float32');
    if (be.adam && w instanceof Float32Array && grad instanceof Float32Array && m instanceof Float32Array &&
      v instanceof Float32Array && vmax instanceof Float32Array) {
      // The backend's loop: the same double-precision expressions in the same order, so the same bits.
      this.hyperBuf.set([b1, b2, stepSize, bc2Sqrt, eps, l2, shrink, sign]);
      be.adam(w, grad, m, v, amsgrad ? vmax : null, this.hyperBuf);
      return;
    }
    const n = w.length;
    for (let i = 0; i < n; i++) {
      const g = sign * grad[i]! + l2 * w[i]!;
      m[i] = b1 * m[i]! + (1 - b1) * g;
      v[i] = b2 * v[i]! + (1 - b2) * g * g;
      if (amsgrad && v[i]! > vmax[i]!) vmax[i] = v[i]!;
      w[i] = w[i]! * shrink - (stepSize * m[i]!) / (Math.sqrt(vmax[i]!) / bc2Sqrt + eps);
    }
  }

  protected bufferSizes(): Record<string, 'param' | 1> {
    return { step: 1, exp_avg: 'param', exp_avg_sq: 'param', max_exp_avg_sq: 'param' };
  }

  protected hyper(): Hyper {
    const { lr: _lr, ...rest } = this.o;
    return { ...rest, betas: [...rest.betas] };
  }
}

/**
 * Adam, exactly torch.optim.Adam. With g = ±∇ (− when maximize) and this parameter's step t:
 *
 *   g ← g + λ·w
 *   m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²,   v̂ ← max(v̂, v) (amsgrad; else v̂ = v)
 *   w ← w − (lr / (1 − β1ᵗ)) · m / (√v̂ / √(1 − β2ᵗ) + ε)
 *
 * State per parameter: `step`, `exp_avg` (m), `exp_avg_sq` (v), `max_exp_avg_sq` (v̂, amsgrad only).
 *
 * @example
 * const opt = new Adam(model.namedParameters(), { lr: 1e-3 });
 * loss.backward(); opt.step(); opt.zeroGrad();
 */
export class Adam extends AdamBase {
  constructor(params: ParamList, options: AdamOptions = {}) {
    super('Adam', params, resolve('Adam', options, 0), false);
  }

  protected setHyper(h: Hyper): void {
    this.o = resolve('Adam', { ...(h as Omit<AdamOptions, 'lr'>), lr: this.lr }, 0);
  }
}

/**
 * AdamW, exactly torch.optim.AdamW: Adam with decoupled weight decay applied to w before the update,
 *
 *   w ← w·(1 − lr·λ),   then Adam's update with λ = 0 in the gradient.
 *
 * Default weightDecay 1e-2. State as Adam's.
 *
 * @example
 * const opt = new AdamW(model.namedParameters(), { lr: 1e-3, weightDecay: 0.01 });
 */
export class AdamW extends AdamBase {
  constructor(params: ParamList, options: AdamOptions = {}) {
    super('AdamW', params, resolve('AdamW', options, 1e-2), true);
  }

  protected setHyper(h: Hyper): void {
    this.o = resolve('AdamW', { ...(h as Omit<AdamOptions, 'lr'>), lr: this.lr }, 1e-2);
  }
}
