import { describe, expect, it } from 'vitest';
import { gridCdfPoints } from '../../src/stats/grid_cdf_points.js';
import { gridBinIndex } from '../../src/stats/grid_bin_index.js';

/** Exact empirical CDF: share of values strictly below x. */
const ecdf = (xs: number[], x: number) => xs.filter((v) => v < x).length / xs.length;

describe('gridCdfPoints', () => {
  const opt = [0.1, 0.35, 0.6, 0.62, 0.9];
  const pool = [0.05, 0.1, 0.2, 0.35, 0.4, 0.5, 0.6, 0.62, 0.7, 0.9];
  const B = 100, lo = 0, hi = 1, inv = B / (hi - lo);
  const poolCounts = new Float64Array(B);
  for (const v of pool) poolCounts[gridBinIndex(v, lo, inv, B)]++;
  const N = pool.length / opt.length;

  it('equals the exact empirical CDFs at the grid edges it reports (values off the edges)', () => {
    const c = gridCdfPoints(opt, poolCounts, N, lo, hi, inv, 0.05, 0.9, 10);
    expect(c.x).toHaveLength(11);
    expect(c.selected[0]).toBe(0);
    expect(c.pooled[0]).toBe(0);
    expect(c.selected[10]).toBe(1);
    expect(c.pooled[10]).toBe(1);
    for (let j = 1; j < 10; j++) {
      // The edges are 0.1 apart; every value lies inside a bin, so the counts are exact.
      expect(c.x[j]).toBeCloseTo(j / 10, 12);
    }
    // Off-edge check points: 0.3, 0.55, 0.65.
    const d = gridCdfPoints(opt, poolCounts, N, lo, hi, inv, 0.05, 0.9, 20);
    for (const [j, x] of [[6, 0.3], [11, 0.55], [13, 0.65]] as const) {
      expect(d.x[j]).toBeCloseTo(x, 12);
      expect(d.selected[j]).toBeCloseTo(ecdf(opt, x), 12);
      expect(d.pooled[j]).toBeCloseTo(ecdf(pool, x), 12);
    }
  });
  it('non-decreasing, ends at the pool extremes, at most one point per bin', () => {
    const c = gridCdfPoints(opt, poolCounts, N, lo, hi, inv, -0.5, 1.5, 1000);
    expect(c.x).toHaveLength(B + 1);
    expect(c.x[0]).toBe(-0.5);
    expect(c.x[B]).toBe(1.5);
    for (let j = 1; j < c.x.length; j++) {
      expect(c.selected[j]).toBeGreaterThanOrEqual(c.selected[j - 1]);
      expect(c.pooled[j]).toBeGreaterThanOrEqual(c.pooled[j - 1]);
    }
    expect(() => gridCdfPoints(opt, poolCounts, N, lo, hi, inv, 0, 1, 0)).toThrow(RangeError);
  });
});
