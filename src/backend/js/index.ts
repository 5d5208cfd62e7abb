// The reference backend: plain TypeScript kernels, float32 and float64, written to be obviously right.
import type { Backend } from '../backend.js';
import { gemm } from './gemm.js';
import { recurrentBackward, recurrentForward } from './recurrent.js';

export const jsBackend: Backend = {
  name: 'js',
  isa: 'portable',
  threads: 1,
  gemm,
  recurrentForward,
  recurrentBackward,
};
