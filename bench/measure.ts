// One recur measurement: build a workload, warm up, time `steps` calls, report the median with the active
// backend's name, ISA and threads. main.ts runs each one in a child process (`--child W`), so RECUR_THREADS
// can differ per run and no workload inherits another's heap.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { backend } from '../src/backend/index.js';
import { lastJsonLine } from './peers.js';
import { median, timeSteps } from './timing.js';
import { type Metric, type Sizes, type WorkloadName, makeWorkload } from './workloads.js';

/** What one recur run reports (also the child's JSON line). */
export interface Measurement {
  workload: WorkloadName;
  metric: Metric;
  value: number;
  median_ms: number;
  threads: number;
  backend: string;
  isa: string;
  /** The last step's loss (or an output checksum): proof the step did real work. */
  check: number;
}

/** Times `name` in this process on the active backend: warm-up, then the median of `steps` calls. */
export function measure(name: WorkloadName, steps: number, sizes: Sizes = {}): Measurement {
  const w = makeWorkload(name, sizes);
  const ms = median(timeSteps(() => w.step(), steps, w.warmup));
  const be = backend('float32');
  return { workload: name, metric: w.metric, value: w.value(ms), median_ms: ms, threads: be.threads, backend: be.name, isa: be.isa, check: w.check() };
}

/** build/bench/main.js, the entry the children run. */
const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

/** Runs `measure` in a child node process (with RECUR_THREADS=threads unless null); a failure comes back as a problem. */
export function measureInChild(name: WorkloadName, steps: number, threads: number | null): Measurement | { problem: string } {
  const env = threads === null ? process.env : { ...process.env, RECUR_THREADS: String(threads) };
  const r = spawnSync(process.execPath, [...process.execArgv, MAIN, '--child', name, '--steps', String(steps)],
    { env, encoding: 'utf8', timeout: 3_600_000, maxBuffer: 1 << 24 });
  const line = r.status === 0 ? lastJsonLine(r.stdout) : null;
  if (!line || typeof line['median_ms'] !== 'number') {
    const why = r.error ? r.error.message : r.stderr.trim().split('\n').slice(-5).join('\n') || `exit ${r.status}`;
    return { problem: `recur ${name}${threads === null ? '' : ` at ${threads} threads`} failed: ${why}` };
  }
  return line as unknown as Measurement;
}
