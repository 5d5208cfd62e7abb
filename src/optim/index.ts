// recur's optimizers: torch.optim's SGD, Adam, AdamW and RMSprop, and gradient clipping.
export { Optimizer, type OptimizerState, type ParamList, type Hyper } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { clipGradNorm, clipGradValue } from './clip.js';
