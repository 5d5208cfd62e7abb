import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { loadModelFile, loadWeightsInto } from '../../src/io/model-file.js';
import { readCsv } from '../../src/tasks/timeseries/csv.js';
import { StreamingPredictor } from '../../src/tasks/timeseries/predictor.js';
import { seriesFromTable } from '../../src/tasks/timeseries/series.js';
import { modelFromSpec } from '../../src/tasks/timeseries/task.js';
import { Rng } from '../../src/tensor/rng.js';
import { recur } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'timeseries-cli-'));
const seattle = readFileSync(resolve('node_modules/vega-datasets/data/seattle-weather.csv'), 'utf8').split('\n');
const small = join(dir, 'seattle-300.csv');
writeFileSync(small, `${seattle.slice(0, 301).join('\n')}\n`);
const tiny = ['--hidden', '4', '--window', '16', '--batch', '4', '--samples', '20', '--eval-every', '5', '--quiet'];

test('recur train timeseries --json reports model and baseline metrics on the test span at horizons 1 and H', () => {
  const out = join(dir, 'run');
  const r = recur(['train', 'timeseries', '--csv', small, '--target', 'temp_max', '--time', 'date', '--horizon', '3', '--steps', '6', ...tiny, '--out', out, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout) as Record<string, any>;
  assert.equal(s['task'], 'timeseries');
  assert.equal(s['steps'], 6);
  assert.equal(s['test_points'], 60);
  assert.deepEqual(Object.keys(s['horizons']), ['1', '3']);
  for (const h of ['1', '3']) {
    const m = s['horizons'][h];
    for (const k of ['mae', 'rmse', 'mase', 'coverage80', 'coverage95']) assert.ok(Number.isFinite(m[k]), `${k} at h=${h}`);
    assert.ok(m['coverage80'] <= m['coverage95']);
    for (const b of ['naive', 'ar', 'mean']) assert.ok(Number.isFinite(s['baselines'][b][h]['mase']), `${b} at h=${h}`);
  }
  assert.equal(s['baselines']['naive']['1']['mase'] > 0, true);
  assert.deepEqual(s['calendar'], ['week']);
  // the validation spans choose between the trained model and its linear start, and say which won: the
  // recurrent part must gain a standard error (two when the linear start is the last value itself)
  const z = s['ridge'] === 'infinite (last value)' ? 2 : 1;
  assert.equal(s['recurrent_part'], s['val_gain'] > z * s['val_gain_se'] ? 'kept' : 'dropped');
  // the intervals' calibration (per horizon, from the validation spans) is reported and stored in the model
  assert.equal(s['calibration']['level80'].length, 3);
  assert.equal(s['calibration']['points'], 24);
  const file = loadModelFile(join(out, 'model.safetensors'));
  assert.deepEqual(file.config['calibration'], s['calibration']);
  assert.equal((file.config['volatility'] as { halfLife: number } | undefined)?.halfLife ?? null, s['volatility_half_life']);
  const saved = JSON.parse(readFileSync(join(out, 'test-metrics.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(saved['horizons'], s['horizons']);

  const f = recur(['forecast', out, '--csv', small, '--horizon', '4', '--plot', join(dir, 'f.svg')]);
  assert.equal(f.status, 0, f.stderr);
  const lines = f.stdout.trim().split('\n');
  assert.equal(lines[0], 'date,mean,lo80,hi80,lo95,hi95');
  assert.equal(lines.length, 5);
  assert.match(lines[1]!, /^2012-10-27,/); // the day after the last row
  for (const line of lines.slice(1)) {
    const [, mean, lo80, hi80, lo95, hi95] = line.split(',').map(Number);
    assert.ok(lo95! <= lo80! && lo80! <= mean! && mean! <= hi80! && hi80! <= hi95!, line);
  }
  const svg = readFileSync(join(dir, 'f.svg'), 'utf8');
  assert.match(svg, /^<svg /);
  assert.match(svg, /class="band80"/);
  const j = recur(['forecast', join(out, 'model.safetensors'), '--csv', small, '--horizon', '2', '--json']);
  assert.equal(j.status, 0, j.stderr);
  const rows = (JSON.parse(j.stdout) as { forecasts: Record<string, number>[] }).forecasts;
  assert.equal(rows.length, 2);
  // the library's streaming predictor, from the same model file and history, gives the same calibrated intervals
  const { model, spec } = modelFromSpec(file.config);
  loadWeightsInto(model, file.tensors);
  const hist = seriesFromTable(readCsv(small), { target: 'temp_max', time: ['date'] }).series[0]!;
  const p = new StreamingPredictor(model, spec, { values: hist.values, times: hist.times, features: [] });
  p.forecast(2, 200, new Rng(1)).forEach((f, h) => {
    for (const k of ['mean', 'lo80', 'hi80', 'lo95', 'hi95'] as const) assert.ok(Math.abs(f[k] - rows[h]![k]!) < 1e-5 * (1 + Math.abs(f[k])), `h=${h + 1} ${k}: ${f[k]} vs ${rows[h]![k]}`);
  });
});

test('a CSV without dates: the detected period is the calendar (its phase from the first row), in training, recur forecast and the streaming predictor', () => {
  const rng = new Rng(5);
  const week = [0, 0.3, 0.5, 0.4, 0.6, -0.9, -1];
  let e = 0;
  const ys = Array.from({ length: 420 }, (_, i) => { e = 0.5 * e + 0.2 * rng.normal(); return 10 + 0.002 * i + week[i % 7]! + e; });
  const file = join(dir, 'undated.csv');
  writeFileSync(file, `y\n${ys.map((v) => v.toFixed(4)).join('\n')}\n`);
  const out = join(dir, 'undated');
  const r = recur(['train', 'timeseries', '--csv', file, '--target', 'y', '--steps', '3', ...tiny, '--out', out, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout) as Record<string, any>;
  assert.equal(s['period'], 7);
  assert.deepEqual(s['calendar'], ['cycle']);
  assert.deepEqual(s['harmonics'], { cycle: 3 });
  assertBelowEveryBaseline(s);
  const rows = forecastMatchesPredictor(out, file, ys, null);
  assert.deepEqual(rows.map((row) => row['step']), ['420', '421', '422']); // index stamps after the last row
});

test('25 years of quarterly data: period 4, the alternating quarter term, forecasts and plot labels on quarter starts, the streaming predictor repeating them', () => {
  const rng = new Rng(4);
  let e = 0;
  const ys = Array.from({ length: 100 }, (_, i) => { e = 0.5 * e + rng.normal(); return 100 + 0.5 * i + [3, -2, 1, -2][i % 4]! + e; });
  const dates = ys.map((_, i) => Date.UTC(1960 + Math.floor(i / 4), 3 * (i % 4), 1));
  const file = join(dir, 'quarterly.csv');
  writeFileSync(file, `date,y\n${ys.map((v, i) => `${new Date(dates[i]!).toISOString().slice(0, 10)},${v.toFixed(4)}`).join('\n')}\n`);
  const out = join(dir, 'quarterly');
  const r = recur(['train', 'timeseries', '--csv', file, '--target', 'y', '--time', 'date', '--steps', '3', ...tiny, '--out', out, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout) as Record<string, any>;
  assert.equal(s['period'], 4);
  assert.deepEqual(s['alternating'], ['year']);
  assert.equal(s['highway'], 'trendar');
  assertBelowEveryBaseline(s);
  const rows = forecastMatchesPredictor(out, file, ys, Float64Array.from(dates));
  assert.deepEqual(rows.map((row) => row['date']), ['1985-01-01', '1985-04-01', '1985-07-01']);
  const plot = recur(['forecast', out, '--csv', file, '--horizon', '8', '--plot', join(dir, 'quarterly.svg')]);
  assert.equal(plot.status, 0, plot.stderr);
  const labels = [...readFileSync(join(dir, 'quarterly.svg'), 'utf8').matchAll(/text-anchor="middle">(\d{4}-\d\d-\d\d)</g)].map((m) => m[1]!);
  assert.ok(labels.length >= 2 && labels.every((d) => /-(01|04|07|10)-01$/.test(d)), `x labels ${labels}`); // the stamps themselves, not last + k·(median step)
  // a history shorter than the model's lags would read its first value for the lags before it
  const short = join(dir, 'quarterly-short.csv');
  writeFileSync(short, `${readFileSync(file, 'utf8').split('\n').slice(0, 4).join('\n')}\n`);
  const refused = recur(['forecast', out, '--csv', short]);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, new RegExp(`--csv: expected at least ${s['lags'] + 1} values of history for the model's ${s['lags']} lags, got 3`));
});

/** The model's test MASE in a `--json` report is below every baseline's at h = 1 and 7. */
function assertBelowEveryBaseline(s: Record<string, any>): void {
  for (const h of ['1', '7']) {
    for (const [name, b] of Object.entries(s['baselines'] as Record<string, Record<string, { mase: number }>>)) {
      assert.ok(s['horizons'][h]['mase'] < b[h]!.mase, `h=${h}: model ${s['horizons'][h]['mase']}, ${name} ${b[h]!.mase}`);
    }
  }
}

/** `recur forecast` of the model in `out` from `file`, 3 steps, whose means the streaming predictor fed `ys` repeats; its rows. */
function forecastMatchesPredictor(out: string, file: string, ys: number[], times: Float64Array | null): Record<string, number | string>[] {
  const j = recur(['forecast', out, '--csv', file, '--horizon', '3', '--json']);
  assert.equal(j.status, 0, j.stderr);
  const rows = (JSON.parse(j.stdout) as { forecasts: Record<string, number | string>[] }).forecasts;
  const saved = loadModelFile(join(out, 'model.safetensors'));
  const { model, spec } = modelFromSpec(saved.config);
  loadWeightsInto(model, saved.tensors);
  const p = new StreamingPredictor(model, spec, { values: Float64Array.from(ys), times, features: [] });
  p.forecast(3, 200, new Rng(1)).forEach((f, h) => assert.ok(Math.abs(f.mean - Number(rows[h]!['mean'])) < 1e-4 * (1 + Math.abs(f.mean)), `h=${h + 1}: ${f.mean} vs ${rows[h]!['mean']}`));
  return rows;
}

test('rain with --transform log1p: the model file keeps c, and no forecast or interval bound is negative', () => {
  const out = join(dir, 'rain');
  const r = recur(['train', 'timeseries', '--csv', small, '--target', 'precipitation', '--time', 'date', '--transform', 'log1p', '--horizon', '3', '--steps', '4', ...tiny, '--out', out, '--json']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as Record<string, unknown>)['transform'], 'log1p');
  const file = loadModelFile(join(out, 'model.safetensors'));
  const shift = (file.config['scaling'] as Record<string, { target: { shift?: number } }>)['']!.target.shift;
  assert.ok(shift !== undefined && shift > 0, `c = ${shift}`);
  const f = recur(['forecast', out, '--csv', small, '--horizon', '5']);
  assert.equal(f.status, 0, f.stderr);
  const rows = f.stdout.trim().split('\n').slice(1).map((l) => l.split(',').slice(1).map(Number));
  assert.equal(rows.length, 5);
  for (const [mean, lo80, hi80, lo95, hi95] of rows) assert.ok(lo95! >= 0 && lo95! <= lo80! && lo80! <= mean! && mean! <= hi80! && hi80! <= hi95!, rows.join(' | '));
  assert.ok(rows.some((v) => v[1] === 0), 'a dry day is inside some 80 % interval');
});

test('several series with --group train one model and forecast each', () => {
  const rows = ['sym,date,price'];
  for (const sym of ['A', 'B']) for (let i = 0; i < 60; i++) rows.push(`${sym},${new Date(Date.UTC(2000, i, 1)).toISOString().slice(0, 10)},${(sym === 'A' ? 10 : 50) * Math.exp(0.03 * i + 0.05 * Math.sin(i))}`);
  const file = join(dir, 'groups.csv');
  writeFileSync(file, `${rows.join('\n')}\n`);
  const out = join(dir, 'run-groups');
  const r = recur(['train', 'timeseries', '--csv', file, '--target', 'price', '--time', 'date', '--group', 'sym', '--steps', '3', ...tiny, '--window', '8', '--out', out, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout) as Record<string, any>;
  assert.equal(s['series'], 2);
  assert.equal(s['transform'], 'log');
  assert.equal(s['test_points'], 24);
  const f = recur(['forecast', out, '--csv', file, '--horizon', '2']);
  assert.equal(f.status, 0, f.stderr);
  assert.deepEqual(f.stdout.trim().split('\n').map((l) => l.split(',').slice(0, 2).join(',')), ['sym,date', 'A,2005-01-01', 'A,2005-02-01', 'B,2005-01-01', 'B,2005-02-01']);
});

test('an unknown column and a non-numeric cell exit 2 with the row and column named', () => {
  const unknown = recur(['train', 'timeseries', '--csv', small, '--target', 'tmax', '--steps', '1']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /error: --target 'tmax': expected one of the CSV's columns \(date, precipitation, temp_max, temp_min, wind, weather\)/);
  assert.match(unknown.stderr, /^hint: /m);
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, seattle.slice(0, 301).map((l, i) => (i === 7 ? l.replace(/,[\d.]+,([\d.]+),/, ',oops,$1,') : l)).join('\n'));
  const r = recur(['train', 'timeseries', '--csv', bad, '--target', 'precipitation', '--steps', '1']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /error: .*bad\.csv row 7 \(line 8\), column 'precipitation': expected a number, got 'oops'/);
  const skipped = recur(['train', 'timeseries', '--csv', bad, '--target', 'precipitation', '--skip-bad', '--steps', '2', ...tiny, '--out', join(dir, 'run-skip'), '--json']);
  assert.equal(skipped.status, 0, skipped.stderr);
  assert.equal((JSON.parse(skipped.stdout) as Record<string, unknown>)['skipped_rows'], 1);
  const negative = recur(['train', 'timeseries', '--csv', small, '--target', 'temp_min', '--transform', 'log1p', '--steps', '1']);
  assert.equal(negative.status, 2);
  assert.match(negative.stderr, /error: --transform log1p: expected non-negative values only, got negative ones\nhint: use --transform none/);
});
