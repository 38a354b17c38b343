import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { stochasticDominance } from '../../src/stats/stochastic_dominance.js';
import { gridBinIndex } from '../../src/stats/grid_bin_index.js';

/** Pool counts of `values` on B bins over [lo, hi], with the exact extremes. */
function pool(values: number[], lo: number, hi: number, B: number) {
  const counts = new Float64Array(B);
  const inv = B / (hi - lo);
  let min = lo, max = hi;
  for (const v of values) {
    counts[gridBinIndex(v, lo, inv, B)]++;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { counts, inv, min, max };
}

/** C selected values and a pool of N draws per selected value. */
function sample(seed: string, C: number, N: number, opt: (u: number) => number, all: (u: number) => number) {
  const rng = seedrandom(seed);
  return { opt: Float64Array.from({ length: C }, () => opt(rng())), all: Array.from({ length: C * N }, () => all(rng())) };
}

describe('gridBinIndex', () => {
  it('floors inside the grid and clamps outside it', () => {
    expect(gridBinIndex(0.25, 0, 4, 4)).toBe(1);
    expect(gridBinIndex(0.5, 0, 4, 4)).toBe(2);
    expect(gridBinIndex(-3, 0, 4, 4)).toBe(0);
    expect(gridBinIndex(1, 0, 4, 4)).toBe(3);
    expect(gridBinIndex(7, 0, 4, 4)).toBe(3);
  });
});

describe('stochasticDominance', () => {
  const B = 64, lo = -2, hi = 2, N = 5;

  it('a sample shifted right dominates at first (and second) order; shifted left at neither', () => {
    const right = sample('right', 400, N, (u) => u - 0.3, (u) => u - 0.5);
    const p = pool(right.all, lo, hi, B);
    const r = stochasticDominance(right.opt, p.counts, N, lo, hi, p.inv, p.min, p.max);
    expect([r.firstOrder, r.secondOrder]).toEqual([true, true]);
    expect(r.minIntegral).toBe(0);
    const left = sample('left', 400, N, (u) => u - 0.7, (u) => u - 0.5);
    const q = pool(left.all, lo, hi, B);
    const l = stochasticDominance(left.opt, q.counts, N, lo, hi, q.inv, q.min, q.max);
    expect([l.firstOrder, l.secondOrder]).toEqual([false, false]);
    expect(l.minIntegral).toBeLessThan(0);
  });

  it('a mean-preserving contraction dominates at second order only', () => {
    // Same mean 0; the sample is four times narrower: the CDFs cross, the integral stays >= 0.
    const c = sample('contraction', 400, N, (u) => (u - 0.5) * 0.5, (u) => (u - 0.5) * 2);
    const p = pool(c.all, lo, hi, B);
    const r = stochasticDominance(c.opt, p.counts, N, lo, hi, p.inv, p.min, p.max);
    expect([r.firstOrder, r.secondOrder]).toEqual([false, true]);
    expect(r.grid).toEqual({ bins: B, lo, hi });
  });

  it('integrates the CDF difference by the trapezoid rule between grid points (hand case)', () => {
    // 2 bins over [0, 2], N = 1: pool {0.5, 1.5}, sample {1.5, 1.5}.
    // Points x0 = 0, x1 = 1, x2 = 2; F_all - F_opt = 0, 1/2 - 0, then 0 at the last point.
    // I(x1) = (1 - 0)(0 + 0.5)/2 = 0.25, I(x2) = 0.25 + (1)(0.5 + 0)/2 = 0.5: never negative.
    const r = stochasticDominance(Float64Array.of(1.5, 1.5), Float64Array.of(1, 1), 1, 0, 2, 1, 0, 2);
    expect([r.firstOrder, r.secondOrder, r.minIntegral, r.minIntegralAt]).toEqual([true, true, 0, 0]);
    // Swapped: sample {0.5, 0.5}: d = 1/2 - 1 = -1/2 at x1: I(x1) = -0.25, I(x2) = -0.5 at x = 2.
    const s = stochasticDominance(Float64Array.of(0.5, 0.5), Float64Array.of(1, 1), 1, 0, 2, 1, 0, 2);
    expect([s.firstOrder, s.secondOrder, s.minIntegral, s.minIntegralAt]).toEqual([false, false, -0.5, 2]);
  });

  it('places the end points at the pool extremes beyond the grid', () => {
    const r = stochasticDominance(Float64Array.of(-5), Float64Array.of(1, 0), 1, 0, 2, 1, -5, 2);
    // x0 = min(lo, poolMin) = -5: the integral is 0 there and the minimum point starts there.
    expect(r.minIntegralAt).toBe(-5);
    expect(r.firstOrder).toBe(true);
  });
});
