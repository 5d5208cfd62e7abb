// Runs every golden fixture in $RECUR_GOLDEN_DIR (default ../shared/golden) on the active backend:
// one line per fixture, then "N passed, M failed". Exits 1 if any fails or is not understood.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { backend } from '../../src/backend/index.js';
import { compare, type Handler, loadFixture } from './fixture.js';
import { clipHandler } from './kinds/clip.js';
import { convHandler } from './kinds/conv.js';
import { crossEntropyHandler, ctcHandler } from './kinds/losses.js';
import { optimizerHandler } from './kinds/optimizer.js';
import { cellHandler, recurrentHandler } from './kinds/recurrent.js';

const handlers: Record<string, Handler> = {
  recurrent: recurrentHandler,
  cell: cellHandler,
  ctc: ctcHandler,
  cross_entropy: crossEntropyHandler,
  optimizer: optimizerHandler,
  clip_grad_norm: clipHandler,
  conv2d_relu_maxpool2: convHandler,
};

const OUT_TOL = { atol: 1e-5, rtol: 1e-5 };
const GRAD_TOL = { atol: 1e-4, rtol: 1e-4 };

const dir = resolve(process.env['RECUR_GOLDEN_DIR'] ?? '../shared/golden');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
const be = backend('float32');
console.log(`golden fixtures in ${dir} on backend ${be.name} (${be.isa})`);
let passed = 0;
let failed = 0;
for (const file of files) {
  const f = loadFixture(join(dir, file));
  let line: string;
  try {
    const handler = handlers[f.kind];
    if (!handler) throw new Error(`kind '${f.kind}' is not understood`);
    const res = handler(f, 'float32');
    let ok = true;
    let worst = 0;
    const bad: string[] = [];
    const check = (group: 'outputs' | 'grads', tol: { atol: number; rtol: number }): void => {
      for (const [k, ref] of Object.entries(f[group])) {
        const ours = res[group][k];
        const c = ours ? compare(ours, ref, tol.atol, tol.rtol) : { ok: false, maxErr: Infinity };
        if (!c.ok) { ok = false; bad.push(`${group}.${k}${ours ? '' : ' (missing)'}`); }
        worst = Math.max(worst, c.maxErr);
      }
    };
    check('outputs', OUT_TOL);
    check('grads', GRAD_TOL);
    line = `${f.name.padEnd(28)} ${ok ? 'PASS' : 'FAIL'}  max error ${worst.toExponential(2)}${bad.length ? `  (${bad.join(', ')})` : ''}`;
    if (ok) passed++; else failed++;
  } catch (e) {
    failed++;
    line = `${f.name.padEnd(28)} FAIL  ${(e as Error).message}`;
  }
  console.log(line);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || files.length === 0 ? 1 : 0);
