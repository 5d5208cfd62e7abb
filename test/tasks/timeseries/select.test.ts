import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SafeTensor } from '../../../src/io/safetensors.js';
import { forecast } from '../../../src/tasks/timeseries/forecast.js';
import { TimeSeriesModel } from '../../../src/tasks/timeseries/model.js';
import { finalizeModel, keepRecurrent, validationBlockLosses } from '../../../src/tasks/timeseries/select.js';
import type { Series } from '../../../src/tasks/timeseries/series.js';
import { buildSpec, fitHighway, prepareAll } from '../../../src/tasks/timeseries/setup.js';
import { TimeSeriesTask } from '../../../src/tasks/timeseries/task.js';
import { Rng } from '../../../src/tensor/rng.js';

const DAY = 86_400_000;

test('the recurrent part must beat its linear start by three standard errors of the paired block gains, over 5 blocks at least', () => {
  const linear = [1.3, 0.9, 1.2, 1.0, 1.1];
  assert.equal(keepRecurrent([1.0, 1.0, 1.0, 1.0, 1.0], linear).keep, false); // gain 0.1 ± 0.07
  const g = keepRecurrent([1.1, 0.9, 1.0, 0.9, 1.0], linear); // gain 0.12 ± 0.037: 3.2 standard errors …
  assert.equal(g.keep, true);
  const weak = keepRecurrent([1.1, 0.95, 1.05, 0.9, 1.0], linear); // … 0.1 ± 0.042: 2.4
  assert.ok(weak.mean > 2 * weak.se && weak.mean < 3 * weak.se, `${weak.mean} ± ${weak.se}`);
  assert.equal(weak.keep, false);
  // clear gains over 4 blocks: too few for the test, whatever they say
  const few = keepRecurrent([1.1, 0.75, 1.05, 0.8], linear.slice(0, 4));
  assert.ok(few.mean > 3 * few.se);
  assert.equal(few.keep, false);
});

test('on a random walk the saved model is exactly the last-value forecast, with calibrated intervals, whatever the recurrent part learned', () => {
  const rng = new Rng(8);
  const n = 500;
  const values = new Float64Array(n);
  values[0] = 100;
  for (let i = 1; i < n; i++) values[i] = values[i - 1]! + rng.normal();
  const times = Float64Array.from(values, (_, i) => Date.UTC(2005, 0, 1) + i * DAY);
  const series: Series[] = [{ key: '', values, times, features: [] }];
  const spec = buildSpec(series, { columns: { target: 'y', time: ['date'], features: [], group: null }, horizon: 3, cell: 'gru', hidden: 4, layers: 1, window: 16 });
  const prepared = prepareAll(series, spec, 3);
  const model = new TimeSeriesModel(spec.model, { rng: new Rng(1) });
  const fit = fitHighway(prepared, spec);
  assert.equal(fit.ridge, Infinity);
  model.initFromAR(fit.beta, fit.sigma);
  // a "trained" recurrent part that moves the mean: noise fitted to nothing
  for (let i = 0; i < model.head.weight.size; i++) model.head.weight.data[i] = 0.5 * Math.sin(3 * i + 1);
  const trained = new Map<string, SafeTensor>(model.namedParameters().map(([name, t]) => [name, { dtype: 'F32', shape: t.shape, data: Float32Array.from(t.data) }]));
  const task = new TimeSeriesTask({ model, spec, series: prepared, batch: 4 });
  const blocks = validationBlockLosses(model, spec, prepared);
  assert.equal(blocks.length, 10);
  const fin = finalizeModel(task, trained, fit.sigma, 40);
  assert.equal(fin.recurrent, false);
  assert.equal(spec.calibration, fin.calibration);
  assert.equal(fin.calibration.level80.length, 3);
  const origins = [410, 450, 498];
  const fc = forecast(model, spec, origins.map((origin) => ({ s: prepared[0]!, origin })), 3, { samples: 20, rng: new Rng(0) });
  origins.forEach((o, k) => {
    for (let h = 0; h < 3; h++) assert.ok(Math.abs(fc[k]!.mean[h]! - values[o]!) < 1e-9, `origin ${o}, h=${h + 1}: ${fc[k]!.mean[h]} vs ${values[o]}`);
    assert.ok(fc[k]!.lo80[0]! < values[o]! && values[o]! < fc[k]!.hi80[0]!);
  });
});
