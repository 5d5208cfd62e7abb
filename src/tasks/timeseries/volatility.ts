// A local volatility scale for heteroscedastic series (volatility clustering, as in RiskMetrics' EWMA or a
// GARCH(1,1) without fitted coefficients): the model's σ is multiplied by the recent size of its own one-step
// standardised residuals, read from the context window it forecasts from. Off unless the spec asks for it.

/** Stored in the spec: the half-life (in steps) of the exponential weights over recent residuals. */
export interface LocalVolatility {
  halfLife: number;
}

/** Half-lives tried on the validation spans (besides none); the window bounds the history they can read. */
export const HALF_LIVES = [4, 16, 64];

/** Weight of the prior e² = 1 (the model's own scale), in observations: a single residual cannot set v alone. */
export const VOLATILITY_PRIOR = 1;

/**
 * v = √[(κ + Σ_k w_k e_k²) / (κ + Σ_k w_k)], w_k = 2^(−age_k / halfLife), over standardised one-step residuals
 * e = (z − μ)/σ given oldest first (age 0 is the last); κ = VOLATILITY_PRIOR. v > 1 after large surprises,
 * v < 1 in calm spells; v = 1 without residuals. The forecast uses σ·v at every step.
 * @example
 * volatilityRatio([0.1, -0.2, 3, -2.5], 4); // ≈ 1.9: the last two steps were surprising
 */
export function volatilityRatio(e: ArrayLike<number>, halfLife: number): number {
  const decay = 0.5 ** (1 / halfLife);
  let num = VOLATILITY_PRIOR;
  let den = VOLATILITY_PRIOR;
  let w = 1;
  for (let i = e.length - 1; i >= 0; i--) {
    num += w * e[i]! * e[i]!;
    den += w;
    w *= decay;
  }
  return Math.sqrt(num / den);
}
