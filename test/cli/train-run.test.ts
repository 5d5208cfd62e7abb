import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultOutDir } from '../../src/cli/train-run.js';

test('default run folders are claimed: runs started in the same second get -2, -3, … instead of sharing one', () => {
  const root = join(mkdtempSync(join(tmpdir(), 'recur-out-')), 'runs');
  const dirs = [defaultOutDir('timeseries', root), defaultOutDir('timeseries', root), defaultOutDir('timeseries', root)];
  assert.equal(new Set(dirs).size, 3);
  for (const d of dirs) assert.ok(existsSync(d), d);
  assert.match(dirs[0]!, /timeseries-\d{8}-\d{6}$/);
  assert.equal(readdirSync(root).length, 3);
});
