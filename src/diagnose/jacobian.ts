// Exact state Jacobians of the recurrent cells, J_t = ∂s_t/∂s_{t−1}, from a CellTrace, and the products
// ∂s_T/∂s_k = J_T · J_{T−1} ⋯ J_{k+1} for k = T−1 … 0. Derivatives by hand from PyTorch's equations
// (the tests check them against finite differences of the real layer). float64 throughout.
import { type CellParams, stateSize } from './cell-params.js';
import type { CellTrace } from './cell-trace.js';

/**
 * Returns a function writing J_t = ∂s_t/∂s_{t−1} (t = 1…T) into J [n, n], row i = new state, column j =
 * old state. RNN: J = diag(f′(a_t)) W_hh. GRU (reset after):
 * J = diag((1−z)(1−n²)) (diag(r) W_hn + diag(ĝ_n r(1−r)) W_hr) + diag((h−n) z(1−z)) W_hz + diag(z), ĝ_n = W_hn h + b_hn;
 * reset before: the n term is diag((1−z)(1−n²)) W_hn (diag(r) + diag(h r(1−r)) W_hr).
 * LSTM, s = (h, c), n = 2H: with ∂c'/∂h = diag(c f(1−f)) W_hf + diag(g i(1−i)) W_hi + diag(i(1−g²)) W_hg,
 * J = [[diag(tanh c' o(1−o)) W_ho + diag(o(1−tanh² c')) ∂c'/∂h, diag(o(1−tanh² c') f)], [∂c'/∂h, diag(f)]]
 * (top-left block ∂h_t/∂h_{t−1}, top-right ∂h_t/∂c_{t−1}, bottom-left ∂c_t/∂h_{t−1}, bottom-right ∂c_t/∂c_{t−1}).
 */
export function stepJacobian(p: CellParams): (J: Float64Array, trace: CellTrace, t: number) => void {
  const { kind, H } = p;
  const W = p.wHh;
  const HH = H * H;
  const scratch = kind === 'gru_reset_before' ? { a: new Float64Array(HH), m: new Float64Array(HH) } : null;
  return (J, tr, t) => {
    const prev = (t - 1) * H;
    const cur = t * H;
    if (kind === 'rnn_tanh' || kind === 'rnn_relu') {
      for (let i = 0; i < H; i++) {
        const ht = tr.h[cur + i]!;
        const d = kind === 'rnn_relu' ? (ht > 0 ? 1 : 0) : 1 - ht * ht;
        for (let j = 0; j < H; j++) J[i * H + j] = d * W[i * H + j]!;
      }
      return;
    }
    if (kind === 'gru' || kind === 'gru_reset_before') {
      const a0 = (t - 1) * 3 * H;
      if (scratch) {
        // M = W_hn diag(r) + (W_hn diag(h r(1−r))) W_hr: ∂(W_hn(r∘h))/∂h
        const { a, m } = scratch;
        for (let i = 0; i < H; i++) {
          for (let k = 0; k < H; k++) {
            const r = tr.act[a0 + k]!;
            a[i * H + k] = W[2 * HH + i * H + k]! * tr.h[prev + k]! * r * (1 - r);
          }
        }
        matmul(m, H, a, H, W, H, H, H, H); // W's first H rows are W_hr
        for (let i = 0; i < H; i++) for (let j = 0; j < H; j++) m[i * H + j]! += W[2 * HH + i * H + j]! * tr.act[a0 + j]!;
      }
      for (let i = 0; i < H; i++) {
        const r = tr.act[a0 + i]!;
        const z = tr.act[a0 + H + i]!;
        const n = tr.act[a0 + 2 * H + i]!;
        const dn = (1 - z) * (1 - n * n);
        const dz = (tr.h[prev + i]! - n) * z * (1 - z);
        const row = i * H;
        if (scratch) {
          for (let j = 0; j < H; j++) J[row + j] = dn * scratch.m[row + j]! + dz * W[HH + row + j]!;
        } else {
          const dr = dn * tr.ghn![prev + i]! * r * (1 - r);
          const dnr = dn * r;
          for (let j = 0; j < H; j++) J[row + j] = dnr * W[2 * HH + row + j]! + dr * W[row + j]! + dz * W[HH + row + j]!;
        }
        J[row + i]! += z;
      }
      return;
    }
    const n = 2 * H;
    const a0 = (t - 1) * 4 * H;
    for (let i = 0; i < H; i++) {
      const ig = tr.act[a0 + i]!;
      const fg = tr.act[a0 + H + i]!;
      const gg = tr.act[a0 + 2 * H + i]!;
      const og = tr.act[a0 + 3 * H + i]!;
      const tc = Math.tanh(tr.c![cur + i]!);
      const kf = tr.c![prev + i]! * fg * (1 - fg);
      const ki = gg * ig * (1 - ig);
      const kg = ig * (1 - gg * gg);
      const ko = tc * og * (1 - og);
      const kc = og * (1 - tc * tc);
      const hRow = i * n;
      const cRow = (H + i) * n;
      for (let j = 0; j < H; j++) {
        const dc = kf * W[HH + i * H + j]! + ki * W[i * H + j]! + kg * W[2 * HH + i * H + j]!;
        J[cRow + j] = dc;
        J[hRow + j] = ko * W[3 * HH + i * H + j]! + kc * dc;
      }
      J.fill(0, hRow + H, hRow + n);
      J.fill(0, cRow + H, cRow + n);
      J[hRow + H + i] = kc * fg;
      J[cRow + H + i] = fg;
    }
  };
}

