// Fused cell kernels for n rows: pre-activation gates in, state out, activated gates kept for backward.
// Pairs forward/backward; arguments ordered outputs → inputs → sizes. Activation gradients are assigned.
import type { Buf } from '../../tensor/tensor.js';

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

// gates [n, H] pre-activation → act [n, H] = h = tanh or relu (in place: act may be gates).
export function rnnCellForward(h: Buf, act: Buf, gates: Buf, relu: boolean, n: number, H: number): void {
  for (let i = 0; i < n * H; i++) {
    const v = gates[i]!;
    const a = relu ? (v > 0 ? v : 0) : Math.tanh(v);
    act[i] = a;
    h[i] = a;
  }
}

// dh [n, H] → dGates [n, H] through the activation saved in act.
export function rnnCellBackward(dGates: Buf, dh: Buf, act: Buf, relu: boolean, n: number, H: number): void {
  for (let i = 0; i < n * H; i++) {
    const a = act[i]!;
    dGates[i] = relu ? (a > 0 ? dh[i]! : 0) : dh[i]! * (1 - a * a);
  }
}

// gates [n, 4H] pre-activations i|f|g|o, cPrev [n, H] → act [n, 4H] (σ/tanh outputs), c [n, H], hRaw [n, H] = o∘tanh(c).
export function lstmCellForward(hRaw: Buf, c: Buf, act: Buf, gates: Buf, cPrev: Buf, n: number, H: number): void {
  for (let r = 0; r < n; r++) {
    const g0 = r * 4 * H;
    const s0 = r * H;
    for (let j = 0; j < H; j++) {
      const ig = sigmoid(gates[g0 + j]!);
      const fg = sigmoid(gates[g0 + H + j]!);
      const gg = Math.tanh(gates[g0 + 2 * H + j]!);
      const og = sigmoid(gates[g0 + 3 * H + j]!);
      act[g0 + j] = ig;
      act[g0 + H + j] = fg;
      act[g0 + 2 * H + j] = gg;
      act[g0 + 3 * H + j] = og;
      const cv = fg * cPrev[s0 + j]! + ig * gg;
      c[s0 + j] = cv;
      hRaw[s0 + j] = og * Math.tanh(cv);
    }
  }
}

// dhRaw [n, H], dc [n, H] (in: grad of c_t; out: grad of c_{t−1}) → dGates [n, 4H].
export function lstmCellBackward(dGates: Buf, dc: Buf, dhRaw: Buf, act: Buf, c: Buf, cPrev: Buf, n: number, H: number): void {
  for (let r = 0; r < n; r++) {
    const g0 = r * 4 * H;
    const s0 = r * H;
    for (let j = 0; j < H; j++) {
      const ig = act[g0 + j]!;
      const fg = act[g0 + H + j]!;
      const gg = act[g0 + 2 * H + j]!;
      const og = act[g0 + 3 * H + j]!;
      const tc = Math.tanh(c[s0 + j]!);
      const dh = dhRaw[s0 + j]!;
      const dct = dc[s0 + j]! + dh * og * (1 - tc * tc);
      dGates[g0 + j] = dct * gg * ig * (1 - ig);
      dGates[g0 + H + j] = dct * cPrev[s0 + j]! * fg * (1 - fg);
      dGates[g0 + 2 * H + j] = dct * ig * (1 - gg * gg);
      dGates[g0 + 3 * H + j] = dh * tc * og * (1 - og);
      dc[s0 + j] = dct * fg;
    }
  }
}

// GRU, reset after the matmul. gIn [n, 3H] = W_ih x + b_ih, gH [n, 3H] = W_hh h + b_hh (r|z|n blocks),
// hPrev [n, H] → act [n, 3H] = r|z|n, h [n, H] = (1−z)∘n + z∘hPrev.
export function gruCellForward(h: Buf, act: Buf, gIn: Buf, gH: Buf, hPrev: Buf, n: number, H: number): void {
  for (let r = 0; r < n; r++) {
    const g0 = r * 3 * H;
    const s0 = r * H;
    for (let j = 0; j < H; j++) {
      const rg = sigmoid(gIn[g0 + j]! + gH[g0 + j]!);
      const zg = sigmoid(gIn[g0 + H + j]! + gH[g0 + H + j]!);
      const ng = Math.tanh(gIn[g0 + 2 * H + j]! + rg * gH[g0 + 2 * H + j]!);
      act[g0 + j] = rg;
      act[g0 + H + j] = zg;
      act[g0 + 2 * H + j] = ng;
      h[s0 + j] = (1 - zg) * ng + zg * hPrev[s0 + j]!;
    }
  }
}

