// `recur diagnose gradients`: exact ‖∂h_T/∂h_k‖ against lag for fresh cells at PyTorch's initialisation or
// for the recurrent layers of model files, optionally over a sweep of W_hh scales; a table, JSON and SVG.
import { parseArgs } from 'node:util';
import type { CellKind } from '../backend/backend.js';
import { cellOfLayer } from '../diagnose/cell-params.js';
import { type InputSequence, randomSequence, readSequenceFile } from '../diagnose/input-sequence.js';
import { cellsOfModelFile } from '../diagnose/model-source.js';
import { type DiagnosisModel, ensureFolder, type GradientReport, gradientReport, writeGradientReport } from '../diagnose/report.js';
import { ConfigError, DataError } from '../errors.js';
import { GRU, LSTM, RNN, type RecurrentLayer } from '../nn/recurrent.js';
import { Rng } from '../tensor/rng.js';
import type { Io } from './io.js';

export const diagnoseHelp = `usage: recur diagnose gradients [MODEL.safetensors …] [--cell rnn,gru,lstm] [options]

Computes, exactly, the norms of ∂h_T/∂h_k = J_T ⋯ J_{k+1} (J_t = ∂s_t/∂s_{t−1}, the real cell's state
Jacobian, float64) for every lag T − k = 1 … T: the spectral norm (largest singular value) and the
Frobenius norm. Vanishing curves mean the first steps cannot be learned from the last; exploding ones
mean unstable training. For the LSTM the state is s = (h, c): 'spectral'/'frobenius' are the h_T-from-h_k
block (c_k held fixed), 'state_spectral'/'state_frobenius' the whole 2H×2H Jacobian.

models (one line each in the table and the plot):
  MODEL…               recur model files; each recurrent layer inside (tensors [PREFIX.]weight_hh_l0) is
                       diagnosed through its first layer and forward direction. The cell comes from the
                       weight shapes and the config keys cell|kind|mode, nonlinearity and reset.
  --cell LIST          fresh layers at PyTorch's default initialisation U(±1/√H), seeded: rnn (tanh),
                       rnn_relu, gru, gru_reset_before, lstm (default rnn,gru,lstm when no MODEL is given)
  --hidden N           H of the fresh layers (default 64; at most 1024)
  --input-size N       I of the fresh layers (default 8, or the input file's columns)

options:
  --steps T            sequence length (default 100, or the input file's rows; at most 10000)
  --input random|FILE  N(0, 1) inputs from the seed (default), or a .json array of T rows of I numbers /
                       a .csv of T rows × I columns (the first T rows are used)
  --seed N             seed of the fresh weights and the random input (default 0)
  --scale-sweep LIST   multiply W_hh by each factor, e.g. 0.5,1,2,4: small ones vanish, large ones explode
  --out DIR            write DIR/gradients.json (every norm at every lag) and DIR/gradients.svg (the plot)
  --json               print the JSON report instead of the table
  --help               this text

example: recur diagnose gradients --cell rnn,gru,lstm --hidden 64 --steps 200 --scale-sweep 0.5,1,2 --out flow`;

const CELLS: Record<string, CellKind> = { rnn: 'rnn_tanh', rnn_tanh: 'rnn_tanh', rnn_relu: 'rnn_relu', gru: 'gru', gru_reset_before: 'gru_reset_before', lstm: 'lstm' };
const TABLE_LAGS = [1, 10, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

function int(flag: string, v: string | undefined, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`--${flag}: expected an integer in [${min}, ${max}], got '${v}'`, `e.g. --${flag} ${dflt}`);
  }
  return n;
}

function cellList(v: string): CellKind[] {
  const names = v.split(',').map((s) => s.trim().toLowerCase());
  const kinds = names.map((n) => {
    const k = CELLS[n];
    if (!k) throw new ConfigError(`--cell: expected rnn, rnn_relu, gru, gru_reset_before or lstm, got '${n}'`, 'e.g. --cell rnn,gru,lstm');
    return k;
  });
  const dup = kinds.find((k, i) => kinds.indexOf(k) !== i);
  if (dup) throw new ConfigError(`--cell: expected each cell once, got '${dup === 'rnn_tanh' ? 'rnn' : dup}' twice in '${v}'`, 'rnn and rnn_tanh are the same cell');
  return kinds;
}

function scaleList(v: string): number[] {
  const parts = v.split(',').map((s) => s.trim());
  if (parts.length > 16) throw new ConfigError(`--scale-sweep: expected at most 16 factors, got ${parts.length}`);
  const scales = parts.map((s) => {
    const n = Number(s);
    if (s === '' || !Number.isFinite(n) || n <= 0) throw new ConfigError(`--scale-sweep: expected positive numbers separated by commas, got '${s}' in '${v}'`, 'e.g. --scale-sweep 0.5,1,2,4');
    return n;
  });
  const dup = scales.find((s, i) => scales.indexOf(s) !== i);
  if (dup !== undefined) throw new ConfigError(`--scale-sweep: expected each factor once, got ${dup} twice`);
  return scales;
}

function freshLayer(kind: CellKind, I: number, H: number, seed: number): RecurrentLayer {
  const init = { rng: new Rng(seed), dtype: 'float64' as const };
  const o = { inputSize: I, hiddenSize: H };
  if (kind === 'lstm') return new LSTM(o, init);
  if (kind === 'gru' || kind === 'gru_reset_before') return new GRU({ ...o, reset: kind === 'gru' ? 'after' : 'before' }, init);
  return new RNN({ ...o, nonlinearity: kind === 'rnn_relu' ? 'relu' : 'tanh' }, init);
}

