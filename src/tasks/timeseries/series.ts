// Series from a CSV table: the target (and feature) columns, split by a group column, ordered by time; the
// time split (the last 20 % of each series is the test span) and per-series scaling fitted on the
// training span only, as DeepAR scales each item by its own statistics.
import { ConfigError, DataError } from '../../errors.js';
import { type CsvTable, columnIndex, numericRows, parseNumber } from './csv.js';
import { formatTime, parseTime } from './time.js';

/** Which columns make the series (names as in the CSV header). */
export interface SeriesColumns {
  target: string;
  /** One column of dates, or several (year, month, day[, hour]) that together make one. */
  time?: readonly string[];
  /** Extra numeric columns read as lagged inputs. */
  features?: readonly string[];
  /** A column whose values name separate series (e.g. stock symbols); one shared model learns them all. */
  group?: string;
}

/** One series: N values in time order, their time stamps (ms) and feature columns. */
export interface Series {
  /** The group value ('' without --group). */
  key: string;
  values: Float64Array;
  /** N time stamps (ms since 1970, UTC), or null without a time column (then steps are 0, 1, 2, …). */
  times: Float64Array | null;
  /** One array of N values per feature column. */
  features: Float64Array[];
}

/** Mean and standard deviation of a training span: z = (y − mean) / std. */
export interface Scaling {
  mean: number;
  std: number;
  /** c of the 'log1p' transform log(1 + y/c) (target only; see transform.ts). */
  shift?: number;
}

/**
 * Reads series from a table. Rows with a missing or non-numeric target/feature cell, or an unreadable time,
 * throw a DataError naming row and column, or (with `skipBad`) are left out and counted in `skipped`.
 * Each group keeps the file's row order unless a time column is given, then it is sorted by time; a time
 * stamp that repeats within a group is a DataError naming both rows, or (with `skipBad`) its later rows are
 * left out and counted: one series has one value per step.
 */
export function seriesFromTable(t: CsvTable, cols: SeriesColumns, skipBad = false): { series: Series[]; skipped: number } {
  const features = cols.features ?? [];
  const timeCols = cols.time ?? [];
  const all = [cols.target, ...features];
  const dup = [...all, ...timeCols, ...(cols.group ? [cols.group] : [])].find((c, i, a) => a.indexOf(c) !== i);
  if (dup) throw new ConfigError(`column '${dup}': expected each column in one role only, got it twice`, '--target, --time, --features and --group name different columns');
  const ti = timeCols.map((c) => columnIndex(t, c, '--time'));
  columnIndex(t, cols.target, '--target');
  features.forEach((f) => columnIndex(t, f, '--features'));
  const gi = cols.group !== undefined ? columnIndex(t, cols.group, '--group') : -1;
  const { keep, skipped: badNumbers } = numericRows(t, all, skipBad);
  let skipped = badNumbers;
  const idx = all.map((c) => t.header.indexOf(c));
  const groups = new Map<string, { v: number[][]; time: number[]; row: number[] }>();
  for (const r of keep) {
    const row = t.rows[r]!;
    let time = NaN;
    if (ti.length > 0) {
      const ms = parseTime(ti.map((i) => row[i]!));
      if (ms === null) {
        if (skipBad) { skipped++; continue; }
        throw new DataError(`${t.source} row ${r + 1} (line ${t.lines[r] ?? r + 2}), column '${timeCols.join(',')}': expected a date, got '${ti.map((i) => row[i]).join(',')}'`,
          'dates read as 2012-01-31, 2012-01-31 06:00 or Jan 31 2012; several --time columns are year,month,day[,hour]; or pass --skip-bad');
      }
      time = ms;
    }
    const key = gi >= 0 ? row[gi]!.trim() : '';
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { v: all.map(() => []), time: [], row: [] }));
    idx.forEach((c, k) => g!.v[k]!.push(parseNumber(row[c]!)!));
    g.time.push(time);
    g.row.push(r);
  }
  const series: Series[] = [];
  for (const [key, g] of groups) {
    let order = g.time.map((_, i) => i);
    if (ti.length > 0) {
      order.sort((a, b) => g.time[a]! - g.time[b]! || a - b);
      const repeats = order.filter((i, k) => k > 0 && g.time[i] === g.time[order[k - 1]!]);
      if (repeats.length > 0 && !skipBad) {
        const later = repeats[0]!;
        const first = order[order.indexOf(later) - 1]!;
        const at = (i: number): string => `${g.row[i]! + 1} (line ${t.lines[g.row[i]!] ?? g.row[i]! + 2})`;
        throw new DataError(`${t.source} rows ${at(first)} and ${at(later)}${key ? ` (${cols.group} '${key}')` : ''}, column '${timeCols.join(',')}': expected one row per time stamp, got ${formatTime(g.time[later]!)} twice`,
          cols.group ? 'remove the repeated rows, or pass --skip-bad to keep the first of each' : 'remove the repeated rows, pass --group COL if the file holds several series, or --skip-bad to keep the first of each');
      }
      skipped += repeats.length;
      const dropped = new Set(repeats);
      order = order.filter((i) => !dropped.has(i));
    }
    const pick = (a: number[]): Float64Array => Float64Array.from(order, (i) => a[i]!);
    series.push({ key, values: pick(g.v[0]!), times: ti.length > 0 ? pick(g.time) : null, features: g.v.slice(1).map(pick) });
  }
  return { series, skipped };
}

/** Where the test span of a series of length n starts: the last round(0.2·n) values (at least 1) are test. */
export function testStart(n: number, testFraction = 0.2): number {
  return n - Math.max(1, Math.round(testFraction * n));
}

/** Mean and std (population) of values[0, end): the scaling of a series fitted on its training span only. */
export function fitScaling(values: ArrayLike<number>, end: number): Scaling {
  if (end < 1) throw new DataError(`scaling: expected at least one training value, got ${end}`);
  let s = 0;
  for (let i = 0; i < end; i++) s += values[i]!;
  const mean = s / end;
  let v = 0;
  for (let i = 0; i < end; i++) v += (values[i]! - mean) ** 2;
  const std = Math.sqrt(v / end);
  return { mean, std: std > 1e-9 * (Math.abs(mean) + 1) ? std : 1 };
}

/** (v − mean) / std for every value. */
export function scaleValues(values: ArrayLike<number>, s: Scaling): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = (values[i]! - s.mean) / s.std;
  return out;
}

/** Checks that every series is long enough to train on: `need` training values at least. */
export function expectLongEnough(series: readonly Series[], need: number): void {
  for (const s of series) {
    const n = testStart(s.values.length);
    if (n < need) {
      throw new DataError(`series${s.key ? ` '${s.key}'` : ''}: expected at least ${need} training values (before the 20 % test span), got ${n}`,
        'give a longer series, or a smaller --window or --lags');
    }
  }
}
