import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { linearRegression } from '../../src/stats/linear_regression.js';

describe('linearRegression', () => {
  it('recovers an exact line with r2 = 1', () => {
    const x = [1, 2, 3, 4, 5];
    const r = linearRegression(x, x.map((v) => 2 * v + 1));
    expect(r.slope).toBeCloseTo(2, 14);
    expect(r.intercept).toBeCloseTo(1, 14);
    expect(r.r2).toBeCloseTo(1, 14);
  });

  it('matches the hand computation on a small sample', () => {
    // mx = 2.5, my = 3.75; Sxx = 5, Sxy = 3.5, Syy = 4.75: slope 0.7, intercept 2, r2 = 12.25 / 23.75.
    const r = linearRegression([1, 2, 3, 4], [2, 4, 5, 4]);
    expect(r.slope).toBeCloseTo(0.7, 14);
    expect(r.intercept).toBeCloseTo(2, 14);
    expect(r.r2).toBeCloseTo(12.25 / 23.75, 14);
  });

  it('equals the normal equations on random data, and a negative slope stays negative', () => {
    const rng = seedrandom('ols');
    const n = 500;
    const x = Float64Array.from({ length: n }, () => rng() * 3 - 1);
    const y = x.map((v) => -0.8 * v + 0.3 + (rng() - 0.5));
    let sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
    for (let i = 0; i < n; i++) { sx += x[i]; sy += y[i]; sxx += x[i] * x[i]; sxy += x[i] * y[i]; syy += y[i] * y[i]; }
    const slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    const corr = (n * sxy - sx * sy) / Math.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
    const r = linearRegression(x, y);
    expect(r.slope!).toBeCloseTo(slope, 10);
    expect(r.slope!).toBeLessThan(-0.6);
    expect(r.intercept!).toBeCloseTo((sy - slope * sx) / n, 10);
    expect(r.r2!).toBeCloseTo(corr * corr, 10);
  });

  it('a constant x leaves every quantity null; a constant y leaves r2 null', () => {
    expect(linearRegression([3, 3, 3], [1, 2, 4])).toEqual({ slope: null, intercept: null, r2: null });
    expect(linearRegression([1, 2, 3], [5, 5, 5])).toEqual({ slope: 0, intercept: 5, r2: null });
  });

  it('keeps r2 finite and accurate where Sxx x Syy underflows (metrics of 1e-150 returns)', () => {
    // Sxx = 5e-300 and Syy = 4.75e-300 are normal numbers, their product is not.
    const x = [1e-150, 2e-150, 3e-150, 4e-150];
    const r = linearRegression(x, [2e-150, 4e-150, 5e-150, 4e-150]);
    expect(r.slope).toBeCloseTo(0.7, 12);
    expect(r.r2).toBeCloseTo(12.25 / 23.75, 12);
  });
});
