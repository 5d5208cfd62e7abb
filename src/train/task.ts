// What the trainer needs from a task (charlm, adding, timeseries, ocr, …): a model, a training step, an
// evaluation, and its data position as state — so any task gets checkpoints, exact resume and logging.
import type { Module } from '../nn/module.js';
import type { Rng } from '../tensor/rng.js';
import type { Tensor } from '../tensor/tensor.js';

/** A task's resumable state: JSON (data position, epoch, …) and tensors (e.g. the carried hidden state). */
export interface TaskState {
  json: Record<string, unknown>;
  tensors: Map<string, Tensor>;
}

export interface TrainTask {
  /** Short name, written to metrics and model files ("charlm"). */
  readonly name: string;
  /** The model whose parameters are trained. */
  readonly model: Module;
  /** Name of the count `trainStep` reports, for throughput ("tokens", "sequences", "frames"). */
  readonly unit: string;
  /**
   * Builds one training minibatch, runs the forward and returns the loss to minimise (a scalar tensor) and
   * how many units it covered. Every random choice must come from `rng` so runs are reproducible.
   */
  trainStep(rng: Rng): { loss: Tensor; count: number };
  /** Evaluates on held-out data (without gradients, model in eval mode); `loss` is required. */
  evaluate(): Record<string, number> & { loss: number };
  /** Data position and carried state, for checkpoints. */
  saveState(): TaskState;
  loadState(state: TaskState): void;
  /** Steps in one pass over the training data (for --epochs); optional. */
  stepsPerEpoch?(): number;
  /** Model config stored in model files beside the weights (must let the task rebuild the model). */
  modelConfig(): Record<string, unknown>;
}
