import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frobeniusNorm, singularValues, spectralNorm } from '../../src/diagnose/norms.js';
import { Rng } from '../../src/tensor/rng.js';

const close = (a: number, b: number, rtol = 1e-12, what = 'value'): void =>
  assert.ok(Math.abs(a - b) <= rtol * Math.abs(b), `${what}: ${a} vs ${b} (relative error ${Math.abs(a - b) / Math.abs(b)})`);

// M [m, n] = U diag(σ) Vᵀ with U, V products of two random Householder reflections (dense, orthogonal, O(n²) to build).
function withSingularValues(sigma: readonly number[], m: number, n: number, rng: Rng): Float64Array {
  const M = new Float64Array(m * n);
  sigma.forEach((s, i) => { M[i * n + i] = s; });
  const reflect = (len: number, apply: (v: Float64Array) => void): void => {
    const v = Float64Array.from({ length: len }, () => rng.normal());
    const nrm = Math.hypot(...v);
    apply(v.map((x) => x / nrm));
  };
  for (let r = 0; r < 2; r++) {
    // rows: M ← (I − 2vvᵀ) M
    reflect(m, (v) => {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let i = 0; i < m; i++) s += v[i]! * M[i * n + j]!;
        for (let i = 0; i < m; i++) M[i * n + j]! -= 2 * v[i]! * s;
      }
    });
    // columns: M ← M (I − 2vvᵀ)
    reflect(n, (v) => {
      for (let i = 0; i < m; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += M[i * n + j]! * v[j]!;
        for (let j = 0; j < n; j++) M[i * n + j]! -= 2 * s * v[j]!;
      }
    });
  }
  return M;
}

function gaussian(m: number, n: number, rng: Rng): Float64Array {
  return Float64Array.from({ length: m * n }, () => rng.normal());
}

test('the Frobenius norm of known matrices, without overflow or underflow at extreme scales', () => {
  assert.equal(frobeniusNorm([3, 4]), 5);
  assert.equal(frobeniusNorm([0, 0, 0]), 0);
  close(frobeniusNorm([1, 2, 2, 4]), 5);
  close(frobeniusNorm([3e200, 4e200]), 5e200);
  close(frobeniusNorm([3e-200, 4e-200]), 5e-200);
});

test('the spectral norm of diagonal, rank-one, orthogonal and zero matrices is exact', () => {
  close(spectralNorm([3, 0, 0, 0, -4, 0, 0, 0, 1], 3, 3), 4);
  assert.equal(spectralNorm([0, 0, 0, 0], 2, 2), 0);
  close(spectralNorm([1, 0, 0, 1], 2, 2), 1);
  // u vᵀ with u = (1, 2, 2), v = (3, 4): ‖u‖·‖v‖ = 15
  close(spectralNorm([3, 4, 6, 8, 6, 8], 3, 2), 15);
  close(spectralNorm([3, 6, 6, 4, 8, 8], 2, 3), 15);
  const Q = withSingularValues(Array(40).fill(1), 40, 40, new Rng(1));
  close(spectralNorm(Q, 40, 40), 1);
  close(spectralNorm([5e-300, 0, 0, 1e-300], 2, 2), 5e-300);
  close(spectralNorm([0, 3e300, 1e300, 0], 2, 2), 3e300);
  close(spectralNorm([0, 3e-310, 1e-310, 0], 2, 2), 3e-310, 1e-5); // subnormal: few significant bits
});

test('the spectral norm matches the known largest singular value, even with a gap of 1e−9 below it', () => {
  const rng = new Rng(2);
  const sigma = [2, 2 * (1 - 1e-9), 1.5, 1.2, ...Array.from({ length: 56 }, (_, i) => 1 - i / 60)];
  const M = withSingularValues(sigma, 60, 60, rng);
  close(spectralNorm(M, 60, 60), 2, 1e-12);
  // rectangular, both orientations
  const tall = withSingularValues([7, 3, 1, 0.5], 30, 4, rng);
  close(spectralNorm(tall, 30, 4), 7);
  const wide = withSingularValues([0.3, 0.29, 0.1], 3, 25, rng);
  close(spectralNorm(wide, 3, 25), 0.3);
});

test('one-sided Jacobi returns every singular value of a matrix built from them', () => {
  const rng = new Rng(3);
  const sigma = [9, 4, 4, 1, 0.25, 1e-3, 0];
  const got = singularValues(withSingularValues(sigma, 9, 7, rng), 9, 7);
  sigma.forEach((s, i) => assert.ok(Math.abs(got[i]! - s) <= 1e-12 * 9, `σ${i}: ${got[i]} vs ${s}`));
  const wide = singularValues(withSingularValues([2, 1], 2, 6, rng), 2, 6);
  assert.equal(wide.length, 2);
  close(wide[0]!, 2);
  close(wide[1]!, 1);
});

test('the Lanczos spectral norm agrees with Jacobi on random Gaussian matrices', () => {
  const rng = new Rng(4);
  for (const [m, n] of [[1, 1], [5, 5], [64, 64], [128, 128], [80, 50], [50, 80]] as const) {
    const M = gaussian(m, n, rng);
    close(spectralNorm(M, m, n), singularValues(M, m, n)[0]!, 1e-11, `${m}×${n}`);
  }
});

test('the spectral norm of a 1024×1024 matrix (an LSTM state Jacobian at H = 512) is exact', () => {
  const n = 1024;
  const rng = new Rng(5);
  // a Marchenko–Pastur-like top edge: many singular values just below the largest
  const sigma = Array.from({ length: n }, (_, i) => 3 * Math.sqrt(1 - i / n));
  const M = withSingularValues(sigma, n, n, rng);
  close(spectralNorm(M, n, n), 3, 1e-11);
});
