// `recur train <task>`: one module per task; this file only dispatches.
import { ConfigError } from '../errors.js';
import type { Io } from './io.js';
import { trainCharlm, trainCharlmHelp } from './train-charlm.js';
import { trainOcr, trainOcrHelp } from './train-ocr.js';
import { trainAdding, trainAddingHelp } from './train-adding.js';
import { trainCopy, trainCopyHelp } from './train-copy.js';
import { trainTimeseries, trainTimeseriesHelp } from './train-timeseries.js';

const tasks: Record<string, { run: (argv: string[], io: Io) => Promise<number>; help: string; summary: string }> = {
  charlm: { run: trainCharlm, help: trainCharlmHelp, summary: 'character-level language model (Moby Dick or any text)' },
  ocr: { run: trainOcr, help: trainOcrHelp, summary: 'text-line OCR, CRNN + CTC (Latin, Devanagari, MNIST digit strings)' },
  adding: { run: trainAdding, help: trainAddingHelp, summary: 'the adding problem (long memory; Le et al. 2015 form)' },
  copy: { run: trainCopy, help: trainCopyHelp, summary: 'copy memory (long memory; Arjovsky et al. 2016)' },
  timeseries: { run: trainTimeseries, help: trainTimeseriesHelp, summary: 'forecast a CSV column with intervals, against naive/AR baselines' },
};

export const trainHelp = `usage: recur train <task> [options]

tasks:
${Object.entries(tasks).map(([n, t]) => `  ${n.padEnd(10)} ${t.summary}`).join('\n')}

Run \`recur train <task> --help\` for a task's options.`;

export async function trainCommand(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') { io.out(trainHelp); return name === undefined ? 2 : 0; }
  const t = tasks[name];
  if (!t) throw new ConfigError(`recur train: expected a task (${Object.keys(tasks).join(', ')}), got '${name}'`, 'see recur train --help');
  return t.run(rest, io);
}
