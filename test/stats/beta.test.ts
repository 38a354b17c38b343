import { describe, expect, it } from 'vitest';
import { GauntletError } from '../../src/errors.js';
import { betaQuantile, logBeta, logGamma, regularizedIncompleteBeta } from '../../src/stats/beta.js';

function expectRelative(got: number, want: number, rel: number, label = ''): void {
  expect(Math.abs(got - want), `${label} got ${got}, want ${want}`).toBeLessThanOrEqual(rel * Math.abs(want));
}

describe('logGamma (Lanczos)', () => {
  it('equals ln((n-1)!) at the integers and ln sqrt(pi) at 1/2', () => {
    let logFactorial = 0; // ln((n-1)!)
    for (let n = 1; n <= 2000; n++) {
      expect(Math.abs(logGamma(n) - logFactorial), `n=${n}`).toBeLessThanOrEqual(4e-15 * Math.max(1, logFactorial));
      logFactorial += Math.log(n);
    }
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 15);
    expect(logGamma(1)).toBe(0);
    expect(logGamma(2)).toBe(0);
  });

  it('rejects x <= 0', () => {
    expect(() => logGamma(0)).toThrow(GauntletError);
    expect(() => logGamma(-1.5)).toThrow(GauntletError);
  });
});

describe('logBeta', () => {
  it('agrees with the log-gamma sum where that sum is still accurate, on both sides of the Stirling switch', () => {
    for (const [a, b] of [[0.5, 0.5], [3, 4], [9.99, 3], [10, 3], [12, 0.7], [10, 10], [25, 40], [200, 7]]) {
      expectRelative(logBeta(a, b), logGamma(a) + logGamma(b) - logGamma(a + b), 2e-14, `B(${a}, ${b})`);
    }
  });

  it('B(1, b) = 1/b and B(a, b) = B(b, a), also for large shapes', () => {
    for (const b of [1, 2.5, 11, 1e4, 1e7]) expectRelative(logBeta(1, b), -Math.log(b), 1e-14, `B(1, ${b})`);
    expect(logBeta(1e5, 37)).toBe(logBeta(37, 1e5));
  });
});

// scipy 1.17.1 scipy.special.betainc / betaincinv (Boost), printed with repr().
const INCOMPLETE_BETA: [number, number, number, number][] = [
  [0.3, 0.5, 0.5, 0.36901011956554536],
  [0.999, 10000, 3, 0.0027557999713298327],
  [0.2, 0.1, 50, 0.9999998230095644],
  [0.5, 1e5, 1e5 + 10, 0.5089196728805322],
  [0.4999, 1e5, 1e5, 0.464365081352021],
  [0.6, 6000, 4001, 0.5043429963115055],
  [0.03, 300, 9701, 0.508029371740311],
];
const BETA_QUANTILE: [number, number, number, number][] = [
  [0.3, 0.5, 0.5, 0.2061073738537634],
  [0.025, 10000, 3, 0.9992778643316806],
  [0.975, 0.1, 50, 0.019541628998237054],
  [1e-8, 2, 5, 2.5820777914291936e-5],
  [0.999999, 3, 2, 0.9995916405397899],
  [0.5, 1e5, 1e5, 0.5],
  [0.01, 0.05, 0.05, 9.71182360272012e-35],
];

