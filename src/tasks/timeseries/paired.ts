// The paired test behind every "is the more complex forecaster worth it?" choice in this task: losses of a
// simple and a complex model on the same blocks of data before the test span, and the mean gain measured in
// standard errors of the block differences (blocks of consecutive points, since errors are autocorrelated).

/** Mean gain of the complex model, its standard error, and whether the gain exceeds `z` standard errors. */
export interface PairedGain {
  keep: boolean;
  mean: number;
  se: number;
}

/**
 * d_b = simple_b − complex_b per block b (lower loss is better), d̄ = mean, se = sd(d)/√B; keep the complex
 * model iff d̄ > z·se. z = 1 is the one-standard-error rule (Breiman et al. 1984; Hastie et al., ESL §7.10);
 * z = 2 a one-sided test at about the 5 % level. Fewer than 2 blocks: keep nothing.
 * @example
 * pairedGain([1.0, 1.1, 0.9], [0.8, 0.9, 0.7]).keep; // true: 0.2 better on every block
 */
export function pairedGain(simple: readonly number[], complex: readonly number[], z = 1): PairedGain {
  const B = Math.min(simple.length, complex.length);
  if (B < 2) return { keep: false, mean: 0, se: Infinity };
  const d = Array.from({ length: B }, (_, b) => simple[b]! - complex[b]!);
  const mean = d.reduce((a, v) => a + v, 0) / B;
  const se = Math.sqrt(d.reduce((a, v) => a + (v - mean) ** 2, 0) / (B - 1) / B);
  return { keep: mean > z * se, mean, se };
}

/** The mean of a list of losses (0 for none). */
export function meanOf(v: readonly number[]): number {
  return v.reduce((a, w) => a + w, 0) / Math.max(1, v.length);
}
