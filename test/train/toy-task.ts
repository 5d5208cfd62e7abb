// A tiny regression task for trainer tests: y = x·w* + noise, a Linear model, random batches from the rng,
// and a data cursor as state.
import { mseLoss } from '../../src/loss/mse.js';
import { Linear } from '../../src/nn/linear.js';
import { Rng } from '../../src/tensor/rng.js';
import { Tensor, noGrad } from '../../src/tensor/tensor.js';
import type { TaskState, TrainTask } from '../../src/train/task.js';

export class ToyTask implements TrainTask {
  readonly name = 'toy';
  readonly unit = 'samples';
  readonly model: Linear;
  cursor = 0;
  /** Set to a step number to raise SIGINT during that step (simulates Ctrl-C). */
  interruptAt = -1;
  private val: { x: Tensor; y: Tensor };

  constructor(seed = 0) {
    this.model = new Linear({ inFeatures: 4, outFeatures: 1 }, { rng: new Rng(seed) });
    this.val = this.batch(new Rng(999), 64);
  }

  private batch(rng: Rng, n: number): { x: Tensor; y: Tensor } {
    const x = Tensor.zeros([n, 4]);
    const y = Tensor.zeros([n, 1]);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < 4; j++) { const v = rng.normal(); x.data[i * 4 + j] = v; s += v * (j + 1); }
      y.data[i] = s + 0.1 * rng.normal();
    }
    return { x, y };
  }

  trainStep(rng: Rng): { loss: Tensor; count: number } {
    this.cursor++;
    if (this.cursor === this.interruptAt) process.emit('SIGINT');
    const { x, y } = this.batch(rng, 8);
    return { loss: mseLoss(this.model.forward(x), y), count: 8 };
  }

  evaluate(): { loss: number } {
    return { loss: noGrad(() => mseLoss(this.model.forward(this.val.x), this.val.y).item()) };
  }

  saveState(): TaskState {
    return { json: { cursor: this.cursor }, tensors: new Map() };
  }

  loadState(s: TaskState): void {
    this.cursor = s.json['cursor'] as number;
  }

  stepsPerEpoch(): number {
    return 10;
  }

  modelConfig(): Record<string, unknown> {
    return { task: 'toy', inFeatures: 4 };
  }
}
