// Checks the forecaster's linear start on synthetic series of the kinds the time-series targets name (a trend,
// a weekly or a yearly season; monthly, quarterly, weekly and daily, and two without dates), many seeds each: how often
// its test MASE at h = 1 and 7 is above the best baseline's, and the geometric mean of model / best baseline. Beside it, the same count for
// the true model (the generator's own trend, season and AR noise, forecast exactly): on short test spans even
// it loses to a baseline now and then. And the fitted true form: the generator's form (intercept, trend, season dummies or
// its sine waves, AR lags of its order) with every coefficient fitted by least squares on the span before the
// test, as a forecaster who knew the form would do, with the textbook 80 % interval (σ̂ from the residuals, ψ-weights of
// the fitted AR): what estimation on so few points costs any forecaster. Run on a build (`npm install`):
//   node scripts/timeseries-synthetic.mjs [--seeds 20] [--first 1] [--csv DIR]
// --csv DIR also writes each series to DIR/<kind>_<seed>.csv (date,value; value alone for the kinds without dates),
// for full runs of `recur train timeseries`.
// The linear start is the saved model whenever the recurrent part is not kept (on nearly all of these in full
// runs: none of 180 runs of nine kinds kept it; see the README).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildLinear } from '../build/src/tasks/timeseries/setup.js';
import { evaluateTest } from '../build/src/tasks/timeseries/evaluate.js';
import { leastSquares } from '../build/src/tasks/timeseries/baselines.js';
import { naiveScale } from '../build/src/tasks/timeseries/metrics.js';
import { TimeSeriesModel } from '../build/src/tasks/timeseries/model.js';
import { testStart } from '../build/src/tasks/timeseries/series.js';
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
const quarterly = (n) => Float64Array.from({ length: n }, (_, i) => Date.UTC(1960 + Math.floor(i / 4), 3 * (i % 4), 1));
const weekly = (n) => Float64Array.from({ length: n }, (_, i) => Date.UTC(2010, 0, 4) + i * 7 * DAY);

// name → { n, times (null: no dates), det(i): the trend and season, phi: AR coefficients of the noise, sd, log: values = exp(det + noise),
// form: the season's shape for the fitted true form, { dummies: period } and/or { waves: [period of each sine, in steps] } };
// the short names (before the colon) name the CSV files
const KINDS = {
  'air: monthly, multiplicative season + trend, 144 (airline-like)': { n: 144, times: monthly, det: (i) => Math.log(110) + 0.0105 * i + YEAR12[i % 12], phi: [0.6], sd: 0.03, log: true, form: { dummies: 12 } },
  'add: monthly, additive season + trend, 240': { n: 240, times: monthly, det: (i) => 50 + 0.05 * i + 3 * Math.sin((2 * Math.PI * i) / 12) + 1.5 * Math.cos((4 * Math.PI * i) / 12), phi: [0.7], sd: 0.5, form: { waves: [12, 6] } },
  'mul: monthly, multiplicative, 360': { n: 360, times: monthly, det: (i) => 3 + 0.006 * i + 0.2 * Math.sin((2 * Math.PI * i) / 12), phi: [0.5], sd: 0.03, log: true, form: { waves: [12] } },
  'dweek: daily, weekly season + trend, 1500': { n: 1500, times: daily, det: (i) => 10 + 0.004 * i + WEEK[i % 7], phi: [0.6], sd: 0.3, form: { dummies: 7 } },
  'dyear: daily, yearly season + trend, 1100': { n: 1100, times: daily, det: (i) => 15 + 0.01 * i + 8 * Math.sin((2 * Math.PI * i) / 365.25), phi: [0.7], sd: 1, form: { waves: [365.25] } },
  'dar2: daily, AR(2) + weekly season + trend, 1000': { n: 1000, times: daily, det: (i) => 30 + 0.01 * i + 2 * WEEK[i % 7], phi: [1.2, -0.4], sd: 0.5, form: { dummies: 7 } },
  'dboth: daily, weekly + yearly season + trend, 1095': { n: 1095, times: daily, det: (i) => 20 + 0.005 * i + 1.5 * WEEK[i % 7] + 6 * Math.sin((2 * Math.PI * i) / 365.25), phi: [0.6], sd: 1, form: { dummies: 7, waves: [365.25] } },
  'm96: monthly, additive season + trend, 96 (8 years)': { n: 96, times: monthly, det: (i) => 50 + 0.1 * i + 3 * Math.sin((2 * Math.PI * i) / 12) + 1.5 * Math.cos((4 * Math.PI * i) / 12), phi: [0.5], sd: 0.7, form: { waves: [12, 6] } },
  'wyear: weekly, yearly season + trend, 260 (5 years)': { n: 260, times: weekly, det: (i) => 20 + 0.02 * i + 4 * Math.sin((2 * Math.PI * 7 * i) / 365.25) + 1.5 * Math.cos((4 * Math.PI * 7 * i) / 365.25), phi: [0.6], sd: 0.8, form: { waves: [365.25 / 7, 365.25 / 14] } },
  'nt7: no dates, weekly season + trend, 1000': { n: 1000, times: () => null, det: (i) => 10 + 0.004 * i + WEEK[i % 7], phi: [0.6], sd: 0.3, form: { dummies: 7 } },
  'nt12: no dates, 12-step season + trend, 200': { n: 200, times: () => null, det: (i) => 50 + 0.05 * i + 3 * Math.sin((2 * Math.PI * i) / 12) + 1.5 * Math.cos((4 * Math.PI * i) / 12), phi: [0.6], sd: 0.6, form: { waves: [12, 6] } },
  'qtr: quarterly, season + trend, 100 (25 years)': { n: 100, times: quarterly, det: (i) => 100 + 0.5 * i + [3, -2, 1, -2][i % 4], phi: [0.5], sd: 1, form: { dummies: 4 } },
};

