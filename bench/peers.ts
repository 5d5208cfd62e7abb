// The bench's peers: PyTorch through /usr/bin/python3 (bench/torch_peer.py, one process per workload and
// thread count) and tfjs's wasm backend (detected only). A missing or failing peer is a note, never an error.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Sizes, WorkloadName } from './workloads.js';

/** One peer measurement, as torch_peer.py prints it. */
export interface PeerRun {
  workload: WorkloadName;
  median_ms: number;
  value: number;
  threads: number;
  torch: string;
  /** The BLAS torch loaded, e.g. "OpenBLAS Cooperlake, 1 thread", or null. */
  blas: string | null;
}

/** bench/torch_peer.py in the source tree (this file runs from build/bench/). */
export const TORCH_PEER = fileURLToPath(new URL('../../bench/torch_peer.py', import.meta.url));

/**
 * The peer's environment at `threads`: OpenBLAS and OpenMP pinned to that many threads (torch.set_num_threads
 * does not reach OpenBLAS), and this machine's OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE presets removed — they
 * select slower kernels and halve OpenBLAS's speed. recur's own environment is left as it is.
 */
export function peerEnv(base: NodeJS.ProcessEnv, threads: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  delete env['OPENBLAS_CORETYPE'];
  delete env['OPENBLAS_L2_SIZE'];
  for (const k of ['OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS']) env[k] = String(threads);
  return env;
}

/** torch's version when `python -c "import torch"` works, else why not. */
export function torchVersion(python: string): { version: string } | { problem: string } {
  const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { env: peerEnv(process.env, 1), encoding: 'utf8', timeout: 120_000 });
  if (r.error) return { problem: `${python} cannot run (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})` };
  if (r.status !== 0) return { problem: `${python} cannot import torch` };
  return { version: r.stdout.trim() };
}

/** The last line of `stdout` that parses as a JSON object, or null. */
export function lastJsonLine(stdout: string): Record<string, unknown> | null {
  const lines = stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('{'));
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      const v: unknown = JSON.parse(lines[i]!);
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch { /* not JSON: keep looking */ }
  }
  return null;
}

/** Runs one workload in PyTorch at `threads` for `steps` timed steps with recur's sizes. */
export function runTorch(python: string, workload: WorkloadName, threads: number, steps: number, sizes: Sizes): PeerRun | { problem: string } {
  const args = [TORCH_PEER, workload, String(threads), String(steps), JSON.stringify(sizes)];
  const r = spawnSync(python, args, { env: peerEnv(process.env, threads), encoding: 'utf8', timeout: 1_800_000 });
  const line = r.status === 0 ? lastJsonLine(r.stdout) : null;
  if (!line || typeof line['median_ms'] !== 'number' || typeof line['value'] !== 'number') {
    const why = r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`);
    return { problem: `torch_peer.py ${workload} ${threads} failed: ${why}` };
  }
  return {
    workload, median_ms: line['median_ms'], value: line['value'],
    threads: typeof line['threads'] === 'number' ? line['threads'] : threads,
    torch: String(line['torch'] ?? '?'), blas: typeof line['blas'] === 'string' ? line['blas'] : null,
  };
}

/** Where `@tensorflow/tfjs-backend-wasm` resolves from here, or null (it is not a dependency of recur). */
export function tfjsWasmPath(): string | null {
  try {
    return createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
  } catch {
    return null;
  }
}
