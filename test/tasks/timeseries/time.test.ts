import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calendarFeatures, calendarKinds, futureTimes, parseTime, weekdaysOnly } from '../../../src/tasks/timeseries/time.js';

const DAY = 86_400_000;

test('dates parse as calendar dates from ISO, "Jan 1 2000" and year,month,day columns', () => {
  assert.equal(parseTime(['2012-01-31']), Date.UTC(2012, 0, 31));
  assert.equal(parseTime(['Jan 1 2000']), Date.UTC(2000, 0, 1));
  assert.equal(parseTime(['2000', '2', '29']), Date.UTC(2000, 1, 29));
  assert.equal(parseTime(['soon']), null);
  assert.equal(parseTime(['2000', '13', '1']), null);
});

test('calendar features: day of week for daily data, day of year when a year is covered', () => {
  const daily = Array.from({ length: 800 }, (_, i) => Date.UTC(2012, 0, 1) + i * DAY);
  assert.deepEqual(calendarKinds(daily), ['week', 'year']);
  const monthly = Array.from({ length: 30 }, (_, i) => Date.UTC(2000, i, 1));
  assert.deepEqual(calendarKinds(monthly), ['year']);
  const out = new Float64Array(2);
  calendarFeatures(out, 0, Date.UTC(2024, 0, 4), ['week']); // a Thursday: phase 4/7
  assert.ok(Math.abs(out[0]! - Math.sin((2 * Math.PI * 4) / 7)) < 1e-12);
});

test('future time stamps skip weekends for trading days and follow calendar months', () => {
  const fri = Date.UTC(2024, 0, 5);
  assert.deepEqual(futureTimes(fri, DAY, 2, true), [Date.UTC(2024, 0, 8), Date.UTC(2024, 0, 9)]);
  assert.deepEqual(futureTimes(Date.UTC(2010, 2, 1), 30.4 * DAY, 2, false), [Date.UTC(2010, 3, 1), Date.UTC(2010, 4, 1)]);
  const trading = Array.from({ length: 40 }, (_, i) => Date.UTC(2024, 0, 1 + i)).filter((t) => ![0, 6].includes(new Date(t).getUTCDay()));
  assert.equal(weekdaysOnly(trading), true);
});
