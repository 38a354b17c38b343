/**
 * Exact lower binomial tail: the live win-rate check of `gauntlet monitor` (docs/lifecycle.md,
 * "Monitoring"), a one-sided exact test that the live win rate is below the backtest's.
 */
import { internalError } from '../errors.js';
import { regularizedIncompleteBeta } from './beta.js';

/**
 * P(X <= k) for X ~ Binomial(n, p), exact.
 *
 * Source: P(X <= k) = 1 - P(X >= k + 1) = I_{1-p}(n - k, k + 1) for 0 <= k < n (Abramowitz &
 * Stegun 26.5.24 with the symmetry I_x(a, b) = 1 - I_{1-x}(b, a)), evaluated directly, so a
 * tiny lower tail keeps its relative precision (no 1 - (1 - tiny)). P(X <= k) = 0 for k < 0
 * and 1 for k >= n. O(sqrt(n)) (the incomplete beta's continued fraction).
 */
export function binomialLowerTail(k: number, n: number, p: number): number {
  if (!Number.isInteger(n) || n < 0) throw internalError(`binomialLowerTail: n must be an integer >= 0, got ${n}`);
  if (!Number.isInteger(k)) throw internalError(`binomialLowerTail: k must be an integer, got ${k}`);
  if (!(p >= 0 && p <= 1)) throw internalError(`binomialLowerTail: p must be in [0, 1], got ${p}`);
  if (k < 0) return 0;
  if (k >= n) return 1;
  // I_1 = 1 (p = 0: no wins, so X <= k always) and I_0 = 0 (p = 1: X = n > k).
  return regularizedIncompleteBeta(1 - p, n - k, k + 1);
}
