// `recur train timeseries`: a probabilistic forecaster (RNN + Gaussian head + linear ARX highway) for a CSV
// column, trained on the first 80 % of each series, then measured on the last 20 % by rolling origin against
// naive, seasonal naive, AR(p) and training-mean baselines computed by the same code.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { backend } from '../backend/index.js';
import { ConfigError } from '../errors.js';
import { CONFIG_KEY, VERSION_KEY, loadModelFile, saveModel } from '../io/model-file.js';
import { Adam } from '../optim/adam.js';
import { readCsv } from '../tasks/timeseries/csv.js';
import { resolveCsv } from '../tasks/timeseries/data.js';
import { type TestReport, evaluateTest } from '../tasks/timeseries/evaluate.js';
import { CELL_TYPES, TimeSeriesModel } from '../tasks/timeseries/model.js';
import { finalizeModel } from '../tasks/timeseries/select.js';
import { type Series, seriesFromTable } from '../tasks/timeseries/series.js';
import { type HighwayFit, buildLinear } from '../tasks/timeseries/setup.js';
import { TimeSeriesTask } from '../tasks/timeseries/task.js';
import { timeGaps } from '../tasks/timeseries/time.js';
import { Rng } from '../tensor/rng.js';
import { choice, int, num } from './args.js';
import type { Io } from './io.js';
import { type TaskSetup, commonTrainHelp, commonTrainOptions, runTraining } from './train-run.js';

/** Defaults tuned on seattle-weather temp_max (checked on births, stocks, sp500): see the README. */
export const TIMESERIES_DEFAULTS = { cell: 'lstm', hidden: '32', layers: '1', horizon: '7', batch: '32', steps: '600', shrink: '4' } as const;

export const trainTimeseriesHelp = `usage: recur train timeseries --csv FILE --target COL [options]

Trains a forecaster of COL: an RNN with a Gaussian (mean, scale) output per step beside a linear
autoregressive highway over the last p values and calendar features (DeepAR + LSTNet). The last 20 % of
each series is the test span (never used for training or scaling); the last 10 % of the rest validates
(the checkpoint with the best validation MASE is kept, and the recurrent part only if it beats the linear
start there by three standard errors; else the linear start, refitted up to the test span, is the model).
The highway is the last-value forecast unless its fit beats that forward in time by two standard errors
(or by one, and by two in its H-step forecasts).
Intervals are calibrated on the validation spans (split conformal, per horizon; with a local volatility
scale when past residuals cluster; a linear start with short validation spans on its own refits over the
last third of the training span) and the model file carries it all.
Prints test metrics at horizons 1 and H for the model and the baselines (naive, seasonal naive, AR(p),
training mean): rolling origin, i.e. for each test point the forecast made h steps earlier from the
true history up to then. MASE divides by the training span's one-step naive error.
data:
  --csv FILE           a CSV with a header; or vega:NAME (vega-datasets' data/NAME, e.g. vega:seattle-weather.csv,
                       vega:stocks.csv, vega:sp500-2000.csv) or us-births (daily US births 2000–2014)
  --target COL         the column to forecast
  --time COL[,COL..]   date column (2012-01-31, Jan 31 2012), or year,month,day columns; adds day-of-week
                       and day-of-year sin/cos features, for the highway also their harmonics (day of week
                       up to the 3rd; day of year up to the 5th for monthly steps, the 2nd for weekly ones, the
                       2nd's cosine, (−1)^quarter, for quarterly ones)
                       (rows are sorted by it). Without dates, the phase of the period (--period or detected)
                       counted from the first row is the calendar
  --features COL,...   extra numeric columns read as lagged inputs (held at their last value when forecasting)
  --group COL          one series per value of COL (e.g. symbol); one shared model, each series scaled alone
  --skip-bad           leave out rows with a missing or non-numeric cell, or a date that repeats within a series
                       (its later rows), counted, instead of failing
model:
  --horizon H          forecast steps reported (default ${TIMESERIES_DEFAULTS.horizon})
  --window W           observations the model reads before forecasting (default min(64, what the data allow))
  --lr, --steps …      (below) defaults: --lr 0.003, cosine schedule, --eval-every 100
  --lags P             highway lags (default: AR order by BIC, at least the period if ≤ 28, at most what the
                       training targets allow)
  --transform T        auto | log | log1p | none: log models log(y) (positive series that grow multiplicatively),
                       log1p log(1 + y/c) with forecasts censored at 0 (non-negative series with zeros, e.g. rain)
                       (default auto: log when all values are positive and a series grows (max/min ≥ 3, its level
                       moving by ≥ 25 % between the first and last fifth of its training span), log1p
                       when all are ≥ 0 with zeros; log is dropped where the untransformed highway forecasts
                       better forward in time, log1p kept only where it forecasts better)
  --period M           seasonal period for seasonal naive, and the calendar of a series without dates
                       (default: detected by autocorrelation; 0: none)
  --cell C             lstm | gru | rnn (default ${TIMESERIES_DEFAULTS.cell})
  --hidden N           state size (default ${TIMESERIES_DEFAULTS.hidden})    --layers N   stacked layers (default ${TIMESERIES_DEFAULTS.layers})
  --batch N            windows per step (default ${TIMESERIES_DEFAULTS.batch})
  --shrink X           penalty λ·offset² pulling the RNN's mean offset towards the linear highway
                       (default ${TIMESERIES_DEFAULTS.shrink}; 0: none)
  --samples N          sample paths for the intervals of steps 2…H (default 200)
${commonTrainHelp}
  (without --steps, --epochs or --minutes: --steps ${TIMESERIES_DEFAULTS.steps})

example: recur train timeseries --csv vega:seattle-weather.csv --target temp_max --time date --json`;

