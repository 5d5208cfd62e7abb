// Command-line options of `npm run bench` (bench/main.ts): which workloads, how many timed steps, recur's
// thread counts, the peers' thread counts, rounds, JSON output. Bad options throw ConfigError with a hint.
import { parseArgs } from 'node:util';
import { ConfigError } from '../src/errors.js';
import { WORKLOADS, type WorkloadName } from './workloads.js';

export const benchHelp = `usage: npm run bench -- [options]

Times recur's workloads on the active backend (RECUR_BACKEND=js|native) and, where present, the same
workloads in PyTorch (/usr/bin/python3 with torch) — alternating, in one run — and prints a table.

options:
  --only LIST          workloads, comma-separated (default all): W1 W2 W3 W4 W4-seq W5 G, or one GEMM
                       shape G-32x320x1024, G-2048x64x1024, G-1024x1024x1024; W4 includes W4-seq, G all shapes
  --steps N            timed steps per measurement, after warm-up (default 10; W4: repetitions of 1000 steps)
  --threads LIST       recur thread counts, e.g. 1,2 (each runs with RECUR_THREADS=T; default: the backend's)
  --peer-threads LIST  PyTorch thread counts; the best one is compared (default 1,2)
  --rounds N           alternate recur and peer runs N times and report the medians (default 1)
  --no-peers           time recur only
  --python PATH        the python that has torch (default /usr/bin/python3)
  --json               one JSON object per line instead of the table
  --help               this text`;

export interface BenchArgs {
  workloads: WorkloadName[];
  steps: number;
  /** Empty: one run at the backend's default thread count. */
  threads: number[];
  peerThreads: number[];
  rounds: number;
  peers: boolean;
  python: string;
  json: boolean;
  help: boolean;
  /** Internal: run this one workload in this process and print its JSON line (how main.ts runs each thread count). */
  child: WorkloadName | null;
}

function positiveInt(arg: string, s: string, max = 1_000_000): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new ConfigError(`--${arg}: expected an integer in [1, ${max}], got '${s}'`, `e.g. --${arg} ${arg === 'steps' ? 10 : 2}`);
  }
  return n;
}

function intList(arg: string, s: string): number[] {
  const parts = s.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) throw new ConfigError(`--${arg}: expected a comma-separated list of thread counts, got '${s}'`, `e.g. --${arg} 1,2`);
  return [...new Set(parts.map((p) => positiveInt(arg, p, 1024)))];
}

/** Resolves `--only` names (case-insensitive; W4 also picks W4-seq, G picks every GEMM shape), in canonical order. */
export function selectWorkloads(spec: string): WorkloadName[] {
  const want = new Set<WorkloadName>();
  for (const raw of spec.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const key = raw.toUpperCase();
    const hits = WORKLOADS.filter((w) => w.toUpperCase() === key || (key === 'W4' && w === 'W4-seq') || (key === 'G' && w.startsWith('G-')));
    if (hits.length === 0) {
      throw new ConfigError(`--only: expected workload names from ${WORKLOADS.join(', ')} (or G), got '${raw}'`, 'e.g. --only W1,W4');
    }
    for (const w of hits) want.add(w);
  }
  if (want.size === 0) throw new ConfigError(`--only: expected at least one workload, got '${spec}'`, 'e.g. --only W1,W4');
  return WORKLOADS.filter((w) => want.has(w));
}

/** Parses the bench's argv (what follows `npm run bench --`). */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      only: { type: 'string' },
      steps: { type: 'string', default: '10' },
      threads: { type: 'string' },
      'peer-threads': { type: 'string', default: '1,2' },
      rounds: { type: 'string', default: '1' },
      'no-peers': { type: 'boolean', default: false },
      python: { type: 'string', default: '/usr/bin/python3' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      child: { type: 'string' },
    },
  });
  let child: WorkloadName | null = null;
  if (values.child !== undefined) {
    const w = WORKLOADS.find((n) => n.toUpperCase() === values.child!.toUpperCase());
    if (w === undefined) throw new ConfigError(`--child: expected one of ${WORKLOADS.join(', ')}, got '${values.child}'`);
    child = w;
  }
  return {
    workloads: values.only === undefined ? [...WORKLOADS] : selectWorkloads(values.only),
    steps: positiveInt('steps', values.steps),
    threads: values.threads === undefined ? [] : intList('threads', values.threads),
    peerThreads: intList('peer-threads', values['peer-threads']),
    rounds: positiveInt('rounds', values.rounds, 100),
    peers: !values['no-peers'],
    python: values.python,
    json: values.json,
    help: values.help,
    child,
  };
}
