import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Io } from '../../src/cli/io.js';
import { makeReporter } from '../../src/train/progress.js';

function recorder(isTty: boolean): Io & { lines: string[]; raw: string } {
  const r = { lines: [] as string[], raw: '', isTty, out: (t: string) => { r.lines.push(t); }, err: (t: string) => { r.lines.push(t); }, errRaw: (t: string) => { r.raw += t; } };
  return r;
}

const update = { step: 50, steps: 200, progress: 0.25, elapsedSec: 30, rate: 51234, unit: 'tokens', loss: 1.5, lr: 2e-3, val: { loss: 1.1, bpc: 1.6 } };

test('on a terminal the progress is one updating line with a bar, ETA, throughput, loss and validation', () => {
  const io = recorder(true);
  const rep = makeReporter(io, false);
  rep.update(update);
  assert.match(io.raw, /^\r\[######------------------\] {2}25% step 50\/200 00:30 < 01:30 \| 51\.2k tokens\/s \| loss 1\.500 \| val bpc 1\.600/);
  rep.note('evaluated');
  assert.match(io.raw, /\r\x1b\[Kevaluated\n\r\[#/);
  assert.equal(io.lines.length, 0);
});

test('without a terminal each logging step is one plain line, and --quiet prints nothing', () => {
  const io = recorder(false);
  makeReporter(io, false).update(update);
  assert.deepEqual(io.lines, ['step 50/200  loss 1.5000  lr 2.00e-3  51.2k tokens/s  elapsed 00:30 | val bpc 1.600']);
  assert.equal(io.raw, '');
  const q = recorder(false);
  const rep = makeReporter(q, true);
  rep.update(update);
  rep.note('x');
  assert.deepEqual(q.lines, []);
});
