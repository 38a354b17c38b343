import { describe, expect, it } from 'vitest';
import { binomialLowerTail } from '../../src/stats/binomial_lower_tail.js';
import { binomialUpperTail } from '../../src/stats/binomial.js';

/** Plain reference twin: P(X <= k) as the sum of pmf terms built by the ratio recurrence. O(n). */
function lowerTailBySummation(k: number, n: number, p: number): number {
  let pmf = (1 - p) ** n;
  let tail = 0;
  for (let j = 0; j <= n; j++) {
    if (j <= k) tail += pmf;
    pmf *= ((n - j) / (j + 1)) * (p / (1 - p));
  }
  return tail;
}

describe('binomialLowerTail', () => {
  it('matches direct summation of the pmf for small n', () => {
    for (const n of [1, 2, 5, 15, 32, 60]) {
      for (const p of [0.05, 0.375, 0.6854, 0.95]) {
        for (let k = -1; k <= n; k++) {
          const want = lowerTailBySummation(k, n, p);
          const got = binomialLowerTail(k, n, p);
          expect(Math.abs(got - want), `k=${k}, n=${n}, p=${p}: ${got} vs ${want}`).toBeLessThanOrEqual(1e-12 * Math.max(want, 1e-300) + 1e-300);
        }
      }
    }
  });

  it('is the complement of the upper tail: P(X <= k) + P(X >= k + 1) = 1', () => {
    for (const [n, p] of [[48, 0.375], [300, 0.57], [2000, 0.1]] as const) {
      for (const k of [0, 1, Math.floor(n * p), n - 1]) expect(binomialLowerTail(k, n, p) + binomialUpperTail(k + 1, n, p)).toBeCloseTo(1, 12);
    }
  });

  it('matches scipy binom.cdf(k, n, p), tiny tails included', () => {
    // scipy 1.17.1, printed with repr().
    expect(binomialLowerTail(6, 15, 0.6854)).toBeCloseTo(0.021030932737196726, 12);
    expect(binomialLowerTail(20, 32, 0.6854)).toBeCloseTo(0.2873273760955698, 12);
    const tiny = binomialLowerTail(0, 200, 0.5);
    expect(Math.abs(tiny / 2 ** -200 - 1)).toBeLessThan(1e-12);
  });

  it('edges: k < 0 is 0, k >= n is 1, p = 0 and p = 1 are degenerate', () => {
    expect(binomialLowerTail(-1, 10, 0.3)).toBe(0);
    expect(binomialLowerTail(10, 10, 0.3)).toBe(1);
    expect(binomialLowerTail(0, 10, 0)).toBe(1);
    expect(binomialLowerTail(9, 10, 1)).toBe(0);
    expect(() => binomialLowerTail(1.5, 10, 0.3)).toThrow(/integer/);
    expect(() => binomialLowerTail(1, 10, 1.2)).toThrow(/\[0, 1\]/);
  });
});
