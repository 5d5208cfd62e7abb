// Gradient flow and gate saturation during training: after each logged backward, ‖∂L/∂h_t‖ at chosen
// lags before the last step, and the share of saturated σ gates, read from what the layer's last
// training forward and backward recorded (RecurrentLayer.trace). Written into metrics.jsonl by the trainer.
import type { CellKind } from '../backend/backend.js';
import { ConfigError } from '../errors.js';
import type { RecurrentLayer } from '../nn/recurrent.js';
import type { StackTrace } from '../nn/recurrent-run.js';

/** The σ gates of each cell kind: name and block index in PyTorch's gate order (LSTM i|f|g|o, GRU r|z|n). */
export const SIGMOID_GATES: Record<CellKind, readonly { name: string; block: number }[]> = {
  lstm: [{ name: 'input', block: 0 }, { name: 'forget', block: 1 }, { name: 'output', block: 3 }],
  gru: [{ name: 'reset', block: 0 }, { name: 'update', block: 1 }],
  gru_reset_before: [{ name: 'reset', block: 0 }, { name: 'update', block: 1 }],
  rnn_tanh: [],
  rnn_relu: [],
};

/** Steps of sorted row i: rows are longest first, so it is the number of steps with batchSizes[t] > i. */
function lengthOf(tr: StackTrace, i: number): number {
  let n = 0;
  for (let t = 0; t < tr.T; t++) if (tr.batchSizes[t]! > i) n++;
  return n;
}

/** Mean over sequences of ‖∂L/∂h_t‖₂ at t = (its length) − 1 − lag, over the sequences long enough. */
export function gradNormAtLag(tr: StackTrace, lag: number): number | null {
  if (!tr.dhAll) return null;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < tr.B; i++) {
    const t = lengthOf(tr, i) - 1 - lag;
    if (t < 0) continue;
    let sq = 0;
    const off = (t * tr.B + i) * tr.P;
    for (let j = 0; j < tr.P; j++) sq += tr.dhAll[off + j]! ** 2;
    sum += Math.sqrt(sq);
    count++;
  }
  return count > 0 ? sum / count : null;
}

/** Share of σ outputs < 0.05 or > 0.95 per gate, over every valid step, row and unit. */
export function gateSaturation(tr: StackTrace): Record<string, number> {
  const out: Record<string, number> = {};
  if (!tr.act) return out;
  const GH = (tr.kind === 'lstm' ? 4 : tr.kind.startsWith('gru') ? 3 : 1) * tr.H;
  for (const { name, block } of SIGMOID_GATES[tr.kind]) {
    let sat = 0;
    let total = 0;
    for (let t = 0; t < tr.T; t++) {
      for (let r = 0; r < tr.batchSizes[t]!; r++) {
        const off = (t * tr.B + r) * GH + block * tr.H;
        for (let j = 0; j < tr.H; j++) {
          const v = tr.act[off + j]!;
          if (v < 0.05 || v > 0.95) sat++;
        }
        total += tr.H;
      }
    }
    out[`gate_sat_${name}`] = total > 0 ? sat / total : 0;
  }
  return out;
}

/**
 * A probe for `layer` (its first layer, forward direction): turns on the layer's trace and returns the
 * function the trainer calls right after `loss.backward()`. It gives
 * - `grad_h_lag_<k>`: mean over sequences of ‖∂L/∂h_{T−1−k}‖₂ (the total derivative, through the
 *   recurrence), lag k = 0 being each sequence's last step, for every k in `lags` some sequence reaches;
 * - `gate_sat_<gate>` (LSTM input/forget/output, GRU reset/update): share of σ outputs < 0.05 or > 0.95
 *   over all valid steps, rows and units of that training batch.
 */
export function recurrentProbe(layer: RecurrentLayer, lags: readonly number[]): (step: number) => Record<string, number> {
  for (const k of lags) {
    if (!Number.isInteger(k) || k < 0) throw new ConfigError(`gradient lags: expected integers ≥ 0, got ${k}`, 'e.g. --grad-lags 0,10,50');
  }
  const trace: StackTrace = { kind: layer.kind, T: 0, B: 0, H: 0, P: 0, batchSizes: new Int32Array(0), act: null, dhAll: null };
  layer.trace = trace;
  return () => {
    const out: Record<string, number> = {};
    for (const k of lags) {
      const g = gradNormAtLag(trace, k);
      if (g !== null) out[`grad_h_lag_${k}`] = g;
    }
    return { ...out, ...gateSaturation(trace) };
  };
}
