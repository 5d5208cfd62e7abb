// Recognizer (a), with character segmentation: a small CNN reads each segmented character (a square
// crop), a bidirectional LSTM runs over the line's sequence of character features, and a Linear layer
// gives per-character logits. Also the unit vocabulary (characters, or Devanagari aksharas) it predicts.
import { CheckpointError, ConfigError } from '../../errors.js';
import { ReLU } from '../../nn/activation.js';
import { Conv2d } from '../../nn/conv2d.js';
import { Linear } from '../../nn/linear.js';
import { Module, type ModuleInit, initOf } from '../../nn/module.js';
import { MaxPool2d } from '../../nn/pool.js';
import { LSTM } from '../../nn/recurrent.js';
import { Sequential } from '../../nn/sequential.js';
import { reshape } from '../../tensor/ops.js';
import { expectInt, expectKnownKeys, expectShape } from '../../tensor/shape.js';
import { Tensor, record } from '../../tensor/tensor.js';
import { modelFromConfig } from '../../io/model-file.js';
import { expectChannels } from './crnn.js';

/**
 * The units a segmented model classifies: class 0 is "unknown" (a unit not in the list, decoded as ''),
 * classes 1…N the units — single characters, or whole aksharas (grapheme clusters) for Devanagari.
 * @example
 * const u = new UnitSet(['क', 'कि', 'क्ष']); u.id('कि'); // 2
 */
export class UnitSet {
  readonly units: readonly string[];
  private readonly ids: Map<string, number>;

  constructor(units: Iterable<string>) {
    this.units = Object.freeze([...new Set(units)]);
    this.ids = new Map(this.units.map((u, i) => [u, i + 1]));
  }

  /** C: classes including "unknown". */
  get size(): number {
    return this.units.length + 1;
  }

  /** Class of a unit (0 when unknown). */
  id(unit: string): number {
    return this.ids.get(unit) ?? 0;
  }

  /** The unit of a class ('' for 0 or out of range). */
  unit(id: number): string {
    return id > 0 ? this.units[id - 1] ?? '' : '';
  }

  /** Rebuilds a stored list; CheckpointError when it is not a list of non-empty strings. */
  static fromJSON(v: unknown): UnitSet {
    if (!Array.isArray(v) || v.length === 0 || !v.every((u) => typeof u === 'string' && u !== '')) {
      throw new CheckpointError(`model config units: expected a list of non-empty strings, got ${JSON.stringify(v)?.slice(0, 60)}`, 'the model file is damaged; retrain or re-save it');
    }
    return new UnitSet(v as string[]);
  }
}

/** Sizes of a SegmentedNet (also its stored config, beside `units`). */
export interface SegmentedNetOptions {
  /** C: classes, "unknown" (0) included. */
  classes: number;
  /** S: side of the square character crops, a multiple of 8 (default 24). */
  size?: number;
  /** Channels of the four 3×3 conv layers (default [16, 32, 48, 64]). */
  channels?: readonly [number, number, number, number];
  /** LSTM hidden size per direction (default 96). */
  hidden?: number;
  /** Stacked bidirectional LSTM layers (default 1). */
  layers?: number;
}

const KEYS = ['classes', 'size', 'channels', 'hidden', 'layers'] as const;

/** Mean and standard deviation the CNNs' inputs are shifted and scaled by: crops and lines are mostly
 * background (0) with thin ink (1). With PyTorch's default init, the raw [0, 1] input trains several
 * times slower (measured on Latin crops: loss 2.9 vs 1.4 after 60 steps). */
export const INPUT_MEAN = 0.1;
export const INPUT_STD = 0.3;

/** (x − INPUT_MEAN) / INPUT_STD of an input image batch (data, not on the tape). */
export function standardise(x: Tensor): Tensor {
  const out = Tensor.zeros(x.shape, x.dtype);
  for (let i = 0; i < x.size; i++) out.data[i] = (x.data[i]! - INPUT_MEAN) / INPUT_STD;
  return out;
}

/**
 * rows [N, F] → [T, B, F]: line b's counts[b] rows (lines in order) at steps 0…counts[b]−1, zeros after.
 * One node on the tape.
 */
export function rowsToSequence(rows: Tensor, counts: Int32Array, T: number): Tensor {
  const F = rows.shape[1]!;
  const B = counts.length;
  const out = Tensor.zeros([T, B, F], rows.dtype);
  const at: [number, number][] = []; // row n → (t, b)
  for (let b = 0; b < B; b++) for (let t = 0; t < counts[b]!; t++) at.push([t, b]);
  at.forEach(([t, b], n) => out.data.set(rows.data.subarray(n * F, (n + 1) * F), (t * B + b) * F));
  return record(out, [rows], (g) => {
    const gr = rows.gradBuf();
    at.forEach(([t, b], n) => { for (let f = 0; f < F; f++) gr[n * F + f]! += g[(t * B + b) * F + f]!; });
  });
}