/** The kind's series: det(i) plus AR noise e_i = Σ φ_k e_{i−k} + sd·ε_i (exponentiated for log kinds). */
function generate(kind, rng) {
  const e = [];
  const values = Float64Array.from({ length: kind.n }, (_, i) => {
    e.push(kind.phi.reduce((a, f, k) => a + f * (e[i - 1 - k] ?? 0), 0) + kind.sd * rng.normal());
    const v = kind.det(i) + e[i];
    return kind.log ? Math.exp(v) : v;
  });
  return { values, times: kind.times(kind.n) };
}

/** The true model's test MASE at horizon h: from origin o, the noise read off y_o, y_{o−1}, … and carried forward
 * by its AR recursion without new shocks (in logs for log kinds: the median, which minimises absolute error). */
function oracleMase(kind, values, h) {
  const g = (v) => (kind.log ? Math.log(v) : v);
  const ts = testStart(values.length);
  let err = 0;
  for (let j = ts; j < values.length; j++) {
    const e = Array.from({ length: kind.phi.length }, (_, k) => g(values[j - h - k]) - kind.det(j - h - k)); // e_o, e_{o−1}, …
    for (let step = 0; step < h; step++) e.unshift(kind.phi.reduce((a, f, k) => a + f * e[k], 0));
    const z = kind.det(j) + e[0];
    err += Math.abs(values[j] - (kind.log ? Math.exp(z) : z));
  }
  return err / (values.length - ts) / naiveScale(values, ts);
}

/** The fitted true form's columns at step i: 1, i/100, season dummies, a sine and cosine per wave. */
function formColumns(form, i) {
  const row = [1, i / 100];
  for (let k = 1; k < (form.dummies ?? 0); k++) row.push(i % form.dummies === k ? 1 : 0);
  for (const m of form.waves ?? []) row.push(Math.sin((2 * Math.PI * i) / m), Math.cos((2 * Math.PI * i) / m));
  return row;
}

/** The fitted true form: g(y_i) (logs for log kinds) on the form's columns and g(y_{i−1}) … g(y_{i−p}), p the
 * generator's AR order, by least squares on the targets before the test span. `at(h)` gives its test MASE at
 * horizon h, forecasts iterated from the true history (the median for log kinds), and whether its 80 % intervals,
 * ±z·σ̂·√(ψ₀² + … + ψ²_{h−1}) (ψ the fitted AR's impulse response, σ̂² = RSS/(N − K)), cover under 70 % or over 90 %
 * of the test points. */
