// CRNN (Shi, Bai & Yao 2017): a convolutional stack whose output columns form a sequence, a stacked
// bidirectional LSTM over the columns, and a Linear layer to the characters plus the CTC blank.
// Parameter names are PyTorch's (cnn.0.weight, rnn.weight_ih_l0_reverse, head.weight, …).
import { ConfigError } from '../../errors.js';
import { Conv2d } from '../../nn/conv2d.js';
import { Linear } from '../../nn/linear.js';
import { Module, type ModuleInit, initOf } from '../../nn/module.js';
import { MaxPool2d } from '../../nn/pool.js';
import { LSTM } from '../../nn/recurrent.js';
import { Sequential } from '../../nn/sequential.js';
import { expectInt, expectKnownKeys, expectShape } from '../../tensor/shape.js';
import { Tensor, record } from '../../tensor/tensor.js';
import { modelFromConfig } from '../../io/model-file.js';

/** Sizes of a CRNN (also its stored config). */
export interface CrnnOptions {
  /** C: classes, the blank (0) included. */
  classes: number;
  /** Input height in pixels, a multiple of 8 (default 32). */
  height?: number;
  /** Channels of the four 3×3 conv layers (default [32, 64, 96, 96]). */
  channels?: readonly [number, number, number, number];
  /** LSTM hidden size per direction (default 128). */
  hidden?: number;
  /** Stacked bidirectional LSTM layers (default 2). */
  layers?: number;
}

const KEYS = ['classes', 'height', 'channels', 'hidden', 'layers'] as const;

/** max(x, 0) in one plain loop (nn.ReLU's generic elementwise op costs several times more per value here). */
class Relu extends Module {
  forward(x: Tensor): Tensor {
    const out = Tensor.zeros(x.shape, x.dtype);
    const X = x.data;
    const Y = out.data;
    for (let i = 0; i < Y.length; i++) Y[i] = X[i]! > 0 ? X[i]! : 0;
    return record(out, [x], (g) => {
      const gx = x.gradBuf();
      for (let i = 0; i < g.length; i++) if (Y[i]! > 0) gx[i]! += g[i]!;
    });
  }
}

/**
 * [B, C, h, T] → [T, B, C·h]: column t of every image becomes step t, its C·h values the features
 * (feature index c·h + row). One node on the tape.
 */
/** The four conv channel counts of an OCR CNN option (`what` names it in errors), or `fallback`. */
export function expectChannels(what: string, ch: unknown, fallback: readonly number[]): [number, number, number, number] {
  const given = ch ?? fallback;
  if (!Array.isArray(given) || given.length !== 4) throw new ConfigError(`${what}: expected 4 channel counts, got ${JSON.stringify(given)}`);
  return given.map((c, i) => expectInt(`${what}[${i}]`, c, 1)) as [number, number, number, number];
}

export function columnsToSequence(x: Tensor): Tensor {
  const [B, C, h, T] = x.shape as [number, number, number, number];
  const F = C * h;
  const out = Tensor.zeros([T, B, F], x.dtype);
  const X = x.data;
  const Y = out.data;
  for (let b = 0; b < B; b++) for (let f = 0; f < F; f++) {
    const src = (b * F + f) * T;
    for (let t = 0; t < T; t++) Y[(t * B + b) * F + f] = X[src + t]!;
  }
  return record(out, [x], (g) => {
    const gx = x.gradBuf();
    for (let b = 0; b < B; b++) for (let f = 0; f < F; f++) {
      const dst = (b * F + f) * T;
      for (let t = 0; t < T; t++) gx[dst + t]! += g[(t * B + b) * F + f]!;
    }
  });
}

/**
 * CRNN for text lines x [B, 1, H, W] (ink high, zero padded on the right):
 *   conv3×3(1→c₁) ReLU pool2 · conv3×3(c₁→c₂) ReLU pool2 · conv3×3(c₂→c₃) ReLU · conv3×3(c₃→c₄) ReLU pool(2, 1)
 * gives [B, c₄, H/8, ⌊W/4⌋]; each of the T = ⌊W/4⌋ columns (c₄·H/8 features) is one step of a
 * bidirectional L-layer LSTM (hidden size per direction), then logits_t = head(h_t) over C classes.
 * A line of width w has ⌊⌊w/2⌋/2⌋ valid steps (the LSTM ignores the padding, as packed sequences do).
 * Conv weights start He-uniform U(±√(6/fan_in)) with zero biases; the LSTM and head use PyTorch's defaults.
 * @example
 * const crnn = new Crnn({ classes: alphabet.size }, { rng });
 * const { logits, lengths } = crnn.forward(x, widths); // logits [T, B, C]
 */
