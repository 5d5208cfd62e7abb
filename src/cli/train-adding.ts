// `recur train adding`: the adding problem (two marked values among T, target their sum; Le et al. 2015's
// [0, 1] form) with one RNN/GRU/LSTM layer. Also the setup shared with `recur train copy`.
import { parseArgs } from 'node:util';
import { backend } from '../backend/index.js';
import { Adam } from '../optim/adam.js';
import { MEMORY_CELLS, MemoryModel } from '../tasks/memory/model.js';
import { AddingTask, CopyTask } from '../tasks/memory/task.js';
import { COPY } from '../tasks/memory/data.js';
import type { Rng } from '../tensor/rng.js';
import { choice, int } from './args.js';
import type { Io } from './io.js';
import { type TaskSetup, commonTrainHelp, commonTrainOptions, runTraining } from './train-run.js';

/**
 * Defaults of both memory tasks, chosen so that at T = 100 the GRU and LSTM solve the adding problem
 * (test MSE < 0.01) within 10 minutes on two cores: Adam at lr 2e-3, global-norm clip 1, constant rate.
 */
export const MEMORY_DEFAULTS = { cell: 'lstm', length: '100', hidden: '128', batch: '32', lr: 2e-3, clip: 1 } as const;
/** Lags logged by default (--grad-lags), the ones < the sequence length. */
export const MEMORY_GRAD_LAGS = [0, 10, 25, 50, 75, 99] as const;

export const memoryOptions = {
  ...commonTrainOptions,
  length: { type: 'string' },
  cell: { type: 'string' },
  hidden: { type: 'string' },
  batch: { type: 'string' },
} as const;

export const memoryHelp = `model:
  --cell C             rnn (tanh) | gru | lstm (default ${MEMORY_DEFAULTS.cell}; the LSTM's forget-gate bias starts at 1)
  --hidden N           state size (default ${MEMORY_DEFAULTS.hidden})
  --batch N            sequences per step (default ${MEMORY_DEFAULTS.batch}); fresh random sequences every step
${commonTrainHelp}
defaults: Adam, --lr ${MEMORY_DEFAULTS.lr}, --schedule constant, --clip ${MEMORY_DEFAULTS.clip}, --eval-every 100, --log-every 20,
  --grad-lags ${MEMORY_GRAD_LAGS.join(',')} (those < the sequence length)`;

export const trainAddingHelp = `usage: recur train adding [--length T] [--cell rnn|gru|lstm] [options]

The adding problem (Hochreiter & Schmidhuber 1997; the [0, 1] form of Le et al. 2015): each step holds a
value from U[0, 1) and a marker; two steps are marked, one in each half; the model reads the whole
sequence and outputs the sum of the two marked values. Predicting the mean (1) scores MSE ≈ 0.167.
Reports test MSE on 1000 fixed sequences (their own seed, never trained on) and the sequences seen until
it first fell to 0.01 or below (sequences_to_target).
task:
  --length T           sequence length (default ${MEMORY_DEFAULTS.length})
${memoryHelp}

example: recur train adding --length 100 --cell gru --minutes 10 --out runs/adding-gru`;

type Values = Record<string, string | boolean | undefined>;

/** Builds the model, task, optimizer and summary of `recur train adding` or `recur train copy`. */
export function memorySetup(kind: 'adding' | 'copy', v: Values, rng: Rng): TaskSetup {
  const s = (k: 'cell' | 'length' | 'hidden' | 'batch'): string => (v[k] as string | undefined) ?? MEMORY_DEFAULTS[k];
  const cell = choice('cell', s('cell'), MEMORY_CELLS);
  const adding = kind === 'adding';
  const length = int('length', s('length'), adding ? 2 : 1, 100000);
  const model = new MemoryModel({
    cell, hidden: int('hidden', s('hidden'), 1, 4096), inputSize: adding ? 2 : COPY.inputs, outputSize: adding ? 1 : COPY.classes,
    readout: adding ? 'last' : 'all',
  }, { rng });
  const options = { model, length, batch: int('batch', s('batch'), 1) };
  const task = adding ? new AddingTask(options) : new CopyTask(options);
  const steps = adding ? length : length + 2 * COPY.remember;
  const be = backend();
  const summary: Record<string, unknown> = {
    length, cell, hidden: model.options.hidden, batch: options.batch, params: model.parameterCount(),
    ...(adding ? { baseline_mse: +(task as AddingTask).baselineMse.toFixed(6) } : { baseline_xent: +(task as CopyTask).baselineXent.toFixed(6) }),
    target: adding ? `test_mse <= ${task.target}` : `test_accuracy >= ${task.target}`,
    backend: `${be.name} (${be.isa}, ${be.threads} threads)`,
  };
  const best = (k: string): number | null => (task.best?.[k] === undefined ? null : +task.best[k].toFixed(6));
  const result = (): Record<string, unknown> => ({
    ...(adding ? { test_mse: best('mse') } : { test_xent: best('xent'), test_accuracy: best('accuracy') }),
    sequences_to_target: task.reachedAt,
  });
  return {
    result,
    task,
    optimizer: new Adam(model.namedParameters(), { lr: MEMORY_DEFAULTS.lr }),
    defaults: { lr: MEMORY_DEFAULTS.lr, schedule: 'constant', clip: MEMORY_DEFAULTS.clip, evalEvery: 100, logEvery: 20, checkpointEvery: 500 },
    summary,
    probeLayer: model.rnn,
    gradLags: MEMORY_GRAD_LAGS.filter((k) => k < steps),
  };
}

export async function trainAdding(argv: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args: argv, options: memoryOptions, strict: true });
  if (values.help) { io.out(trainAddingHelp); return 0; }
  return runTraining('adding', values, io, (v, rng) => memorySetup('adding', v, rng));
}
