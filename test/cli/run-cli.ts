// Runs the real `recur` binary in a child process (as a user would) and collects its output.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

export const BIN = resolve('build/src/cli/bin.js');

export interface CliResult { status: number | null; stdout: string; stderr: string }

export function recur(args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts recur without waiting; for tests that signal it. */
export function recurAsync(args: string[]): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}
