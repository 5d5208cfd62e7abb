// Elementwise activation layers (PyTorch's nn.ReLU, nn.Tanh, nn.Sigmoid): no parameters, any shape, so
// they can sit in a Sequential between layers.
import { relu, sigmoid, tanh } from '../tensor/ops.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

/** y = max(x, 0) elementwise (gradient 0 at x = 0, as PyTorch). */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/** y = tanh(x) elementwise. */
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/** y = σ(x) = 1 / (1 + e^{−x}) elementwise. */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}
