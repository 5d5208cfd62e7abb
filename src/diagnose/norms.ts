// Matrix norms for the gradient-flow diagnostic, in float64: Frobenius; spectral (largest singular value)
// by Lanczos on MᵀM with full reorthogonalisation, stopped on a residual bound; and every singular value by
// one-sided Jacobi (Hestenes), the slow exact reference the tests compare the spectral norm against.
import { Rng } from '../tensor/rng.js';

/** ‖M‖_F = √(Σ m²), scaled so that huge or tiny entries neither overflow nor underflow. */
export function frobeniusNorm(M: ArrayLike<number>): number {
  let big = 0;
  for (let i = 0; i < M.length; i++) big = Math.max(big, Math.abs(M[i]!));
  if (big === 0 || !Number.isFinite(big)) return big;
  let s = 0;
  for (let i = 0; i < M.length; i++) {
    const v = M[i]! / big;
    s += v * v;
  }
  return big * Math.sqrt(s);
}

/** Options of `spectralNorm`. */
export interface SpectralOptions {
  /** Stop when the Ritz pair's residual ‖MᵀMy − θy‖ ≤ tol·θ (default 1e-12; σ is then good to ~tol/2 relative). */
  tol?: number;
  /** Seed of the random start vector (default 1). */
  seed?: number;
}

// Largest eigenvalue of the symmetric tridiagonal matrix (diagonal a[0..k), off-diagonal b[0..k−1)) by
// bisection on Sturm counts: exact to rounding, no convergence questions.
function topEigenvalue(a: Float64Array, b: Float64Array, k: number): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < k; i++) {
    const r = (i > 0 ? Math.abs(b[i - 1]!) : 0) + (i < k - 1 ? Math.abs(b[i]!) : 0);
    lo = Math.min(lo, a[i]! - r);
    hi = Math.max(hi, a[i]! + r);
  }
  const tiny = Number.MIN_VALUE * 1e10;
  // number of eigenvalues below x
  const below = (x: number): number => {
    let count = 0;
    let d = 1;
    for (let i = 0; i < k; i++) {
      d = a[i]! - x - (i > 0 ? (b[i - 1]! * b[i - 1]!) / d : 0);
      if (d === 0) d = -tiny;
      if (d < 0) count++;
    }
    return count;
  };
  for (let it = 0; it < 200 && hi - lo > 2 * Number.EPSILON * Math.max(Math.abs(lo), Math.abs(hi)); it++) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (below(mid) === k) hi = mid;
    else lo = mid;
  }
  return hi;
}

// |last component| of the unit eigenvector of the tridiagonal for its top eigenvalue θ, by two steps of
// inverse iteration with a shift just above θ: T − σI is negative definite, so LDLᵀ needs no pivoting.
function lastComponent(a: Float64Array, b: Float64Array, k: number, theta: number, y: Float64Array, d: Float64Array): number {
  const sigma = theta + Math.max(Math.abs(theta), 1e-300) * 1e-10;
  y.fill(1, 0, k);
  for (let pass = 0; pass < 2; pass++) {
    // forward: L D Lᵀ = T − σI, solve L z = y, then D Lᵀ x = z
    d[0] = a[0]! - sigma;
    for (let i = 1; i < k; i++) {
      const l = b[i - 1]! / d[i - 1]!;
      d[i] = a[i]! - sigma - l * b[i - 1]!;
      y[i]! -= l * y[i - 1]!;
    }
    y[k - 1]! /= d[k - 1]!;
    for (let i = k - 2; i >= 0; i--) y[i] = (y[i]! - b[i]! * y[i + 1]!) / d[i]!;
    let s = 0;
    for (let i = 0; i < k; i++) s = Math.max(s, Math.abs(y[i]!));
    let nrm = 0;
    for (let i = 0; i < k; i++) {
      y[i]! /= s;
      nrm += y[i]! * y[i]!;
    }
    nrm = Math.sqrt(nrm);
    for (let i = 0; i < k; i++) y[i]! /= nrm;
  }
  return Math.abs(y[k - 1]!);
}

/**
 * ‖M‖₂, the largest singular value of M [rows, cols] (row-major). Lanczos on the m×m Gram matrix
 * (MᵀM, or MMᵀ when rows < cols; m = min(rows, cols)) from a seeded random start, with full
 * reorthogonalisation; the top Ritz value θ of the tridiagonal (bisection) gives σ = √θ once the residual
 * bound β_j·|y_j| falls below tol·θ, an invariant subspace is found, or j = m (then exact). Each step
 * costs two matrix–vector products; well-separated top values converge in tens of steps.
 *
 * @example
 * spectralNorm(Float64Array.from([3, 0, 0, 4]), 2, 2); // 4
 */
