// The vector exp, tanh and sigmoid inside the native cells, against Math (float64) rounded to float32:
// within 2 ulp across the range the recurrent cells see, for each instruction set this CPU has.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadNativeBackend } from '../../src/backend/native/load.js';

const loaded = loadNativeBackend();
const skip = 'problem' in loaded ? `native addon not built: ${loaded.problem}` : false;
const nb = 'backend' in loaded ? loaded.backend : null;

/** Distance in float32 ulps between two finite floats (of the larger magnitude). */
function ulps(a: number, b: number): number {
  if (a === b) return 0;
  const e = Math.max(Math.abs(a), Math.abs(b), 2 ** -126);
  const ulp = 2 ** (Math.floor(Math.log2(e)) - 23);
  return Math.abs(a - b) / ulp;
}

function sweep(lo: number, hi: number, n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = lo + ((hi - lo) * i) / (n - 1);
  return x;
}

const cases = [
  { f: 'exp', ref: Math.exp, x: sweep(-87, 88, 200_001) },
  { f: 'tanh', ref: Math.tanh, x: sweep(-12, 12, 200_001) },
  { f: 'tanh', ref: Math.tanh, x: sweep(-1e-3, 1e-3, 20_001) },
  { f: 'sigmoid', ref: (v: number) => 1 / (1 + Math.exp(-v)), x: sweep(-80, 30, 200_001) },
] as const;

for (const isa of nb ? nb.isas : ['(none)']) {
  test(`vector exp, tanh and sigmoid are within 2 ulp of float64 on ${isa}`, { skip }, () => {
    assert.ok(nb!.setIsa(isa));
    try {
      for (const { f, ref, x } of cases) {
        const out = new Float32Array(x.length);
        nb!.math(out, x, f);
        let worst = 0, at = 0;
        for (let i = 0; i < x.length; i++) {
          const u = ulps(out[i]!, Math.fround(ref(x[i]!)));
          if (u > worst) { worst = u; at = x[i]!; }
        }
        assert.ok(worst <= 2, `${f}: ${worst.toFixed(2)} ulp at x = ${at}`);
      }
    } finally {
      nb!.setIsa(nb!.bestIsa);
    }
  });
}

test('vector tanh and sigmoid saturate and pass NaN through', { skip }, () => {
  const x = Float32Array.from([-1e30, -100, 100, 1e30, NaN]);
  const t = new Float32Array(5), s = new Float32Array(5);
  nb!.math(t, x, 'tanh');
  nb!.math(s, x, 'sigmoid');
  assert.deepEqual(Array.from(t.subarray(0, 4)), [-1, -1, 1, 1]);
  assert.ok(Number.isNaN(t[4]!) && Number.isNaN(s[4]!));
  assert.ok(s[0]! >= 0 && s[0]! < 1e-30 && s[1]! < 1e-30 && s[2] === 1 && s[3] === 1);
});
