// The `recur` command: dispatches to one module per subcommand. Typed errors print `error:` and `hint:`
// and exit 2; anything else is a bug and is re-thrown with its stack.
import { RecurError } from '../errors.js';
import { version } from '../version.js';
import { diagnose, diagnoseHelp } from './diagnose.js';
import { reportCommand, reportHelp } from './report.js';
import { evalCommand, evalHelp } from './eval.js';
import { forecastCommand, forecastHelp } from './forecast.js';
import { info, infoHelp } from './info.js';
import type { Io } from './io.js';
import { ocrCommand, ocrHelp } from './ocr.js';
import { ocrReferenceCommand, ocrReferenceHelp } from './ocr-reference.js';
import { sampleCommand, sampleHelp } from './sample.js';
import { trainCommand, trainHelp } from './train.js';

type Command = { run: (argv: string[], io: Io) => number | Promise<number>; summary: string; help: string };

const commands: Record<string, Command> = {
  train: { run: trainCommand, summary: 'train a model (charlm, …) with checkpoints and exact resume', help: trainHelp },
  eval: { run: evalCommand, summary: 'bits per character of a language model on any text', help: evalHelp },
  forecast: { run: forecastCommand, summary: 'forecast the next H values of a CSV series with intervals (timeseries model)', help: forecastHelp },
  sample: { run: sampleCommand, summary: 'generate text from a language model', help: sampleHelp },
  diagnose: { run: diagnose, summary: 'exact gradient flow ‖∂h_T/∂h_k‖ of RNN/GRU/LSTM cells (vanishing/exploding)', help: diagnoseHelp },
  report: { run: reportCommand, summary: 'a run folder as one self-contained HTML page (loss, gradient flow, gate saturation)', help: reportHelp },
  info: { run: info, summary: 'version, backend and threads; or what a model file holds', help: infoHelp },
  ocr: { run: ocrCommand, summary: 'read the text of line images (PNG or JPEG) with a CRNN + CTC model', help: ocrHelp },
  'ocr-reference': { run: ocrReferenceCommand, summary: 'tesseract scored on the OCR test lines of `recur train ocr` (a reference)', help: ocrReferenceHelp },
};

export const mainHelp = `recur ${version}: recurrent neural networks (RNN, GRU, LSTM) for Node.js

usage: recur <command> [options]

commands:
${Object.entries(commands).map(([n, c]) => `  ${n.padEnd(13)} ${c.summary}`).join('\n')}

Run \`recur <command> --help\` for a command's options.`;

export async function main(argv: string[], io: Io): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    io.out(mainHelp);
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === '--version' || cmd === '-v') { io.out(version); return 0; }
  const c = commands[cmd];
  try {
    if (!c) throw new RecurError(`unknown command '${cmd}'`, `commands: ${Object.keys(commands).join(', ')}; see recur --help`);
    return await c.run(rest, io);
  } catch (e) {
    if (e instanceof RecurError) {
      io.err(`error: ${e.message}`);
      if (e.hint) io.err(`hint: ${e.hint}`);
      return 2;
    }
    // node:util parseArgs reports unknown or malformed flags with these codes.
    const code = (e as { code?: string }).code ?? '';
    if (code.startsWith('ERR_PARSE_ARGS')) {
      io.err(`error: ${(e as Error).message}`);
      io.err(`hint: see recur ${cmd} --help`);
      return 2;
    }
    throw e;
  }
}
