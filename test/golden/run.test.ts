import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

const shared = resolve(process.env['RECUR_GOLDEN_DIR'] ?? '../shared/golden');
const runner = resolve('build/test/golden/run.js');

function run(dir: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [runner], { env: { ...process.env, RECUR_GOLDEN_DIR: dir, RECUR_BACKEND: 'js' }, encoding: 'utf8' });
  return { status: r.status, out: r.stdout };
}

test('the golden runner reads its folder from RECUR_GOLDEN_DIR and passes a correct fixture', () => {
  const dir = mkdtempSync(join(tmpdir(), 'golden-'));
  copyFileSync(join(shared, 'lstm_1layer.json'), join(dir, 'lstm_1layer.json'));
  const r = run(dir);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /lstm_1layer\s+PASS/);
  assert.match(r.out, /^1 passed, 0 failed$/m);
});

test('the golden runner fails a fixture whose reference values are off, and one it does not understand', () => {
  const dir = mkdtempSync(join(tmpdir(), 'golden-'));
  const fx = JSON.parse(readFileSync(join(shared, 'gru_1layer.json'), 'utf8'));
  fx.grads.weight_hh_l0[0][0] += 1e-3;
  writeFileSync(join(dir, 'gru_off.json'), JSON.stringify(fx));
  writeFileSync(join(dir, 'mystery.json'), JSON.stringify({ kind: 'transformer', config: {} }));
  const odd = JSON.parse(readFileSync(join(shared, 'rnn_1layer.json'), 'utf8'));
  odd.config.time_travel = true;
  writeFileSync(join(dir, 'rnn_odd.json'), JSON.stringify(odd));
  const r = run(dir);
  assert.equal(r.status, 1);
  assert.match(r.out, /gru_off\s+FAIL .*grads\.weight_hh_l0/);
  assert.match(r.out, /mystery\s+FAIL\s+kind 'transformer' is not understood/);
  assert.match(r.out, /rnn_odd\s+FAIL .*config key 'time_travel'/);
  assert.match(r.out, /^0 passed, 3 failed$/m);
});