const tsOptions = {
  ...commonTrainOptions,
  csv: { type: 'string' }, target: { type: 'string' }, time: { type: 'string' }, features: { type: 'string' }, group: { type: 'string' },
  'skip-bad': { type: 'boolean' }, horizon: { type: 'string' }, window: { type: 'string' }, lags: { type: 'string' }, period: { type: 'string' },
  cell: { type: 'string' }, hidden: { type: 'string' }, layers: { type: 'string' }, batch: { type: 'string' }, samples: { type: 'string' }, transform: { type: 'string' }, shrink: { type: 'string' },
} as const;

type Values = Record<string, string | boolean | undefined>;

const list = (v: string | boolean | undefined): string[] => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter((s) => s !== '') : []);

/** Reads the series a run's flags name. */
export function seriesOf(v: Values): { series: Series[]; skipped: number; file: string } {
  if (typeof v['csv'] !== 'string') throw new ConfigError('--csv: expected a CSV file, got nothing', 'e.g. --csv vega:seattle-weather.csv --target temp_max --time date');
  if (typeof v['target'] !== 'string') throw new ConfigError('--target: expected the column to forecast, got nothing', 'e.g. --target temp_max');
  const file = resolveCsv(v['csv']);
  const cols = { target: v['target'], time: list(v['time']), features: list(v['features']), ...(typeof v['group'] === 'string' ? { group: v['group'] } : {}) };
  return { ...seriesFromTable(readCsv(file), cols, v['skip-bad'] === true), file };
}

export function setupTimeseries(v: Values, rng: Rng, keep: (t: TimeSeriesTask, linearSigma: number, fit: HighwayFit) => void): TaskSetup {
  const s = (k: keyof typeof TIMESERIES_DEFAULTS): string => (v[k] as string | undefined) ?? TIMESERIES_DEFAULTS[k];
  const { series, skipped } = seriesOf(v);
  const H = int('horizon', s('horizon'), 1, 1000);
  const period = v['period'] !== undefined ? int('period', v['period'] as string, 0) : undefined;
  const { spec, prepared, fit, transformGain } = buildLinear(series, {
    columns: { target: v['target'] as string, time: list(v['time']), features: list(v['features']), group: typeof v['group'] === 'string' ? v['group'] : null },
    horizon: H, cell: choice('cell', s('cell'), CELL_TYPES), hidden: int('hidden', s('hidden'), 1), layers: int('layers', s('layers'), 1, 16),
    ...(v['window'] !== undefined ? { window: int('window', v['window'] as string, 2) } : {}),
    ...(v['lags'] !== undefined ? { lags: int('lags', v['lags'] as string, 1, 1000) } : {}),
    ...(period !== undefined ? { period: period > 1 ? period : null } : {}),
    transform: choice('transform', (v['transform'] as string | undefined) ?? 'auto', ['auto', 'log', 'log1p', 'none'] as const),
  }, H);
  const model = new TimeSeriesModel(spec.model, { rng });
  model.initFromAR(fit.beta, fit.sigma);
  // The highway stays at its cross-validated least-squares fit: Adam's steps (≈ lr each) would undo it.
  for (const [, t] of model.highway.namedParameters()) t.requiresGrad = false;
  const task = new TimeSeriesTask({ model, spec, series: prepared, batch: int('batch', s('batch'), 1), shrink: num('shrink', s('shrink'), 0) });
  keep(task, fit.sigma, fit);
  const be = backend();
  return {
    task,
    probeLayer: model.rnn,
    optimizer: new Adam(model.namedParameters().filter(([n]) => !n.startsWith('highway.')), { lr: 3e-3 }),
    defaults: { lr: 3e-3, schedule: 'cosine', clip: 1, evalEvery: 100, logEvery: 25, checkpointEvery: 500 },
    summary: { csv: v['csv'], target: spec.columns.target, series: series.length, points: series.reduce((a, b) => a + b.values.length, 0), skipped_rows: skipped,
      time_gaps: series.reduce((u, x) => u + (x.times ? timeGaps(x.times, spec.step, spec.weekdaysOnly) : 0), 0),
      cell: spec.model.cell, hidden: spec.model.hidden, layers: spec.model.layers, window: spec.window, lags: spec.lags, period: spec.period, transform: spec.transform, level: spec.level,
      ...(transformGain ? { transform_gain: +transformGain.mean.toPrecision(4), transform_gain_se: +transformGain.se.toPrecision(4) } : {}),
      calendar: spec.calendar, harmonics: spec.harmonics ?? {}, alternating: spec.alternating ?? [], highway: fit.candidate, ridge: Number.isFinite(fit.ridge) ? fit.ridge : 'infinite (last value)',
      highway_cv_gain: +fit.cvGain.toPrecision(4), highway_cv_gain_se: +fit.cvGainSe.toPrecision(4), horizon: H, params: model.parameterCount(), backend: `${be.name} (${be.isa}, ${be.threads} threads)` },
  };
}

