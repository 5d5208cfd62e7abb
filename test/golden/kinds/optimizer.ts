// Golden handler for `optimizer` fixtures: torch.optim.* (config in PyTorch's snake_case) applied to
// inputs.param with each of inputs.grads_per_step in turn; outputs {param}.
import { ConfigError } from '../../../src/errors.js';
import { Adam, AdamW, type Optimizer, RMSprop, SGD } from '../../../src/optim/index.js';
import type { Tensor } from '../../../src/tensor/tensor.js';
import { checkConfig, type Handler, type Fixture, tensorOf } from '../fixture.js';

/** PyTorch keyword → recur option, per optimizer name. */
const OPTIONS: Record<string, Record<string, string>> = {
  sgd: { lr: 'lr', momentum: 'momentum', dampening: 'dampening', nesterov: 'nesterov', weight_decay: 'weightDecay', maximize: 'maximize' },
  adam: { lr: 'lr', betas: 'betas', eps: 'eps', weight_decay: 'weightDecay', amsgrad: 'amsgrad', maximize: 'maximize' },
  rmsprop: { lr: 'lr', alpha: 'alpha', eps: 'eps', weight_decay: 'weightDecay', momentum: 'momentum', centered: 'centered', maximize: 'maximize' },
};
OPTIONS['adamw'] = OPTIONS['adam']!;

function build(f: Fixture, param: Tensor): Optimizer {
  const name = String(f.config['name']);
  const map = OPTIONS[name];
  if (!map) throw new ConfigError(`${f.name}: optimizer '${name}' is not understood`);
  checkConfig(f, ['name', ...Object.keys(map)]);
  const opts: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f.config)) if (k !== 'name') opts[map[k]!] = v;
  const params = [param];
  switch (name) {
    case 'sgd': return new SGD(params, opts as never);
    case 'adam': return new Adam(params, opts as never);
    case 'adamw': return new AdamW(params, opts as never);
    default: return new RMSprop(params, opts as never);
  }
}

export const optimizerHandler: Handler = (f, dtype) => {
  const param = tensorOf(f.inputs['param']!, dtype, true);
  const opt = build(f, param);
  const steps = f.inputs['grads_per_step'];
  if (!Array.isArray(steps)) throw new ConfigError(`${f.name}: inputs.grads_per_step: expected a list of gradients, got ${typeof steps}`);
  for (const g of steps) {
    param.grad = tensorOf(g, dtype).data;
    opt.step();
  }
  return { outputs: { param: param.data }, grads: {} };
};
