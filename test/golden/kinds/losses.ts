// Golden handlers for the losses: `cross_entropy` (F.cross_entropy) and `ctc` (F.ctc_loss on
// log_softmax(logits)). Both drive backward with the loss itself and report grads w.r.t. the logits.
import { crossEntropy } from '../../../src/loss/cross-entropy.js';
import { ctcLoss } from '../../../src/loss/ctc.js';
import type { Nested } from '../../../src/tensor/tensor.js';
import { checkConfig, flat, type Handler, tensorOf } from '../fixture.js';

type Reduction = 'mean' | 'sum' | 'none';

function need(v: Nested | undefined, what: string): Nested {
  if (v === undefined) throw new Error(`fixture has no ${what}`);
  return v;
}

export const crossEntropyHandler: Handler = (f, dtype) => {
  checkConfig(f, ['ignore_index', 'label_smoothing', 'reduction']);
  const logits = tensorOf(need(f.inputs['logits'], 'inputs.logits'), dtype, true);
  const loss = crossEntropy(logits, flat(need(f.inputs['targets'], 'inputs.targets')), {
    ignoreIndex: (f.config['ignore_index'] as number | undefined) ?? -100,
    labelSmoothing: (f.config['label_smoothing'] as number | undefined) ?? 0,
    reduction: (f.config['reduction'] as Reduction | undefined) ?? 'mean',
  });
  loss.backward();
  return { outputs: { loss: loss.data }, grads: { logits: logits.grad ?? new Float64Array(logits.size) } };
};

export const ctcHandler: Handler = (f, dtype) => {
  checkConfig(f, ['blank', 'reduction', 'zero_infinity', 'note']);
  const logits = tensorOf(need(f.inputs['logits'], 'inputs.logits'), dtype, true);
  const targets = need(f.inputs['targets'], 'inputs.targets');
  if (!Array.isArray(targets)) throw new Error('inputs.targets: expected one list per sequence');
  const loss = ctcLoss(logits, targets.map(flat), flat(need(f.inputs['input_lengths'], 'inputs.input_lengths')),
    flat(need(f.inputs['target_lengths'], 'inputs.target_lengths')), {
      blank: (f.config['blank'] as number | undefined) ?? 0,
      reduction: (f.config['reduction'] as Reduction | undefined) ?? 'mean',
      zeroInfinity: (f.config['zero_infinity'] as boolean | undefined) ?? false,
    });
  loss.backward();
  return { outputs: { loss: loss.data }, grads: { logits: logits.grad ?? new Float64Array(logits.size) } };
};
