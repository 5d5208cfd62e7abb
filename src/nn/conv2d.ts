// Conv2d: 2-D convolution over NCHW images, PyTorch's nn.Conv2d without dilation or groups (parameters
// `weight` [O, C, kh, kw] and `bias` [O], both initialised U(±1/√(C·kh·kw))).
import { type Size2, conv2d, expectPair } from '../tensor/conv-ops.js';
import { fanInUniform } from '../tensor/init.js';
import { expectInt, expectKnownKeys, expectShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { expectDType } from './linear.js';
import { Module, type ModuleInit, initOf } from './module.js';

export interface Conv2dOptions {
  /** C: channels in. */
  inChannels: number;
  /** O: channels out (number of filters). */
  outChannels: number;
  /** Kernel kh×kw: one number for a square kernel or [kh, kw]. */
  kernelSize: Size2;
  /** Step between windows, n or [sh, sw] (default 1). */
  stride?: Size2;
  /** Zeros added on each side, n or [ph, pw] (default 0). */
  padding?: Size2;
  /** Learn a bias per output channel (default true). */
  bias?: boolean;
}

/**
 * y[n, o] = b[o] + Σ_c W[o, c] ⋆ x[n, c] (cross-correlation, as PyTorch): x [N, C, H, W] → y [N, O, Ho, Wo]
 * with Ho = ⌊(H + 2ph − kh)/sh⌋ + 1 and Wo likewise. Runs as im2col + one GEMM per image.
 * @example
 * const conv = new Conv2d({ inChannels: 1, outChannels: 32, kernelSize: 3, padding: 1 });
 * const y = conv.forward(images); // [N, 1, 32, 128] → [N, 32, 32, 128]
 */
export class Conv2d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(options: Conv2dOptions, init?: ModuleInit) {
    super();
    expectKnownKeys('Conv2d', options, ['inChannels', 'outChannels', 'kernelSize', 'stride', 'padding', 'bias']);
    const C = (this.inChannels = expectInt('Conv2d.inChannels', options.inChannels, 1));
    const O = (this.outChannels = expectInt('Conv2d.outChannels', options.outChannels, 1));
    const [kh, kw] = (this.kernelSize = expectPair('Conv2d.kernelSize', options.kernelSize, 1));
    this.stride = expectPair('Conv2d.stride', options.stride ?? 1, 1);
    this.padding = expectPair('Conv2d.padding', options.padding ?? 0, 0);
    const { rng, dtype } = initOf(init);
    const fanIn = C * kh * kw;
    this.weight = this.addParameter('weight', fanInUniform(Tensor.zeros([O, C, kh, kw], dtype), fanIn, rng));
    this.bias = options.bias ?? true ? this.addParameter('bias', fanInUniform(Tensor.zeros([O], dtype), fanIn, rng)) : null;
  }

  /** x [N, C, H, W] → [N, O, Ho, Wo]. */
  forward(x: Tensor): Tensor {
    expectShape('x', x, [null, this.inChannels, null, null], `Conv2d expects [N, C, H, W] with C = ${this.inChannels}`);
    expectDType('x', x, this.weight);
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding });
  }
}
