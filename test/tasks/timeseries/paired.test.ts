import assert from 'node:assert/strict';
import { test } from 'node:test';
import { meanOf, pairedGain } from '../../../src/tasks/timeseries/paired.js';

test('a paired gain counts when it exceeds z standard errors of the block differences', () => {
  const steady = pairedGain([1.0, 1.1, 0.9, 1.2], [0.8, 0.9, 0.7, 1.0]);
  assert.ok(steady.keep && Math.abs(steady.mean - 0.2) < 1e-12 && steady.se < 1e-12);
  // differences 0.3, −0.1, 0.2, 0: mean 0.1, se ≈ 0.0913 → above 1 standard error, below 2
  const noisy = { simple: [1.3, 0.9, 1.2, 1.0], complex: [1.0, 1.0, 1.0, 1.0] };
  assert.equal(pairedGain(noisy.simple, noisy.complex, 1).keep, true);
  assert.equal(pairedGain(noisy.simple, noisy.complex, 2).keep, false);
  assert.ok(Math.abs(pairedGain(noisy.simple, noisy.complex).se - Math.sqrt(1 / 120)) < 1e-12);
  assert.equal(pairedGain([1, 2, 3], [2, 3, 4]).keep, false); // the complex model is worse
  assert.equal(pairedGain([5], [1]).keep, false); // one block says nothing about the spread
});

test('the mean of a list of losses, 0 for none', () => {
  assert.equal(meanOf([1, 2, 4.5]), 2.5);
  assert.equal(meanOf([]), 0);
});
