// Checks the forecaster's linear start on synthetic series of the kinds the time-series targets name (a trend,
// a weekly or a yearly season, monthly and daily), many seeds each: how often its test MASE at h = 1 and 7 is
// above the best baseline's, and the geometric mean of model / best baseline. Run on a build (`npm install`):
//   node scripts/timeseries-synthetic.mjs [--seeds 20] [--first 1] [--csv DIR]
// --csv DIR also writes each series to DIR/<kind>_<seed>.csv (date,value), for full runs of `recur train timeseries`.
// The linear start is the saved model whenever the recurrent part is not kept (on all of these in full runs).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildLinear } from '../build/src/tasks/timeseries/setup.js';
import { evaluateTest } from '../build/src/tasks/timeseries/evaluate.js';
import { TimeSeriesModel } from '../build/src/tasks/timeseries/model.js';
import { Rng } from '../build/src/tensor/rng.js';

const arg = (name, dflt) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? Number(process.argv[i + 1]) : dflt; };
const SEEDS = arg('seeds', 20);
const FIRST = arg('first', 1);
const csvAt = process.argv.indexOf('--csv');
const CSV_DIR = csvAt > 0 ? process.argv[csvAt + 1] : null;
if (CSV_DIR) mkdirSync(CSV_DIR, { recursive: true });
const DAY = 86_400_000;
const WEEK = [0, 0.3, 0.5, 0.4, 0.6, -0.9, -1];
const YEAR12 = [-0.1, -0.12, 0, -0.02, 0, 0.12, 0.22, 0.21, 0.06, -0.08, -0.2, -0.09];
const monthly = (n) => Float64Array.from({ length: n }, (_, i) => Date.UTC(1949 + Math.floor(i / 12), i % 12, 1));
const daily = (n) => Float64Array.from({ length: n }, (_, i) => Date.UTC(2010, 0, 1) + i * DAY);
/** AR(1) noise e_t = φ e_{t−1} + σ ε_t. */
const ar1 = (rng, phi, sd) => { let e = 0; return () => (e = phi * e + sd * rng.normal()); };

// name → (rng) → { values, times }; the short names (before the colon) name the CSV files
const KINDS = {
  'air: monthly, multiplicative season + trend, 144 (airline-like)': (rng) => { const e = ar1(rng, 0.6, 0.03); return { times: monthly(144), values: Float64Array.from({ length: 144 }, (_, i) => Math.exp(Math.log(110) + 0.0105 * i + YEAR12[i % 12] + e())) }; },
  'add: monthly, additive season + trend, 240': (rng) => { const e = ar1(rng, 0.7, 0.5); return { times: monthly(240), values: Float64Array.from({ length: 240 }, (_, i) => 50 + 0.05 * i + 3 * Math.sin((2 * Math.PI * i) / 12) + 1.5 * Math.cos((4 * Math.PI * i) / 12) + e()) }; },
  'mul: monthly, multiplicative, 360': (rng) => { const e = ar1(rng, 0.5, 0.03); return { times: monthly(360), values: Float64Array.from({ length: 360 }, (_, i) => Math.exp(3 + 0.006 * i + 0.2 * Math.sin((2 * Math.PI * i) / 12) + e())) }; },
  'dweek: daily, weekly season + trend, 1500': (rng) => { const e = ar1(rng, 0.6, 0.3); return { times: daily(1500), values: Float64Array.from({ length: 1500 }, (_, i) => 10 + 0.004 * i + WEEK[i % 7] + e()) }; },
  'dyear: daily, yearly season + trend, 1100': (rng) => { const e = ar1(rng, 0.7, 1); return { times: daily(1100), values: Float64Array.from({ length: 1100 }, (_, i) => 15 + 0.01 * i + 8 * Math.sin((2 * Math.PI * i) / 365.25) + e()) }; },
  'dar2: daily, AR(2) + weekly season + trend, 1000': (rng) => { let a = 0; let b = 0; return { times: daily(1000), values: Float64Array.from({ length: 1000 }, (_, i) => { const x = 1.2 * a - 0.4 * b + 0.5 * rng.normal(); b = a; a = x; return 30 + 0.01 * i + 2 * WEEK[i % 7] + x; }) }; },
};

console.log(`linear start vs best baseline, seeds ${FIRST}…${FIRST + SEEDS - 1}: worse (of 2 per seed: h = 1 and 7), geometric mean of model/best at h = 1 and 7, largest model/best`);
let k = 0;
for (const [name, make] of Object.entries(KINDS)) {
  k++;
  let worse = 0;
  const logs = [[], []];
  for (let seed = FIRST; seed < FIRST + SEEDS; seed++) {
    const { values, times } = make(new Rng(1000 * k + seed));
    const iso = (ms) => new Date(ms).toISOString().slice(0, 10);
    if (CSV_DIR) writeFileSync(join(CSV_DIR, `${name.split(':')[0]}_${seed}.csv`), `date,value\n${Array.from(values, (v, i) => `${iso(times[i])},${v}`).join('\n')}\n`);
    const series = [{ key: '', values, times, features: [] }];
    const lin = buildLinear(series, { columns: { target: 'value', time: ['date'], features: [], group: null }, horizon: 7, cell: 'lstm', hidden: 32, layers: 1 }, 7);
    const model = new TimeSeriesModel(lin.spec.model, { rng: new Rng(3) });
    model.initFromAR(lin.fit.refit, lin.fit.sigma);
    const r = evaluateTest(model, lin.spec, series, lin.prepared, 7, [1, 7], new Rng(1), 0);
    ['1', '7'].forEach((h, i) => {
      const best = Math.min(...Object.values(r.baselines).map((b) => b[h].mase));
      if (r.horizons[h].mase > best) worse++;
      logs[i].push(Math.log(r.horizons[h].mase / best));
    });
  }
  const gm = (v) => Math.exp(v.reduce((a, b) => a + b, 0) / v.length).toFixed(3);
  const worst = Math.exp(Math.max(...logs.flat())).toFixed(3);
  console.log(`${name.split(': ')[1].padEnd(58)} worse ${String(worse).padStart(2)}/${2 * SEEDS}  ratio ${gm(logs[0])} ${gm(logs[1])}  worst ${worst}`);
}