/**
 * Per-character CNN + BiLSTM over the characters of each line; crops are standardised first (see INPUT_MEAN):
 *   conv3×3(1→c₁) ReLU pool2 · conv3×3(c₁→c₂) ReLU pool2 · conv3×3(c₂→c₃) ReLU pool2 · conv3×3(c₃→c₄) ReLU
 * maps each crop [1, S, S] to c₄·(S/8)² features (576 for S = 24, c₄ = 64); the crops of a line form the sequence of a
 * bidirectional L-layer LSTM, and logits_t = head([h→_t; h←_t]) over C units (softmax per character).
 * Parameter names: cnn.0.weight …, rnn.weight_ih_l0(_reverse), head.weight/bias.
 * @example
 * const net = new SegmentedNet({ classes: units.size }, { rng });
 * const logits = net.forward(crops, counts); // crops [N, 1, 24, 24], counts [B] → [T, B, C]
 */
export class SegmentedNet extends Module {
  readonly options: Readonly<Required<SegmentedNetOptions>>;
  readonly cnn: Sequential;
  readonly rnn: LSTM;
  readonly head: Linear;

  constructor(options: SegmentedNetOptions, init?: ModuleInit) {
    super();
    expectKnownKeys('SegmentedNet', options, KEYS);
    const size = expectInt('SegmentedNet.size', options.size ?? 24, 8);
    if (size % 8 !== 0) throw new ConfigError(`SegmentedNet.size: expected a multiple of 8, got ${size}`, 'use 24 or 32');
    const channels = expectChannels('SegmentedNet.channels', options.channels, [16, 32, 48, 64]);
    this.options = Object.freeze({ classes: expectInt('SegmentedNet.classes', options.classes, 2), size, channels,
      hidden: expectInt('SegmentedNet.hidden', options.hidden ?? 96, 1), layers: expectInt('SegmentedNet.layers', options.layers ?? 1, 1) });
    const shared: ModuleInit = initOf(init);
    const conv = (i: number, o: number): Conv2d => new Conv2d({ inChannels: i, outChannels: o, kernelSize: 3, padding: 1 }, shared);
    const [c1, c2, c3, c4] = channels;
    this.cnn = this.addModule('cnn', new Sequential(
      conv(1, c1), new ReLU(), new MaxPool2d({ kernelSize: 2 }),
      conv(c1, c2), new ReLU(), new MaxPool2d({ kernelSize: 2 }),
      conv(c2, c3), new ReLU(), new MaxPool2d({ kernelSize: 2 }),
      conv(c3, c4), new ReLU(),
    ));
    const { hidden, layers, classes } = this.options;
    this.rnn = this.addModule('rnn', new LSTM({ inputSize: this.features, hiddenSize: hidden, numLayers: layers, bidirectional: true }, shared));
    this.head = this.addModule('head', new Linear({ inFeatures: 2 * hidden, outFeatures: classes }, shared));
  }

  /** Features per character: c₄·(S/8)². */
  get features(): number {
    return this.options.channels[3] * (this.options.size / 8) ** 2;
  }

  /**
   * crops [N, 1, S, S] (the characters of B lines, line after line) and counts [B] (characters per line,
   * each ≥ 1, summing to N) → logits [T, B, C] with T = max count; steps past a line's count are zero-input
   * padding the LSTM skips (packed semantics).
   */
  forward(crops: Tensor, counts: Int32Array): Tensor {
    const S = this.options.size;
    expectShape('SegmentedNet crops', crops, [null, 1, S, S], `character crops must be ${S}×${S}`);
    const N = crops.shape[0]!;
    let total = 0;
    let T = 0;
    for (let b = 0; b < counts.length; b++) {
      const c = counts[b]!;
      if (!Number.isInteger(c) || c < 1) throw new ConfigError(`SegmentedNet counts[${b}]: expected an integer ≥ 1, got ${c}`, 'leave lines without segments out');
      total += c;
      T = Math.max(T, c);
    }
    if (total !== N) throw new ConfigError(`SegmentedNet counts: expected them to sum to the ${N} crops, got ${total}`);
    const f = reshape(this.cnn.forward(standardise(crops)), [N, this.features]);
    const r = this.rnn.forward(rowsToSequence(f, counts, T), {}, counts);
    return this.head.forward(r.output);
  }

  /** The options, as stored in model files. */
  config(): Required<SegmentedNetOptions> {
    return { ...this.options, channels: [...this.options.channels] as [number, number, number, number] };
  }

  /** Rebuilds a SegmentedNet from a stored config; CheckpointError if it is not a valid one. */
  static fromConfig(config: Record<string, unknown>, init?: ModuleInit): SegmentedNet {
    return modelFromConfig('SegmentedNet', KEYS, config, 'the file was not saved from a segmented OCR model', (o: SegmentedNetOptions) => new SegmentedNet(o, init));
  }

}
