// Losses (cross-entropy, MSE, CTC) and the CTC decoders, with PyTorch's semantics.
export { crossEntropy, type CrossEntropyOptions, type Reduction } from './cross-entropy.js';
export { mseLoss } from './mse.js';
export { ctcLoss, type CtcOptions } from './ctc.js';
export { ctcBeamSearch, ctcGreedyDecode, type Beam, type BeamSearchOptions, type ScoreGrid } from './ctc-decode.js';
