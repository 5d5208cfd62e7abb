// Recognizer (b), without segmentation: a CNN reads the whole line, its feature map is pooled to one
// fixed-size vector, the vector is repeated Maxlen times into a sequence, an LSTM runs over it and a
// Linear layer gives logits per position: the characters, then the end symbol (class 0), then nothing.
import { ConfigError } from '../../errors.js';
import { ReLU } from '../../nn/activation.js';
import { Conv2d } from '../../nn/conv2d.js';
import { Linear } from '../../nn/linear.js';
import { Module, type ModuleInit, initOf } from '../../nn/module.js';
import { MaxPool2d } from '../../nn/pool.js';
import { LSTM } from '../../nn/recurrent.js';
import { Sequential } from '../../nn/sequential.js';
import { relu } from '../../tensor/ops.js';
import { standardise } from './segmented-model.js';
import { expectInt, expectKnownKeys, expectShape } from '../../tensor/shape.js';
import { Tensor, record } from '../../tensor/tensor.js';
import { modelFromConfig } from '../../io/model-file.js';
import { expectChannels } from './crnn.js';

/** Sizes of a MaxlenNet (also its stored config, beside the alphabet). */
export interface MaxlenNetOptions {
  /** C: classes, the end symbol (0) included. */
  classes: number;
  /** Maxlen: output positions, the end symbol included (longest text + 1). */
  maxlen: number;
  /** Input height in pixels, a multiple of 8 (default 32). */
  height?: number;
  /** Channels of the four 3×3 conv layers (default [16, 32, 48, 64]). */
  channels?: readonly [number, number, number, number];
  /** K: the feature map is average-pooled into K bins across the line's width (default 8). */
  bins?: number;
  /** LSTM hidden size per direction; the pooled vector is projected to 2·hidden (default 96). */
  hidden?: number;
  /** Stacked bidirectional LSTM layers (default 2). */
  layers?: number;
}

const KEYS = ['classes', 'maxlen', 'height', 'channels', 'bins', 'hidden', 'layers'] as const;

/**
 * x [B, C, h, T] → [B, C·h·K]: for line b, the mean of its first lengths[b] columns split into K equal
 * bins (bin k covers ⌊k·n/K⌋ … max(⌊(k+1)·n/K⌋, ⌊k·n/K⌋ + 1) − 1, so short lines repeat columns). Feature
 * index (c·h + row)·K + k. One node on the tape.
 */
export function poolBins(x: Tensor, lengths: Int32Array, K: number): Tensor {
  const [B, C, h, T] = x.shape as [number, number, number, number];
  const F = C * h;
  const out = Tensor.zeros([B, F * K], x.dtype);
  const span = (b: number, k: number): [number, number] => {
    const n = Math.min(T, Math.max(1, lengths[b]!));
    const lo = Math.min(n - 1, Math.floor((k * n) / K));
    return [lo, Math.max(lo + 1, Math.floor(((k + 1) * n) / K))];
  };
  for (let b = 0; b < B; b++) for (let k = 0; k < K; k++) {
    const [lo, hi] = span(b, k);
    for (let f = 0; f < F; f++) {
      let s = 0;
      for (let t = lo; t < hi; t++) s += x.data[(b * F + f) * T + t]!;
      out.data[b * F * K + f * K + k] = s / (hi - lo);
    }
  }
  return record(out, [x], (g) => {
    const gx = x.gradBuf();
    for (let b = 0; b < B; b++) for (let k = 0; k < K; k++) {
      const [lo, hi] = span(b, k);
      for (let f = 0; f < F; f++) {
        const d = g[b * F * K + f * K + k]! / (hi - lo);
        for (let t = lo; t < hi; t++) gx[(b * F + f) * T + t]! += d;
      }
    }
  });
}

/** v [B, E] → [T, B, E]: the same vector at every step (backward sums the steps). One node on the tape. */
export function repeatSteps(v: Tensor, T: number): Tensor {
  const n = v.size;
  const out = Tensor.zeros([T, ...v.shape], v.dtype);
  for (let t = 0; t < T; t++) out.data.set(v.data, t * n);
  return record(out, [v], (g) => {
    const gv = v.gradBuf();
    for (let t = 0; t < T; t++) for (let i = 0; i < n; i++) gv[i]! += g[t * n + i]!;
  });
}

/**
 * Whole-line CNN → one vector → Maxlen steps of a BiLSTM (input standardised as in SegmentedNet):
 *   conv3×3(1→c₁) ReLU pool2 · conv3×3(c₁→c₂) ReLU pool2 · conv3×3(c₂→c₃) ReLU · conv3×3(c₃→c₄) ReLU pool(2, 1)
 * gives [B, c₄, H/8, ⌊W/4⌋]; each line's valid columns are averaged into K bins → v [B, c₄·H/8·K];
 * e = ReLU(proj(v)) [B, 2·hidden] is fed at each of the Maxlen steps of an L-layer bidirectional LSTM, and
 * logits_t = head(h_t) over C classes (0 = end). Parameter names: cnn.*, proj.*, rnn.*, head.*.
 * @example
 * const net = new MaxlenNet({ classes: alphabet.size, maxlen: 41 }, { rng });
 * const logits = net.forward(x, widths); // x [B, 1, 32, W] → [41, B, C]
 */
