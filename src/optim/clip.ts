// Gradient clipping in place: PyTorch's clip_grad_norm_ (total norm over all gradients, 1e-6 included)
// and clip_grad_value_. Parameters whose grad is null are ignored.
import { ConfigError, DataError } from '../errors.js';
import type { Buf, Tensor } from '../tensor/tensor.js';
import { type ParamList, splitParams } from './optimizer.js';

/** The non-null gradients of `params` (an empty list is allowed here, as in PyTorch). */
function grads(what: string, params: ParamList | Tensor): Buf[] {
  if (Array.isArray(params) && params.length === 0) return [];
  const [tensors] = splitParams(what, params);
  const out: Buf[] = [];
  for (const t of tensors) if (t.grad !== null) out.push(t.grad);
  return out;
}

/**
 * Rescales all gradients together so that their total norm is at most `maxNorm`, exactly as
 * torch.nn.utils.clip_grad_norm_:
 *
 *   N = ‖(‖g₁‖ₚ, …, ‖gₖ‖ₚ)‖ₚ   (= max |g| for p = ∞),   c = min(1, maxNorm / (N + 1e-6)),   g ← c·g
 *
 * so grads are scaled only when c < 1, i.e. when N exceeds maxNorm (less the 1e-6). A NaN or infinite N
 * scales every gradient by NaN or 0 as PyTorch does, unless `errorIfNonfinite` makes it a DataError.
 *
 * @param normType p: any number > 0, or Infinity (default 2).
 * @returns N, the total norm before clipping (0 when no parameter has a gradient).
 * @example
 * loss.backward();
 * const norm = clipGradNorm(model.parameters(), 1.0);
 * opt.step();
 */
export function clipGradNorm(params: ParamList | Tensor, maxNorm: number, normType = 2, options: { errorIfNonfinite?: boolean } = {}): number {
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0) || !Number.isFinite(maxNorm)) {
    throw new ConfigError(`clipGradNorm maxNorm: expected a number ≥ 0, got ${JSON.stringify(maxNorm)}`, 'typical values are 0.25 to 5');
  }
  if (typeof normType !== 'number' || !(normType > 0)) {
    throw new ConfigError(`clipGradNorm normType: expected a number > 0 or Infinity, got ${JSON.stringify(normType)}`, 'use 2 (Euclidean) or Infinity (max abs)');
  }
  const gs = grads('clipGradNorm params', params);
  if (gs.length === 0) return 0;
  let total = 0;
  if (normType === Infinity) {
    for (const g of gs) {
      for (let i = 0; i < g.length; i++) {
        const a = Math.abs(g[i]!);
        if (a > total || Number.isNaN(a)) total = a; // NaN propagates, as torch.max does
      }
    }
  } else if (normType === 2) {
    for (const g of gs) for (let i = 0; i < g.length; i++) total += g[i]! * g[i]!;
    total = Math.sqrt(total);
  } else {
    for (const g of gs) for (let i = 0; i < g.length; i++) total += Math.abs(g[i]!) ** normType;
    total = total ** (1 / normType);
  }
  if (options.errorIfNonfinite === true && !Number.isFinite(total)) {
    throw new DataError(`clipGradNorm: expected a finite total norm of order ${normType}, got ${total}`,
      'a gradient is NaN or infinite; lower the learning rate or check the loss for overflow');
  }
  const coef = maxNorm / (total + 1e-6);
  if (!(coef >= 1)) {
    for (const g of gs) for (let i = 0; i < g.length; i++) g[i] = g[i]! * coef;
  }
  return total;
}

/**
 * Clamps every gradient value into [−clipValue, clipValue] in place (torch.nn.utils.clip_grad_value_).
 *
 * @example
 * loss.backward(); clipGradValue(model.parameters(), 0.5); opt.step();
 */
export function clipGradValue(params: ParamList | Tensor, clipValue: number): void {
  if (typeof clipValue !== 'number' || !(clipValue >= 0) || !Number.isFinite(clipValue)) {
    throw new ConfigError(`clipGradValue clipValue: expected a number ≥ 0, got ${JSON.stringify(clipValue)}`, 'typical values are 0.1 to 5');
  }
  for (const g of grads('clipGradValue params', params)) {
    for (let i = 0; i < g.length; i++) {
      const x = g[i]!;
      g[i] = x > clipValue ? clipValue : x < -clipValue ? -clipValue : x;
    }
  }
}
