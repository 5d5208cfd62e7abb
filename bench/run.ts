// `npm run bench`: for each workload, alternate recur runs (one child process per thread count) and PyTorch
// runs (1 and 2 threads) for the given rounds, take medians, compare recur with the peer's best thread count,
// then print the table or JSON lines. Progress goes to stderr; peers are optional and never fail the bench.
import { cpus, loadavg } from 'node:os';
import { backend } from '../src/backend/index.js';
import { RecurError } from '../src/errors.js';
import { type BenchArgs, benchHelp, parseBenchArgs } from './args.js';
import { type Measurement, measure, measureInChild } from './measure.js';
import { type PeerRun, runTorch, tfjsWasmPath, torchVersion } from './peers.js';
import { type PeerRow, type RecurRow, formatTable, formatValue, jsonLine, speedRatio } from './report.js';
import { MIN_TIMED_MS, median } from './timing.js';
import { DEFAULT_SIZES, type WorkloadName, metricOf, metricValue } from './workloads.js';

export interface BenchIo {
  out(line: string): void;
  err(line: string): void;
}

/** recur's row for one thread count: the median of its runs' medians (the value recomputed from that time). */
export function recurRow(name: WorkloadName, runs: readonly Measurement[]): RecurRow {
  const ms = median(runs.map((r) => r.median_ms));
  const first = runs[0]!;
  return { workload: name, metric: metricOf(name).metric, value: metricValue(name, {}, ms), median_ms: ms,
    threads: first.threads, backend: first.backend, isa: first.isa, runs: runs.length };
}

/** The peer's rows, one per thread count, with `best` on the fastest. */
export function peerRows(name: WorkloadName, byThreads: ReadonlyMap<number, readonly PeerRun[]>): PeerRow[] {
  const { metric, higherIsBetter } = metricOf(name);
  const rows: PeerRow[] = [];
  for (const [threads, runs] of byThreads) {
    if (runs.length === 0) continue;
    const ms = median(runs.map((r) => r.median_ms));
    rows.push({ workload: name, metric, value: metricValue(name, {}, ms), median_ms: ms, threads, backend: 'pytorch',
      version: runs[0]!.torch, blas: runs[0]!.blas, runs: runs.length, best: false });
  }
  const best = rows.reduce<PeerRow | null>((b, r) => (b === null || (higherIsBetter ? r.value > b.value : r.value < b.value) ? r : b), null);
  if (best) best.best = true;
  return rows;
}

/**
 * Adds the peer's result and recur's speed ratio to each recur row: the peer's best thread count, except for
 * the GEMMs, which compare at the same thread count when the peer ran at it (the G target).
 */
export function compare(rows: RecurRow[], peers: readonly PeerRow[]): void {
  const best = peers.find((p) => p.best);
  if (!best) return;
  for (const r of rows) {
    const same = r.workload.startsWith('G-') ? peers.find((p) => p.threads === r.threads) : undefined;
    const p = same ?? best;
    r.peer = { backend: p.backend, value: p.value, threads: p.threads };
    r.ratio = speedRatio(r.value, p.value, metricOf(r.workload).higherIsBetter);
  }
}

/** recur's thread counts to run (null: the backend's default); the js backend has only one. */
function recurThreads(args: BenchArgs, notes: string[]): (number | null)[] {
  if (args.threads.length === 0) return [null];
  if (backend('float32').name === 'js') {
    notes.push(`note: the js backend is single-threaded; --threads ${args.threads.join(',')} runs it once`);
    return [null];
  }
  return args.threads;
}

