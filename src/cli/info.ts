// `recur info`: version, backend, instruction set and threads; `recur info MODEL`: what a model file holds.
import { parseArgs } from 'node:util';
import { backend, nativeUnavailableReason } from '../backend/index.js';
import { loadModelFile } from '../io/model-file.js';
import { version } from '../version.js';
import type { Io } from './io.js';
import { modelPath } from './model-arg.js';

export const infoHelp = `usage: recur info [MODEL] [--json]

Without MODEL: recur's version, the backend in use (js or native), its instruction set and threads.
Environment: RECUR_BACKEND=js|native picks the backend; RECUR_THREADS sets native threads.
With MODEL (a .safetensors model file or a run folder): its task, architecture, parameter count and
training summary.`;

/** The characters of a stored charlm vocabulary ({chars} or a plain string), or null. */
function vocabChars(v: unknown): string | null {
  if (typeof v === 'string') return v;
  const chars = (v as { chars?: unknown } | null)?.chars;
  return typeof chars === 'string' ? chars : null;
}

function modelInfo(arg: string, json: boolean, io: Io): number {
  const file = loadModelFile(modelPath(arg));
  const params = [...file.tensors.values()].reduce((s, t) => s + t.shape.reduce((p, d) => p * d, 1), 0);
  let training: Record<string, unknown> | null = null;
  try {
    training = JSON.parse(file.metadata['recur.training'] ?? 'null') as Record<string, unknown> | null;
  } catch {
    training = null;
  }
  const { vocab, ...config } = file.config;
  const facts = {
    file: modelPath(arg), recur_version: file.metadata['recur.version'] ?? null, config,
    ...(vocabChars(vocab) !== null ? { vocab_size: Array.from(vocabChars(vocab)!).length + 1 } : {}),
    params, tensors: [...file.tensors].map(([n, t]) => ({ name: n, dtype: t.dtype, shape: t.shape })), training,
  };
  if (json) { io.out(JSON.stringify(facts)); return 0; }
  io.out(`${facts.file}: ${String(config['task'] ?? 'model')}, ${params.toLocaleString('en-US')} parameters (saved by recur ${facts.recur_version ?? '?'})`);
  io.out(`config   ${Object.entries(config).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')}`);
  if (facts.vocab_size) io.out(`vocab    ${facts.vocab_size} symbols (the unknown symbol included)`);
  for (const t of facts.tensors) io.out(`  ${t.name.padEnd(28)} ${t.dtype} [${t.shape.join(', ')}]`);
  if (training) io.out(`training ${Object.entries(training).map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toFixed(4) : String(v)}`).join(' ')}`);
  return 0;
}

export function info(argv: string[], io: Io): number {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } });
  if (values.help) { io.out(infoHelp); return 0; }
  if (positionals[0] !== undefined) return modelInfo(positionals[0], values.json, io);
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
