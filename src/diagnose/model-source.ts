// The recurrent cells inside a recur model file: every tensor prefix P ('' or 'rnn.' or 'encoder.rnn.')
// with P + 'weight_hh_l0' is one cell to diagnose (first layer, forward direction). Sizes come from the
// weight shapes, the cell kind from the gate count and the config (keys documented on `cellsOfModel`).
import { basename } from 'node:path';
import type { CellKind } from '../backend/backend.js';
import { CheckpointError, ConfigError } from '../errors.js';
import { loadModelFile } from '../io/model-file.js';
import type { SafeTensor } from '../io/safetensors.js';
import { type CellParams, cellFromArrays, stackNote } from './cell-params.js';

/** One recurrent cell found in a model file. */
export interface ModelCell {
  /** The file's name, plus ':prefix' when the tensors sit under a prefix. */
  name: string;
  params: CellParams;
  note: string | null;
}

const CELL_NAMES: Record<string, CellKind> = {
  rnn: 'rnn_tanh', rnn_tanh: 'rnn_tanh', rnn_relu: 'rnn_relu', gru: 'gru', gru_reset_before: 'gru_reset_before', lstm: 'lstm',
};

// The config object that describes the module at `prefix` ('encoder.rnn.' → config.encoder.rnn), if any.
function section(config: Record<string, unknown>, prefix: string): Record<string, unknown> {
  let at: unknown = config;
  for (const part of prefix.split('.').filter((s) => s !== '')) {
    at = typeof at === 'object' && at !== null && !Array.isArray(at) ? (at as Record<string, unknown>)[part] : undefined;
  }
  return typeof at === 'object' && at !== null && !Array.isArray(at) ? (at as Record<string, unknown>) : {};
}

// A key's value in the module's own config section, else at the top level.
function lookup(config: Record<string, unknown>, prefix: string, key: string): unknown {
  const own = section(config, prefix);
  return key in own ? own[key] : config[key];
}

function floatArray(file: string, name: string, t: SafeTensor): { shape: readonly number[]; data: ArrayLike<number> } {
  if (t.dtype !== 'F32' && t.dtype !== 'F64' && t.dtype !== 'F16' && t.dtype !== 'BF16') {
    throw new CheckpointError(`${file} tensor '${name}' dtype: expected F32, F64, F16 or BF16, got ${t.dtype}`, 'recurrent weights are floating point');
  }
  for (let i = 0; i < t.data.length; i++) {
    if (!Number.isFinite(t.data[i]!)) {
      throw new CheckpointError(`${file} tensor '${name}'[${i}]: expected a finite weight, got ${t.data[i]}`, 'the model diverged or the file is corrupt');
    }
  }
  return t;
}

/**
 * The cells of an already-read model: `tensors` by PyTorch name and the file's config. For each prefix P
 * with P + 'weight_hh_l0': G = rows / columns of weight_hh gives RNN (1), GRU (3) or LSTM (4). Config keys
 * read, first in the object at the prefix's path (config.encoder.rnn for 'encoder.rnn.'), then at the top
 * level: `cell`, `kind` or `mode` (rnn, rnn_tanh, rnn_relu, gru, gru_reset_before, lstm, any case; other
 * values such as a task name are ignored) must agree with G; `nonlinearity` ('tanh' | 'relu') picks the
 * RNN's activation; `reset` ('after' | 'before') the GRU's form. An LSTM with weight_hr_l0 (projection)
 * is refused with a ConfigError.
 */
