// Mean squared error with PyTorch's F.mse_loss semantics (mean/sum/none), one node on the tape.
// Shapes must match exactly: unlike PyTorch we do not broadcast (it warns that broadcasting is usually a bug).
import { ShapeError } from '../errors.js';
import { Tensor, record } from '../tensor/tensor.js';
import { type Reduction, expectReduction } from './cross-entropy.js';

/**
 * ℓᵢ = (inputᵢ − targetᵢ)²; 'mean' (default) gives Σ ℓᵢ / n, 'sum' gives Σ ℓᵢ, 'none' gives ℓ in the
 * input's shape. Gradients flow to both tensors: ∂/∂input = 2·(input − target)·w, ∂/∂target = −∂/∂input,
 * with w = 1/n, 1 or the upstream gradient.
 *
 * Shapes: input and target identical (any rank); result [1], or input's shape for 'none'.
 *
 * @example
 * const pred = linear(h, w, b);                 // [T, B, 1]
 * const loss = mseLoss(pred, next, 'mean');     // [1]
 */
export function mseLoss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  const red = expectReduction('mseLoss: reduction', reduction);
  if (input.rank !== target.rank || input.shape.some((d, i) => d !== target.shape[i])) {
    throw new ShapeError('target', input.shape, target.shape,
      'target must have the same shape as input (recur does not broadcast losses)');
  }
  const n = input.size;
  const diff = new Float64Array(n); // input − target
  let total = 0;
  for (let i = 0; i < n; i++) {
    const d = input.data[i]! - target.data[i]!;
    diff[i] = d;
    total += d * d;
  }
  const out = red === 'none' ? Tensor.zeros(input.shape, input.dtype) : Tensor.zeros([1], input.dtype);
  if (red === 'none') for (let i = 0; i < n; i++) out.data[i] = diff[i]! * diff[i]!;
  else out.data[0] = red === 'sum' ? total : total / n;

  return record(out, [input, target], (g) => {
    const dIn = input.requiresGrad ? input.gradBuf() : null;
    const dTg = target.requiresGrad ? target.gradBuf() : null;
    const w = red === 'sum' ? 2 * g[0]! : 2 * g[0]! / n;
    for (let i = 0; i < n; i++) {
      const gi = (red === 'none' ? 2 * g[i]! : w) * diff[i]!;
      if (dIn) dIn[i]! += gi;
      if (dTg) dTg[i]! -= gi;
    }
  });
}
