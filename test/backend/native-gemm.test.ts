// Native SGEMM against the js reference run in float64 on the same values: every transpose pair, odd
// and tiny sizes, alpha/beta, for each instruction set this CPU has. Skipped when the addon is not built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsBackend } from '../../src/backend/index.js';
import { loadNativeBackend } from '../../src/backend/native/load.js';
import type { NativeBackend } from '../../src/backend/native/addon.js';
import { Rng } from '../../src/tensor/rng.js';

const loaded = loadNativeBackend();
const skip = 'problem' in loaded ? `native addon not built: ${loaded.problem}` : false;
const nb = 'backend' in loaded ? loaded.backend : null;
const isas = nb ? nb.isas : ['(none)'];

function rand(rng: Rng, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

/** |a − b| ≤ 1e-4·max(1, max|ref|) + 1e-4·|b|, reporting the first failing index. */
function expectNear(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  let scale = 1;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= 1e-4 * scale + 1e-4 * Math.abs(b[i]!))) assert.fail(`${what}[${i}]: native ${a[i]}, float64 reference ${b[i]}`);
  }
}

function check(be: NativeBackend, rng: Rng, M: number, N: number, K: number, tA: boolean, tB: boolean, alpha: number, beta: number): void {
  const A = rand(rng, M * K), B = rand(rng, K * N), C0 = rand(rng, M * N);
  const C = beta === 0 ? new Float32Array(M * N).fill(NaN) : C0.slice(); // beta = 0 must not read C
  be.gemm(C, A, B, M, N, K, tA, tB, alpha, beta);
  const R = Float64Array.from(C0);
  jsBackend.gemm(R, Float64Array.from(A), Float64Array.from(B), M, N, K, tA, tB, alpha, beta);
  expectNear(C, R, `C (${M}×${N}×${K}, transA ${tA}, transB ${tB}, alpha ${alpha}, beta ${beta}, ${be.isa})`);
}

const SIZES = [1, 3, 17, 33, 100];

for (const isa of isas) {
  test(`gemm matches the float64 reference for all transposes and odd sizes on ${isa}`, { skip }, () => {
    const be = nb!;
    assert.ok(be.setIsa(isa));
    const rng = new Rng(7);
    try {
      for (const tA of [false, true]) for (const tB of [false, true]) {
        for (const M of SIZES) for (const N of SIZES) for (const K of [1, 17, 100]) check(be, rng, M, N, K, tA, tB, 1, 0);
        check(be, rng, 1000, 33, 100, tA, tB, 1, 0);
        check(be, rng, 3, 1000, 1000, tA, tB, 1, 0);
        check(be, rng, 100, 1000, 300, tA, tB, 1, 0);
        check(be, rng, 300, 65, 1000, tA, tB, 1, 0);
      }
    } finally {
      be.setIsa(be.bestIsa);
    }
  });

  test(`gemm applies alpha and beta like the reference on ${isa}`, { skip }, () => {
    const be = nb!;
    assert.ok(be.setIsa(isa));
    const rng = new Rng(8);
    try {
      for (const tA of [false, true]) for (const tB of [false, true]) for (const [M, N, K] of [[2, 40, 17], [33, 17, 3], [64, 100, 300]] as const) {
        check(be, rng, M, N, K, tA, tB, -2, 0.5);
        check(be, rng, M, N, K, tA, tB, 1, 1);
        check(be, rng, M, N, K, tA, tB, 0.25, 0);
      }
    } finally {
      be.setIsa(be.bestIsa);
    }
  });
}

test('gemm gives the same result with 1, 2 and 3 threads', { skip }, () => {
  const be = nb!;
  const rng = new Rng(9);
  const A = rand(rng, 300 * 200), B = rand(rng, 200 * 250);
  const out = [1, 2, 3].map((t) => {
    be.setThreads(t);
    const C = new Float32Array(300 * 250);
    be.gemm(C, A, B, 300, 250, 200, false, true);
    return C;
  });
  be.setThreads(0);
  expectNear(out[1]!, out[0]!, 'C with 2 threads');
  expectNear(out[2]!, out[0]!, 'C with 3 threads');
});

test('gemm on float64 buffers falls back to the js kernels', { skip }, () => {
  const A = Float64Array.from([1, 2, 3, 4]), B = Float64Array.from([5, 6, 7, 8]), C = new Float64Array(4);
  nb!.gemm(C, A, B, 2, 2, 2, false, false);
  assert.deepEqual(Array.from(C), [19, 22, 43, 50]);
});

test('the addon rejects a buffer that is too short with a TypeError', { skip }, () => {
  assert.throws(() => nb!.gemm(new Float32Array(3), new Float32Array(4), new Float32Array(4), 2, 2, 2, false, false),
    (e: Error) => e instanceof TypeError && /C: expected at least 4 elements, got 3/.test(e.message));
});
