// Golden handler for `conv2d_relu_maxpool2`: max_pool2d(relu(conv2d(x)), pool) over NCHW, built from the
// nn modules (Sequential of Conv2d, ReLU, MaxPool2d) so the fixture also checks their PyTorch names.
import { ConfigError } from '../../../src/errors.js';
import { ReLU } from '../../../src/nn/activation.js';
import { Conv2d } from '../../../src/nn/conv2d.js';
import { MaxPool2d } from '../../../src/nn/pool.js';
import { Sequential } from '../../../src/nn/sequential.js';
import type { Size2 } from '../../../src/tensor/conv-ops.js';
import { dot } from '../../../src/tensor/ops.js';
import { checkConfig, flat, type Handler, tensorOf } from '../fixture.js';

export const convHandler: Handler = (f, dtype) => {
  checkConfig(f, ['in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'pool', 'layout']);
  const c = f.config;
  if ((c['layout'] ?? 'NCHW') !== 'NCHW') throw new ConfigError(`${f.name}: layout '${String(c['layout'])}' is not supported`);
  const conv = new Conv2d({
    inChannels: c['in_channels'] as number,
    outChannels: c['out_channels'] as number,
    kernelSize: c['kernel_size'] as Size2,
    stride: (c['stride'] ?? 1) as Size2,
    padding: (c['padding'] ?? 0) as Size2,
  }, { dtype });
  const net = new Sequential(conv, new ReLU(), new MaxPool2d({ kernelSize: (c['pool'] ?? 2) as Size2 }));
  const state = new Map(Object.entries(f.params).map(([k, v]) => {
    const t = tensorOf(v, dtype);
    return [`0.${k}`, { shape: t.shape, data: t.data }];
  }));
  net.loadStateDict(state);
  const x = tensorOf(f.inputs['x']!, dtype, true);
  const output = net.forward(x);
  dot(output, flat(f.inputs['g_output']!)).backward();
  return {
    outputs: { output: output.data },
    grads: { weight: conv.weight.grad!, bias: conv.bias!.grad!, x: x.grad! },
  };
};
