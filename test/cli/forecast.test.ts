import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { recur } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'forecast-cli-'));

test('recur forecast without a model file, or with a model of another task, exits 2 with a hint', () => {
  const missing = recur(['forecast', join(dir, 'nope.safetensors'), '--csv', 'vega:stocks.csv']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /^error: /m);
  const help = recur(['forecast', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /usage: recur forecast MODEL --csv FILE/);
});

test('recur forecast reads vega: short names and rejects a CSV without the model columns', () => {
  const out = join(dir, 'run');
  const csv = join(dir, 'y.csv');
  writeFileSync(csv, `t,y\n${Array.from({ length: 120 }, (_, i) => `${i},${Math.sin(i / 3) + 0.01 * i}`).join('\n')}\n`);
  const r = recur(['train', 'timeseries', '--csv', csv, '--target', 'y', '--steps', '2', '--hidden', '4', '--window', '12', '--batch', '4', '--samples', '10', '--quiet', '--out', out, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const f = recur(['forecast', out, '--csv', csv, '--horizon', '3']);
  assert.equal(f.status, 0, f.stderr);
  assert.deepEqual(f.stdout.trim().split('\n').map((l) => l.split(',')[0]), ['step', '120', '121', '122']);
  const wrong = recur(['forecast', out, '--csv', 'vega:stocks.csv']);
  assert.equal(wrong.status, 2);
  assert.match(wrong.stderr, /error: --target 'y': expected one of the CSV's columns \(symbol, date, price\)/);
  const badName = recur(['forecast', out, '--csv', 'vega:no-such-file']);
  assert.equal(badName.status, 2);
  assert.match(badName.stderr, /expected a CSV in vega-datasets\/data/);
});