const OPTIONS = {
  cell: { type: 'string' }, hidden: { type: 'string' }, 'input-size': { type: 'string' }, steps: { type: 'string' },
  input: { type: 'string' }, seed: { type: 'string' }, 'scale-sweep': { type: 'string' }, out: { type: 'string' },
  json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
} as const;

// node:util parseArgs, with its unknown-flag errors turned into ConfigError
function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (e) {
    if (!((e as { code?: string }).code ?? '').startsWith('ERR_PARSE_ARGS')) throw e;
    throw new ConfigError(`diagnose: ${(e as Error).message}`, 'see recur diagnose --help');
  }
}

const fmt = (v: number | null | undefined): string => (v === null || v === undefined ? 'overflow' : v === 0 ? '0' : v.toExponential(2));

function table(report: GradientReport): string[] {
  const T = report.steps;
  const lags = TABLE_LAGS.filter((l) => l < T).concat([T]);
  const nameW = Math.max(5, ...report.models.map((m) => m.name.length)) + 2;
  const col = (s: string): string => s.padStart(11);
  const lines = [`${'model'.padEnd(nameW)}norm ${lags.map((l) => col(`lag ${l}`)).join('')}`];
  for (const m of report.models) {
    lines.push(`${m.name.padEnd(nameW)}‖·‖₂ ${lags.map((l) => col(fmt(m.spectral[l - 1]))).join('')}`);
    lines.push(`${''.padEnd(nameW)}‖·‖F ${lags.map((l) => col(fmt(m.frobenius[l - 1]))).join('')}`);
  }
  return lines;
}

/** `recur diagnose gradients …`: see `diagnoseHelp`. Bad input throws RecurError subclasses (exit 2 in main). */
export async function diagnose(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) { io.out(diagnoseHelp); return 0; }
  const [sub, ...files] = positionals;
  if (sub === undefined) throw new ConfigError('diagnose: expected a subcommand, got none', 'usage: recur diagnose gradients [MODEL | --cell rnn,gru,lstm] …; see recur diagnose --help');
  if (sub !== 'gradients') throw new ConfigError(`diagnose: expected the subcommand 'gradients', got '${sub}'`, 'see recur diagnose --help');
  if (files.length > 0 && values.cell === undefined) {
    for (const f of ['hidden', 'input-size'] as const) {
      if (values[f] !== undefined) throw new ConfigError(`--${f}: expected only with --cell, got it with model files`, 'a model file has its own sizes; add --cell to diagnose fresh layers too');
    }
  }
  const kinds = values.cell !== undefined ? cellList(values.cell) : files.length === 0 ? cellList('rnn,gru,lstm') : [];
  const H = int('hidden', values.hidden, 64, 1, 1024);
  const seed = int('seed', values.seed, 0, 0, 0xffffffff);
  const scales = values['scale-sweep'] !== undefined ? scaleList(values['scale-sweep']) : [1];
  const inputArg = values.input ?? 'random';
  if (inputArg === '') throw new ConfigError("--input: expected 'random' or a file, got ''");
  if (values.out === '') throw new ConfigError("--out: expected a folder, got ''", 'e.g. --out runs/flow');
  const file: InputSequence | null = inputArg === 'random' ? null : readSequenceFile(inputArg);
  const T = int('steps', values.steps, file ? Math.min(file.T, 10000) : 100, 1, 10000);
  if (file && T > file.T) {
    throw new DataError(`--steps: expected at most the ${file.T} rows of ${inputArg}, got ${T}`, 'give a shorter --steps or a longer input file');
  }
  const freshI = int('input-size', values['input-size'], file ? file.I : 8, 1, 65536);
  if (file && freshI !== file.I && kinds.length > 0) {
    throw new DataError(`--input ${inputArg}: expected ${freshI} columns (--input-size), got ${file.I}`, 'drop --input-size to take it from the file');
  }
  const models: DiagnosisModel[] = [];
  for (const f of files) for (const c of cellsOfModelFile(f)) models.push({ name: c.name, source: f, params: c.params, note: c.note });
  for (const k of kinds) {
    const { params } = cellOfLayer(freshLayer(k, freshI, H, seed));
    models.push({ name: k === 'rnn_tanh' ? 'rnn' : k, source: 'init', params, note: null });
  }
  const inputs = new Map<number, Float64Array>();
  const inputFor = (m: DiagnosisModel): Float64Array => {
    const I = m.params.I;
    if (file) {
      if (file.I !== I) throw new DataError(`--input ${inputArg}: expected ${I} columns (the input size of ${m.name}), got ${file.I}`, 'each model reads rows of its own input size; diagnose models of other sizes separately');
      return file.x.subarray(0, T * I);
    }
    let x = inputs.get(I);
    if (!x) inputs.set(I, (x = randomSequence(T, I, new Rng(seed + 1)).x));
    return x;
  };
  // check every model's input and the output folder before the (long) computation starts
  for (const m of models) inputFor(m);
  if (values.out !== undefined) ensureFolder(values.out);
  const report = gradientReport(models, scales, T, inputFor, { input: inputArg, seed });
  const written = values.out !== undefined ? writeGradientReport(values.out, report) : null;
  if (values.json) {
    io.out(JSON.stringify(report));
    return 0;
  }
  io.out(`gradient flow over T = ${T} steps (${file ? `input ${inputArg}` : `random N(0, 1) input, seed ${seed}`}): norms of ∂h_T/∂h_k at lag T − k`);
  for (const line of table(report)) io.out(line);
  for (const m of models) if (m.note) io.out(`note: ${m.name} is diagnosed through its ${m.note}`);
  if (models.some((m) => m.params.kind === 'lstm')) io.out('note: for the LSTM these are the h_T-from-h_k block (c_k fixed); the JSON also has the full (h, c) state norms');
  if (written) io.out(`wrote ${written.json} and ${written.svg}`);
  return 0;
}
