// Output of `npm run bench`: the rows (recur's, with the peer's best and the ratio; each peer run's), the
// table, and the JSON lines {"workload","metric","value","median_ms","threads","backend", …} of README's Speed.
import type { Measurement } from './measure.js';
import type { Metric, WorkloadName } from './workloads.js';

/** recur's median at one thread count, compared with the peer's best where a peer ran. */
export interface RecurRow extends Omit<Measurement, 'check'> {
  /** How many runs (rounds) the medians are over. */
  runs: number;
  peer?: { backend: string; value: number; threads: number };
  /** recur's speed over the peer's: value / peer for throughputs, peer / value for µs/step (> 1: recur is faster). */
  ratio?: number;
}

/** A peer's median at one thread count. */
export interface PeerRow {
  workload: WorkloadName;
  metric: Metric;
  value: number;
  median_ms: number;
  threads: number;
  backend: 'pytorch' | 'tfjs-wasm';
  version: string;
  blas: string | null;
  runs: number;
  /** The peer's best thread count for this workload (the one recur is compared with). */
  best: boolean;
}

/** recur's speed relative to a peer's: > 1 means recur is faster, whichever way the metric points. */
export function speedRatio(recur: number, peer: number, higherIsBetter: boolean): number {
  return higherIsBetter ? recur / peer : peer / recur;
}

const sig = (v: number, digits = 4): number => (Number.isFinite(v) && v !== 0 ? Number(v.toPrecision(digits)) : v);

/** One JSON line per row; numbers rounded to 4 significant digits (ratios 3). */
export function jsonLine(row: RecurRow | PeerRow): string {
  const base = { workload: row.workload, metric: row.metric, value: sig(row.value), median_ms: sig(row.median_ms), threads: row.threads, backend: row.backend };
  if ('isa' in row) {
    const peer = row.peer ? { peer: row.peer.backend, peer_value: sig(row.peer.value), peer_threads: row.peer.threads, ratio: sig(row.ratio ?? NaN, 3) } : {};
    return JSON.stringify({ ...base, isa: row.isa, runs: row.runs, ...peer });
  }
  return JSON.stringify({ ...base, version: row.version, blas: row.blas, runs: row.runs, best: row.best });
}

/** A value for the table: 3–4 significant figures, no exponent. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toPrecision(3);
}

/** A ratio for the table: "2.41×", "0.013×". */
export function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return '—';
  return `${r >= 10 ? r.toFixed(1) : r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}×`;
}

/** The table: one line per recur row, with the peer's best and the ratio when any peer ran. */
export function formatTable(rows: readonly RecurRow[]): string {
  const withPeer = rows.some((r) => r.peer);
  const head = ['workload', 'metric', 'recur', 'median ms', 'threads', 'backend', ...(withPeer ? ['pytorch', 'threads', 'recur/pytorch'] : [])];
  const body = rows.map((r) => [
    r.workload, r.metric, formatValue(r.value), formatValue(r.median_ms), String(r.threads), `${r.backend} (${r.isa})`,
    ...(withPeer ? (r.peer ? [formatValue(r.peer.value), String(r.peer.threads), formatRatio(r.ratio ?? NaN)] : ['—', '—', '—']) : []),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const left = new Set([0, 1, 5]);
  const line = (cells: readonly string[]): string => cells.map((c, i) => (left.has(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
