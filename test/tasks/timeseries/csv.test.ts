import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataError } from '../../../src/errors.js';
import { numericRows, parseCsv } from '../../../src/tasks/timeseries/csv.js';
import { seriesFromTable } from '../../../src/tasks/timeseries/series.js';

test('parseCsv reads quoted fields with commas, doubled quotes and newlines', () => {
  const t = parseCsv('name,value\r\n"a, b",1\n"say ""hi""",2\n"two\nlines",3\n\n', 'x.csv');
  assert.deepEqual(t.header, ['name', 'value']);
  assert.deepEqual(t.rows, [['a, b', '1'], ['say "hi"', '2'], ['two\nlines', '3']]);
  assert.deepEqual(t.lines, [2, 3, 4]);
});

test('a row with the wrong number of fields is a DataError naming its line', () => {
  assert.throws(() => parseCsv('a,b\n1,2\n3\n', 'x.csv'), (e: unknown) =>
    e instanceof DataError && e.code === 'bad_data' && /x\.csv line 3: expected 2 fields \(as the header\), got 1/.test(e.message));
  assert.throws(() => parseCsv('a,b\n"1,2\n'), /expected a closing quote/);
  assert.throws(() => parseCsv(''), /expected a header row/);
});

test('a non-numeric cell names its row and column; --skip-bad counts the rows instead', () => {
  const t = parseCsv('date,temp\n2012-01-01,1.5\n2012-01-02,n/a\n2012-01-03,\n2012-01-04,2\n', 'w.csv');
  assert.throws(() => numericRows(t, ['temp']), (e: unknown) =>
    e instanceof DataError && e.message === "w.csv row 2 (line 3), column 'temp': expected a number, got 'n/a'" && /--skip-bad/.test(e.hint));
  assert.deepEqual(numericRows(t, ['temp'], true), { keep: [0, 3], skipped: 2 });
  const { series, skipped } = seriesFromTable(t, { target: 'temp', time: ['date'] }, true);
  assert.equal(skipped, 2);
  assert.deepEqual(Array.from(series[0]!.values), [1.5, 2]);
});

test('an unknown column lists the columns there are', () => {
  const t = parseCsv('date,temp\n2012-01-01,1\n');
  assert.throws(() => seriesFromTable(t, { target: 'tmax' }), (e: unknown) =>
    e instanceof DataError && /--target 'tmax': expected one of the CSV's columns \(date, temp\)/.test(e.message));
});

test('an unreadable date names its row and column', () => {
  const t = parseCsv('date,temp\n2012-01-01,1\nsoon,2\n', 'd.csv');
  assert.throws(() => seriesFromTable(t, { target: 'temp', time: ['date'] }), /d\.csv row 2 \(line 3\), column 'date': expected a date, got 'soon'/);
});
