// metrics.jsonl: one JSON object per logging step or evaluation, appended as training goes. On resume
// the lines past the checkpoint's step are dropped, so the file reads as one uninterrupted run.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic.js';

export type MetricsRecord = Record<string, number | string | boolean | null>;

export class MetricsLog {
  constructor(readonly path: string | null) {}

  append(record: MetricsRecord): void {
    if (this.path) appendFileSync(this.path, `${JSON.stringify(record)}\n`);
  }

  /** Keeps only the records up to and including `step` (resuming from a checkpoint taken there). */
  truncateAfter(step: number): void {
    if (!this.path || !existsSync(this.path)) return;
    const keep = readFileSync(this.path, 'utf8').split('\n').filter((line) => {
      if (line.trim() === '') return false;
      try {
        return ((JSON.parse(line) as { step?: number }).step ?? 0) <= step;
      } catch {
        return false;
      }
    });
    writeFileAtomic(this.path, new TextEncoder().encode(keep.map((l) => `${l}\n`).join('')));
  }
}

/** Reads a metrics.jsonl file (for reports and tests); malformed lines are skipped. */
export function readMetrics(path: string): MetricsRecord[] {
  return readFileSync(path, 'utf8').split('\n').flatMap((line) => {
    try {
      return line.trim() ? [JSON.parse(line) as MetricsRecord] : [];
    } catch {
      return [];
    }
  });
}
