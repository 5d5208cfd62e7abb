// `recur train copy`: copy memory (Arjovsky et al. 2016): read 10 symbols, wait T steps, reproduce them
// after the delimiter; one RNN/GRU/LSTM layer over one-hot inputs, cross-entropy at every step.
import { parseArgs } from 'node:util';
import type { Io } from './io.js';
import { MEMORY_DEFAULTS, memoryHelp, memoryOptions, memorySetup } from './train-adding.js';
import { runTraining } from './train-run.js';

export const trainCopyHelp = `usage: recur train copy [--length T] [--cell rnn|gru|lstm] [options]

Copy memory (Arjovsky et al. 2016): 10 symbols from 1…8, then T − 1 blanks (0), the delimiter 9 and 10
blanks (T + 20 steps); the target is T + 10 blanks, then the 10 symbols. The best memoryless strategy
scores 10·ln 8/(T + 20) nats per step (baseline_xent). Reports the test cross-entropy per step and the
accuracy on the 10 recalled symbols, over 500 fixed sequences (their own seed, never trained on), and
the sequences seen until that accuracy first reached 0.99 (sequences_to_target).
task:
  --length T           the delay T (default ${MEMORY_DEFAULTS.length})
${memoryHelp}

example: recur train copy --length 50 --cell gru --minutes 10 --out runs/copy-gru`;

export async function trainCopy(argv: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args: argv, options: memoryOptions, strict: true });
  if (values.help) { io.out(trainCopyHelp); return 0; }
  return runTraining('copy', values, io, (v, rng) => memorySetup('copy', v, rng));
}
