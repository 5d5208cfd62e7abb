// Reference recurrent sequence kernels (one layer, one direction), in cuDNN's structure: one GEMM for the
// input projection of all steps, per step one recurrent GEMM and one fused cell, and after the backward
// time loop three big GEMMs for dW_ih, dW_hh and dX. Rows are sorted by decreasing length (batchSizes).
import type { RecurrentDims, RecurrentGrads, RecurrentOutputs, RecurrentSaved, RecurrentUpstream, RecurrentWeights } from '../backend.js';
import { gateCount } from '../backend.js';
import type { Buf } from '../../tensor/tensor.js';
import { gemm } from './gemm.js';
import * as cell from './cells.js';

interface Saved {
  act: Buf; // [T, B, G·H] activated gates
  gIn: Buf; // [T, B, G·H] input projection (+ b_ih)
  hPrev: Buf; // [T, B, P] state each step started from
  cPrev: Buf | null; // [T, B, H] LSTM
  c: Buf | null; // [T, B, H] LSTM
  hRaw: Buf | null; // [T, B, H] LSTM with projection: o∘tanh(c) before W_hr
  aux: Buf | null; // [T, B, H] GRU: W_hn h + b_hn (reset after) or r∘h (reset before)
}

function alloc(like: Buf, n: number): Buf {
  return like instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
}

/** Row range [0, n) of step t of a [T, B, W] buffer. */
function rows(buf: Buf, t: number, B: number, W: number, n: number): Buf {
  return buf.subarray(t * B * W, (t * B + n) * W);
}

function addBias(out: Buf, bias: Buf | null, n: number, W: number, offset = 0, width = W): void {
  if (!bias) return;
  for (let r = 0; r < n; r++) for (let j = 0; j < width; j++) out[r * width + j]! += bias[offset + j]!;
}

function colSumInto(acc: Buf, src: Buf, n: number, W: number): void {
  for (let r = 0; r < n; r++) for (let j = 0; j < W; j++) acc[j]! += src[r * W + j]!;
}

function stepOrder(T: number, reverse: boolean): number[] {
  return Array.from({ length: T }, (_, s) => (reverse ? T - 1 - s : s));
}

