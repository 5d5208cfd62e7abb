import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { compare, loadFixture } from '../golden/fixture.js';
import { crossEntropyHandler, ctcHandler } from '../golden/kinds/losses.js';

const dir = resolve(process.env['RECUR_GOLDEN_DIR'] ?? '../shared/golden');
const cases = [
  ['cross_entropy', crossEntropyHandler],
  ['cross_entropy_smooth', crossEntropyHandler],
  ['ctc_mean', ctcHandler],
  ['ctc_sum_repeats', ctcHandler],
] as const;

for (const [name, handler] of cases) {
  test(`${name} matches PyTorch's float64 loss and gradients to 1e-10 in float64`, () => {
    const f = loadFixture(join(dir, `${name}.json`));
    const res = handler(f, 'float64');
    for (const group of ['outputs', 'grads'] as const) {
      for (const [k, ref] of Object.entries(f[group])) {
        const ours = res[group][k];
        assert.ok(ours, `${group}.${k} is missing`);
        const c = compare(ours, ref, 1e-10, 1e-10);
        assert.ok(c.ok, `${group}.${k}: max error ${c.maxErr}`);
      }
    }
  });
}
