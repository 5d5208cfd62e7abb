// Finite-difference gradient checks in float64: central differences of a scalar loss against autograd.
import assert from 'node:assert/strict';
import type { Tensor } from '../../src/tensor/tensor.js';

/**
 * `loss()` rebuilds the graph from `inputs` and returns a one-element tensor. Each input value is nudged
 * by ±eps; the analytic gradient must match (|a − n| ≤ atol + rtol·|n|). Checks at most `maxPerInput`
 * positions per input (spread evenly) to keep big checks fast.
 */
export function gradcheck(loss: () => Tensor, inputs: readonly Tensor[], opts: { eps?: number; atol?: number; rtol?: number; maxPerInput?: number; names?: readonly string[] } = {}): void {
  const { eps = 1e-6, atol = 1e-6, rtol = 1e-5, maxPerInput = 64 } = opts;
  for (const t of inputs) {
    assert.equal(t.dtype, 'float64', 'gradcheck needs float64 inputs');
    t.grad = null;
    t.requiresGrad = true;
  }
  loss().backward();
  const analytic = inputs.map((t) => (t.grad ? Float64Array.from(t.grad) : new Float64Array(t.size)));
  inputs.forEach((t, k) => {
    const step = Math.max(1, Math.floor(t.size / maxPerInput));
    for (let i = 0; i < t.size; i += step) {
      const orig = t.data[i]!;
      t.data[i] = orig + eps;
      const up = loss().item();
      t.data[i] = orig - eps;
      const down = loss().item();
      t.data[i] = orig;
      const numeric = (up - down) / (2 * eps);
      const a = analytic[k]![i]!;
      const name = opts.names?.[k] ?? `input ${k}`;
      assert.ok(Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric),
        `${name}[${i}]: autograd ${a}, finite difference ${numeric}`);
    }
  });
}

/** Asserts |a − b| ≤ atol + rtol·|b| elementwise. */
export function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, { atol = 1e-6, rtol = 1e-6, name = 'value' } = {}): void {
  assert.equal(a.length, b.length, `${name}: length ${a.length} vs ${b.length}`);
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(a[i]! - b[i]!) <= atol + rtol * Math.abs(b[i]!), `${name}[${i}]: ${a[i]} vs ${b[i]}`);
  }
}
