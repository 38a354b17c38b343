/**
 * Exact binomial tail probabilities (docs/methodology.md, "Win rate": the win-rate gate's one-sided p-value).
 */
import { internalError } from '../errors.js';
import { regularizedIncompleteBeta } from './beta.js';

/**
 * P(X >= k) for X ~ Binomial(n, p), exact.
 *
 * Source: the identity P(X >= k) = I_p(k, n - k + 1) for 1 <= k <= n (Abramowitz & Stegun
 * 26.5.24), so no sum of n pmf terms and no loss of relative precision in tiny tails.
 * P(X >= k) = 1 for k <= 0 and 0 for k > n. O(sqrt(n)) (the incomplete beta's continued fraction).
 */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (!Number.isInteger(n) || n < 0) throw internalError(`binomialUpperTail: n must be an integer >= 0, got ${n}`);
  if (!Number.isInteger(k)) throw internalError(`binomialUpperTail: k must be an integer, got ${k}`);
  if (!(p >= 0 && p <= 1)) throw internalError(`binomialUpperTail: p must be in [0, 1], got ${p}`);
  if (k <= 0) return 1;
  if (k > n) return 0;
  // I_0 = 0 and I_1 = 1, matching a degenerate binomial.
  return regularizedIncompleteBeta(p, k, n - k + 1);
}