export class MaxlenNet extends Module {
  readonly options: Readonly<Required<MaxlenNetOptions>>;
  readonly cnn: Sequential;
  readonly proj: Linear;
  readonly rnn: LSTM;
  readonly head: Linear;

  constructor(options: MaxlenNetOptions, init?: ModuleInit) {
    super();
    expectKnownKeys('MaxlenNet', options, KEYS);
    const height = expectInt('MaxlenNet.height', options.height ?? 32, 8);
    if (height % 8 !== 0) throw new ConfigError(`MaxlenNet.height: expected a multiple of 8, got ${height}`, 'lines are normalised to 32 px by default');
    const channels = expectChannels('MaxlenNet.channels', options.channels, [16, 32, 48, 64]);
    this.options = Object.freeze({ classes: expectInt('MaxlenNet.classes', options.classes, 2), maxlen: expectInt('MaxlenNet.maxlen', options.maxlen, 1),
      height, channels, bins: expectInt('MaxlenNet.bins', options.bins ?? 8, 1), hidden: expectInt('MaxlenNet.hidden', options.hidden ?? 96, 1),
      layers: expectInt('MaxlenNet.layers', options.layers ?? 2, 1) });
    const shared: ModuleInit = initOf(init);
    const conv = (i: number, o: number): Conv2d => new Conv2d({ inChannels: i, outChannels: o, kernelSize: 3, padding: 1 }, shared);
    const [c1, c2, c3, c4] = channels;
    this.cnn = this.addModule('cnn', new Sequential(
      conv(1, c1), new ReLU(), new MaxPool2d({ kernelSize: 2 }),
      conv(c1, c2), new ReLU(), new MaxPool2d({ kernelSize: 2 }),
      conv(c2, c3), new ReLU(),
      conv(c3, c4), new ReLU(), new MaxPool2d({ kernelSize: [2, 1] }),
    ));
    const { hidden, layers, classes, bins } = this.options;
    this.proj = this.addModule('proj', new Linear({ inFeatures: c4 * (height / 8) * bins, outFeatures: 2 * hidden }, shared));
    this.rnn = this.addModule('rnn', new LSTM({ inputSize: 2 * hidden, hiddenSize: hidden, numLayers: layers, bidirectional: true }, shared));
    this.head = this.addModule('head', new Linear({ inFeatures: 2 * hidden, outFeatures: classes }, shared));
  }

  /**
   * x [B, 1, H, W] (zero padded on the right) and each line's width → logits [Maxlen, B, C].
   * ShapeError for a wrong height; ConfigError for widths that do not fit.
   */
  forward(x: Tensor, widths: ArrayLike<number>): Tensor {
    expectShape('MaxlenNet input x', x, [null, 1, this.options.height, null], `lines must be normalised to ${this.options.height} px`);
    const [B, , , W] = x.shape as [number, number, number, number];
    if (W < 4) throw new ConfigError(`MaxlenNet input x: expected a width of at least 4 px, got ${W}`);
    if (widths.length !== B) throw new ConfigError(`MaxlenNet widths: expected ${B} (one per line), got ${widths.length}`);
    const lengths = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      const w = widths[b]!;
      if (!Number.isInteger(w) || w < 1 || w > W) throw new ConfigError(`MaxlenNet widths[${b}]: expected an integer in [1, ${W}], got ${w}`);
      lengths[b] = Math.max(1, Math.floor(Math.floor(w / 2) / 2));
    }
    const f = this.cnn.forward(standardise(x)); // [B, c4, H/8, ⌊W/4⌋]; padding too becomes −INPUT_MEAN/INPUT_STD, as background
    const e = relu(this.proj.forward(poolBins(f, lengths, this.options.bins))); // [B, 2·hidden]
    const r = this.rnn.forward(repeatSteps(e, this.options.maxlen)); // [Maxlen, B, 2·hidden]
    return this.head.forward(r.output);
  }

  /** The options, as stored in model files. */
  config(): Required<MaxlenNetOptions> {
    return { ...this.options, channels: [...this.options.channels] as [number, number, number, number] };
  }

  /** Rebuilds a MaxlenNet from a stored config; CheckpointError if it is not a valid one. */
  static fromConfig(config: Record<string, unknown>, init?: ModuleInit): MaxlenNet {
    return modelFromConfig('MaxlenNet', KEYS, config, 'the file was not saved from a Maxlen OCR model', (o: MaxlenNetOptions) => new MaxlenNet(o, init));
  }

}
