// What `recur report` reads from a run folder: metrics.jsonl split into training, evaluation and probe
// series, and model.safetensors when present. Missing or unreadable parts are recorded, not thrown, so a
// report can say what a run lacks.
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ConfigError, RecurError } from '../errors.js';
import { type ModelFile, loadModelFile } from '../io/model-file.js';
import { type MetricsRecord, readMetrics } from '../train/metrics.js';

/** One metric over training: y[i] at step x[i]. */
export interface StepSeries {
  name: string;
  x: number[];
  y: number[];
}

/** A run folder, read. */
export interface RunFolder {
  dir: string;
  /** The folder's own name. */
  name: string;
  /** Every metrics.jsonl record (empty when the file is missing). */
  records: MetricsRecord[];
  /** Why there are no records, or null. */
  metricsProblem: string | null;
  model: ModelFile | null;
  /** Why there is no model, or null. */
  modelProblem: string | null;
}

/**
 * Reads DIR/metrics.jsonl and DIR/model.safetensors. Throws ConfigError when DIR is not a folder; a
 * missing or damaged file only sets `metricsProblem` / `modelProblem`.
 */
export function readRunFolder(dir: string): RunFolder {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) {
    throw new ConfigError(`RUN_DIR '${dir}': expected a run folder (holding metrics.jsonl and model.safetensors), got ${existsSync(dir) ? 'a file' : 'nothing there'}`,
      'pass the --out folder of a `recur train` run');
  }
  const run: RunFolder = { dir, name: basename(resolve(dir)), records: [], metricsProblem: null, model: null, modelProblem: null };
  const metrics = join(dir, 'metrics.jsonl');
  if (existsSync(metrics)) {
    run.records = readMetrics(metrics);
    if (run.records.length === 0) run.metricsProblem = 'metrics.jsonl holds no records';
  } else run.metricsProblem = 'the folder has no metrics.jsonl';
  const modelFile = join(dir, 'model.safetensors');
  if (existsSync(modelFile)) {
    try {
      run.model = loadModelFile(modelFile);
    } catch (e) {
      if (!(e instanceof RecurError)) throw e;
      run.modelProblem = `model.safetensors could not be read: ${e.message}`;
    }
  } else run.modelProblem = 'the folder has no model.safetensors';
  return run;
}

/**
 * The numeric field `field` over steps, from the records that have it (evaluations carry `val_*`
 * fields, logging steps `loss`, `grad_h_lag_*`, `gate_sat_*`). Non-finite values are kept as gaps by the
 * plots; records without a numeric `step` are skipped.
 */
export function stepSeries(records: readonly MetricsRecord[], field: string, name = field): StepSeries {
  const s: StepSeries = { name, x: [], y: [] };
  for (const r of records) {
    const v = r[field];
    if (typeof r['step'] !== 'number' || typeof v !== 'number') continue;
    s.x.push(r['step']);
    s.y.push(v);
  }
  return s;
}

/** Fields starting with `prefix` that any record has, in the order of their numeric suffix (else by name). */
export function fieldsWithPrefix(records: readonly MetricsRecord[], prefix: string): string[] {
  const seen = new Set<string>();
  for (const r of records) for (const k of Object.keys(r)) if (k.startsWith(prefix) && typeof r[k] === 'number') seen.add(k);
  const key = (k: string): number => Number(k.slice(prefix.length));
  return [...seen].sort((a, b) => (Number.isFinite(key(a)) && Number.isFinite(key(b)) ? key(a) - key(b) : a.localeCompare(b)));
}
