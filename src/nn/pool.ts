// MaxPool2d: 2-D max pooling over NCHW images, PyTorch's nn.MaxPool2d (floor mode, no dilation). The
// gradient of each window goes to its first maximum in scan order, as PyTorch's indices pick it.
import { type Size2, expectPair, maxPool2d } from '../tensor/conv-ops.js';
import { ConfigError } from '../errors.js';
import { expectKnownKeys, expectShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

export interface MaxPool2dOptions {
  /** Window kh×kw: n or [kh, kw]. */
  kernelSize: Size2;
  /** Step between windows (default: the kernel size, so windows do not overlap). */
  stride?: Size2;
  /** −∞ border on each side, at most half the kernel (default 0). */
  padding?: Size2;
}

/**
 * y[n, c, i, j] = max of x[n, c] over the window at (i·sh − ph, j·sw − pw): x [N, C, H, W] → [N, C, Ho, Wo],
 * Ho = ⌊(H + 2ph − kh)/sh⌋ + 1. Ties send the gradient to the first maximum (row-major within the window).
 * @example
 * const pool = new MaxPool2d({ kernelSize: 2 });
 * const y = pool.forward(x); // [N, C, 32, 128] → [N, C, 16, 64]
 */
export class MaxPool2d extends Module {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];

  constructor(options: MaxPool2dOptions) {
    super();
    expectKnownKeys('MaxPool2d', options, ['kernelSize', 'stride', 'padding']);
    const [kh, kw] = (this.kernelSize = expectPair('MaxPool2d.kernelSize', options.kernelSize, 1));
    this.stride = expectPair('MaxPool2d.stride', options.stride ?? this.kernelSize, 1);
    const [ph, pw] = (this.padding = expectPair('MaxPool2d.padding', options.padding ?? 0, 0));
    if (2 * ph > kh || 2 * pw > kw) {
      throw new ConfigError(`MaxPool2d.padding: expected at most half the kernel size ${kh}×${kw}, got [${ph}, ${pw}]`,
        'max pooling pads with −∞, so a window must never lie wholly in the padding (PyTorch has the same rule)');
    }
  }

  /** x [N, C, H, W] → [N, C, Ho, Wo]. */
  forward(x: Tensor): Tensor {
    expectShape('x', x, [null, null, null, null], 'MaxPool2d expects [N, C, H, W]');
    return maxPool2d(x, this.kernelSize, { stride: this.stride, padding: this.padding });
  }
}
