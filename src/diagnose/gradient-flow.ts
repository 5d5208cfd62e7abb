// The gradient-flow curve of one cell on one input sequence: for every lag T − k, the spectral and
// Frobenius norms of ∂h_T/∂h_k (and, for the LSTM, of the full state Jacobian ∂(h_T, c_T)/∂(h_k, c_k)).
import { type CellParams, stateSize } from './cell-params.js';
import { traceCell } from './cell-trace.js';
import { forEachProduct, ldexp } from './jacobian.js';
import { frobeniusNorm, spectralNorm } from './norms.js';

/** Norms of ∂h_T/∂h_k per lag; `lag[i]` = T − k runs 1…T. Values beyond float64's range are ±Infinity. */
export interface GradientFlow {
  lag: number[];
  /** ‖∂h_T/∂h_k‖₂ (largest singular value). For the LSTM: the top-left H×H block, c_k held fixed. */
  spectral: number[];
  /** ‖∂h_T/∂h_k‖_F. */
  frobenius: number[];
  /** LSTM only: norms of the whole 2H×2H ∂s_T/∂s_k, s = (h, c) (blocks [[h←h, h←c], [c←h, c←c]]). */
  state?: { spectral: number[]; frobenius: number[] };
}

/** Options of `gradientFlow`: initial states (zeros by default). */
export interface GradientFlowOptions {
  h0?: ArrayLike<number>;
  c0?: ArrayLike<number>;
}

/**
 * Runs the cell over x [T, I] (float64) and returns, for k = T−1 … 0 (lag 1 … T), the exact norms of
 * ∂h_T/∂h_k = J_T ⋯ J_{k+1} with J_t = ∂s_t/∂s_{t−1} (see `stepJacobian`). Costs T·n³ for the products
 * (n = H, or 2H for the LSTM, done in 4H³) plus one Lanczos spectral norm per lag (two for the LSTM).
 *
 * @example
 * const flow = gradientFlow(cellOfLayer(new RNN({ inputSize: 1, hiddenSize: 32 })).params, x, 100);
 * flow.spectral[49]; // ‖∂h_100/∂h_50‖₂
 */
export function gradientFlow(p: CellParams, x: Float64Array, T: number, options: GradientFlowOptions = {}): GradientFlow {
  const trace = traceCell(p, x, T, options.h0, options.c0);
  const n = stateSize(p);
  const H = p.H;
  const lstm = p.kind === 'lstm';
  const flow: GradientFlow = { lag: [], spectral: [], frobenius: [] };
  const state = lstm ? { spectral: [] as number[], frobenius: [] as number[] } : null;
  const block = lstm ? new Float64Array(H * H) : null;
  forEachProduct(p, trace, (lag, P, exponent) => {
    flow.lag.push(lag);
    let hh: Float64Array = P;
    if (block) {
      for (let i = 0; i < H; i++) block.set(P.subarray(i * n, i * n + H), i * H);
      hh = block;
    }
    flow.spectral.push(ldexp(spectralNorm(hh, H, H), exponent));
    flow.frobenius.push(ldexp(frobeniusNorm(hh), exponent));
    if (state) {
      state.spectral.push(ldexp(spectralNorm(P, n, n), exponent));
      state.frobenius.push(ldexp(frobeniusNorm(P), exponent));
    }
  });
  if (state) flow.state = state;
  return flow;
}
