import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataError } from '../../../src/errors.js';
import type { Series } from '../../../src/tasks/timeseries/series.js';
import { buildLinear, buildSpec } from '../../../src/tasks/timeseries/setup.js';
import { Rng } from '../../../src/tensor/rng.js';

function monthlySeries(n: number, seed: number): Series[] {
  const rng = new Rng(seed);
  const values = Float64Array.from({ length: n }, (_, i) => 50 + 0.2 * i + 3 * Math.sin((2 * Math.PI * i) / 12) + 0.5 * rng.normal());
  return [{ key: '', values, times: Float64Array.from(values, (_, i) => Date.UTC(2000 + Math.floor(i / 12), i % 12, 1)), features: [] }];
}

const options = { columns: { target: 'y', time: ['date'], features: [], group: null }, horizon: 7, cell: 'gru' as const, hidden: 3, layers: 1 };

test('default lags leave the highway more training targets than weights: 3 years of monthly data fit, with fewer lags than the season', () => {
  const series = monthlySeries(36, 1);
  const spec = buildSpec(series, options);
  assert.ok(spec.lags >= 1 && spec.lags < 12, `lags ${spec.lags}`); // 26 targets for lags + 11 calendar and trend columns
  const lin = buildLinear(series, options, 7); // was: "--lags 12: expected fewer lags than the 14 training targets allow"
  assert.equal(lin.spec.lags, spec.lags);
  assert.equal(buildSpec(monthlySeries(120, 1), options).lags >= 12, true); // long enough: the season's lags stay
  assert.equal(buildSpec(series, { ...options, lags: 9 }).lags, 9); // a given --lags is the user's to answer for
});

test('a series too short for any highway is a DataError that says how many values it needs', () => {
  assert.throws(() => buildSpec(monthlySeries(6, 2), options), (e: unknown) => e instanceof DataError && /^series: expected at least \d+ values before the validation span/.test(e.message));
});
