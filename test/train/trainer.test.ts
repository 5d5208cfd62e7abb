import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadModelFile } from '../../src/io/model-file.js';
import { SGD } from '../../src/optim/sgd.js';
import { Rng } from '../../src/tensor/rng.js';
import { readCheckpoint } from '../../src/train/checkpoint.js';
import { readMetrics } from '../../src/train/metrics.js';
import { makeReporter } from '../../src/train/progress.js';
import { Schedule, type ScheduleName } from '../../src/train/schedule.js';
import { type TrainerOptions, train } from '../../src/train/trainer.js';
import { ToyTask } from './toy-task.js';

const silent = makeReporter({ out() {}, err() {}, isTty: false }, true);

function setup(outDir: string | null, steps: number, schedule: ScheduleName = 'cosine', extra: Partial<TrainerOptions> = {}): { task: ToyTask; opts: TrainerOptions } {
  const task = new ToyTask();
  const optimizer = new SGD(task.model.namedParameters(), { lr: 0.05, momentum: 0.9 });
  return {
    task,
    opts: {
      task, optimizer, schedule: new Schedule({ name: schedule, lr: 0.05 }), rng: new Rng(3), clip: 1, steps, minutes: null,
      evalEvery: 4, logEvery: 2, checkpointEvery: 0, patience: 0, outDir, run: { task: 'toy' }, reporter: silent, ...extra,
    },
  };
}

const weights = (t: ToyTask): number[] => t.model.parameters().flatMap((p) => Array.from(p.data));

test('training lowers the loss and writes model, checkpoint and metrics.jsonl', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'train-'));
  const { task, opts } = setup(dir, 40);
  const before = task.evaluate().loss;
  const r = await train(opts);
  assert.equal(r.steps, 40);
  const bestLoss = r.best?.['loss'] ?? Infinity;
  assert.ok(bestLoss < before / 10, `${bestLoss} vs ${before}`);
  const lines = readMetrics(join(dir, 'metrics.jsonl'));
  const logs = lines.filter((l) => 'loss' in l);
  assert.equal(logs.length, 20);
  for (const l of logs) for (const k of ['step', 'loss', 'lr', 'grad_norm', 'samples_per_s', 'elapsed_s']) assert.ok(k in l, `${k} logged`);
  assert.equal(lines.filter((l) => 'val_loss' in l).length, 10);
  const model = loadModelFile(join(dir, 'model.safetensors'));
  assert.equal(JSON.parse(model.metadata['recur.training'] ?? '{}').task, 'toy');
  assert.equal(readCheckpoint(join(dir, 'checkpoint.safetensors')).meta.step, 40);
});

test('the same seed gives the same weights, bit for bit', async () => {
  const a = setup(null, 12);
  const b = setup(null, 12);
  await train(a.opts);
  await train(b.opts);
  assert.deepEqual(weights(a.task), weights(b.task));
});

for (const schedule of ['constant', 'cosine', 'plateau'] as const) {
  test(`a run interrupted by Ctrl-C and resumed ends with the same weights as an uninterrupted one (${schedule})`, async () => {
    const whole = setup(mkdtempSync(join(tmpdir(), 'train-')), 20, schedule);
    await train(whole.opts);
    const dir = mkdtempSync(join(tmpdir(), 'train-'));
    const first = setup(dir, 20, schedule);
    first.task.interruptAt = 9;
    const r1 = await train(first.opts);
    assert.equal(r1.interrupted, true);
    assert.equal(r1.steps, 9);
    const second = setup(dir, 20, schedule);
    const r2 = await train(second.opts, readCheckpoint(join(dir, 'checkpoint.safetensors')));
    assert.equal(r2.steps, 20);
    assert.deepEqual(weights(second.task), weights(whole.task));
    const steps = readMetrics(join(dir, 'metrics.jsonl')).filter((l) => 'loss' in l).map((l) => l['step']);
    assert.deepEqual(steps, Array.from({ length: 10 }, (_, i) => 2 * (i + 1)));
  });
}

test('N steps, then resuming to 2N, equals 2N steps at a constant learning rate', async () => {
  const whole = setup(null, 16, 'constant');
  await train(whole.opts);
  const dir = mkdtempSync(join(tmpdir(), 'train-'));
  await train(setup(dir, 8, 'constant').opts);
  const again = setup(dir, 16, 'constant');
  await train(again.opts, readCheckpoint(join(dir, 'checkpoint.safetensors')));
  assert.deepEqual(weights(again.task), weights(whole.task));
});

test('early stopping stops after `patience` evaluations without improvement', async () => {
  const { opts } = setup(null, 1000, 'constant', { patience: 2, evalEvery: 1 });
  opts.optimizer.lr = 0;
  opts.schedule = new Schedule({ name: 'constant', lr: 0 });
  const r = await train(opts);
  assert.equal(r.stoppedEarly, true);
  assert.equal(r.steps, 3);
});

test('schedules: cosine warms up then decays to its floor, step halves, plateau reacts to stalls', () => {
  const cos = new Schedule({ name: 'cosine', lr: 1, warmup: 0.1, floor: 0.1 });
  assert.ok(Math.abs(cos.lrAt(0, 0.05) - 0.5) < 1e-12);
  assert.equal(cos.lrAt(0, 0.1), 1);
  assert.ok(Math.abs(cos.lrAt(0, 0.55) - 0.55) < 1e-12);
  assert.ok(Math.abs(cos.lrAt(0, 1) - 0.1) < 1e-12);
  const st = new Schedule({ name: 'step', lr: 1, gamma: 0.5, every: 10 });
  assert.deepEqual([st.lrAt(9, 0), st.lrAt(10, 0), st.lrAt(25, 0)], [1, 0.5, 0.25]);
  const pl = new Schedule({ name: 'plateau', lr: 1, factor: 0.1, patience: 1 });
  for (const v of [3, 2, 2, 2]) pl.observe(v);
  assert.ok(Math.abs(pl.lrAt(0, 0) - 0.1) < 1e-12);
  assert.throws(() => new Schedule({ name: 'wobbly' as never, lr: 1 }), /constant, step, cosine or plateau/);
});

test('a checkpoint that is not one gives a CheckpointError with a hint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'train-'));
  assert.throws(() => readCheckpoint(join(dir, 'nope.safetensors')), (e: unknown) => (e as { code: string }).code === 'bad_checkpoint'
    && (e as Error).message.includes('no such file') && (e as { hint: string }).hint.includes('--out'));
  void readFileSync;
});
