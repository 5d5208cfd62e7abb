// The adding problem and copy memory as `TrainTask`s: fresh training batches from the trainer's Rng every
// step (the data are unlimited), a fixed test set drawn once from a separate seeded Rng (never trained on),
// and the sequences seen until the test error first reached the target, kept across resumes.
import { CheckpointError, ConfigError } from '../../errors.js';
import { crossEntropy } from '../../loss/cross-entropy.js';
import { mseLoss } from '../../loss/mse.js';
import type { TaskState, TrainTask } from '../../train/task.js';
import { Rng } from '../../tensor/rng.js';
import { expectInt, expectKnownKeys, expectNumber } from '../../tensor/shape.js';
import { Tensor, noGrad } from '../../tensor/tensor.js';
import { COPY, addingBaselineMse, addingBatch, type AddingBatch, copyBaselineXent, copyBatch, type CopyBatch } from './data.js';
import { MemoryModel } from './model.js';

/** Seeds of the fixed test sets (the same for every run, whatever its --seed). */
export const TEST_SEED = { adding: 1997, copy: 2016 } as const;
/** Test sequences are scored in chunks of this many. */
const CHUNK = 250;

/** What a memory task trains and how. */
export interface MemoryTaskOptions {
  model: MemoryModel;
  /** T: sequence length (adding) or delay (copy; sequences are T + 20 long). */
  length: number;
  /** B: sequences per training step. */
  batch: number;
  /** Test sequences (default 1000 for adding, 500 for copy). */
  testSize?: number;
  /** Seed of the test set's Rng (default `TEST_SEED[task]`). */
  testSeed?: number;
  /** The test error that counts as solved: adding test MSE ≤ target (default 0.01); copy test accuracy ≥ target (default 0.99). */
  target?: number;
}

/** Shared part: options, counting, the first evaluation that reached the target, and state. */
abstract class MemoryTask implements TrainTask {
  abstract readonly name: 'adding' | 'copy';
  readonly unit = 'sequences';
  readonly model: MemoryModel;
  readonly length: number;
  readonly batch: number;
  readonly target: number;
  /** Sequences trained on, over the whole run (resumes included). */
  seen = 0;
  /** `seen` at the first evaluation that met the target, or null. */
  reachedAt: number | null = null;
  /** The evaluation with the lowest loss so far (the one the trainer saves as model.safetensors). */
  best: Record<string, number> | null = null;

  protected constructor(what: string, o: MemoryTaskOptions, minLength: number, defaultTarget: number) {
    expectKnownKeys(what, o, ['model', 'length', 'batch', 'testSize', 'testSeed', 'target']);
    if (!(o.model instanceof MemoryModel)) throw new ConfigError(`${what}.model: expected a MemoryModel, got ${String(o.model)}`);
    this.model = o.model;
    this.length = expectInt(`${what}.length`, o.length, minLength, 100000);
    this.batch = expectInt(`${what}.batch`, o.batch, 1);
    this.target = expectNumber(`${what}.target`, o.target ?? defaultTarget, 0);
  }

  abstract trainStep(rng: Rng): { loss: Tensor; count: number };
  protected abstract score(): Record<string, number> & { loss: number };
  protected abstract met(m: Record<string, number>): boolean;

  /** Scores the fixed test set (no gradients, eval mode); notes the best result and when the target was first met. */
  evaluate(): Record<string, number> & { loss: number } {
    try {
      this.model.eval();
      const m = noGrad(() => this.score());
      if (this.best === null || m.loss < this.best.loss!) this.best = m;
      if (this.reachedAt === null && this.met(m)) this.reachedAt = this.seen;
      return m;
    } finally {
      this.model.train();
    }
  }

  /** json { seen, reachedAt, best }; no tensors. */
  saveState(): TaskState {
    return { json: { seen: this.seen, reachedAt: this.reachedAt, best: this.best }, tensors: new Map() };
  }

  loadState(state: TaskState): void {
    const { seen, reachedAt, best } = state?.json ?? {};
    const hint = `the checkpoint is not from recur train ${this.name}; resume with the same task`;
    if (typeof seen !== 'number' || !Number.isInteger(seen) || seen < 0) throw new CheckpointError(`${this.name} state seen: expected an integer ≥ 0, got ${JSON.stringify(seen)}`, hint);
    if (reachedAt !== null && (typeof reachedAt !== 'number' || !Number.isInteger(reachedAt) || reachedAt < 0)) {
      throw new CheckpointError(`${this.name} state reachedAt: expected null or an integer ≥ 0, got ${JSON.stringify(reachedAt)}`, hint);
    }
    if (best !== null && (typeof best !== 'object' || typeof (best as { loss?: unknown }).loss !== 'number')) {
      throw new CheckpointError(`${this.name} state best: expected null or an object with a loss, got ${JSON.stringify(best)}`, hint);
    }
    this.seen = seen;
    this.reachedAt = reachedAt as number | null;
    this.best = best as Record<string, number> | null;
  }

  /** `{ task, length, ...model.config() }` (see `MemoryModel.fromConfig`). */
  modelConfig(): Record<string, unknown> {
    return { task: this.name, length: this.length, ...this.model.config() };
  }
}

