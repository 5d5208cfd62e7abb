// The bench's workloads (issue 3), built only from recur's public pieces — Embedding, LSTM/GRU/RNN, Linear,
// crossEntropy, Adam/SGD, backend().gemm — at the sizes (or smaller ones, which the tests use).
// One `step()` is what one timed call does; `value(ms)` turns its milliseconds into the workload's metric.
import { backend } from '../src/backend/index.js';
import { crossEntropy } from '../src/loss/cross-entropy.js';
import { Embedding } from '../src/nn/embedding.js';
import { Linear } from '../src/nn/linear.js';
import { GRU, LSTM, RNN, type RecurrentLayer } from '../src/nn/recurrent.js';
import { Adam } from '../src/optim/adam.js';
import { SGD } from '../src/optim/sgd.js';
import { normal } from '../src/tensor/init.js';
import { reshape, sliceRows } from '../src/tensor/ops.js';
import { Rng } from '../src/tensor/rng.js';
import { Tensor, noGrad } from '../src/tensor/tensor.js';

export const WORKLOADS = ['W1', 'W2', 'W3', 'W4', 'W4-seq', 'W5', 'G-32x320x1024', 'G-2048x64x1024', 'G-1024x1024x1024'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

/** Sizes by DESIGN.md's letters: V vocabulary, E embedding, H hidden, B batch, T steps, I input, C classes, L layers, S streamed steps, GEMM M×K · K×N. */
export type Sizes = Record<string, number>;

const LM = { V: 96, E: 64, H: 256, B: 32, T: 64 };
const STREAM = { I: 128, H: 512, S: 1000 };

/** The sizes for each workload (torch_peer.py receives the same object). */
export const DEFAULT_SIZES: Readonly<Record<WorkloadName, Readonly<Sizes>>> = {
  W1: LM,
  W2: LM,
  W3: { I: 40, H: 128, L: 2, B: 16, T: 200, C: 30 },
  W4: STREAM,
  'W4-seq': STREAM,
  W5: { I: 32, H: 128, B: 64, T: 100, C: 10 },
  'G-32x320x1024': { M: 32, K: 320, N: 1024 },
  'G-2048x64x1024': { M: 2048, K: 64, N: 1024 },
  'G-1024x1024x1024': { M: 1024, K: 1024, N: 1024 },
};

export const DESCRIPTIONS: Readonly<Record<WorkloadName, string>> = {
  W1: 'LSTM language-model training step (V 96 → E 64, H 256, B 32, T 64, Adam)',
  W2: 'W1 with a GRU',
  W3: '2-layer bidirectional LSTM (I 40, H 128, B 16, T 200), per-frame linear to 30, Adam',
  W4: 'streaming LSTM inference (I 128, H 512, B 1), one step per call (lstm.stream()), 1000 steps',
  'W4-seq': 'the same 1000 steps as one forward call',
  W5: 'tanh RNN (I 32, H 128, B 64, T 100), last-step linear to 10, SGD',
  'G-32x320x1024': 'SGEMM [32×320]·[320×1024]',
  'G-2048x64x1024': 'SGEMM [2048×64]·[64×1024]',
  'G-1024x1024x1024': 'SGEMM [1024×1024]·[1024×1024]',
};

export type Metric = 'tokens/s' | 'frames/s' | 'µs/step' | 'sequences/s' | 'GFLOP/s';

/** Which metric a workload reports, and whether higher is better (throughputs) or lower (µs/step). */
export function metricOf(name: WorkloadName): { metric: Metric; higherIsBetter: boolean } {
  if (name === 'W4' || name === 'W4-seq') return { metric: 'µs/step', higherIsBetter: false };
  if (name.startsWith('G-')) return { metric: 'GFLOP/s', higherIsBetter: true };
  return { metric: name === 'W3' ? 'frames/s' : name === 'W5' ? 'sequences/s' : 'tokens/s', higherIsBetter: true };
}

/**
 * The metric of one call that took `ms` milliseconds: tokens/s and frames/s = B·T / s, sequences/s = B / s,
 * µs/step = µs / S, GFLOP/s = 2·M·N·K / s / 10⁹. Used for recur's and the peers' medians alike.
 */
export function metricValue(name: WorkloadName, sizes: Sizes, ms: number): number {
  const z = { ...DEFAULT_SIZES[name], ...sizes };
  const s = ms / 1000;
  switch (name) {
    case 'W1': case 'W2': case 'W3': return (z['B']! * z['T']!) / s;
    case 'W4': case 'W4-seq': return (ms * 1000) / z['S']!;
    case 'W5': return z['B']! / s;
    default: return (2 * z['M']! * z['N']! * z['K']!) / s / 1e9;
  }
}

export interface Workload {
  name: WorkloadName;
  metric: Metric;
  /** Throughputs are better higher; µs/step is better lower. */
  higherIsBetter: boolean;
  sizes: Sizes;
  /** Untimed calls before timing (PyTorch's peer warms up as many). */
  warmup: number;
  /** One timed call: a training step, 1000 streamed steps, or one GEMM. */
  step(): void;
  /** The metric for one call that took `ms` milliseconds. */
  value(ms: number): number;
  /** A number the last step computed (the loss, or a checksum of the output), to show it did real work. */
  check(): number;
}

/** The one number the tests and the bench read from a tensor or buffer to see that work was done. */
function checksum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

function randomTokens(n: number, V: number, rng: Rng): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(V);
  return out;
}

