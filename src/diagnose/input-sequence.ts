// The input sequence x_1 … x_T the diagnostic runs a cell on: seeded N(0, 1) values, or a file, either a
// JSON array of T rows of I numbers (a flat array is T rows of one number) or a CSV of T rows × I columns.
import { readFileSync } from 'node:fs';
import { DataError } from '../errors.js';
import type { Rng } from '../tensor/rng.js';

/** x [T, I] row-major, float64. */
export interface InputSequence {
  T: number;
  I: number;
  x: Float64Array;
}

/** T steps of I values drawn from N(0, 1) by `rng`. */
export function randomSequence(T: number, I: number, rng: Rng): InputSequence {
  const x = new Float64Array(T * I);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  return { T, I, x };
}

function fromRows(rows: number[][], source: string): InputSequence {
  if (rows.length === 0) throw new DataError(`${source}: expected at least one row (one per step), got none`, 'the file needs T rows of I numbers');
  const I = rows[0]!.length;
  if (I === 0) throw new DataError(`${source} row 1: expected at least one number, got an empty row`);
  const x = new Float64Array(rows.length * I);
  rows.forEach((r, t) => {
    if (r.length !== I) throw new DataError(`${source} row ${t + 1}: expected ${I} values (as row 1), got ${r.length}`, 'every step needs the same number of features');
    x.set(r, t * I);
  });
  return { T: rows.length, I, x };
}

function finite(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new DataError(`${where}: expected a finite number, got ${JSON.stringify(v) ?? String(v)}`, 'inputs are plain numbers (no NaN, Infinity or strings)');
  }
  return v;
}

/** Parses a JSON array: [[x11, …, x1I], …, [xT1, …, xTI]], or [x1, …, xT] for I = 1. */
export function parseJsonSequence(text: string, source = 'input'): InputSequence {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new DataError(`${source}: expected JSON, got invalid JSON (${(e as Error).message})`, 'give an array of rows, e.g. [[0.1, 2], [0.3, -1]]');
  }
  if (!Array.isArray(v)) throw new DataError(`${source}: expected a JSON array of T rows, got ${v === null ? 'null' : typeof v}`, 'give an array of rows, e.g. [[0.1, 2], [0.3, -1]]');
  const flat = v.length > 0 && !Array.isArray(v[0]);
  const rows = v.map((r: unknown, t) => {
    if (flat) return [finite(r, `${source}[${t}]`)];
    if (!Array.isArray(r)) throw new DataError(`${source}[${t}]: expected an array of numbers (one step), got ${JSON.stringify(r)}`, 'mix no numbers and rows: all rows, or all numbers for one feature');
    return r.map((c: unknown, i) => finite(c, `${source}[${t}][${i}]`));
  });
  return fromRows(rows, source);
}

/** Parses CSV: one step per line, comma-separated numbers; blank lines and a first line of non-numbers (a header) are skipped. */
export function parseCsvSequence(text: string, source = 'input'): InputSequence {
  const lines = text.split(/\r?\n/).map((l, n) => ({ l: l.trim(), n: n + 1 })).filter(({ l }) => l !== '');
  const isNum = (c: string): boolean => c.trim() !== '' && Number.isFinite(Number(c));
  if (lines.length > 0 && lines[0]!.l.split(',').every((c) => !isNum(c))) lines.shift();
  const rows = lines.map(({ l, n }) => l.split(',').map((c, i) => {
    if (!isNum(c)) throw new DataError(`${source} line ${n}, column ${i + 1}: expected a finite number, got '${c.trim()}'`, 'every cell of the CSV is a number; only the first line may be a header');
    return Number(c);
  }));
  return fromRows(rows, source);
}

/** Reads a sequence file: JSON when it ends in .json or starts with '[', else CSV. Throws DataError. */
export function readSequenceFile(path: string): InputSequence {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new DataError(`--input ${path}: expected a readable file, got ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder' : (e as Error).message}`,
      "give 'random' or a .json / .csv file of T rows × I columns");
  }
  const json = path.toLowerCase().endsWith('.json') || text.trimStart().startsWith('[');
  return json ? parseJsonSequence(text, path) : parseCsvSequence(text, path);
}
