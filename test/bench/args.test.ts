import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBenchArgs, selectWorkloads } from '../../bench/args.js';
import { WORKLOADS } from '../../bench/workloads.js';
import { ConfigError } from '../../src/errors.js';

test('the bench runs every workload for 10 steps with PyTorch at 1 and 2 threads by default', () => {
  const a = parseBenchArgs([]);
  assert.deepEqual(a.workloads, [...WORKLOADS]);
  assert.equal(a.steps, 10);
  assert.deepEqual(a.threads, []);
  assert.deepEqual(a.peerThreads, [1, 2]);
  assert.equal(a.rounds, 1);
  assert.equal(a.peers, true);
  assert.equal(a.json, false);
  assert.equal(a.python, '/usr/bin/python3');
  assert.equal(a.child, null);
});

test('--only W1,W4 picks W1, W4 and W4-seq in table order', () => {
  assert.deepEqual(parseBenchArgs(['--only', 'W4,W1']).workloads, ['W1', 'W4', 'W4-seq']);
  assert.deepEqual(selectWorkloads('w4-seq'), ['W4-seq']);
  assert.deepEqual(selectWorkloads('G'), ['G-32x320x1024', 'G-2048x64x1024', 'G-1024x1024x1024']);
  assert.deepEqual(selectWorkloads('g-1024x1024x1024, W5'), ['W5', 'G-1024x1024x1024']);
});

test('--steps, --threads, --peer-threads, --rounds, --no-peers and --json are read', () => {
  const a = parseBenchArgs(['--steps', '25', '--threads', '1,2,2', '--peer-threads', '2', '--rounds', '3', '--no-peers', '--json']);
  assert.equal(a.steps, 25);
  assert.deepEqual(a.threads, [1, 2]);
  assert.deepEqual(a.peerThreads, [2]);
  assert.equal(a.rounds, 3);
  assert.equal(a.peers, false);
  assert.equal(a.json, true);
});

test('--child names exactly one workload (W4 does not pull in W4-seq)', () => {
  assert.equal(parseBenchArgs(['--child', 'W4']).child, 'W4');
  assert.equal(parseBenchArgs(['--child', 'g-32x320x1024']).child, 'G-32x320x1024');
  assert.throws(() => parseBenchArgs(['--child', 'G']), ConfigError);
});

test('an unknown workload in --only throws ConfigError naming it', () => {
  assert.throws(() => parseBenchArgs(['--only', 'W1,W9']), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.code, 'bad_config');
    assert.match(e.message, /^--only: expected workload names from W1, W2, .*, got 'W9'$/);
    assert.match(e.hint, /--only W1,W4/);
    return true;
  });
  assert.throws(() => parseBenchArgs(['--only', ',']), /--only: expected at least one workload, got ','/);
});

test('non-positive or non-integer counts throw ConfigError with an example', () => {
  for (const [flag, v] of [['--steps', '0'], ['--steps', 'ten'], ['--threads', '1,x'], ['--rounds', '1.5'], ['--peer-threads', '']] as const) {
    assert.throws(() => parseBenchArgs([flag, v]), (e: unknown) => {
      assert.ok(e instanceof ConfigError, `${flag} ${v}`);
      assert.equal(e.code, 'bad_config');
      assert.match(e.message, new RegExp(`^${flag}: expected `));
      assert.match(e.hint, /^e\.g\. /);
      return true;
    });
  }
});
