// Time stamps and calendar covariates: parsing a --time column (ISO dates, "Jan 1 2000", or year,month,day
// columns), the series' step, the time stamps after the last one, and the sin/cos calendar features
// (hour of day, day of week, day of year) that DeepAR-style models read beside the series, and, for series
// without dates, the phase of their detected period.

const DAY = 86_400_000;
const YEAR = 365.2425 * DAY;
const MONTH = YEAR / 12;

/** Which periodic calendar features a series gets: 'day' (hour of day), 'week' (day of week), 'year', or
 * 'cycle', the phase of the series' own period where its stamps give no calendar (see `cycleKind`). */
export type CalendarKind = 'day' | 'week' | 'year' | 'cycle';

/**
 * Milliseconds since 1970 (UTC) of a date cell, or null. ISO dates ("2012-01-31", "2012-01-31 06:00",
 * "2012-01-31T06:00:00") and anything Date.parse reads ("Jan 1 2000") are taken as calendar dates: no
 * time-zone shift. Several cells (year, month, day[, hour]) combine into one date.
 */
export function parseTime(cells: readonly string[]): number | null {
  if (cells.length > 1) {
    const v = cells.map((c) => Number(c.trim()));
    if (v.some((x) => !Number.isInteger(x))) return null;
    const [y, m, d, h] = [v[0]!, v[1]!, v[2] ?? 1, v[3] ?? 0];
    if (m < 1 || m > 12 || d < 1 || d > 31) return null;
    return Date.UTC(y, m - 1, d, h);
  }
  const c = (cells[0] ?? '').trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?Z?$/.exec(c);
  if (iso) {
    const [y, m, d, h, mi, s] = iso.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
    return Date.UTC(y!, m! - 1, d!, h, mi, s);
  }
  if (c === '' || /^-?\d+(\.\d+)?$/.test(c)) return c === '' ? null : Number(c); // plain numbers: an index
  const ms = Date.parse(c);
  if (!Number.isFinite(ms)) return null;
  const l = new Date(ms);
  return Date.UTC(l.getFullYear(), l.getMonth(), l.getDate(), l.getHours(), l.getMinutes(), l.getSeconds());
}

/** The median gap between consecutive time stamps (ms); 1 for fewer than two. */
export function medianStep(times: ArrayLike<number>): number {
  const d: number[] = [];
  for (let i = 1; i < times.length; i++) d.push(times[i]! - times[i - 1]!);
  if (d.length === 0) return 1;
  d.sort((a, b) => a - b);
  return Math.max(1, d[d.length >> 1]!);
}

/** True when the stamps are daily (or finer) dates that never fall on a Saturday or Sunday (trading days). */
export function weekdaysOnly(times: ArrayLike<number>): boolean {
  if (times.length < 14 || medianStep(times) > DAY) return false;
  for (let i = 0; i < times.length; i++) {
    const wd = new Date(times[i]!).getUTCDay();
    if (wd === 0 || wd === 6) return false;
  }
  return true;
}

/**
 * The calendar features worth giving a series with this step: hour of day below daily steps, day of week
 * for daily (or finer) steps, day of year for steps up to a quarter when the span covers a year. None for
 * plain index stamps (values below 1e9 ms, i.e. not dates).
 */
export function calendarKinds(times: ArrayLike<number>): CalendarKind[] {
  if (times.length < 2 || Math.abs(times[0]!) < 1e9) return [];
  const step = medianStep(times);
  const span = times[times.length - 1]! - times[0]!;
  const kinds: CalendarKind[] = [];
  if (step < DAY) kinds.push('day');
  if (step <= DAY) kinds.push('week');
  if (step <= 92 * DAY && span >= YEAR) kinds.push('year');
  return kinds;
}

/** Harmonics per calendar kind (absent: 1, the kind's sin/cos pair only). */
export type Harmonics = Partial<Record<CalendarKind, number>>;

/**
 * 2 values per kind: sin and cos of the phase (hour of day / 24, day of week / 7, day of year / 365.2425; for
 * 'cycle', the stamp over `cycle`, the period's length in stamp units, modulo 1); then, kind by kind, sin and
 * cos of m times its phase for m = 2 … harmonics[kind]; then, for each kind in `alternating`, the cosine of the
 * next harmonic (see `alternatingFor`).
 */
export function calendarFeatures(out: Float32Array | Float64Array, offset: number, ms: number, kinds: readonly CalendarKind[], harmonics: Harmonics = {}, cycle = 1,
  alternating: readonly CalendarKind[] = []): void {
  let k = offset;
  const phaseOf = (kind: CalendarKind): number => {
    if (kind === 'day') return (((ms % DAY) + DAY) % DAY) / DAY;
    if (kind === 'week') return (((Math.floor(ms / DAY) + 4) % 7) + 7) % 7 / 7; // 1970-01-01 was a Thursday
    if (kind === 'cycle') return ms / cycle - Math.floor(ms / cycle);
    return (ms - Date.UTC(new Date(ms).getUTCFullYear(), 0, 1)) / YEAR;
  };
  for (const kind of kinds) {
    out[k++] = Math.sin(2 * Math.PI * phaseOf(kind));
    out[k++] = Math.cos(2 * Math.PI * phaseOf(kind));
  }
  for (const kind of kinds) {
    for (let m = 2; m <= (harmonics[kind] ?? 1); m++) {
      out[k++] = Math.sin(2 * Math.PI * m * phaseOf(kind));
      out[k++] = Math.cos(2 * Math.PI * m * phaseOf(kind));
    }
  }
  for (const kind of kinds) if (alternating.includes(kind)) out[k++] = Math.cos(2 * Math.PI * ((harmonics[kind] ?? 1) + 1) * phaseOf(kind));
}

