// Entry of `npm run bench` (build/bench/main.js): times recur's workloads against PyTorch; see bench/run.ts
// for what it does and README's Speed section for the output. Also the child process of each recur run.
import { runBench } from './run.js';

process.exitCode = runBench(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