export class Crnn extends Module {
  readonly options: Readonly<Required<CrnnOptions>>;
  readonly cnn: Sequential;
  readonly rnn: LSTM;
  readonly head: Linear;

  constructor(options: CrnnOptions, init?: ModuleInit) {
    super();
    expectKnownKeys('Crnn', options, KEYS);
    const height = expectInt('Crnn.height', options.height ?? 32, 8);
    if (height % 8 !== 0) throw new ConfigError(`Crnn.height: expected a multiple of 8, got ${height}`, 'lines are normalised to 32 px by default');
    const channels = expectChannels('Crnn.channels', options.channels, [32, 64, 96, 96]);
    this.options = Object.freeze({ classes: expectInt('Crnn.classes', options.classes, 2), height, channels,
      hidden: expectInt('Crnn.hidden', options.hidden ?? 128, 1), layers: expectInt('Crnn.layers', options.layers ?? 2, 1) });
    const { rng, dtype } = initOf(init);
    const shared: ModuleInit = { rng, dtype };
    // He-uniform weights U(±√(6/fan_in)) and zero biases instead of PyTorch's default U(±1/√fan_in): with
    // no batch norm the default shrinks the signal about 10× through the four ReLU layers, and CTC then
    // sits on its all-blank plateau for hundreds of steps.
    const conv = (i: number, o: number): Conv2d => {
      const c = new Conv2d({ inChannels: i, outChannels: o, kernelSize: 3, padding: 1 }, shared);
      const bound = Math.sqrt(6 / (i * 9));
      for (let k = 0; k < c.weight.size; k++) c.weight.data[k] = rng.uniform(-bound, bound);
      c.bias?.data.fill(0);
      return c;
    };
    const [c1, c2, c3, c4] = channels;
    this.cnn = this.addModule('cnn', new Sequential(
      conv(1, c1), new Relu(), new MaxPool2d({ kernelSize: 2 }),
      conv(c1, c2), new Relu(), new MaxPool2d({ kernelSize: 2 }),
      conv(c2, c3), new Relu(),
      conv(c3, c4), new Relu(), new MaxPool2d({ kernelSize: [2, 1] }),
    ));
    const { hidden, layers, classes } = this.options;
    this.rnn = this.addModule('rnn', new LSTM({ inputSize: c4 * (height / 8), hiddenSize: hidden, numLayers: layers, bidirectional: true }, shared));
    this.head = this.addModule('head', new Linear({ inFeatures: 2 * hidden, outFeatures: classes }, shared));
  }

  /** Valid output steps for a line `width` pixels wide: ⌊⌊w/2⌋/2⌋, at least 1. */
  static steps(width: number): number {
    return Math.max(1, Math.floor(Math.floor(width / 2) / 2));
  }

  /**
   * x [B, 1, H, W] and each line's width → logits [T, B, C] (T = ⌊W/4⌋, time-major for ctcLoss) and the
   * valid steps per line. ShapeError for a wrong height; ConfigError for widths that do not fit.
   */
  forward(x: Tensor, widths: ArrayLike<number>): { logits: Tensor; lengths: Int32Array } {
    expectShape('Crnn input x', x, [null, 1, this.options.height, null], `lines must be normalised to ${this.options.height} px`);
    const [B, , , W] = x.shape as [number, number, number, number];
    if (W < 4) throw new ConfigError(`Crnn input x: expected a width of at least 4 px, got ${W}`);
    if (widths.length !== B) throw new ConfigError(`Crnn widths: expected ${B} (one per line), got ${widths.length}`);
    const f = this.cnn.forward(x); // [B, c4, H/8, T]
    const T = f.shape[3]!;
    const lengths = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      const w = widths[b]!;
      if (!Number.isInteger(w) || w < 1 || w > W) throw new ConfigError(`Crnn widths[${b}]: expected an integer in [1, ${W}], got ${w}`);
      lengths[b] = Math.min(T, Crnn.steps(w));
    }
    const seq = columnsToSequence(f); // [T, B, c4·H/8]
    const r = this.rnn.forward(seq, {}, lengths); // [T, B, 2·hidden]
    return { logits: this.head.forward(r.output), lengths };
  }

  /** The options, as stored in model files. */
  config(): Required<CrnnOptions> {
    return { ...this.options, channels: [...this.options.channels] as [number, number, number, number] };
  }

  /** Rebuilds a Crnn from a stored config; CheckpointError if it is not a valid one. */
  static fromConfig(config: Record<string, unknown>, init?: ModuleInit): Crnn {
    return modelFromConfig('Crnn', KEYS, config, 'the file was not saved from an OCR CRNN', (o: CrnnOptions) => new Crnn(o, init));
  }

}