/** W1/W2: embedding → 1-layer LSTM or GRU → linear to V → cross-entropy over all T·B tokens → Adam. */
function languageModel(name: 'W1' | 'W2', z: Sizes, rng: Rng): Workload {
  const { V, E, H, B, T } = z as typeof LM;
  const emb = new Embedding({ numEmbeddings: V, embeddingDim: E }, { rng });
  const rnn: RecurrentLayer = name === 'W1' ? new LSTM({ inputSize: E, hiddenSize: H }, { rng }) : new GRU({ inputSize: E, hiddenSize: H }, { rng });
  const head = new Linear({ inFeatures: H, outFeatures: V }, { rng });
  const opt = new Adam([...emb.parameters(), ...rnn.parameters(), ...head.parameters()], { lr: 1e-3 });
  const x = randomTokens(T * B, V, rng); // [T, B] token ids
  const y = randomTokens(T * B, V, rng); // [T·B] next-token targets
  let loss = NaN;
  return {
    name, ...metricOf(name), sizes: z, warmup: 3,
    step() {
      opt.zeroGrad();
      const { output } = rnn.forward(emb.forward(x, [T, B])); // [T, B, H]
      const l = crossEntropy(reshape(head.forward(output), [T * B, V]), y);
      l.backward();
      opt.step();
      loss = l.item();
    },
    value: (ms) => metricValue(name, z, ms),
    check: () => loss,
  };
}

/** W3: 2-layer bidirectional LSTM over [T, B, I] → per-frame linear to C → cross-entropy → Adam. */
function framewise(z: Sizes, rng: Rng): Workload {
  const { I, H, L, B, T, C } = z as { I: number; H: number; L: number; B: number; T: number; C: number };
  const rnn = new LSTM({ inputSize: I, hiddenSize: H, numLayers: L, bidirectional: true }, { rng });
  const head = new Linear({ inFeatures: 2 * H, outFeatures: C }, { rng });
  const opt = new Adam([...rnn.parameters(), ...head.parameters()], { lr: 1e-3 });
  const x = normal(Tensor.zeros([T, B, I]), 0, 1, rng);
  const y = randomTokens(T * B, C, rng); // [T·B] frame labels
  let loss = NaN;
  return {
    name: 'W3', ...metricOf('W3'), sizes: z, warmup: 3,
    step() {
      opt.zeroGrad();
      const { output } = rnn.forward(x); // [T, B, 2H]
      const l = crossEntropy(reshape(head.forward(output), [T * B, C]), y);
      l.backward();
      opt.step();
      loss = l.item();
    },
    value: (ms) => metricValue('W3', z, ms),
    check: () => loss,
  };
}

