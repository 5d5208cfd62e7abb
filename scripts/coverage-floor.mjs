// How often even exact 80 % intervals cover less than 70 % or more than 90 % of a short test span: the true
// model's forecasts of AR errors e_t = φ₁ e_{t−1} + φ₂ e_{t−2} + ε_t, rolled over n test points at h = 1 and 7,
// with the exact Gaussian interval of each horizon (the h-step error is Σ_{j<h} ψ_j ε_{t−j}). The share outside 70–90 % is the floor no forecaster can go below
// on such a series; `scripts/timeseries-synthetic.mjs --csv` series have these φ and test lengths.
//   node scripts/coverage-floor.mjs [--trials 20000]
import { Rng } from '../build/src/tensor/rng.js';

const at = process.argv.indexOf('--trials');
const TRIALS = at > 0 ? Number(process.argv[at + 1]) : 20000;
const Z80 = 1.2815515655446004;
const H = 7;
const CASES = [
  ['monthly 144 (airline-like)', [0.6], 29], ['monthly 240', [0.7], 48], ['monthly 360', [0.5], 72],
  ['weekly 260', [0.6], 52], ['undated 200 (12-step season)', [0.6], 40], ['undated 1000 (7-step season)', [0.6], 200], ['daily 1500 (weekly)', [0.6], 300], ['daily 1100 (yearly)', [0.7], 220], ['daily 1000 (AR(2) + weekly)', [1.2, -0.4], 200],
  ['monthly 96', [0.5], 19], ['quarterly 100', [0.5], 20],
];

console.log(`exact 80 % intervals, ${TRIALS} trials: share of series whose coverage is outside 70–90 % (h = 1, h = 7), and the expected count of 40 (20 series × 2 horizons)`);
const rng = new Rng(1);
for (const [name, phi, n] of CASES) {
  const psi = [1];
  for (let j = 1; j < H; j++) psi.push(phi.reduce((a, f, i) => a + f * (psi[j - 1 - i] ?? 0), 0));
  const sd = (h) => Math.sqrt(psi.slice(0, h).reduce((a, w) => a + w * w, 0));
  const out = [0, 0];
  for (let t = 0; t < TRIALS; t++) {
    const eps = Array.from({ length: n + H }, () => rng.normal());
    const held = [0, 0];
    for (let j = H; j < n + H; j++) {
      let e7 = 0;
      for (let k = 0; k < H; k++) e7 += psi[k] * eps[j - k];
      if (Math.abs(eps[j]) <= Z80 * sd(1)) held[0]++;
      if (Math.abs(e7) <= Z80 * sd(H)) held[1]++;
    }
    held.forEach((c, i) => { if (c / n < 0.7 || c / n > 0.9) out[i]++; });
  }
  const [a, b] = out.map((o) => o / TRIALS);
  console.log(`${name.padEnd(28)} φ=${phi.join(',').padEnd(8)} n=${String(n).padStart(3)}  ${(100 * a).toFixed(1)} % ${(100 * b).toFixed(1)} %  expected of 40: ${(20 * (a + b)).toFixed(1)}`);
}