/** The test report as a few lines of text. */
export function reportText(r: TestReport): string {
  const lines = [`test span: ${r.test_points} points, rolling origin; MASE (MAE, RMSE) per horizon`];
  for (const h of Object.keys(r.horizons)) {
    const m = r.horizons[h]!;
    lines.push(`h=${h}: model ${m.mase} (${m.mae}, ${m.rmse}), 80% interval covers ${(100 * m.coverage80).toFixed(1)} %, 95% covers ${(100 * m.coverage95).toFixed(1)} %`);
    lines.push(`     ${Object.entries(r.baselines).map(([n, b]) => `${n} ${b[h]!.mase}`).join(', ')}`);
  }
  return lines.join('\n');
}

export async function trainTimeseries(argv: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args: argv, options: tsOptions, strict: true });
  if (values.help) { io.out(trainTimeseriesHelp); return 0; }
  const given: Values = { ...values };
  if (given['resume'] === undefined && given['steps'] === undefined && given['minutes'] === undefined && given['epochs'] === undefined) given['steps'] = TIMESERIES_DEFAULTS.steps;
  let task: TimeSeriesTask | null = null;
  let linearSigma = 1;
  let linear: HighwayFit | undefined;
  let runValues: Values = given;
  const lines: string[] = [];
  const capture: Io = { ...io, out: (t) => lines.push(t) };
  const code = await runTraining('timeseries', { ...given, json: true }, capture, (v, rng) => { runValues = v; return setupTimeseries(v, rng, (t, sigma, f) => { task = t; linearSigma = sigma; linear = f; }); });
  const summary = JSON.parse(lines[lines.length - 1] ?? '{}') as Record<string, unknown>;
  if (code !== 0 || task === null) { if (values.json) io.out(JSON.stringify(summary)); return code; }
  const t = task as TimeSeriesTask;
  const out = String(summary['out']);
  const modelFile = join(out, 'model.safetensors');
  const saved = loadModelFile(modelFile);
  const samples = runValues['samples'] !== undefined ? int('samples', runValues['samples'] as string, 0) : 200;
  // After training, on data before the test span: keep the recurrent part only if the validation spans say
  // it beats its linear start by three standard errors (else the linear start, refitted on every target before
  // the test span, is the model); choose the local volatility scale; calibrate the
  // intervals (split conformal). All of it is stored in the model file's spec, so that `recur forecast`
  // and StreamingPredictor give the same calibrated intervals as the test below.
  const fin = finalizeModel(t, saved.tensors, linearSigma, samples, linear);
  const extra = Object.fromEntries(Object.entries(saved.metadata).filter(([k]) => !['format', CONFIG_KEY, VERSION_KEY].includes(k)));
  saveModel(modelFile, t.model, t.modelConfig(), fin.recurrent ? extra : { ...extra, 'recur.timeseries': 'linear start kept: the recurrent part did not forecast the validation spans clearly better' });
  const choice = { val_mase_trained: +fin.valTrained.toFixed(6), val_mase_linear: +fin.valLinear.toFixed(6), recurrent_part: fin.recurrent ? 'kept' : 'dropped',
    val_gain: +fin.gain.toFixed(6), val_gain_se: +fin.gainSe.toFixed(6), volatility_half_life: fin.volatility?.halfLife ?? null,
    volatility_nll: fin.volatilityNll, volatility_gain_se: fin.volatilityGainSe, calibration: fin.calibration };
  const { series } = seriesOf(runValues);
  const H = t.spec.horizon;
  const report = evaluateTest(t.model, t.spec, series, t.series, H, [...new Set([1, H])], new Rng(1), samples);
  writeFileSync(join(out, 'test-metrics.json'), `${JSON.stringify(report, null, 1)}\n`);
  if (values.json) io.out(JSON.stringify({ ...summary, ...choice, ...report }));
  else {
    io.err(`done: ${String(summary['steps'])} steps in ${String(summary['elapsed_s'])} s; model in ${modelFile}`);
    if (!fin.recurrent) io.err(`the recurrent part did not beat its linear start on the validation spans by three standard errors (MASE ${choice.val_mase_trained} vs ${choice.val_mase_linear}): saved without the recurrent mean offset`);
    io.out(reportText(report));
  }
  return 0;
}
