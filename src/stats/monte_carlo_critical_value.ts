/**
 * The critical value of a Monte Carlo test: the mean-shift check of `gauntlet monitor`
 * (docs/lifecycle.md, "Monitoring") alarms when its statistic exceeds it.
 */

/**
 * For an upper-tailed Monte Carlo test with P simulated statistics under the null, the
 * observed statistic s is significant at level alpha when its Monte Carlo p-value
 * (1 + #{sims >= s}) / (P + 1) is <= alpha (Davison & Hinkley 1997, "Bootstrap Methods and
 * their Application", eq. 4.11: the +1s make the test exact, of size <= alpha, for
 * exchangeable simulations). That holds exactly when s > h, h being the (c + 1)-th largest
 * simulated value, c = floor(alpha (P + 1)) - 1: with ties and atoms (a CUSUM maximum is
 * exactly 0 on many paths) the strict comparison keeps the size <= alpha. Returns +Infinity
 * when P < 1 / alpha - 1 (too few simulations to ever reach alpha). O(P) (selection on a copy).
 */
export function monteCarloCriticalValue(sims: Float64Array, alpha: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`monteCarloCriticalValue: alpha must be in (0, 1), got ${alpha}`);
  const P = sims.length;
  // Rounded first: alpha (P + 1) for alpha = 0.05, P = 99 is 4.999... in floating point.
  const c = Math.floor(Math.round(alpha * (P + 1) * 1e9) / 1e9) - 1;
  if (c < 0) return Number.POSITIVE_INFINITY;
  const sorted = Float64Array.from(sims).sort();
  return sorted[P - 1 - c];
}