// C[M, N] = A[M, K] · B[K, N] with row strides ldc, lda, ldb (C's other columns untouched). Four rows of
// B per pass over a row of C: a few times faster than a plain i-k-j loop in V8; zero runs of A are skipped.
function matmul(C: Float64Array, ldc: number, A: Float64Array, lda: number, B: Float64Array, ldb: number, M: number, N: number, K: number): void {
  for (let i = 0; i < M; i++) {
    const c0 = i * ldc;
    const a0 = i * lda;
    C.fill(0, c0, c0 + N);
    let k = 0;
    for (; k + 3 < K; k += 4) {
      const x0 = A[a0 + k]!;
      const x1 = A[a0 + k + 1]!;
      const x2 = A[a0 + k + 2]!;
      const x3 = A[a0 + k + 3]!;
      if (x0 === 0 && x1 === 0 && x2 === 0 && x3 === 0) continue;
      const b0 = k * ldb;
      const b1 = b0 + ldb;
      const b2 = b1 + ldb;
      const b3 = b2 + ldb;
      for (let j = 0; j < N; j++) C[c0 + j]! += x0 * B[b0 + j]! + x1 * B[b1 + j]! + x2 * B[b2 + j]! + x3 * B[b3 + j]!;
    }
    for (; k < K; k++) {
      const x = A[a0 + k]!;
      const b0 = k * ldb;
      for (let j = 0; j < N; j++) C[c0 + j]! += x * B[b0 + j]!;
    }
  }
}

// Q [n, n] = P [n, n] · J for the LSTM's J, whose right half (columns of c_{t−1}) is diagonal in each block:
// row k of J has H dense entries then one at column H + k mod H. 4H³ instead of 8H³ multiply-adds.
function lstmProduct(Q: Float64Array, P: Float64Array, J: Float64Array, H: number): void {
  const n = 2 * H;
  matmul(Q, n, P, n, J, n, n, H, n);
  for (let i = 0; i < n; i++) {
    const q0 = i * n;
    Q.fill(0, q0 + H, q0 + n);
    for (let k = 0; k < n; k++) {
      const d = H + (k % H);
      Q[q0 + d]! += P[q0 + k]! * J[k * n + d]!;
    }
  }
}

/** v · 2^e without overflowing on the way when v · 2^e itself fits (powers of two scale exactly). */
export function ldexp(v: number, e: number): number {
  if (v === 0 || e === -Infinity) return 0;
  let x = v;
  let k = e;
  while (k > 1000) { x *= 2 ** 1000; k -= 1000; }
  while (k < -1000) { x *= 2 ** -1000; k += 1000; }
  return x * 2 ** k;
}

/**
 * Walks k = T−1 … 0 and calls `visit(lag, P, exponent)` with lag = T − k and ∂s_T/∂s_k = 2^exponent · P
 * (P [n, n], row-major, rows = s_T, columns = s_k; n = H, or 2H for the LSTM with s = (h, c)). After
 * every product P is rescaled by a power of two (exact) to max |P| in [1, 2), so long lags neither
 * overflow nor underflow; exponent is −Infinity once the product is exactly zero. `P` is reused between
 * calls: copy what you keep. `ldexp(norm(P), exponent)` is the norm of the true product.
 */
export function forEachProduct(p: CellParams, trace: CellTrace, visit: (lag: number, P: Float64Array, exponent: number) => void): void {
  const n = stateSize(p);
  const jac = stepJacobian(p);
  const J = new Float64Array(n * n);
  let P = new Float64Array(n * n);
  let Q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) P[i * n + i] = 1;
  let exponent = 0;
  for (let t = trace.T; t >= 1; t--) {
    jac(J, trace, t);
    if (p.kind === 'lstm') lstmProduct(Q, P, J, p.H);
    else matmul(Q, n, P, n, J, n, n, n, n);
    [P, Q] = [Q, P];
    let m = 0;
    for (let i = 0; i < P.length; i++) m = Math.max(m, Math.abs(P[i]!));
    if (m === 0 || !Number.isFinite(m)) exponent = m === 0 ? -Infinity : NaN;
    else {
      const e = Math.floor(Math.log2(m));
      if (e !== 0) {
        const s = ldexp(1, -e);
        for (let i = 0; i < P.length; i++) P[i]! *= s;
        exponent += e;
      }
    }
    visit(trace.T - t + 1, P, exponent);
  }
}
