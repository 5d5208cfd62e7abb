import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataError } from '../../../src/errors.js';
import { fitScaling, seriesFromTable, testStart } from '../../../src/tasks/timeseries/series.js';
import { parseCsv } from '../../../src/tasks/timeseries/csv.js';
import { buildSpec, prepareAll } from '../../../src/tasks/timeseries/setup.js';
import { spansOf } from '../../../src/tasks/timeseries/task.js';

test('the test span is the last 20 % of each series and validation the last 10 % before it', () => {
  assert.equal(testStart(100), 80);
  assert.equal(testStart(3), 2);
  assert.deepEqual(spansOf(100), { valStart: 72, testStart: 80 });
});

test('groups split by their column and sort by time', () => {
  const t = parseCsv('sym,date,p\nA,2000-01-03,3\nB,2000-01-01,10\nA,2000-01-01,1\nA,2000-01-02,2\nB,2000-01-02,20\n');
  const { series } = seriesFromTable(t, { target: 'p', time: ['date'], group: 'sym' });
  assert.deepEqual(series.map((s) => [s.key, Array.from(s.values)]), [['A', [1, 2, 3]], ['B', [10, 20]]]);
});

test('a time stamp twice in one series is a DataError naming both rows, or with skipBad its later row is dropped and counted', () => {
  const t = parseCsv('sym,date,p\nA,2000-01-02,2\nB,2000-01-02,20\nA,2000-01-01,1\nA,2000-01-02,9\n', 'prices.csv');
  assert.throws(() => seriesFromTable(t, { target: 'p', time: ['date'], group: 'sym' }), (e: unknown) => e instanceof DataError &&
    e.message === "prices.csv rows 1 (line 2) and 4 (line 5) (sym 'A'), column 'date': expected one row per time stamp, got 2000-01-02 twice");
  assert.throws(() => seriesFromTable(t, { target: 'p', time: ['date'] }), (e: unknown) => e instanceof DataError && /--group COL/.test(e.hint ?? ''));
  const { series, skipped } = seriesFromTable(t, { target: 'p', time: ['date'], group: 'sym' }, true);
  assert.deepEqual(series.map((s) => [s.key, Array.from(s.values)]), [['A', [1, 2]], ['B', [20]]]); // the first of the two kept
  assert.equal(skipped, 1);
});

test('scaling is fitted on the training span only: changing the test span changes nothing', () => {
  const n = 200;
  const rows = (bump: number): string => Array.from({ length: n }, (_, i) =>
    `${new Date(Date.UTC(2000, 0, 1 + i)).toISOString().slice(0, 10)},${Math.sin(i / 5) + (i >= testStart(n) ? bump : 0)}`).join('\n');
  const specOf = (bump: number) => {
    const { series } = seriesFromTable(parseCsv(`date,y\n${rows(bump)}\n`), { target: 'y', time: ['date'] });
    const spec = buildSpec(series, { columns: { target: 'y', time: ['date'], features: [], group: null }, horizon: 3, cell: 'gru', hidden: 4, layers: 1 });
    return { spec, prepared: prepareAll(series, spec, 3) };
  };
  const a = specOf(0);
  const b = specOf(1000);
  assert.deepEqual(a.spec, b.spec);
  const train = testStart(n);
  assert.deepEqual(Array.from(a.prepared[0]!.z.subarray(0, train)), Array.from(b.prepared[0]!.z.subarray(0, train)));
  const s = fitScaling([1, 2, 3, 1000], 3);
  assert.equal(s.mean, 2);
  assert.ok(Math.abs(s.std - Math.sqrt(2 / 3)) < 1e-12);
});
