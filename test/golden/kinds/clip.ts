// Golden handler for `clip_grad_norm` fixtures: clip_grad_norm_ over the gradient tensors in inputs.grads;
// outputs {total_norm: [N], grads: the clipped gradients concatenated flat in fixture order}.
import { ConfigError } from '../../../src/errors.js';
import { clipGradNorm } from '../../../src/optim/index.js';
import { checkConfig, type Handler, tensorOf } from '../fixture.js';

export const clipHandler: Handler = (f, dtype) => {
  checkConfig(f, ['max_norm', 'norm_type']);
  const list = f.inputs['grads'];
  if (!Array.isArray(list)) throw new ConfigError(`${f.name}: inputs.grads: expected a list of gradients, got ${typeof list}`);
  const params = list.map((g) => {
    const p = tensorOf(g, dtype, true);
    p.grad = tensorOf(g, dtype).data;
    return p;
  });
  const normType = f.config['norm_type'] ?? 2;
  const total = clipGradNorm(params, f.config['max_norm'] as number, normType === 'inf' ? Infinity : (normType as number));
  const grads: number[] = [];
  for (const p of params) for (const v of p.grad!) grads.push(v);
  return { outputs: { total_norm: [total], grads }, grads: {} };
};