export function cellsOfModel(tensors: ReadonlyMap<string, SafeTensor>, config: Record<string, unknown>, file: string): ModelCell[] {
  const prefixes = [...tensors.keys()].filter((k) => k.endsWith('weight_hh_l0')).map((k) => k.slice(0, -'weight_hh_l0'.length))
    .filter((p) => p === '' || p.endsWith('.')).sort();
  if (prefixes.length === 0) {
    const names = [...tensors.keys()];
    throw new CheckpointError(`${file}: expected a recurrent layer (a tensor named weight_hh_l0, or PREFIX.weight_hh_l0), got ${names.length ? `[${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}]` : 'no tensors'}`,
      'the gradient-flow diagnostic needs a model with an RNN, GRU or LSTM layer');
  }
  return prefixes.map((prefix) => {
    const what = `${file} ${prefix}`;
    const get = (n: string): SafeTensor | undefined => tensors.get(prefix + n);
    if (get('weight_hr_l0')) {
      throw new ConfigError(`${what}weight_hr_l0: expected an LSTM without projection, got a projection (proj_size > 0)`,
        'the diagnostic follows the state (h, c) with h and c of equal size; it does not support proj_size');
    }
    const wIh = get('weight_ih_l0');
    if (!wIh) throw new CheckpointError(`${what}weight_ih_l0: expected it beside ${prefix}weight_hh_l0, got no such tensor`, 'the file is missing part of the layer');
    const wHh = floatArray(file, `${prefix}weight_hh_l0`, get('weight_hh_l0')!);
    const [rows, cols] = [wHh.shape[0] ?? 0, wHh.shape[1] ?? 0];
    const G = wHh.shape.length === 2 && cols > 0 && rows % cols === 0 ? rows / cols : 0;
    if (G !== 1 && G !== 3 && G !== 4) {
      throw new CheckpointError(`${what}weight_hh_l0: expected shape [G·H, H] with G = 1 (RNN), 3 (GRU) or 4 (LSTM), got [${wHh.shape.join(', ')}]`,
        'this is not a PyTorch-layout recurrent weight');
    }
    const raw = ['cell', 'kind', 'mode'].map((k) => lookup(config, prefix, k))
      .find((v): v is string => typeof v === 'string' && CELL_NAMES[v.toLowerCase()] !== undefined);
    const named = raw === undefined ? undefined : CELL_NAMES[raw.toLowerCase()];
    const nl = lookup(config, prefix, 'nonlinearity');
    const reset = lookup(config, prefix, 'reset');
    if (nl !== undefined && nl !== 'tanh' && nl !== 'relu') throw new ConfigError(`${file} config nonlinearity: expected 'tanh' or 'relu', got ${JSON.stringify(nl)}`);
    if (reset !== undefined && reset !== 'after' && reset !== 'before') throw new ConfigError(`${file} config reset: expected 'after' or 'before', got ${JSON.stringify(reset)}`);
    let kind: CellKind = G === 4 ? 'lstm' : G === 3 ? (reset === 'before' ? 'gru_reset_before' : 'gru') : nl === 'relu' ? 'rnn_relu' : 'rnn_tanh';
    if (named !== undefined) {
      const namedG = named === 'lstm' ? 4 : named.startsWith('gru') ? 3 : 1;
      if (namedG !== G) {
        throw new CheckpointError(`${what}weight_hh_l0: expected the ${raw} layer the config names (${namedG}·H rows), got [${wHh.shape.join(', ')}]`,
          'the config and the weights disagree; the file is not what it claims');
      }
      if (named === 'rnn_relu' || named === 'gru_reset_before') kind = named;
    }
    const bIh = get('bias_ih_l0');
    const bHh = get('bias_hh_l0');
    const params = cellFromArrays(what, kind, floatArray(file, `${prefix}weight_ih_l0`, wIh), wHh,
      bIh ? floatArray(file, `${prefix}bias_ih_l0`, bIh) : null, bHh ? floatArray(file, `${prefix}bias_hh_l0`, bHh) : null);
    let layers = 1;
    while (get(`weight_hh_l${layers}`)) layers++;
    const name = prefix ? `${basename(file)}:${prefix.slice(0, -1)}` : basename(file);
    return { name, params, note: stackNote(layers, get('weight_hh_l0_reverse') !== undefined) };
  });
}

/** Reads a recur model file (`loadModelFile`) and returns its recurrent cells (see `cellsOfModel`). */
export function cellsOfModelFile(path: string): ModelCell[] {
  const { tensors, config } = loadModelFile(path);
  return cellsOfModel(tensors, config, path);
}
