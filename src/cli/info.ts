// `recur info`: version, backend, instruction set and threads.
import { parseArgs } from 'node:util';
import { backend, nativeUnavailableReason } from '../backend/index.js';
import { version } from '../version.js';
import type { Io } from './io.js';

export const infoHelp = `usage: recur info [--json]

Prints recur's version, the backend in use (js or native), its instruction set and threads.
Environment: RECUR_BACKEND=js|native picks the backend; RECUR_THREADS sets native threads.`;

export function info(argv: string[], io: Io): number {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } });
  if (values.help) { io.out(infoHelp); return 0; }
  const be = backend();
  const problem = be.name === 'js' ? nativeUnavailableReason() : null;
  const facts = { version, node: process.versions.node, backend: be.name, isa: be.isa, threads: be.threads, ...(problem ? { native_unavailable: problem } : {}) };
  if (values.json) io.out(JSON.stringify(facts));
  else {
    io.out(`recur ${version} (node ${facts.node})`);
    io.out(`backend  ${be.name} (${be.isa}), ${be.threads} thread${be.threads === 1 ? '' : 's'}`);
    if (problem) io.out(`native   unavailable: ${problem}`);
  }
  return 0;
}