/**
 * W4 / W4-seq: LSTM inference, batch 1, S steps from a zero state: one step per call through
 * `lstm.stream()` (the state carried between calls, weights bound once), or one `forward` call.
 */
function streaming(name: 'W4' | 'W4-seq', z: Sizes, rng: Rng): Workload {
  const { I, H, S } = z as typeof STREAM;
  const lstm = new LSTM({ inputSize: I, hiddenSize: H }, { rng }).eval();
  const xs = normal(Tensor.zeros([S, 1, I]), 0, 1, rng); // [S, 1, I]
  const steps = Array.from({ length: S }, (_, t) => xs.data.subarray(t * I, (t + 1) * I)); // views, [1, I] each
  const stream = name === 'W4' ? lstm.stream() : null;
  let last = NaN;
  const step = stream
    ? () => {
      stream.reset();
      let y: Tensor | null = null;
      for (const x of steps) y = stream.step(x);
      last = checksum(y!.data);
    }
    : () => noGrad(() => { last = checksum(lstm.forward(xs).h.data); });
  return {
    name, ...metricOf(name), sizes: z, warmup: 1, step,
    value: (ms) => metricValue(name, z, ms),
    check: () => last,
  };
}

/** W5: tanh RNN over [T, B, I], linear on the last step's output to C classes, cross-entropy, SGD. */
function classifier(z: Sizes, rng: Rng): Workload {
  const { I, H, B, T, C } = z as { I: number; H: number; B: number; T: number; C: number };
  const rnn = new RNN({ inputSize: I, hiddenSize: H }, { rng });
  const head = new Linear({ inFeatures: H, outFeatures: C }, { rng });
  const opt = new SGD([...rnn.parameters(), ...head.parameters()], { lr: 0.01 });
  const x = normal(Tensor.zeros([T, B, I]), 0, 1, rng);
  const y = randomTokens(B, C, rng); // [B] sequence labels
  let loss = NaN;
  return {
    name: 'W5', ...metricOf('W5'), sizes: z, warmup: 3,
    step() {
      opt.zeroGrad();
      const { output } = rnn.forward(x); // [T, B, H]
      const l = crossEntropy(head.forward(reshape(sliceRows(output, T - 1, 1), [B, H])), y);
      l.backward();
      opt.step();
      loss = l.item();
    },
    value: (ms) => metricValue('W5', z, ms),
    check: () => loss,
  };
}

/** G: C[M, N] = A[M, K] · B[K, N] on the active float32 backend; 2·M·N·K flops per call. */
function gemm(name: WorkloadName, z: Sizes, rng: Rng): Workload {
  const { M, K, N } = z as { M: number; K: number; N: number };
  const be = backend('float32');
  const A = normal(Tensor.zeros([M, K]), 0, 1, rng).data;
  const B = normal(Tensor.zeros([K, N]), 0, 1, rng).data;
  const C = new Float32Array(M * N);
  return {
    name, ...metricOf(name), sizes: z, warmup: 3,
    step: () => be.gemm(C, A, B, M, N, K, false, false),
    value: (ms) => metricValue(name, z, ms),
    check: () => checksum(C),
  };
}

/** Builds a workload at the sizes, or with some of them replaced (tests use tiny ones). Seeded: same data every run. */
export function makeWorkload(name: WorkloadName, sizes: Sizes = {}, seed = 0): Workload {
  const z: Sizes = { ...DEFAULT_SIZES[name], ...sizes };
  const rng = new Rng(seed);
  switch (name) {
    case 'W1': case 'W2': return languageModel(name, z, rng);
    case 'W3': return framewise(z, rng);
    case 'W4': case 'W4-seq': return streaming(name, z, rng);
    case 'W5': return classifier(z, rng);
    default: return gemm(name, z, rng);
  }
}