/** Runs the bench; returns the exit code (0, 1 if a recur run failed, 2 for bad options). */
export function runBench(argv: readonly string[], io: BenchIo): number {
  let args: BenchArgs;
  try {
    args = parseBenchArgs(argv);
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    if (!(e instanceof RecurError) && !code.startsWith('ERR_PARSE_ARGS')) throw e;
    io.err(`error: ${(e as Error).message}`);
    io.err(`hint: ${e instanceof RecurError && e.hint ? e.hint : 'see npm run bench -- --help'}`);
    return 2;
  }
  if (args.help) { io.out(benchHelp); return 0; }
  if (args.child) { io.out(JSON.stringify(measure(args.child, args.steps))); return 0; }

  const be = backend('float32');
  const notes: string[] = [];
  const load = loadavg()[0] ?? 0;
  if (load >= 1) notes.push(`note: load average ${load.toFixed(1)} on ${cpus().length} cores before starting: other processes will slow the timings, multi-threaded ones most`);
  const threadList = recurThreads(args, notes);
  let torch: string | null = null;
  if (args.peers) {
    const tv = torchVersion(args.python);
    if ('version' in tv) torch = tv.version;
    else notes.push(`note: PyTorch peer skipped: ${tv.problem}`);
    const tfjs = tfjsWasmPath();
    notes.push(tfjs === null ? 'note: tfjs-wasm peer skipped: @tensorflow/tfjs-backend-wasm is not installed'
      : `note: tfjs-wasm peer skipped: found ${tfjs}, but the bench has no tfjs port of the workloads yet`);
  }
  const header = [
    `recur bench: ${be.name} backend (${be.isa}), ${be.threads} thread${be.threads === 1 ? '' : 's'} by default; node ${process.versions.node}; ${cpus()[0]?.model ?? 'CPU'} × ${cpus().length}`,
    `median of ≥ ${args.steps} timed calls (and ≥ ${MIN_TIMED_MS} ms) after warm-up per run (W4: a call is 1000 steps); median of ${args.rounds} alternating round${args.rounds === 1 ? '' : 's'}`,
    torch === null ? 'peer: none' : `peer: PyTorch ${torch} via ${args.python} at ${args.peerThreads.join(' and ')} threads (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for it); recur is compared with its best (GEMMs: at equal threads)`,
  ];
  // The table's context goes with the table (stdout); with --json, stdout holds only JSON lines.
  for (const h of [...header, ...notes]) (args.json ? io.err(h) : io.out(h));

  const table: RecurRow[] = [];
  let failed = false;
  for (const name of args.workloads) {
    const mine = new Map<number | null, Measurement[]>(threadList.map((t) => [t, []]));
    const theirs = new Map<number, PeerRun[]>(args.peerThreads.map((t) => [t, []]));
    const runMine = (t: number | null): void => {
      const m = measureInChild(name, args.steps, t);
      if ('problem' in m) { io.err(`error: ${m.problem}`); failed = true; return; }
      mine.get(t)!.push(m);
      io.err(`  ${name} recur ${m.backend} ${m.threads}t: ${formatValue(m.value)} ${m.metric} (median ${formatValue(m.median_ms)} ms)`);
    };
    const runTheirs = (t: number): void => {
      const p = runTorch(args.python, name, t, args.steps, DEFAULT_SIZES[name]);
      if ('problem' in p) { io.err(`note: ${p.problem}`); return; }
      theirs.get(t)!.push(p);
      io.err(`  ${name} pytorch ${t}t: ${formatValue(p.value)} ${metricOf(name).metric} (median ${formatValue(p.median_ms)} ms)`);
    };
    const order: (() => void)[] = [...threadList.map((t) => () => runMine(t)), ...(torch === null ? [] : args.peerThreads.map((t) => () => runTheirs(t)))];
    // Odd rounds run in reverse order, so neither side always goes first.
    for (let round = 0; round < args.rounds; round++) for (const run of round % 2 === 0 ? order : [...order].reverse()) run();
    const rows = [...mine.values()].filter((runs) => runs.length > 0).map((runs) => recurRow(name, runs));
    const peers = peerRows(name, theirs);
    compare(rows, peers);
    table.push(...rows);
    if (args.json) for (const r of [...rows, ...peers]) io.out(jsonLine(r));
  }
  if (!args.json) {
    io.out('');
    io.out(formatTable(table));
  }
  return failed ? 1 : 0;
}