/**
 * The adding problem (see `addingBatch`) with a model of readout 'last', inputSize 2, outputSize 1:
 * loss = MSE between y [B, 1] and the sums; evaluate() → { loss, mse } on the test set (MSE over all
 * test sequences). `baselineMse` is the test set's MSE of always predicting 1 (≈ 1/6).
 * @example
 * const task = new AddingTask({ model, length: 100, batch: 32 });
 * task.trainStep(rng).loss.backward(); task.evaluate(); // { loss, mse }
 */
export class AddingTask extends MemoryTask {
  readonly name = 'adding';
  readonly baselineMse: number;
  private readonly test: AddingBatch[];

  constructor(o: MemoryTaskOptions) {
    super('AddingTask', o, 2, 0.01);
    const m = this.model.options;
    if (m.inputSize !== 2 || m.outputSize !== 1 || m.readout !== 'last') {
      throw new ConfigError(`AddingTask.model: expected inputSize 2, outputSize 1, readout 'last', got ${m.inputSize}, ${m.outputSize}, '${m.readout}'`);
    }
    this.test = testChunks(expectInt('AddingTask.testSize', o.testSize ?? 1000, 1), o.testSeed ?? TEST_SEED.adding, (n, rng) => addingBatch(this.length, n, rng));
    this.baselineMse = addingBaselineMse(this.test.flatMap((b) => Array.from(b.y)));
  }

  trainStep(rng: Rng): { loss: Tensor; count: number } {
    const b = addingBatch(this.length, this.batch, rng);
    this.seen += b.B;
    return { loss: this.loss(b), count: b.B };
  }

  private loss(b: AddingBatch): Tensor {
    const pred = this.model.forward(new Tensor(b.x, [b.T, b.B, 2])); // [B, 1]
    return mseLoss(pred, new Tensor(b.y, [b.B, 1]));
  }

  protected score(): { loss: number; mse: number } {
    let sum = 0;
    let n = 0;
    for (const b of this.test) {
      sum += this.loss(b).item() * b.B;
      n += b.B;
    }
    return { loss: sum / n, mse: sum / n };
  }

  protected met(m: Record<string, number>): boolean {
    return m['mse']! <= this.target;
  }
}

/**
 * Copy memory (see `copyBatch`) with a model of readout 'all', inputSize 10 (one-hot), outputSize 9:
 * loss = mean cross-entropy over all T + 20 steps (nats per step, as in Arjovsky et al. 2016);
 * evaluate() → { loss, xent, accuracy } with accuracy over the 10 recalled symbols of every test sequence.
 * `baselineXent` = 10·ln 8 / (T + 20).
 */
export class CopyTask extends MemoryTask {
  readonly name = 'copy';
  readonly baselineXent: number;
  private readonly test: CopyBatch[];

  constructor(o: MemoryTaskOptions) {
    super('CopyTask', o, 1, 0.99);
    const m = this.model.options;
    if (m.inputSize !== COPY.inputs || m.outputSize !== COPY.classes || m.readout !== 'all') {
      throw new ConfigError(`CopyTask.model: expected inputSize ${COPY.inputs}, outputSize ${COPY.classes}, readout 'all', got ${m.inputSize}, ${m.outputSize}, '${m.readout}'`);
    }
    this.test = testChunks(expectInt('CopyTask.testSize', o.testSize ?? 500, 1), o.testSeed ?? TEST_SEED.copy, (n, rng) => copyBatch(this.length, n, rng));
    this.baselineXent = copyBaselineXent(this.length);
  }

  trainStep(rng: Rng): { loss: Tensor; count: number } {
    const b = copyBatch(this.length, this.batch, rng);
    this.seen += b.B;
    return { loss: crossEntropy(this.logits(b), b.y), count: b.B };
  }

  // [S·B, 9] logits of the one-hot inputs
  private logits(b: CopyBatch): Tensor {
    const x = new Float32Array(b.S * b.B * COPY.inputs); // [S, B, 10]
    for (let i = 0; i < b.x.length; i++) x[i * COPY.inputs + b.x[i]!] = 1;
    return this.model.forward(new Tensor(x, [b.S, b.B, COPY.inputs]));
  }

  protected score(): { loss: number; xent: number; accuracy: number } {
    let nats = 0;
    let steps = 0;
    let right = 0;
    let recalled = 0;
    const C = COPY.classes;
    for (const b of this.test) {
      const logits = this.logits(b);
      nats += crossEntropy(logits, b.y, { reduction: 'sum' }).item();
      steps += b.S * b.B;
      const z = logits.data;
      for (let t = b.S - COPY.remember; t < b.S; t++) {
        for (let j = 0; j < b.B; j++) {
          const row = (t * b.B + j) * C;
          let arg = 0;
          for (let c = 1; c < C; c++) if (z[row + c]! > z[row + arg]!) arg = c;
          if (arg === b.y[t * b.B + j]) right++;
          recalled++;
        }
      }
    }
    return { loss: nats / steps, xent: nats / steps, accuracy: right / recalled };
  }

  protected met(m: Record<string, number>): boolean {
    return m['accuracy']! >= this.target;
  }
}

// `size` test sequences from Rng(seed), in chunks of at most CHUNK.
function testChunks<B>(size: number, seed: number, make: (n: number, rng: Rng) => B): B[] {
  const rng = new Rng(expectInt('testSeed', seed, 0, 2 ** 32 - 1));
  const out: B[] = [];
  for (let done = 0; done < size; done += CHUNK) out.push(make(Math.min(CHUNK, size - done), rng));
  return out;
}
