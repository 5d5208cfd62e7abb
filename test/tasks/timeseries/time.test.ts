import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alternatingFor, calendarCycle, calendarFeatures, calendarKinds, cycleKind, futureTimes, parseTime, timeGaps, weekdaysOnly, harmonicsFor } from '../../../src/tasks/timeseries/time.js';

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
  // quarters and years stay on their calendar days (91.3 days from 2011-10-01 would be 2011-12-31)
  assert.deepEqual(futureTimes(Date.UTC(2011, 9, 1), 91.3 * DAY, 2, false), [Date.UTC(2012, 0, 1), Date.UTC(2012, 3, 1)]);
  assert.deepEqual(futureTimes(Date.UTC(2023, 0, 1), 365.25 * DAY, 2, false), [Date.UTC(2024, 0, 1), Date.UTC(2025, 0, 1)]);
  const trading = Array.from({ length: 40 }, (_, i) => Date.UTC(2024, 0, 1 + i)).filter((t) => ![0, 6].includes(new Date(t).getUTCDay()));
  assert.equal(weekdaysOnly(trading), true);
});

test('calendar harmonics: day of year 2 … 5 for monthly steps, 2 for weekly ones, day of week 2 … 3, after every kind\'s pair', () => {
  const DAY = 86_400_000;
  assert.deepEqual(harmonicsFor(['year'], 30.4 * DAY, false), { year: 5 }); // 10 columns: 11 month dummies but one
  assert.deepEqual(harmonicsFor(['week', 'year'], DAY, false), { week: 3 }); // daily: one smooth yearly wave
  assert.deepEqual(harmonicsFor(['week', 'year'], DAY, true), { week: 2 }); // trading days: 5 a week
  assert.deepEqual(harmonicsFor(['year'], 91 * DAY, false), {}); // quarterly: the first harmonic and the level
  assert.deepEqual(harmonicsFor(['year'], 7 * DAY, false), { year: 2 }); // weekly: lags do not reach the season
  const ms = Date.UTC(2001, 3, 1); // day 90 of 365
  const out = new Float64Array(12);
  calendarFeatures(out, 0, ms, ['week', 'year'], { week: 2, year: 3 });
  const week = ((Math.floor(ms / DAY) + 4) % 7) / 7; // 0 on Mondays (1970-01-01, day 0, was a Thursday)
  const year = (ms - Date.UTC(2001, 0, 1)) / (365.2425 * DAY);
  const wave = (m: number, phase: number): number[] => [Math.sin(2 * Math.PI * m * phase), Math.cos(2 * Math.PI * m * phase)];
  const expect = [...wave(1, week), ...wave(1, year), ...wave(2, week), ...wave(2, year), ...wave(3, year)];
  assert.equal(expect.length, 10);
  expect.forEach((v, i) => assert.ok(Math.abs(out[i]! - v) < 1e-12, `column ${i}: ${out[i]} vs ${v}`));
  assert.equal(out[10], 0);
});

test('time gaps: stamps later than one step after the one before (a missing month, a trading holiday), not weekends or short months', () => {
  const months = [0, 1, 2, 4, 5].map((m) => Date.UTC(2001, m, 1)); // April missing
  assert.equal(timeGaps(months, 31 * DAY, false), 1);
  assert.equal(timeGaps([0, 1, 2].map((m) => Date.UTC(2001, m, 31)), 31 * DAY, false), 0); // month ends: Feb 28 is on time
  const trading = [1, 2, 5, 8, 9].map((d) => Date.UTC(2024, 0, d)); // Mon 1, Tue 2, Fri 5, Mon 8, Tue 9
  assert.equal(timeGaps(trading, DAY, true), 1); // Tue 2 → Fri 5 skips two weekdays; Fri 5 → Mon 8 is a weekend
  assert.equal(timeGaps([0, 7, 14, 28].map((d) => Date.UTC(2024, 0, 1 + d)), 7 * DAY, false), 1);
});

test('a season of 4 steps gets its alternating term, the cosine of harmonic 2, as one column after the harmonics', () => {
  assert.deepEqual(alternatingFor(['year'], 91 * DAY), ['year']); // quarterly: the first harmonic, then (−1)^quarter
  assert.deepEqual(alternatingFor(['year'], 30.4 * DAY), []); // monthly: harmonics 1 … 5 (10 of 11 dummies' columns)
  assert.deepEqual(alternatingFor(['week', 'year'], DAY), []); // 7 days: odd; a daily year: a smooth wave
  assert.deepEqual(alternatingFor(['year'], 7 * DAY), []);
  assert.deepEqual(alternatingFor(['cycle'], 1, 4), ['cycle']);
  assert.deepEqual(alternatingFor(['cycle'], 1, 7), []);
  assert.deepEqual(alternatingFor(['cycle'], 1, 6), []);
  assert.deepEqual([91 * DAY, 30.4 * DAY, 7 * DAY, DAY].map(calendarCycle), [4, 12, null, null]); // a year's steps, where a season
  const quarters = [0, 3, 6, 9].map((m) => {
    const out = new Float64Array(3);
    calendarFeatures(out, 0, Date.UTC(2001, m, 1), ['year'], {}, 1, ['year']);
    return out[2]!;
  });
  quarters.forEach((v, q) => assert.ok(Math.abs(v - (q % 2 === 0 ? 1 : -1)) < 0.01, `quarter ${q + 1}: ${v}`)); // cos(4π·phase) ≈ ±1
  const out = new Float64Array(3);
  calendarFeatures(out, 0, 11, ['cycle'], {}, 4, ['cycle']); // index 11 of period 4: phase 3/4, (−1)^11
  assert.ok(Math.abs(out[2]! + 1) < 1e-12 && Math.abs(out[0]! + 1) < 1e-12, `${Array.from(out)}`);
});

test('a series without dates but with a period gets its phase as a calendar: index i of period m reads i/m modulo 1', () => {
  assert.deepEqual(cycleKind([], 7), ['cycle']);
  assert.deepEqual(cycleKind([], 2), []); // an alternating season: its sine is 0 at every step
  assert.deepEqual(cycleKind([], null), []);
  assert.deepEqual(cycleKind(['week', 'year'], 7), ['week', 'year']); // dates: the calendar as it is
  assert.deepEqual(harmonicsFor(['cycle'], 1, false, 7), { cycle: 3 }); // 6 columns: as many as 6 dummies
  assert.deepEqual(harmonicsFor(['cycle'], 1, false, 12), { cycle: 5 });
  assert.deepEqual(harmonicsFor(['cycle'], 1, false, 24), { cycle: 2 });
  assert.deepEqual(harmonicsFor(['cycle'], 1, false, 365), {});
  const out = new Float64Array(4);
  calendarFeatures(out, 0, 10, ['cycle'], { cycle: 2 }, 7); // index 10: phase 3/7
  const phase = 3 / 7;
  for (const [k, v] of [Math.sin(2 * Math.PI * phase), Math.cos(2 * Math.PI * phase), Math.sin(4 * Math.PI * phase), Math.cos(4 * Math.PI * phase)].entries()) {
    assert.ok(Math.abs(out[k]! - v) < 1e-12, `column ${k}: ${out[k]} against ${v}`);
  }
  calendarFeatures(out, 0, 15 * DAY, ['cycle'], {}, 11 * DAY); // dated stamps: the period in ms
  assert.ok(Math.abs(out[0]! - Math.sin((2 * Math.PI * 4) / 11)) < 1e-12);
});
