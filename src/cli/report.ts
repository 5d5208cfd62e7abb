// `recur report RUN_DIR`: writes RUN_DIR/report.html, a self-contained page with the run's loss curves,
// gradient flow (logged during training and computed exactly on the saved model) and gate saturation.
import { parseArgs } from 'node:util';
import { ConfigError } from '../errors.js';
import { writeRunReport } from '../report/page.js';
import { int, usage } from './args.js';
import type { Io } from './io.js';

export const reportHelp = `usage: recur report RUN_DIR [--out FILE] [--steps T] [--seed N] [--json]

Writes RUN_DIR/report.html: one self-contained page (inline SVG, no scripts, nothing fetched) with
  - the training and validation loss against step (metrics.jsonl), and any other validation metrics;
  - the gradient flow logged during training (grad_h_lag_*, from --grad-lags), log scale;
  - the exact ‖∂h_T/∂h_k‖₂ against lag of the run's model.safetensors, as recur diagnose gradients
    computes it (random N(0, 1) input);
  - the gate saturation during training (gate_sat_*).
Sections the run lacks (no probe fields, no recurrent layer) say so on the page.

options:
  --out FILE   write the page here instead of RUN_DIR/report.html
  --steps T    sequence length of the exact gradient flow (default: the task's length, else 100; ≤ 1000)
  --seed N     seed of its random input (default 0)
  --json       print { report, sections: { id: present } } instead of a line`;

export function reportCommand(argv: string[], io: Io): number {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: {
    out: { type: 'string' }, steps: { type: 'string' }, seed: { type: 'string' },
    json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } });
  if (values.help) { io.out(reportHelp); return 0; }
  const dir = positionals[0] ?? usage('report RUN_DIR');
  if (positionals.length > 1) throw new ConfigError(`report: expected one RUN_DIR, got ${positionals.length}: ${positionals.join(' ')}`, 'report one run at a time');
  if (values.out === '') throw new ConfigError("--out: expected a file path, got ''", 'e.g. --out run/report.html');
  const { path, sections } = writeRunReport(dir, {
    ...(values.steps !== undefined ? { steps: int('steps', values.steps, 1, 1000) } : {}),
    ...(values.seed !== undefined ? { seed: int('seed', values.seed, 0, 2 ** 32 - 2) } : {}),
    ...(values.out !== undefined ? { out: values.out } : {}),
  });
  if (values.json) io.out(JSON.stringify({ report: path, sections: Object.fromEntries(sections.map((s) => [s.id, s.present])) }));
  else {
    const absent = sections.filter((s) => !s.present).map((s) => s.title.toLowerCase());
    io.out(`wrote ${path}${absent.length ? ` (not in this run: ${absent.join('; ')})` : ''}`);
  }
  return 0;
}
