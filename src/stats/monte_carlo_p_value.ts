/**
 * Monte Carlo p-value of an upper-tailed test: reported beside the mean-shift check of
 * `gauntlet monitor` (docs/lifecycle.md, "Monitoring").
 */

/**
 * (1 + #{sims >= observed}) / (P + 1) (Davison & Hinkley 1997, eq. 4.11): the share of the
 * P null simulations at least as extreme as the observed statistic, counting the observed one
 * itself, so the p-value is never 0 and the test of size alpha is exact. O(P).
 */
export function monteCarloPValue(sims: ArrayLike<number>, observed: number): number {
  let atLeast = 0;
  for (let i = 0; i < sims.length; i++) if (sims[i] >= observed) atLeast++;
  return (1 + atLeast) / (sims.length + 1);
}
