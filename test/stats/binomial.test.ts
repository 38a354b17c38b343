import { describe, expect, it } from 'vitest';
import { GauntletError } from '../../src/errors.js';
import { binomialUpperTail } from '../../src/stats/binomial.js';

/** Plain reference twin: P(X >= k) as the sum of pmf terms built by the ratio recurrence. O(n). */
function upperTailBySummation(k: number, n: number, p: number): number {
  let pmf = (1 - p) ** n; // P(X = 0)
  let tail = 0;
  for (let j = 0; j <= n; j++) {
    if (j >= k) tail += pmf;
    pmf *= ((n - j) / (j + 1)) * (p / (1 - p));
  }
  return tail;
}

describe('binomialUpperTail', () => {
  it('matches direct summation of the pmf for small n', () => {
    for (const n of [1, 2, 5, 13, 40]) {
      for (const p of [0.03, 0.3, 0.57, 0.9]) {
        for (let k = 0; k <= n; k++) {
          const want = upperTailBySummation(k, n, p);
          const got = binomialUpperTail(k, n, p);
          expect(Math.abs(got - want), `k=${k}, n=${n}, p=${p}: ${got} vs ${want}`).toBeLessThanOrEqual(1e-13 * Math.max(want, 1e-300) + 1e-300);
        }
      }
    }
  });

  it('matches scipy binom.sf(k - 1, n, p)', () => {
    // scipy 1.17.1, printed with repr().
    const cases: [number, number, number, number][] = [
      [5, 20, 0.3, 0.7624922211223987],
      [15, 20, 0.3, 4.294002195359168e-5],
      [1, 1000, 0.001, 0.6323045752290359],
      [600, 1000, 0.5, 1.3642320780329735e-10],
    ];
    for (const [k, n, p, want] of cases) {
      expect(Math.abs(binomialUpperTail(k, n, p) - want)).toBeLessThanOrEqual(1e-12 * want);
    }
  });

  it('closed forms: P(X >= 0) = 1, P(X >= n) = p^n, P(X >= 1) = 1 - (1-p)^n, P(X > n) = 0', () => {
    expect(binomialUpperTail(0, 10, 0.4)).toBe(1);
    expect(binomialUpperTail(0, 0, 0.4)).toBe(1);
    expect(binomialUpperTail(11, 10, 0.4)).toBe(0);
    expect(binomialUpperTail(100, 100, 0.57)).toBeCloseTo(0.57 ** 100, 35);
    expect(Math.abs(binomialUpperTail(100, 100, 0.57) / 0.57 ** 100 - 1)).toBeLessThan(1e-13);
    expect(binomialUpperTail(1, 250, 0.01)).toBeCloseTo(-Math.expm1(250 * Math.log1p(-0.01)), 14);
  });

  it('handles the degenerate p = 0 and p = 1', () => {
    expect(binomialUpperTail(1, 10, 0)).toBe(0);
    expect(binomialUpperTail(0, 10, 0)).toBe(1);
    expect(binomialUpperTail(10, 10, 1)).toBe(1);
  });

  it('rejects non-integer or negative counts and p outside [0, 1]', () => {
    for (const [k, n, p] of [[1.5, 10, 0.5], [1, 10.5, 0.5], [1, -1, 0.5], [1, 10, -0.1], [1, 10, 1.1], [1, 10, Number.NaN]]) {
      expect(() => binomialUpperTail(k, n, p), `${k}, ${n}, ${p}`).toThrow(GauntletError);
    }
  });
});