/**
 * The harmonics that describe every seasonal shape of the calendar kinds a series with this step has, as
 * many columns as season dummies (but an alternating one, except at 4 steps: `alternatingFor`): the day of
 * year for P = 365.2425 days / step ≤ 12 steps a year (monthly: ⌊(P − 1)/2⌋ = 5, 10 columns; daily data keeps
 * one smooth yearly wave, the rest left to lags), the day of week 3 (6 columns for 7 days; 2 for trading days,
 * 4 for 5). Where lags do not reach the season, a smooth wave and its first overtone: the day of year 2 for
 * weekly steps (P ≤ 60). The same rule for the 'cycle' of `period` steps: ⌊(period − 1)/2⌋ up to 12 steps, 2 up
 * to 60. Kinds left at 1 are omitted.
 */
export function harmonicsFor(kinds: readonly CalendarKind[], step: number, tradingDays: boolean, period: number | null = null): Harmonics {
  const out: Harmonics = {};
  if (kinds.includes('cycle') && period !== null) {
    const m = period <= 12 ? Math.floor((period - 1) / 2) : period <= 60 ? 2 : 1;
    if (m > 1) out.cycle = m;
  }
  const P = Math.round(YEAR / step);
  if (kinds.includes('week')) out.week = tradingDays ? 2 : 3;
  if (kinds.includes('year') && P <= 12 && Math.floor((P - 1) / 2) > 1) out.year = Math.floor((P - 1) / 2);
  else if (kinds.includes('year') && P > 12 && P <= 60) out.year = 2;
  return out;
}

/** The steps of a year where that is a season's natural length (4 for quarterly steps, 12 for monthly), else null. */
export function calendarCycle(step: number): number | null {
  const P = Math.round(YEAR / step);
  return P === 4 || P === 12 ? P : null;
}

/**
 * The kinds whose season has 4 steps (the day of year for quarterly steps, a 'cycle' of period 4): they also get
 * the alternating term, harmonic 2, as one column, its cosine ((−1)^i at step i; its sine is 0 at every step),
 * so that with the first harmonic every quarterly shape is a calendar effect, as 3 season dummies are: a
 * fourth-quarter peak is a quarter alternating, and the first harmonic alone cannot tell the second quarter from
 * the fourth. Not for 6 … 12 steps, where it is one column of 5 … 11: on monthly series it bought nothing and
 * cost a little (airline-like, seeds 1–20: geometric mean over the best baseline 0.772 → 0.781 at h = 1; CO₂
 * MASE 0.275 → 0.276).
 */
export function alternatingFor(kinds: readonly CalendarKind[], step: number, period: number | null = null): CalendarKind[] {
  return kinds.filter((k) => (k === 'cycle' && period === 4) || (k === 'year' && calendarCycle(step) === 4));
}

/**
 * The kinds for a series whose stamps give none (`calendarKinds`: index stamps, or dates too coarse for a
 * calendar) but that has a seasonal period of at least 3 steps: the phase of that period, counted from stamp 0
 * (for index stamps, the first row), so that a season is a calendar effect as it is for dated series. Without
 * it such series got their season from lags alone and lost to AR(p) (20 seeds each of an undated weekly or
 * 12-step season on a trend, h = 1 and 7: 13 and 22 losses to a baseline of 40 comparisons; with it 0 and 4).
 */
export function cycleKind(kinds: readonly CalendarKind[], period: number | null): CalendarKind[] {
  return kinds.length === 0 && period !== null && period >= 3 ? ['cycle'] : [...kinds];
}

/**
 * The next `count` time stamps after `last`, `step` apart; steps of whole calendar months (a month, a quarter,
 * half a year or a year, ±3 days per month) advance by calendar months from `last`'s day, so that quarterly
 * data stays on quarter starts; trading-day series skip Saturdays and Sundays.
 */
export function futureTimes(last: number, step: number, count: number, skipWeekends: boolean): number[] {
  const out: number[] = [];
  const months = [1, 3, 6, 12].find((m) => Math.abs(step - m * MONTH) <= 3 * m * DAY);
  if (months !== undefined && Math.abs(last) >= 1e9) {
    const d = new Date(last);
    for (let k = 1; k <= count; k++) out.push(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + k * months, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()));
    return out;
  }
  let t = last;
  while (out.length < count) {
    t += step;
    if (skipWeekends) {
      const wd = new Date(t).getUTCDay();
      if (wd === 0 || wd === 6) continue;
    }
    out.push(t);
  }
  return out;
}

/**
 * How many stamps come later than one step after the one before them (by `futureTimes`: calendar months for
 * monthly to yearly steps, weekdays for trading days; later by more than half a step): a missing month, a
 * trading holiday. The model reads the rows as consecutive steps, so a run reports these.
 * @example
 * timeGaps([Date.UTC(2000, 0, 1), Date.UTC(2000, 1, 1), Date.UTC(2000, 3, 1)], 31 * 86_400_000, false); // 1: March is missing
 */
export function timeGaps(times: ArrayLike<number>, step: number, skipWeekends: boolean): number {
  let gaps = 0;
  for (let i = 1; i < times.length; i++) if (times[i]! > futureTimes(times[i - 1]!, step, 1, skipWeekends)[0]! + step / 2) gaps++;
  return gaps;
}

/** ISO text of a time stamp for output files: a date when it falls on midnight UTC, else date and time. */
export function formatTime(ms: number): string {
  if (Math.abs(ms) < 1e9) return String(ms);
  const iso = new Date(ms).toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ');
}
