import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Measurement } from '../../bench/measure.js';
import type { PeerRun } from '../../bench/peers.js';
import { type PeerRow, type RecurRow, formatRatio, formatTable, formatValue, jsonLine, speedRatio } from '../../bench/report.js';
import { compare, peerRows, recurRow, runBench } from '../../bench/run.js';
import { median, timeSteps } from '../../bench/timing.js';

const run = (ms: number, threads = 2): Measurement =>
  ({ workload: 'W1', metric: 'tokens/s', value: 0, median_ms: ms, threads, backend: 'native', isa: 'avx512', check: 4.5 });
const peer = (ms: number, threads: number): PeerRun =>
  ({ workload: 'W1', median_ms: ms, value: 0, threads, torch: '1.13.0', blas: 'OpenBLAS Cooperlake, 1 thread' });

test('median takes the middle value, or the mean of the two middle ones', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.throws(() => median([]), RangeError);
});

test('timeSteps warms up, then times at least the asked number of calls', () => {
  let calls = 0;
  const ms = timeSteps(() => { calls++; }, 4, 2, 0, 0);
  assert.equal(ms.length, 4);
  assert.equal(calls, 6);
  assert.ok(ms.every((t) => t >= 0));
});

test('recur\'s row is the median of its runs, with the metric recomputed from that time', () => {
  const r = recurRow('W1', [run(100), run(300), run(200)]);
  assert.equal(r.median_ms, 200);
  assert.equal(r.value, (32 * 64) / 0.2);
  assert.deepEqual([r.threads, r.backend, r.isa, r.runs], [2, 'native', 'avx512', 3]);
});

test('the peer\'s best thread count is the fastest, and recur is compared with it (GEMMs at equal threads)', () => {
  const peers = peerRows('W1', new Map([[1, [peer(40, 1), peer(44, 1)]], [2, [peer(50, 2)]]]));
  assert.deepEqual(peers.map((p) => [p.threads, p.median_ms, p.best]), [[1, 42, true], [2, 50, false]]);
  const rows = [recurRow('W1', [run(21)])];
  compare(rows, peers);
  assert.equal(rows[0]!.peer?.threads, 1);
  assert.ok(Math.abs(rows[0]!.ratio! - 2) < 1e-12);
  const g = peerRows('G-32x320x1024', new Map([[1, [{ ...peer(1, 1), workload: 'G-32x320x1024' as const }]], [2, [{ ...peer(2, 2), workload: 'G-32x320x1024' as const }]]]));
  const gRows = [{ ...recurRow('G-32x320x1024', [run(1)]) }];
  compare(gRows, g);
  assert.equal(gRows[0]!.peer?.threads, 2, 'GEMMs compare at the same thread count');
  const w4 = peerRows('W4', new Map([[1, [{ ...peer(300, 1), workload: 'W4' as const }]], [2, [{ ...peer(250, 2), workload: 'W4' as const }]]]));
  assert.equal(w4.find((p) => p.best)?.threads, 2, 'for µs/step lower is better');
});

test('speed ratios are above 1 when recur is faster, whichever way the metric points', () => {
  assert.equal(speedRatio(200, 100, true), 2);
  assert.equal(speedRatio(25, 50, false), 2);
});

test('JSON lines carry workload, metric, value, median_ms, threads and backend, then the peer fields', () => {
  const row: RecurRow = { workload: 'W4', metric: 'µs/step', value: 31.234567, median_ms: 31.234567, threads: 2, backend: 'native', isa: 'avx512', runs: 1,
    peer: { backend: 'pytorch', value: 300, threads: 1 }, ratio: 9.6047 };
  const r = JSON.parse(jsonLine(row)) as Record<string, unknown>;
  assert.deepEqual(Object.keys(r), ['workload', 'metric', 'value', 'median_ms', 'threads', 'backend', 'isa', 'runs', 'peer', 'peer_value', 'peer_threads', 'ratio']);
  assert.deepEqual([r['value'], r['ratio'], r['peer']], [31.23, 9.6, 'pytorch']);
  const p: PeerRow = { workload: 'W4', metric: 'µs/step', value: 300, median_ms: 300, threads: 1, backend: 'pytorch', version: '1.13.0', blas: null, runs: 1, best: true };
  assert.deepEqual(Object.keys(JSON.parse(jsonLine(p)) as object), ['workload', 'metric', 'value', 'median_ms', 'threads', 'backend', 'version', 'blas', 'runs', 'best']);
  const alone = JSON.parse(jsonLine({ ...row, peer: undefined, ratio: undefined } as unknown as RecurRow)) as Record<string, unknown>;
  assert.equal('ratio' in alone, false);
});

test('the table has a peer column only when a peer ran', () => {
  const row: RecurRow = { workload: 'W1', metric: 'tokens/s', value: 81234.5, median_ms: 25.2, threads: 2, backend: 'native', isa: 'avx512', runs: 1 };
  const alone = formatTable([row]).split('\n');
  assert.match(alone[0]!, /^workload +metric +recur +median ms +threads +backend$/);
  assert.match(alone[2]!, /^W1 +tokens\/s +81235 +25\.2 +2 +native \(avx512\)$/);
  const both = formatTable([{ ...row, peer: { backend: 'pytorch', value: 40000, threads: 1 }, ratio: 2.03 }]).split('\n');
  assert.match(both[0]!, /pytorch +threads +recur\/pytorch$/);
  assert.match(both[2]!, /40000 +1 +2\.03×$/);
  assert.equal(formatValue(1.234), '1.23');
  assert.equal(formatValue(0.01234), '0.0123');
  assert.equal(formatRatio(0.0112), '0.011×');
});

test('the bench prints its help, and bad options exit 2 with an error and a hint', () => {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
  assert.equal(runBench(['--help'], io), 0);
  assert.match(out.join('\n'), /^usage: npm run bench -- \[options\]/);
  assert.equal(runBench(['--only', 'W7'], io), 2);
  assert.match(err[0]!, /^error: --only: expected workload names/);
  assert.match(err[1]!, /^hint: /);
  assert.equal(runBench(['--frobnicate'], io), 2);
  assert.match(err[3]!, /^hint: see npm run bench -- --help$/);
});
