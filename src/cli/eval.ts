// `recur eval MODEL --text FILE`: bits per character of a language model on any UTF-8 text.
import { parseArgs } from 'node:util';
import { readTextFile } from '../tasks/charlm/corpus.js';
import { modelBpc } from '../tasks/charlm/score.js';
import { usage } from './args.js';
import type { Io } from './io.js';
import { loadCharLM } from './model-arg.js';

export const evalHelp = `usage: recur eval MODEL --text FILE [--json]

Bits per character of a character language model (a model.safetensors or its run folder) on any UTF-8
text. Characters the model never saw count, through its unknown symbol.`;

export function evalCommand(argv: string[], io: Io): number {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true,
    options: { text: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } });
  if (values.help) { io.out(evalHelp); return 0; }
  const { model, vocab } = loadCharLM(positionals[0] ?? usage('eval MODEL --text FILE'));
  if (values.text === undefined) usage('eval MODEL --text FILE');
  const text = readTextFile(values.text);
  const chars = Array.from(text);
  const unknown = chars.filter((ch) => vocab.encode(ch)[0] === 0).length;
  const s = modelBpc(model, vocab, text);
  const result = { bpc: +s.bpc.toFixed(6), loss: +s.loss.toFixed(6), chars: s.chars, unknown_chars: unknown, text: values.text };
  if (values.json) io.out(JSON.stringify(result));
  else io.out(`${result.bpc.toFixed(4)} bits per character over ${s.chars} characters of ${values.text}${unknown ? ` (${unknown} outside the vocabulary)` : ''}`);
  return 0;
}
