// The training loop every task shares: minibatch steps with gradient clipping and a learning-rate
// schedule, periodic evaluation with early stopping, metrics.jsonl, atomic checkpoints (every N steps
// and on Ctrl-C), and exact resume: same seed, data and backend give the same weights, bit for bit.
import { join } from 'node:path';
import { saveModel } from '../io/model-file.js';
import type { Optimizer } from '../optim/optimizer.js';
import { clipGradNorm } from '../optim/clip.js';
import type { Rng } from '../tensor/rng.js';
import { type LoadedCheckpoint, restoreCheckpoint, saveCheckpoint } from './checkpoint.js';
import { MetricsLog } from './metrics.js';
import type { Reporter } from './progress.js';
import type { Schedule } from './schedule.js';
import type { TrainTask } from './task.js';

export interface TrainerOptions {
  task: TrainTask;
  optimizer: Optimizer;
  schedule: Schedule;
  /** The one generator behind every random choice of the run (batches, dropout); saved in checkpoints. */
  rng: Rng;
  /** Max global gradient norm (clipGradNorm); null = no clipping (the norm is still logged). */
  clip: number | null;
  /** Stop after this many steps and/or minutes (whichever comes first; at least one). */
  steps: number | null;
  minutes: number | null;
  /** Evaluate every N steps (0: only at the end). */
  evalEvery: number;
  /** Log (metrics.jsonl and progress) every N steps. */
  logEvery: number;
  /** Write checkpoint.safetensors every N steps (0: only at the end and on Ctrl-C). */
  checkpointEvery: number;
  /** Stop after this many evaluations without improvement (0: never). */
  patience: number;
  /** Run folder: model.safetensors, checkpoint.safetensors, metrics.jsonl (null: write nothing). */
  outDir: string | null;
  /** Settings that rebuild this run (saved in the checkpoint for --resume). */
  run: Record<string, unknown>;
  reporter: Reporter;
  /** Extra metadata written into model.safetensors (`recur.training` is added by the trainer). */
  modelExtra?: Record<string, string>;
  /** Extra per-log-step metrics (e.g. gradient flow), called right after backward. */
  probe?: (step: number) => Record<string, number>;
}

export interface TrainResult {
  steps: number;
  elapsedSec: number;
  /** Units (tokens, sequences …) seen by this process (a resumed run counts from the resume). */
  seen: number;
  /** Metrics of the saved model (the best evaluation) and of the last evaluation. */
  best: Record<string, number> | null;
  last: Record<string, number> | null;
  interrupted: boolean;
  stoppedEarly: boolean;
}

/** Runs training until the step or time limit, early stopping, or Ctrl-C. */
export async function train(o: TrainerOptions, resume: LoadedCheckpoint | null = null): Promise<TrainResult> {
  const { task, optimizer, schedule, rng } = o;
  const params = task.model.parameters();
  const paths = o.outDir ? { model: join(o.outDir, 'model.safetensors'), checkpoint: join(o.outDir, 'checkpoint.safetensors') } : null;
  const metrics = new MetricsLog(o.outDir ? join(o.outDir, 'metrics.jsonl') : null);
  let step = 0;
  let priorSec = 0;
  let best: number | null = null;
  let bad = 0;
  let bestMetrics: Record<string, number> | null = null;
  if (resume) {
    task.loadState(restoreCheckpoint(resume, task.model, optimizer, rng));
    schedule.setState(resume.meta.schedule);
    ({ step, best, bad, bestMetrics } = resume.meta);
    priorSec = resume.meta.elapsedSec;
    metrics.truncateAfter(step);
  }
  const started = performance.now();
  const elapsed = (): number => priorSec + (performance.now() - started) / 1000;
  const progressOf = (): number => Math.max(o.steps ? step / o.steps : 0, o.minutes ? elapsed() / (o.minutes * 60) : 0);
  const finished = (): boolean => (o.steps !== null && step >= o.steps) || (o.minutes !== null && elapsed() >= o.minutes * 60);

  let interrupted = false;
  const onSigint = (): void => { interrupted = true; };
  process.on('SIGINT', onSigint);
  let last: Record<string, number> | null = null;
  let lastEvalStep = -1;
  let stoppedEarly = false;
  let seen = 0;
  let window = { loss: 0, n: 0, count: 0, t: performance.now() };

  const checkpoint = (): void => {
    if (!paths) return;
    saveCheckpoint(paths.checkpoint, {
      model: task.model, modelConfig: task.modelConfig(), optimizer, rng, task: task.saveState(),
      meta: { step, elapsedSec: elapsed(), schedule: schedule.getState(), run: o.run, best, bad, bestMetrics },
    });
  };
  const saveBest = (m: Record<string, number>): void => {
    if (!paths) return;
    const summary = { task: task.name, step, elapsed_s: Math.round(elapsed()), seen: seen, ...m, saved: new Date().toISOString() };
    saveModel(paths.model, task.model, task.modelConfig(), { ...o.modelExtra, 'recur.training': JSON.stringify(summary) });
  };
  const evaluate = (): void => {
    const m = task.evaluate();
    last = m;
    lastEvalStep = step;
    schedule.observe(m.loss);
    if (best === null || m.loss < best) {
      best = m.loss;
      bestMetrics = m;
      bad = 0;
      saveBest(m);
    } else bad++;
    metrics.append({ step, elapsed_s: +elapsed().toFixed(3), ...Object.fromEntries(Object.entries(m).map(([k, v]) => [`val_${k}`, v])) });
    o.reporter.note(`step ${step}: ${Object.entries(m).map(([k, v]) => `val ${k} ${v.toFixed(4)}`).join(', ')}${bad > 0 ? ` (no improvement ×${bad})` : ''}`);
    if (o.patience > 0 && bad >= o.patience) stoppedEarly = true;
  };

  try {
    while (!finished() && !interrupted && !stoppedEarly) {
      const lr = schedule.lrAt(step, progressOf());
      optimizer.lr = lr;
      task.model.zeroGrad();
      const { loss, count } = task.trainStep(rng);
      const lossValue = loss.item();
      loss.backward();
      const extra = o.probe && (step + 1) % o.logEvery === 0 ? o.probe(step + 1) : null;
      const gradNorm = clipGradNorm(params, o.clip ?? Infinity);
      optimizer.step();
      step++;
      seen += count;
      window.loss += lossValue;
      window.n++;
      window.count += count;
      if (step % o.logEvery === 0 || finished()) {
        const now = performance.now();
        const rate = window.count / ((now - window.t) / 1000);
        const rec = { step, loss: window.loss / window.n, lr, grad_norm: gradNorm, [`${task.unit}_per_s`]: Math.round(rate), elapsed_s: +elapsed().toFixed(3), ...extra };
        metrics.append(rec);
        o.reporter.update({ step, steps: o.steps, progress: progressOf(), elapsedSec: elapsed(), rate, unit: task.unit, loss: rec.loss, lr, val: last });
        window = { loss: 0, n: 0, count: 0, t: now };
      }
      if (o.evalEvery > 0 && step % o.evalEvery === 0) evaluate();
      if (o.checkpointEvery > 0 && step % o.checkpointEvery === 0) checkpoint();
      // Let signals (Ctrl-C) through between steps.
      await new Promise<void>((r) => setImmediate(r));
    }
    if (!interrupted && lastEvalStep !== step) evaluate();
    checkpoint();
  } finally {
    process.off('SIGINT', onSigint);
    o.reporter.done();
  }
  return { steps: step, elapsedSec: elapsed(), seen, best: bestMetrics, last, interrupted, stoppedEarly };
}
