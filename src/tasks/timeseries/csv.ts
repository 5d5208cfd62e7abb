// A small, strict CSV reader for time series: RFC 4180 quoting ("a,b", doubled "" inside quotes), a
// header row, CRLF or LF. Numeric columns fail with a DataError naming the row and column of a missing or
// non-numeric cell, or skip such rows and count them when asked. Not a general CSV library.
import { readFileSync } from 'node:fs';
import { DataError } from '../../errors.js';

/** A parsed CSV: the header and the data rows. */
export interface CsvTable {
  /** The file (or 'csv') named in error messages. */
  source: string;
  header: string[];
  rows: string[][];
  /** The file line each row starts on (1-based; the header is line 1). */
  lines: number[];
}

/**
 * Parses CSV text with a header row. Quoted fields may hold commas, newlines and doubled quotes. Blank
 * lines are ignored; a row with another number of fields than the header is a DataError naming its line.
 * @example
 * parseCsv('date,temp\n2012-01-01,12.8\n').rows; // [['2012-01-01', '12.8']]
 */
export function parseCsv(text: string, source = 'csv'): CsvTable {
  const records: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let startLine = 1;
  let sawQuote = false;
  const endField = (): void => { fields.push(field); field = ''; sawQuote = false; };
  const endRecord = (): void => {
    endField();
    if (!(fields.length === 1 && fields[0] === '')) records.push({ fields, line: startLine });
    fields = [];
  };
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quoted) {
      if (ch === '"') {
        if (s[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field === '' && !sawQuote) {
      quoted = true;
      sawQuote = true;
    } else if (ch === ',') endField();
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && s[i + 1] === '\n') i++;
      endRecord();
      line++;
      startLine = line;
    } else field += ch;
  }
  if (quoted) throw new DataError(`${source} line ${startLine}: expected a closing quote ("), got the end of the file`, 'a quoted field must end with "');
  if (field !== '' || fields.length > 0) endRecord();
  const head = records.shift();
  if (!head) throw new DataError(`${source}: expected a header row and data rows, got an empty file`, 'the first line names the columns');
  const header = head.fields.map((h) => h.trim());
  for (const r of records) {
    if (r.fields.length !== header.length) {
      throw new DataError(`${source} line ${r.line}: expected ${header.length} fields (as the header), got ${r.fields.length}`,
        'quote fields that contain commas ("a,b")');
    }
  }
  if (records.length === 0) throw new DataError(`${source}: expected data rows after the header, got none`);
  return { source, header, rows: records.map((r) => r.fields), lines: records.map((r) => r.line) };
}

/** Reads and parses a CSV file (see `parseCsv`). */
export function readCsv(path: string): CsvTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new DataError(`--csv ${path}: expected a readable file, got ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      'check the path; short names such as vega:seattle-weather.csv read the installed vega-datasets');
  }
  return parseCsv(text, path);
}

/** The index of column `name`; a DataError listing the columns when it is not there. */
export function columnIndex(t: CsvTable, name: string, flag = 'column'): number {
  const i = t.header.indexOf(name);
  if (i < 0) throw new DataError(`${flag} '${name}': expected one of the CSV's columns (${t.header.join(', ')}), got '${name}'`, `columns are named by ${t.source}'s header row`);
  return i;
}

/** Parses one numeric cell: a finite number, else null. Empty, NA and NaN are missing. */
export function parseNumber(cell: string): number | null {
  const c = cell.trim();
  if (c === '') return null;
  const v = Number(c);
  return Number.isFinite(v) ? v : null;
}

/**
 * Which rows have a number in every one of `columns`. With `skip` false (the default) the first bad cell
 * throws a DataError naming its row (file line) and column; with `skip` true such rows are left out and
 * counted. Returns the kept row indices and the number skipped.
 */
export function numericRows(t: CsvTable, columns: readonly string[], skip = false): { keep: number[]; skipped: number } {
  const idx = columns.map((c) => columnIndex(t, c));
  const keep: number[] = [];
  let skipped = 0;
  t.rows.forEach((row, r) => {
    for (let k = 0; k < idx.length; k++) {
      const cell = row[idx[k]!]!;
      if (parseNumber(cell) === null) {
        if (skip) { skipped++; return; }
        throw new DataError(`${t.source} row ${r + 1} (line ${t.lines[r] ?? r + 2}), column '${columns[k]}': expected a number, got ${cell.trim() === '' ? 'an empty cell' : `'${cell}'`}`,
          'fix or remove the row, or pass --skip-bad to leave out rows with missing or non-numeric cells (they are counted)');
      }
    }
    keep.push(r);
  });
  return { keep, skipped };
}