export function recurrentForward(out: RecurrentOutputs, x: Buf, w: RecurrentWeights, h0: Buf, c0: Buf | null,
  batchSizes: Int32Array, dims: RecurrentDims, train: boolean): RecurrentSaved | null {
  const { kind, T, B, I, H, P } = dims;
  const GH = gateCount(kind) * H;
  const s: Saved = {
    act: alloc(x, T * B * GH),
    gIn: alloc(x, T * B * GH),
    hPrev: alloc(x, T * B * P),
    cPrev: kind === 'lstm' ? alloc(x, T * B * H) : null,
    c: kind === 'lstm' ? alloc(x, T * B * H) : null,
    hRaw: kind === 'lstm' && w.wHr ? alloc(x, T * B * H) : null,
    aux: kind === 'gru' || kind === 'gru_reset_before' ? alloc(x, T * B * H) : null,
  };
  // 1. input projection of all steps: gIn[T·B, GH] = X · W_ihᵀ + b_ih
  gemm(s.gIn, x, w.wIh, T * B, GH, I, false, true);
  addBias(s.gIn, w.bIh, T * B, GH);
  const h = h0.slice(); // [B, P] running state
  const c = c0 ? c0.slice() : null; // [B, H]
  const gH = alloc(x, B * GH); // per-step recurrent projection
  const hNew = alloc(x, B * H);
  out.y.fill(0);
  out.cAll?.fill(0);
  for (const t of stepOrder(T, dims.reverse)) {
    const n = batchSizes[t]!;
    if (n === 0) continue;
    const hp = rows(s.hPrev, t, B, P, n);
    hp.set(h.subarray(0, n * P));
    const gin = rows(s.gIn, t, B, GH, n);
    const act = rows(s.act, t, B, GH, n);
    if (kind === 'gru_reset_before') {
      const rh = rows(s.aux!, t, B, H, n);
      const gHrz = gH.subarray(0, n * 2 * H);
      gemm(gHrz, hp, w.wHh.subarray(0, 2 * H * P), n, 2 * H, P, false, true);
      addBias(gHrz, w.bHh, n, 2 * H, 0, 2 * H);
      cell.gruResetGates(rh, act, gin, gHrz, hp, n, H);
      const gHn = gH.subarray(0, n * H);
      gemm(gHn, rh, w.wHh.subarray(2 * H * P), n, H, H, false, true);
      addBias(gHn, w.bHh, n, H, 2 * H, H);
      cell.gruResetBeforeFinish(h, act, gin, gHn, hp, n, H);
    } else {
      const g = gH.subarray(0, n * GH);
      gemm(g, hp, w.wHh, n, GH, P, false, true);
      addBias(g, w.bHh, n, GH);
      if (kind === 'gru') {
        const ghn = rows(s.aux!, t, B, H, n);
        for (let r = 0; r < n; r++) for (let j = 0; j < H; j++) ghn[r * H + j] = g[r * GH + 2 * H + j]!;
        cell.gruCellForward(h, act, gin, g, hp, n, H);
      } else if (kind === 'lstm') {
        const cp = rows(s.cPrev!, t, B, H, n);
        cp.set(c!.subarray(0, n * H));
        for (let i = 0; i < n * GH; i++) g[i]! += gin[i]!;
        const ct = rows(s.c!, t, B, H, n);
        const raw = s.hRaw ? rows(s.hRaw, t, B, H, n) : hNew;
        cell.lstmCellForward(raw, ct, act, g, cp, n, H);
        c!.set(ct, 0);
        if (w.wHr) gemm(h, raw, w.wHr, n, P, H, false, true);
        else h.set(raw.subarray(0, n * H));
        out.cAll?.set(ct, t * B * H);
      } else {
        for (let i = 0; i < n * GH; i++) g[i]! += gin[i]!;
        cell.rnnCellForward(h, act, g, kind === 'rnn_relu', n, H);
      }
    }
    out.y.set(h.subarray(0, n * P), t * B * P);
  }
  out.hN.set(h);
  if (out.cN && c) out.cN.set(c);
  return train ? s : null;
}