export function spectralNorm(M: ArrayLike<number>, rows: number, cols: number, options: SpectralOptions = {}): number {
  const tol = options.tol ?? 1e-12;
  const big = frobeniusNorm(M);
  if (big === 0 || !Number.isFinite(big)) return big;
  if (big < 1e-150 || big > 1e150) {
    // far from 1: work on a copy scaled by a power of two (exact), so that 1/‖M‖_F stays finite
    const e = Math.floor(Math.log2(big));
    const s = 2 ** -Math.max(-1000, Math.min(1000, e));
    const scaled = Float64Array.from({ length: rows * cols }, (_, i) => M[i]! * s);
    return spectralNorm(scaled, rows, cols, options) / s;
  }
  const gramCols = cols <= rows; // operate on MᵀM (size cols) or MMᵀ (size rows)
  const m = gramCols ? cols : rows;
  const inner = new Float64Array(gramCols ? rows : cols);
  // w = (M/big)ᵀ(M/big) v or (M/big)(M/big)ᵀ v; scaling by ‖M‖_F keeps θ ≤ 1
  const apply = (w: Float64Array, v: Float64Array): void => {
    const s = 1 / big / big;
    if (gramCols) {
      for (let i = 0; i < rows; i++) {
        let acc = 0;
        for (let j = 0; j < cols; j++) acc += M[i * cols + j]! * v[j]!;
        inner[i] = acc;
      }
      w.fill(0);
      for (let i = 0; i < rows; i++) {
        const u = inner[i]! * s;
        for (let j = 0; j < cols; j++) w[j]! += M[i * cols + j]! * u;
      }
    } else {
      inner.fill(0);
      for (let i = 0; i < rows; i++) {
        const u = v[i]!;
        for (let j = 0; j < cols; j++) inner[j]! += M[i * cols + j]! * u;
      }
      for (let i = 0; i < rows; i++) {
        let acc = 0;
        for (let j = 0; j < cols; j++) acc += M[i * cols + j]! * inner[j]!;
        w[i] = acc * s;
      }
    }
  };
  const Q: Float64Array[] = [];
  const alpha = new Float64Array(m);
  const beta = new Float64Array(m);
  const y = new Float64Array(m);
  const d = new Float64Array(m);
  const rng = new Rng(options.seed ?? 1);
  let q = Float64Array.from({ length: m }, () => rng.normal());
  normalise(q);
  let theta = 0;
  for (let j = 0; j < m; j++) {
    Q.push(q);
    const w = new Float64Array(m);
    apply(w, q);
    alpha[j] = dot(q, w, m);
    // two passes of classical Gram–Schmidt against every basis vector ("twice is enough")
    for (let pass = 0; pass < 2; pass++) {
      for (const v of Q) {
        const c = dot(v, w, m);
        for (let i = 0; i < m; i++) w[i]! -= c * v[i]!;
      }
    }
    const bj = Math.sqrt(dot(w, w, m));
    beta[j] = bj;
    theta = topEigenvalue(alpha, beta, j + 1);
    if (j === m - 1 || bj <= 1e-14 * Math.max(theta, 1e-300)) break;
    if (bj * lastComponent(alpha, beta, j + 1, theta, y, d) <= tol * theta) break;
    for (let i = 0; i < m; i++) w[i]! /= bj;
    q = w;
  }
  return big * Math.sqrt(Math.max(theta, 0));
}

function dot(a: Float64Array, b: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
}

function normalise(v: Float64Array): void {
  const n = Math.sqrt(dot(v, v, v.length));
  for (let i = 0; i < v.length; i++) v[i]! /= n;
}

/**
 * Every singular value of M [rows, cols], largest first, by one-sided Jacobi rotations on the columns of
 * M (or Mᵀ when rows < cols) until they are orthogonal to rounding. O(min·max·min) per sweep, a handful of
 * sweeps: the exact reference for small matrices, not for the diagnostic's hot path.
 */
export function singularValues(M: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const tall = rows >= cols;
  const [r, c] = tall ? [rows, cols] : [cols, rows];
  // A [c, r]: column k of the tall matrix stored contiguously
  const A = new Float64Array(r * c);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      if (tall) A[j * r + i] = M[i * cols + j]!;
      else A[i * r + j] = M[i * cols + j]!;
    }
  }
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < c - 1; p++) {
      for (let q = p + 1; q < c; q++) {
        let al = 0;
        let be = 0;
        let ga = 0;
        for (let i = 0; i < r; i++) {
          const x = A[p * r + i]!;
          const z = A[q * r + i]!;
          al += x * x;
          be += z * z;
          ga += x * z;
        }
        if (ga === 0 || Math.abs(ga) <= 1e-15 * Math.sqrt(al * be)) continue;
        rotated = true;
        const zeta = (be - al) / (2 * ga);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const cs = 1 / Math.sqrt(1 + t * t);
        const sn = cs * t;
        for (let i = 0; i < r; i++) {
          const x = A[p * r + i]!;
          const z = A[q * r + i]!;
          A[p * r + i] = cs * x - sn * z;
          A[q * r + i] = sn * x + cs * z;
        }
      }
    }
    if (!rotated) break;
  }
  const s = new Float64Array(c);
  for (let k = 0; k < c; k++) {
    let acc = 0;
    for (let i = 0; i < r; i++) acc += A[k * r + i]! * A[k * r + i]!;
    s[k] = Math.sqrt(acc);
  }
  return s.sort().reverse();
}