describe('regularizedIncompleteBeta', () => {
  it('matches scipy betainc to 1e-12 relative, large and lopsided shapes included', () => {
    for (const [x, a, b, want] of INCOMPLETE_BETA) {
      expectRelative(regularizedIncompleteBeta(x, a, b), want, 1e-12, `I_${x}(${a}, ${b})`);
    }
  });

  it('Beta(1, 1) is uniform; I_x(a, 1) = x^a; I_x(1, b) = 1 - (1-x)^b', () => {
    for (const x of [1e-9, 0.1, 0.37, 0.5, 0.9, 0.999]) {
      expectRelative(regularizedIncompleteBeta(x, 1, 1), x, 1e-14);
      expectRelative(regularizedIncompleteBeta(x, 4.5, 1), x ** 4.5, 1e-13);
      expectRelative(regularizedIncompleteBeta(x, 1, 30), -Math.expm1(30 * Math.log1p(-x)), 1e-13);
    }
  });

  it('satisfies I_x(a, b) = 1 - I_{1-x}(b, a) and I_{1/2}(a, a) = 1/2', () => {
    for (const [x, a, b] of [[0.2, 2, 3], [0.7, 0.3, 4], [0.5, 60, 61], [0.01, 12, 900]]) {
      expect(regularizedIncompleteBeta(x, a, b) + regularizedIncompleteBeta(1 - x, b, a)).toBeCloseTo(1, 14);
    }
    for (const a of [0.2, 1, 7, 500, 50000]) expect(regularizedIncompleteBeta(0.5, a, a)).toBeCloseTo(0.5, 13);
  });

  it('is 0 and 1 at the ends and rejects bad arguments', () => {
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
    for (const [x, a, b] of [[-0.1, 1, 1], [1.1, 1, 1], [Number.NaN, 1, 1], [0.5, 0, 1], [0.5, 1, -2], [0.5, Infinity, 1]]) {
      expect(() => regularizedIncompleteBeta(x, a, b), `${x}, ${a}, ${b}`).toThrow(GauntletError);
    }
  });
});

describe('betaQuantile', () => {
  it('matches scipy betaincinv to 1e-12 relative', () => {
    for (const [p, a, b, want] of BETA_QUANTILE) {
      expectRelative(betaQuantile(p, a, b), want, 1e-12, `B^-1(${p}; ${a}, ${b})`);
    }
  });

  it('beta(1, 1) quantile is p; beta(a, 1) quantile is p^(1/a)', () => {
    for (const p of [1e-12, 0.05, 0.5, 0.975]) {
      expectRelative(betaQuantile(p, 1, 1), p, 1e-13);
      expectRelative(betaQuantile(p, 7, 1), p ** (1 / 7), 1e-13);
    }
  });

  it('round-trips through regularizedIncompleteBeta on hard shapes (U-shaped, J-shaped, huge)', () => {
    const shapes: [number, number][] = [[0.05, 0.05], [0.5, 0.5], [0.2, 800], [900, 0.3], [1, 20000], [20000, 1], [3, 9998], [5e4, 5e4]];
    for (const [a, b] of shapes) {
      for (const p of [1e-10, 0.025, 0.5, 0.95, 0.975, 1 - 1e-9]) {
        const x = betaQuantile(p, a, b);
        expect(x, `a=${a}, b=${b}, p=${p}`).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(1);
        // The true root lies within 4 ulps of x, up to 1e-12 relative in the smaller tail. (A
        // residual test alone is wrong where x is near 1: one ulp of x can move I_x by 1e-13.)
        const tol = 1e-12 * Math.min(p, 1 - p);
        const ulps = 4 * Number.EPSILON * Math.max(x, Number.MIN_VALUE);
        const below = regularizedIncompleteBeta(Math.max(0, x - ulps), a, b);
        const above = regularizedIncompleteBeta(Math.min(1, x + ulps), a, b);
        expect(below, `a=${a}, b=${b}, p=${p}: x=${x}`).toBeLessThanOrEqual(p + tol);
        expect(above, `a=${a}, b=${b}, p=${p}: x=${x}`).toBeGreaterThanOrEqual(p - tol);
      }
    }
  });

  it('is 0 and 1 at p = 0 and 1 and rejects bad arguments', () => {
    expect(betaQuantile(0, 3, 4)).toBe(0);
    expect(betaQuantile(1, 3, 4)).toBe(1);
    for (const [p, a, b] of [[-1e-3, 1, 1], [1.5, 1, 1], [Number.NaN, 1, 1], [0.5, 0, 2], [0.5, 2, Number.NaN]]) {
      expect(() => betaQuantile(p, a, b)).toThrow(GauntletError);
    }
  });
});
