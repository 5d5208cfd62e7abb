// Shared part of every `recur train <task>`: the common flags (limits, logging, checkpoints, schedule,
// resume), the run folder, the trainer, and the closing summary (a line, or one JSON object with --json).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { recurrentProbe } from '../diagnose/train-probe.js';
import { ConfigError } from '../errors.js';
import type { RecurrentLayer } from '../nn/recurrent.js';
import type { Optimizer } from '../optim/optimizer.js';
import { Rng } from '../tensor/rng.js';
import { readCheckpoint } from '../train/checkpoint.js';
import { makeReporter } from '../train/progress.js';
import { Schedule, type ScheduleName } from '../train/schedule.js';
import type { TrainTask } from '../train/task.js';
import { train, type TrainResult } from '../train/trainer.js';
import { choice, int, num } from './args.js';
import type { Io } from './io.js';

/** Flags every training task accepts (node:util parseArgs form). */
export const commonTrainOptions = {
  steps: { type: 'string' },
  epochs: { type: 'string' },
  minutes: { type: 'string' },
  seed: { type: 'string' },
  lr: { type: 'string' },
  clip: { type: 'string' },
  schedule: { type: 'string' },
  'eval-every': { type: 'string' },
  'log-every': { type: 'string' },
  'checkpoint-every': { type: 'string' },
  patience: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'string' },
  json: { type: 'boolean', default: false },
  quiet: { type: 'boolean', default: false },
  'grad-lags': { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;

export const commonTrainHelp = `run length (one of them; with several, whichever comes first):
  --steps N            optimizer steps
  --epochs N           passes over the training data
  --minutes X          wall-clock minutes of training
training:
  --seed N             seeds every random choice (default 1); same seed, data and backend → same weights
  --lr X               peak learning rate
  --schedule S         constant | step | cosine (warm-up, then cosine decay) | plateau
  --clip X             max gradient norm (0: off)
  --patience N         stop after N evaluations without improvement (default 0: never)
output:
  --out DIR            run folder: model.safetensors, checkpoint.safetensors, metrics.jsonl
  --resume DIR         continue the run saved in DIR (to its --steps/--minutes, or new ones given here)
  --eval-every N       evaluate every N steps   --log-every N    log every N steps
  --grad-lags K,...    log ‖∂L/∂h‖ at these lags before the last step, and gate saturation (none: off)
  --checkpoint-every N write checkpoint.safetensors every N steps (also at the end and on Ctrl-C)
  --json               print one JSON object with the results on stdout
  --quiet              no progress output`;

/** Everything a task contributes to a run. */
export interface TaskSetup {
  task: TrainTask;
  optimizer: Optimizer;
  /** Defaults for this task (the common flags override them). */
  defaults: { lr: number; schedule: ScheduleName; clip: number; evalEvery: number; logEvery: number; checkpointEvery: number };
  /** Fields for the closing summary beside the metrics. */
  summary: Record<string, unknown>;
  /** Fields known only once training is over (test scores, …), added to the summary then. */
  result?: () => Record<string, unknown>;
  /** The recurrent layer whose gradient flow and gate saturation go into metrics.jsonl (see --grad-lags). */
  probeLayer?: RecurrentLayer;
  /** Lags logged when --grad-lags is not given (none: no probe unless asked). */
  gradLags?: readonly number[];
}

type Values = Record<string, string | boolean | undefined>;

/** Settings saved in a checkpoint: everything but where to write and how loudly. */
const TRANSIENT = new Set(['resume', 'json', 'quiet', 'help', 'out']);

/**
 * Runs `recur train <name>`: resolves --resume (the saved settings, with new limits allowed), builds the
 * task with `setup(values, rng)`, trains, and prints the summary.
 */
export async function runTraining(name: string, given: Values, io: Io, setup: (v: Values, rng: Rng) => TaskSetup): Promise<number> {
  let values = given;
  let resume = null;
  let outDir = typeof given['out'] === 'string' ? given['out'] : typeof given['resume'] === 'string' ? given['resume'] : defaultOutDir(name);
  if (typeof given['resume'] === 'string') {
    outDir = given['resume'];
    resume = readCheckpoint(join(outDir, 'checkpoint.safetensors'));
    const saved = resume.meta.run as Values;
    if (saved['task'] !== name) throw new ConfigError(`--resume ${outDir}: expected a ${name} run, got a ${String(saved['task'])} run`, `use recur train ${String(saved['task'])} --resume ${outDir}`);
    const limits = ['steps', 'epochs', 'minutes'].filter((k) => given[k] !== undefined);
    const changed = Object.keys(given).filter((k) => !TRANSIENT.has(k) && !limits.includes(k) && given[k] !== undefined && given[k] !== saved[k]);
    if (changed.length > 0) {
      throw new ConfigError(`--resume: the run's settings cannot change, got --${changed.join(', --')}`, 'only --steps, --epochs or --minutes may be given with --resume');
    }
    values = { ...saved, ...(limits.length > 0 ? { steps: undefined, epochs: undefined, minutes: undefined } : {}),
      ...Object.fromEntries(limits.map((k) => [k, given[k]])), json: given['json'], quiet: given['quiet'] };
  }
  const rng = new Rng(int('seed', (values['seed'] as string | undefined) ?? '1', 0, 2 ** 32 - 1));
  const s = setup(values, rng);
  const stepsPerEpoch = s.task.stepsPerEpoch?.() ?? null;
  let steps = values['steps'] !== undefined ? int('steps', values['steps'] as string, 1) : null;
  if (values['epochs'] !== undefined) {
    if (!stepsPerEpoch) throw new ConfigError(`--epochs: the ${name} task has no fixed epoch`, 'use --steps or --minutes');
    const fromEpochs = Math.ceil(num('epochs', values['epochs'] as string, 0.001) * stepsPerEpoch);
    steps = steps === null ? fromEpochs : Math.min(steps, fromEpochs);
  }
  const minutes = values['minutes'] !== undefined ? num('minutes', values['minutes'] as string, 0.001) : null;
  if (steps === null && minutes === null) throw new ConfigError('no run length given', 'pass --steps N, --epochs N or --minutes X');
  const lr = values['lr'] !== undefined ? num('lr', values['lr'] as string, 0) : s.defaults.lr;
  const schedule = new Schedule({ name: values['schedule'] !== undefined ? choice('schedule', values['schedule'] as string, ['constant', 'step', 'cosine', 'plateau']) : s.defaults.schedule, lr });
  const clip = values['clip'] !== undefined ? num('clip', values['clip'] as string, 0) : s.defaults.clip;
  const every = (flag: string, fallback: number): number => (values[flag] !== undefined ? int(flag, values[flag] as string, 0) : fallback);
  if (outDir) {
    if (!resume && existsSync(join(outDir, 'checkpoint.safetensors'))) {
      throw new ConfigError(`--out ${outDir}: the folder already holds a run`, `continue it with --resume ${outDir}, or choose another --out`);
    }
    mkdirSync(outDir, { recursive: true });
  }
  const run = Object.fromEntries(Object.entries({ ...values, task: name }).filter(([k, v]) => !TRANSIENT.has(k) && v !== undefined));
  const quiet = values['quiet'] === true;
  const result: TrainResult = await train({
    task: s.task, optimizer: s.optimizer, schedule, rng, clip: clip > 0 ? clip : null, steps, minutes,
    evalEvery: every('eval-every', s.defaults.evalEvery), logEvery: Math.max(1, every('log-every', s.defaults.logEvery)),
    checkpointEvery: every('checkpoint-every', s.defaults.checkpointEvery), patience: int('patience', (values['patience'] as string | undefined) ?? '0', 0),
    outDir, run, reporter: makeReporter(io, quiet), ...probeOf(values, s),
  }, resume);
  const metrics = Object.fromEntries(Object.entries(result.best ?? {}).map(([k, v]) => [`val_${k}`, +v.toFixed(6)]));
  const summary = {
    task: name, ...s.summary, ...s.result?.(), steps: result.steps, elapsed_s: +result.elapsedSec.toFixed(1), [`${s.task.unit}_seen`]: result.seen,
    ...metrics, interrupted: result.interrupted, stopped_early: result.stoppedEarly, out: outDir,
  };
  if (values['json'] === true) io.out(JSON.stringify(summary));
  else if (!quiet || result.interrupted) {
    const val = Object.entries(metrics).map(([k, v]) => `${k} ${v}`).join(', ');
    io.err(result.interrupted
      ? `interrupted at step ${result.steps}; checkpoint saved${outDir ? `: continue with --resume ${outDir}` : ''}`
      : `done: ${result.steps} steps in ${summary.elapsed_s} s; ${val}${outDir ? `; model in ${join(outDir, 'model.safetensors')}` : ''}`);
  }
  return result.interrupted ? 130 : 0;
}

// The trainer's probe: --grad-lags (or the task's default lags) on the task's recurrent layer.
function probeOf(values: Values, s: TaskSetup): { probe?: (step: number) => Record<string, number> } {
  const given = values['grad-lags'];
  const lags = typeof given === 'string'
    ? (given === 'none' ? [] : given.split(',').map((k) => int('grad-lags', k.trim(), 0)))
    : s.gradLags ?? [];
  if (lags.length === 0) return {};
  if (!s.probeLayer) throw new ConfigError('--grad-lags: this task has no recurrent layer to probe', 'drop --grad-lags');
  return { probe: recurrentProbe(s.probeLayer, lags) };
}

/**
 * A fresh run folder, created here: runs/<task>-YYYYMMDD-HHMMSS, or with -2, -3, … after it when that exists
 * (two runs started in the same second, as a script's parallel jobs do). Claimed by mkdir, which fails on an
 * existing folder, so that two processes never share one.
 */
export function defaultOutDir(task: string, root = 'runs'): string {
  const d = new Date();
  const p = (n: number): string => String(n).padStart(2, '0');
  const base = join(root, `${task}-${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`);
  mkdirSync(root, { recursive: true });
  for (let k = 1; ; k++) {
    const dir = k === 1 ? base : `${base}-${k}`;
    try {
      mkdirSync(dir);
      return dir;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}