function fittedForm(kind, values) {
  const g = Array.from(values, (v) => (kind.log ? Math.log(v) : v));
  const ts = testStart(values.length);
  const p = kind.phi.length;
  const row = (z, i) => [...formColumns(kind.form, i), ...Array.from({ length: p }, (_, k) => z[i - 1 - k])];
  const K = row(g, p).length;
  const N = ts - p;
  const X = new Float64Array(N * K);
  const y = Float64Array.from({ length: N }, (_, n) => g[p + n]);
  for (let n = 0; n < N; n++) X.set(row(g, p + n), n * K);
  const beta = leastSquares(X, y, N, K, 0);
  const predict = (r) => r.reduce((a, x, k) => a + x * beta[k], 0);
  const sigma = Math.sqrt(y.reduce((a, v, n) => a + (v - predict(row(g, p + n))) ** 2, 0) / (N - K));
  const phi = beta.slice(K - p);
  const at = (h) => {
    const psi = [1];
    for (let j = 1; j < h; j++) psi.push(phi.reduce((a, f, k) => a + f * (psi[j - 1 - k] ?? 0), 0));
    const half = 1.2815515655446004 * sigma * Math.sqrt(psi.reduce((a, w) => a + w * w, 0));
    let err = 0;
    let held = 0;
    for (let j = ts; j < values.length; j++) {
      const z = g.slice(0, j - h + 1);
      while (z.length <= j) z.push(predict(row(z, z.length)));
      err += Math.abs(values[j] - (kind.log ? Math.exp(z[j]) : z[j]));
      if (Math.abs(g[j] - z[j]) <= half) held++;
    }
    const coverage = held / (values.length - ts);
    return { mase: err / (values.length - ts) / naiveScale(values, ts), outside: coverage < 0.7 || coverage > 0.9 };
  };
  return { at };
}

console.log(`linear start vs best baseline, seeds ${FIRST}…${FIRST + SEEDS - 1}: worse (of 2 per seed: h = 1 and 7), geometric mean of model/best at h = 1 and 7, largest model/best; the true model: worse, geometric mean; the fitted true form: worse, geometric means, how often its 80 % intervals cover < 70 % or > 90 % of the test points`);
let k = 0;
for (const [name, kind] of Object.entries(KINDS)) {
  k++;
  let worse = 0;
  let trueWorse = 0;
  let fittedWorse = 0;
  let fittedOutside = 0;
  const logs = [[], []];
  const trueLogs = [];
  const fittedLogs = [[], []];
  for (let seed = FIRST; seed < FIRST + SEEDS; seed++) {
    const { values, times } = generate(kind, new Rng(1000 * k + seed));
    const iso = (ms) => new Date(ms).toISOString().slice(0, 10);
    if (CSV_DIR) writeFileSync(join(CSV_DIR, `${name.split(':')[0]}_${seed}.csv`), times ? `date,value\n${Array.from(values, (v, i) => `${iso(times[i])},${v}`).join('\n')}\n` : `value\n${values.join('\n')}\n`);
    const series = [{ key: '', values, times, features: [] }];
    const lin = buildLinear(series, { columns: { target: 'value', time: times ? ['date'] : [], features: [], group: null }, horizon: 7, cell: 'lstm', hidden: 32, layers: 1 }, 7);
    const model = new TimeSeriesModel(lin.spec.model, { rng: new Rng(3) });
    model.initFromAR(lin.fit.refit, lin.fit.sigma);
    const r = evaluateTest(model, lin.spec, series, lin.prepared, 7, [1, 7], new Rng(1), 0);
    const form = fittedForm(kind, values);
    ['1', '7'].forEach((h, i) => {
      const best = Math.min(...Object.values(r.baselines).map((b) => b[h].mase));
      if (r.horizons[h].mase > best) worse++;
      logs[i].push(Math.log(r.horizons[h].mase / best));
      const truth = oracleMase(kind, values, Number(h));
      if (truth > best) trueWorse++;
      trueLogs.push(Math.log(truth / best));
      const fitted = form.at(Number(h));
      if (fitted.mase > best) fittedWorse++;
      if (fitted.outside) fittedOutside++;
      fittedLogs[i].push(Math.log(fitted.mase / best));
    });
  }
  const gm = (v) => Math.exp(v.reduce((a, b) => a + b, 0) / v.length).toFixed(3);
  const worst = Math.exp(Math.max(...logs.flat())).toFixed(3);
  console.log(`${name.split(': ')[1].padEnd(58)} worse ${String(worse).padStart(2)}/${2 * SEEDS}  ratio ${gm(logs[0])} ${gm(logs[1])}  worst ${worst}  | true model: worse ${String(trueWorse).padStart(2)}/${2 * SEEDS}  ratio ${gm(trueLogs)}  | fitted true form: worse ${String(fittedWorse).padStart(2)}  ratio ${gm(fittedLogs[0])} ${gm(fittedLogs[1])}, 80 % outside 70–90 % ${fittedOutside}`);
}
