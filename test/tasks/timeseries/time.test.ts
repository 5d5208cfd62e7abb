import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calendarFeatures, calendarKinds, futureTimes, parseTime, weekdaysOnly, yearHarmonicsFor } from '../../../src/tasks/timeseries/time.js';

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

test('monthly steps get day-of-year harmonics 2 … 5 after every kind\'s pair: as many columns as 11 month dummies but one', () => {
  const DAY = 86_400_000;
  assert.equal(yearHarmonicsFor(30.4 * DAY), 5);
  assert.equal(yearHarmonicsFor(DAY), 1); // daily: one smooth yearly wave, the rest left to the lags
  assert.equal(yearHarmonicsFor(91 * DAY), 1); // quarterly: 4 steps a year, the first harmonic and the level
  const ms = Date.UTC(2001, 3, 1); // day 90 of 365
  const out = new Float64Array(8);
  calendarFeatures(out, 0, ms, ['year'], 4);
  const phase = (ms - Date.UTC(2001, 0, 1)) / (365.2425 * DAY);
  const expect = [1, 2, 3, 4].flatMap((m) => [Math.sin(2 * Math.PI * m * phase), Math.cos(2 * Math.PI * m * phase)]);
  expect.forEach((v, i) => assert.ok(Math.abs(out[i]! - v) < 1e-12, `column ${i}`));
  const plain = new Float64Array(4).fill(9);
  calendarFeatures(plain, 0, ms, ['week'], 4); // no 'year': no harmonics
  assert.equal(plain[2], 9);
});