// dh [n, H] → dGIn [n, 3H], dGH [n, 3H] (they differ in the n block: dGH_n = dn∘r), dhPrev [n, H] = dh∘z
// (the direct path; the caller adds dGH · W_hh). ghn [n, H] = W_hn h + b_hn saved by forward.
export function gruCellBackward(dGIn: Buf, dGH: Buf, dhPrev: Buf, dh: Buf, act: Buf, ghn: Buf, hPrev: Buf, n: number, H: number): void {
  for (let r = 0; r < n; r++) {
    const g0 = r * 3 * H;
    const s0 = r * H;
    for (let j = 0; j < H; j++) {
      const rg = act[g0 + j]!;
      const zg = act[g0 + H + j]!;
      const ng = act[g0 + 2 * H + j]!;
      const d = dh[s0 + j]!;
      const dn = d * (1 - zg) * (1 - ng * ng);
      const dz = d * (hPrev[s0 + j]! - ng) * zg * (1 - zg);
      const dr = dn * ghn[s0 + j]! * rg * (1 - rg);
      dGIn[g0 + j] = dr;
      dGIn[g0 + H + j] = dz;
      dGIn[g0 + 2 * H + j] = dn;
      dGH[g0 + j] = dr;
      dGH[g0 + H + j] = dz;
      dGH[g0 + 2 * H + j] = dn * rg;
      dhPrev[s0 + j] = d * zg;
    }
  }
}

// GRU, reset before the matmul (Cho et al.): n = tanh(W_in x + b_in + W_hn(r∘h) + b_hn).
// Stage 1: gIn [n, 3H], gHrz [n, 2H] = W_h{r,z} h + b_h{r,z} → act r|z blocks, rh [n, H] = r∘hPrev.
export function gruResetGates(rh: Buf, act: Buf, gIn: Buf, gHrz: Buf, hPrev: Buf, n: number, H: number): void {
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < H; j++) {
      const rg = sigmoid(gIn[r * 3 * H + j]! + gHrz[r * 2 * H + j]!);
      act[r * 3 * H + j] = rg;
      act[r * 3 * H + H + j] = sigmoid(gIn[r * 3 * H + H + j]! + gHrz[r * 2 * H + H + j]!);
      rh[r * H + j] = rg * hPrev[r * H + j]!;
    }
  }
}

// Stage 2: gHn [n, H] = W_hn(r∘h) + b_hn → act n block, h [n, H].
export function gruResetBeforeFinish(h: Buf, act: Buf, gIn: Buf, gHn: Buf, hPrev: Buf, n: number, H: number): void {
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < H; j++) {
      const zg = act[r * 3 * H + H + j]!;
      const ng = Math.tanh(gIn[r * 3 * H + 2 * H + j]! + gHn[r * H + j]!);
      act[r * 3 * H + 2 * H + j] = ng;
      h[r * H + j] = (1 - zg) * ng + zg * hPrev[r * H + j]!;
    }
  }
}

// Backward stage 1: dh [n, H] → dGIn z|n blocks, dGHn [n, H] (= dGIn n block), dhPrev [n, H] = dh∘z.
export function gruResetBeforeBackward1(dGIn: Buf, dGHn: Buf, dhPrev: Buf, dh: Buf, act: Buf, hPrev: Buf, n: number, H: number): void {
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < H; j++) {
      const zg = act[r * 3 * H + H + j]!;
      const ng = act[r * 3 * H + 2 * H + j]!;
      const d = dh[r * H + j]!;
      const dn = d * (1 - zg) * (1 - ng * ng);
      dGIn[r * 3 * H + H + j] = d * (hPrev[r * H + j]! - ng) * zg * (1 - zg);
      dGIn[r * 3 * H + 2 * H + j] = dn;
      dGHn[r * H + j] = dn;
      dhPrev[r * H + j] = d * zg;
    }
  }
}

// Backward stage 2: dRh [n, H] = dGHn · W_hn → dGIn r block, dGHrz [n, 2H], dhPrev += dRh∘r.
export function gruResetBeforeBackward2(dGIn: Buf, dGHrz: Buf, dhPrev: Buf, dRh: Buf, act: Buf, hPrev: Buf, n: number, H: number): void {
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < H; j++) {
      const rg = act[r * 3 * H + j]!;
      const d = dRh[r * H + j]!;
      const dr = d * hPrev[r * H + j]! * rg * (1 - rg);
      dGIn[r * 3 * H + j] = dr;
      dGHrz[r * 2 * H + j] = dr;
      dGHrz[r * 2 * H + H + j] = dGIn[r * 3 * H + H + j]!;
      dhPrev[r * H + j]! += d * rg;
    }
  }
}