export function recurrentBackward(grads: RecurrentGrads, up: RecurrentUpstream, saved: RecurrentSaved, x: Buf,
  w: RecurrentWeights, batchSizes: Int32Array, dims: RecurrentDims): void {
  const s = saved as Saved;
  const { kind, T, B, I, H, P } = dims;
  const GH = gateCount(kind) * H;
  const dGIn = alloc(x, T * B * GH); // [T, B, GH] grad of the input projection (zero on padded rows)
  const gru = kind === 'gru';
  const rb = kind === 'gru_reset_before';
  const dGH = gru ? alloc(x, T * B * GH) : rb ? alloc(x, T * B * 2 * H) : dGIn; // grad of the recurrent projection
  const dGHn = rb ? alloc(x, T * B * H) : null; // reset-before: grad of W_hn(r∘h) + b_hn
  const dHt = s.hRaw ? alloc(x, T * B * P) : null; // LSTM projection: grad of each projected h_t
  const dh = up.dhN.slice(); // [B, P]
  const dc = s.c ? (up.dcN ? up.dcN.slice() : alloc(x, B * H)) : null; // [B, H]
  const dRaw = alloc(x, B * H);
  const dPrev = alloc(x, B * P);
  grads.dhAll?.fill(0);
  const order = stepOrder(T, dims.reverse).reverse();
  for (const t of order) {
    const n = batchSizes[t]!;
    if (n === 0) continue;
    const dhn = dh.subarray(0, n * P);
    const dyt = rows(up.dy, t, B, P, n);
    for (let i = 0; i < n * P; i++) dhn[i]! += dyt[i]!;
    grads.dhAll?.set(dhn, t * B * P);
    const act = rows(s.act, t, B, GH, n);
    const hp = rows(s.hPrev, t, B, P, n);
    const dgin = rows(dGIn, t, B, GH, n);
    if (kind === 'lstm') {
      const dcn = dc!.subarray(0, n * H);
      if (up.dcAll) {
        const dca = rows(up.dcAll, t, B, H, n);
        for (let i = 0; i < n * H; i++) dcn[i]! += dca[i]!;
      }
      let draw: Buf = dhn;
      if (w.wHr) {
        rows(dHt!, t, B, P, n).set(dhn);
        draw = dRaw.subarray(0, n * H);
        gemm(draw, dhn, w.wHr, n, H, P, false, false);
      }
      cell.lstmCellBackward(dgin, dcn, draw, act, rows(s.c!, t, B, H, n), rows(s.cPrev!, t, B, H, n), n, H);
      gemm(dhn, dgin, w.wHh, n, P, GH, false, false);
    } else if (gru) {
      const dgh = rows(dGH, t, B, GH, n);
      const dp = dPrev.subarray(0, n * H);
      cell.gruCellBackward(dgin, dgh, dp, dhn, act, rows(s.aux!, t, B, H, n), hp, n, H);
      gemm(dhn, dgh, w.wHh, n, H, GH, false, false);
      for (let i = 0; i < n * H; i++) dhn[i]! += dp[i]!;
    } else if (rb) {
      const dp = dPrev.subarray(0, n * H);
      const dghn = rows(dGHn!, t, B, H, n);
      cell.gruResetBeforeBackward1(dgin, dghn, dp, dhn, act, hp, n, H);
      const dRh = dRaw.subarray(0, n * H);
      gemm(dRh, dghn, w.wHh.subarray(2 * H * P), n, H, H, false, false);
      const dghrz = rows(dGH, t, B, 2 * H, n);
      cell.gruResetBeforeBackward2(dgin, dghrz, dp, dRh, act, hp, n, H);
      gemm(dhn, dghrz, w.wHh.subarray(0, 2 * H * P), n, H, 2 * H, false, false);
      for (let i = 0; i < n * H; i++) dhn[i]! += dp[i]!;
    } else {
      cell.rnnCellBackward(dgin, dhn, act, kind === 'rnn_relu', n, H);
      gemm(dhn, dgin, w.wHh, n, H, GH, false, false);
    }
  }
  grads.dh0.set(dh);
  if (grads.dc0 && dc) grads.dc0.set(dc);
  // After the loop: the big GEMMs over all T·B rows (padded rows of dG are zero).
  const TB = T * B;
  const { dW } = grads;
  gemm(dW.wIh, dGIn, x, GH, I, TB, true, false, 1, 1);
  if (dW.bIh) colSumInto(dW.bIh, dGIn, TB, GH);
  if (rb) {
    gemm(dW.wHh.subarray(0, 2 * H * P), dGH, s.hPrev, 2 * H, P, TB, true, false, 1, 1);
    gemm(dW.wHh.subarray(2 * H * P), dGHn!, s.aux!, H, H, TB, true, false, 1, 1);
    if (dW.bHh) {
      colSumInto(dW.bHh.subarray(0, 2 * H), dGH, TB, 2 * H);
      colSumInto(dW.bHh.subarray(2 * H), dGHn!, TB, H);
    }
  } else {
    gemm(dW.wHh, dGH, s.hPrev, GH, P, TB, true, false, 1, 1);
    if (dW.bHh) colSumInto(dW.bHh, dGH, TB, GH);
  }
  if (dW.wHr && dHt) gemm(dW.wHr, dHt, s.hRaw!, P, H, TB, true, false, 1, 1);
  gemm(grads.dx, dGIn, w.wIh, TB, I, GH, false, false);
}
