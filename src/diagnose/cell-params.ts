// The weights of one recurrent cell (one layer, one direction) copied to float64, as the gradient-flow
// diagnostic needs them: PyTorch's layout and gate order, no projection. Made from a layer, checked when
// made from raw tensors (model files), and scaled for the W_hh sweep.
import type { CellKind } from '../backend/backend.js';
import { gateCount } from '../backend/backend.js';
import { CheckpointError, ConfigError, ShapeError } from '../errors.js';
import type { RecurrentLayer } from '../nn/recurrent.js';

/**
 * One cell's parameters in float64, PyTorch layout: wIh [G·H, I], wHh [G·H, H], biases [G·H] (null
 * without bias). G = 1 (RNN), 3 (GRU, rows r|z|n), 4 (LSTM, rows i|f|g|o).
 */
export interface CellParams {
  kind: CellKind;
  /** I: features per step. */
  I: number;
  /** H: state size. */
  H: number;
  wIh: Float64Array;
  wHh: Float64Array;
  bIh: Float64Array | null;
  bHh: Float64Array | null;
}

/** A cell to diagnose and, when its source holds more than this one cell, which part it is. */
export interface DiagnosedCell {
  params: CellParams;
  /** E.g. "first layer (l0) of 2, forward direction"; null for a single-layer unidirectional source. */
  note: string | null;
}

/** A float array-like with a shape: a Tensor or a safetensors entry. */
export interface ShapedArray {
  shape: readonly number[];
  data: ArrayLike<number>;
}

/** Short user-facing name of a cell kind: rnn, rnn_relu, gru, gru_reset_before, lstm. */
export function cellName(kind: CellKind): string {
  return kind === 'rnn_tanh' ? 'rnn' : kind;
}

/** Which part of a stack is diagnosed, or null when the stack is one layer in one direction. */
export function stackNote(layers: number, bidirectional: boolean): string | null {
  if (layers <= 1 && !bidirectional) return null;
  const parts = [layers > 1 ? `first layer (l0) of ${layers}` : 'layer l0'];
  if (bidirectional) parts.push('forward direction');
  return parts.join(', ');
}

/**
 * The first layer's forward-direction weights of an RNN, GRU or LSTM, copied to float64 (the layer is
 * not changed). Stacks are diagnosed through their first layer (the note says so). An LSTM with a
 * projection (projSize > 0) is refused with a ConfigError: its state is not (h, c) of equal sizes.
 *
 * @example
 * const { params, note } = cellOfLayer(new GRU({ inputSize: 8, hiddenSize: 64 }));
 */
export function cellOfLayer(layer: RecurrentLayer): DiagnosedCell {
  if (layer.outputSize !== layer.hiddenSize) {
    throw new ConfigError(`${layer.constructor.name}.projSize: expected 0 for the gradient-flow diagnostic, got ${layer.outputSize}`,
      'an LSTM with a projection has h of another size than c; diagnose a model without projSize');
  }
  const get = (name: string): Float64Array => Float64Array.from(layer.parameter(name).data);
  const params: CellParams = {
    kind: layer.kind, I: layer.inputSize, H: layer.hiddenSize,
    wIh: get('weight_ih_l0'), wHh: get('weight_hh_l0'),
    bIh: layer.bias ? get('bias_ih_l0') : null, bHh: layer.bias ? get('bias_hh_l0') : null,
  };
  return { params, note: stackNote(layer.numLayers, layer.bidirectional) };
}

/**
 * Cell parameters from raw arrays (as read from a file), with every shape checked: weight_ih [G·H, I],
 * weight_hh [G·H, H], both biases [G·H] or neither. `what` prefixes messages (e.g. the file and tensor
 * prefix). Throws ShapeError or CheckpointError.
 */
export function cellFromArrays(what: string, kind: CellKind, wIh: ShapedArray, wHh: ShapedArray,
  bIh: ShapedArray | null, bHh: ShapedArray | null): CellParams {
  const G = gateCount(kind);
  if (wHh.shape.length !== 2 || wHh.shape[1]! < 1 || wHh.shape[0] !== G * wHh.shape[1]!) {
    throw new ShapeError(`${what}weight_hh_l0`, [G === 1 ? null : G, null], wHh.shape,
      `a ${cellName(kind)} cell has weight_hh of shape [${G === 1 ? '' : `${G}·`}H, H]`);
  }
  const H = wHh.shape[1]!;
  if (wIh.shape.length !== 2 || wIh.shape[0] !== G * H || wIh.shape[1]! < 1) {
    throw new ShapeError(`${what}weight_ih_l0`, [G * H, null], wIh.shape, `weight_ih has ${G * H} rows, one per gate unit`);
  }
  if ((bIh === null) !== (bHh === null)) {
    throw new CheckpointError(`${what}bias_ih_l0 / bias_hh_l0: expected both or neither, got only ${bIh ? 'bias_ih_l0' : 'bias_hh_l0'}`,
      'a recurrent layer has two biases (PyTorch) or none (bias=False)');
  }
  for (const [name, b] of [['bias_ih_l0', bIh], ['bias_hh_l0', bHh]] as const) {
    if (b && (b.shape.length !== 1 || b.shape[0] !== G * H)) throw new ShapeError(`${what}${name}`, [G * H], b.shape);
  }
  const f64 = (a: ShapedArray): Float64Array => Float64Array.from(a.data);
  return { kind, I: wIh.shape[1]!, H, wIh: f64(wIh), wHh: f64(wHh), bIh: bIh && f64(bIh), bHh: bHh && f64(bHh) };
}

/** A copy of `p` with W_hh multiplied by `factor` (the vanishing/exploding sweep); biases and W_ih stay. */
export function scaleRecurrent(p: CellParams, factor: number): CellParams {
  return { ...p, wHh: p.wHh.map((v) => v * factor) };
}

/** n: the state size the Jacobians act on: 2H for the LSTM (s = (h, c)), else H. */
export function stateSize(p: CellParams): number {
  return p.kind === 'lstm' ? 2 * p.H : p.H;
}
