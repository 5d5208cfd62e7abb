// One sequence (batch 1) through one cell in float64, keeping every step's states and activated gates:
// what the exact state Jacobians need. Plain loops over PyTorch's equations, written to be read.
import { DataError } from '../errors.js';
import type { CellParams } from './cell-params.js';

/** Everything step t = 1…T computed, row t−1 for per-step buffers. */
export interface CellTrace {
  T: number;
  /** h_0 … h_T [T+1, H]. */
  h: Float64Array;
  /** c_0 … c_T [T+1, H] (LSTM), else null. */
  c: Float64Array | null;
  /** Activated gates [T, G·H]: RNN f(a) (= h_t); GRU r|z|n; LSTM i|f|g|o. */
  act: Float64Array;
  /** GRU (reset after): W_hn h_{t−1} + b_hn [T, H], which r multiplies; else null. */
  ghn: Float64Array | null;
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

// out[r] = b[r] + Σ_k W[row0 + r, k] · v[k] for r < rows; W is [·, K] row-major.
function affine(out: Float64Array, W: Float64Array, row0: number, rows: number, K: number, v: Float64Array, voff: number, b: Float64Array | null): void {
  for (let r = 0; r < rows; r++) {
    let s = b ? b[row0 + r]! : 0;
    const w0 = (row0 + r) * K;
    for (let k = 0; k < K; k++) s += W[w0 + k]! * v[voff + k]!;
    out[r] = s;
  }
}

/**
 * Runs `p` over x [T, I] from h0 (and c0) [H] (zeros when omitted): the layer's forward for one sequence,
 * in float64, with every step kept. Throws DataError when x or the states do not fit.
 */
export function traceCell(p: CellParams, x: Float64Array, T: number, h0?: ArrayLike<number>, c0?: ArrayLike<number>): CellTrace {
  const { kind, I, H } = p;
  if (!Number.isInteger(T) || T < 1 || x.length !== T * I) {
    throw new DataError(`input x: expected ${T}×${I} values (T steps × I features), got ${x.length}`, 'give one row of I numbers per step');
  }
  for (const [name, s] of [['h0', h0], ['c0', c0]] as const) {
    if (s !== undefined && s.length !== H) throw new DataError(`${name}: expected ${H} values, got ${s.length}`);
  }
  const lstm = kind === 'lstm';
  const G = lstm ? 4 : kind === 'gru' || kind === 'gru_reset_before' ? 3 : 1;
  const h = new Float64Array((T + 1) * H);
  const c = lstm ? new Float64Array((T + 1) * H) : null;
  if (h0) h.set(h0);
  if (c && c0) c.set(c0);
  const act = new Float64Array(T * G * H);
  const ghn = kind === 'gru' ? new Float64Array(T * H) : null;
  const gi = new Float64Array(G * H); // W_ih x_t + b_ih
  const gh = new Float64Array(G * H); // W_hh h_{t−1} + b_hh (GRU before: r|z rows only, then W_hn(r∘h) + b_hn)
  const rh = new Float64Array(H);
  for (let t = 1; t <= T; t++) {
    const prev = (t - 1) * H;
    const cur = t * H;
    const a0 = (t - 1) * G * H;
    affine(gi, p.wIh, 0, G * H, I, x, (t - 1) * I, p.bIh);
    if (kind === 'gru_reset_before') affine(gh, p.wHh, 0, 2 * H, H, h, prev, p.bHh);
    else affine(gh, p.wHh, 0, G * H, H, h, prev, p.bHh);
    if (kind === 'rnn_tanh' || kind === 'rnn_relu') {
      for (let j = 0; j < H; j++) {
        const v = gi[j]! + gh[j]!;
        const a = kind === 'rnn_relu' ? (v > 0 ? v : 0) : Math.tanh(v);
        act[a0 + j] = a;
        h[cur + j] = a;
      }
    } else if (kind === 'gru' || kind === 'gru_reset_before') {
      for (let j = 0; j < H; j++) {
        act[a0 + j] = sigmoid(gi[j]! + gh[j]!);
        act[a0 + H + j] = sigmoid(gi[H + j]! + gh[H + j]!);
      }
      if (kind === 'gru_reset_before') {
        for (let j = 0; j < H; j++) rh[j] = act[a0 + j]! * h[prev + j]!;
        affine(gh.subarray(2 * H), p.wHh, 2 * H, H, H, rh, 0, p.bHh);
      } else {
        ghn!.set(gh.subarray(2 * H, 3 * H), (t - 1) * H);
      }
      for (let j = 0; j < H; j++) {
        const r = act[a0 + j]!;
        const z = act[a0 + H + j]!;
        const n = Math.tanh(gi[2 * H + j]! + (kind === 'gru' ? r * gh[2 * H + j]! : gh[2 * H + j]!));
        act[a0 + 2 * H + j] = n;
        h[cur + j] = (1 - z) * n + z * h[prev + j]!;
      }
    } else {
      for (let j = 0; j < H; j++) {
        const ig = sigmoid(gi[j]! + gh[j]!);
        const fg = sigmoid(gi[H + j]! + gh[H + j]!);
        const gg = Math.tanh(gi[2 * H + j]! + gh[2 * H + j]!);
        const og = sigmoid(gi[3 * H + j]! + gh[3 * H + j]!);
        act[a0 + j] = ig;
        act[a0 + H + j] = fg;
        act[a0 + 2 * H + j] = gg;
        act[a0 + 3 * H + j] = og;
        const cv = fg * c![prev + j]! + ig * gg;
        c![cur + j] = cv;
        h[cur + j] = og * Math.tanh(cv);
      }
    }
  }
  return { T, h, c, act, ghn };
}
