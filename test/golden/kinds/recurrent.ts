// Golden handlers for `recurrent` (torch.nn.RNN/GRU/LSTM) and `cell` (RNNCell/GRUCell/LSTMCell) fixtures.
import { ConfigError } from '../../../src/errors.js';
import { GRUCell, LSTMCell, RNNCell } from '../../../src/nn/cells.js';
import type { Module } from '../../../src/nn/module.js';
import { GRU, LSTM, RNN, type RecurrentLayer } from '../../../src/nn/recurrent.js';
import { add, dot, reshape, sliceRows } from '../../../src/tensor/ops.js';
import type { DType, Tensor } from '../../../src/tensor/tensor.js';
import { type Fixture, type Handler, type Result, checkConfig, flat, tensorOf } from '../fixture.js';

function checkInputs(f: Fixture, known: readonly string[]): void {
  for (const k of Object.keys(f.inputs)) {
    if (!known.includes(k)) throw new ConfigError(`${f.name}: input '${k}' is not understood`);
  }
}

function loadParams(m: Module, f: Fixture, dtype: DType): void {
  const state = new Map<string, Tensor>();
  for (const [name, v] of Object.entries(f.params)) state.set(name, tensorOf(v, dtype));
  m.loadStateDict(state);
}

function gradsOf(m: Module, extra: Record<string, Tensor | null>): Record<string, ArrayLike<number>> {
  const grads: Record<string, ArrayLike<number>> = {};
  for (const [name, t] of m.namedParameters()) grads[name] = t.grad ?? new Float32Array(t.size);
  for (const [name, t] of Object.entries(extra)) if (t) grads[name] = t.grad ?? new Float32Array(t.size);
  return grads;
}

function mode(f: Fixture): string {
  const m = f.config['mode'];
  if (m !== 'rnn' && m !== 'gru' && m !== 'lstm') throw new ConfigError(`${f.name}: mode '${String(m)}' is not understood`);
  return m;
}

export const recurrentHandler: Handler = (f, dtype): Result => {
  checkConfig(f, ['mode', 'input_size', 'hidden_size', 'num_layers', 'bidirectional', 'batch_first', 'bias', 'nonlinearity', 'proj_size', 'reset', 'dropout']);
  checkInputs(f, ['x', 'h0', 'c0', 'g_output', 'g_h_n', 'g_c_n', 'lengths']);
  const c = f.config;
  if ((c['dropout'] ?? 0) !== 0) throw new ConfigError(`${f.name}: dropout fixtures cannot be reproduced (random masks)`);
  const base = {
    inputSize: c['input_size'] as number,
    hiddenSize: c['hidden_size'] as number,
    numLayers: (c['num_layers'] ?? 1) as number,
    bidirectional: (c['bidirectional'] ?? false) as boolean,
    batchFirst: (c['batch_first'] ?? false) as boolean,
    bias: (c['bias'] ?? true) as boolean,
  };
  const m = mode(f);
  let layer: RecurrentLayer;
  if (m === 'rnn') layer = new RNN({ ...base, nonlinearity: (c['nonlinearity'] ?? 'tanh') as 'tanh' | 'relu' }, { dtype });
  else if (m === 'gru') {
    const reset = c['reset'] ?? 'after_matmul';
    if (reset !== 'after_matmul' && reset !== 'before_matmul') throw new ConfigError(`${f.name}: reset '${String(reset)}' is not understood`);
    layer = new GRU({ ...base, reset: reset === 'before_matmul' ? 'before' : 'after' }, { dtype });
  } else layer = new LSTM({ ...base, projSize: (c['proj_size'] ?? 0) as number }, { dtype });
  if (m !== 'gru' && c['reset'] !== undefined) throw new ConfigError(`${f.name}: reset applies to GRU only`);
  loadParams(layer, f, dtype);
  const x = tensorOf(f.inputs['x']!, dtype, true);
  const h0 = f.inputs['h0'] ? tensorOf(f.inputs['h0'], dtype, true) : null;
  const c0 = f.inputs['c0'] ? tensorOf(f.inputs['c0'], dtype, true) : null;
  const lengths = f.inputs['lengths'] ? flat(f.inputs['lengths']) : undefined;
  const state = { ...(h0 ? { h: h0 } : {}), ...(c0 ? { c: c0 } : {}) };
  const out = layer.forward(x, state, lengths);
  let loss = dot(out.output, flat(f.inputs['g_output']!));
  if (f.inputs['g_h_n']) loss = add(loss, dot(out.h, flat(f.inputs['g_h_n'])));
  if (f.inputs['g_c_n'] && out.c) loss = add(loss, dot(out.c, flat(f.inputs['g_c_n'])));
  loss.backward();
  const outputs: Record<string, ArrayLike<number>> = { output: out.output.data, h_n: out.h.data };
  if (out.c) outputs['c_n'] = out.c.data;
  return { outputs, grads: gradsOf(layer, { x, h0, c0 }) };
};

export const cellHandler: Handler = (f, dtype): Result => {
  checkConfig(f, ['mode', 'input_size', 'hidden_size', 'steps', 'bias', 'nonlinearity', 'reset']);
  checkInputs(f, ['x', 'h0', 'c0', 'g_hs']);
  const c = f.config;
  const opts = { inputSize: c['input_size'] as number, hiddenSize: c['hidden_size'] as number, bias: (c['bias'] ?? true) as boolean };
  const m = mode(f);
  const x = tensorOf(f.inputs['x']!, dtype, true);
  const [S, B, I] = x.shape as [number, number, number];
  if (c['steps'] !== undefined && c['steps'] !== S) throw new ConfigError(`${f.name}: steps ${String(c['steps'])} but x has ${S}`);
  const h0 = f.inputs['h0'] ? tensorOf(f.inputs['h0'], dtype, true) : null;
  const c0 = f.inputs['c0'] ? tensorOf(f.inputs['c0'], dtype, true) : null;
  const g = flat(f.inputs['g_hs']!);
  const H = opts.hiddenSize;
  const cell = m === 'rnn' ? new RNNCell({ ...opts, nonlinearity: (c['nonlinearity'] ?? 'tanh') as 'tanh' | 'relu' }, { dtype })
    : m === 'gru' ? new GRUCell({ ...opts, reset: c['reset'] === 'before_matmul' ? 'before' : 'after' }, { dtype })
      : new LSTMCell(opts, { dtype });
  loadParams(cell, f, dtype);
  const hs = new Float64Array(S * B * H);
  let h = h0 ?? undefined;
  let cs = c0 ?? undefined;
  let loss: Tensor | null = null;
  for (let s = 0; s < S; s++) {
    const xt = reshape(sliceRows(x, s, 1), [B, I]);
    if (cell instanceof LSTMCell) {
      const r = cell.forward(xt, { ...(h ? { h } : {}), ...(cs ? { c: cs } : {}) });
      h = r.h;
      cs = r.c;
    } else h = cell.forward(xt, h);
    hs.set(h.data, s * B * H);
    const term = dot(h, g.slice(s * B * H, (s + 1) * B * H));
    loss = loss ? add(loss, term) : term;
  }
  loss!.backward();
  return { outputs: { hs }, grads: gradsOf(cell, { x, h0, c0 }) };
};
