import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { combineMoments, type Moments } from '../../src/stats/combine_moments.js';

function twoPass(xs: number[]): Moments {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { n: xs.length, mean, m2: xs.reduce((a, b) => a + (b - mean) ** 2, 0) };
}

describe('combineMoments', () => {
  it('folding parts in order equals the two-pass moments of the whole', () => {
    const rng = seedrandom('chan');
    for (let trial = 0; trial < 20; trial++) {
      const parts = Array.from({ length: 1 + Math.floor(rng() * 8) }, () => Array.from({ length: 1 + Math.floor(rng() * 50) }, () => 5 + (rng() - 0.5) * 0.01));
      let acc: Moments = { n: 0, mean: 0, m2: 0 };
      for (const p of parts) acc = combineMoments(acc, twoPass(p));
      const whole = twoPass(parts.flat());
      expect(acc.n).toBe(whole.n);
      expect(Math.abs(acc.mean - whole.mean) / Math.abs(whole.mean)).toBeLessThan(1e-14);
      if (whole.m2 > 0) expect(Math.abs(acc.m2 - whole.m2) / whole.m2).toBeLessThan(1e-9);
    }
  });
  it('hand case: {1, 2} with {4, 5, 6}', () => {
    // n = 5, mean 3.6, M2 = 0.5 + 2 + (3.5)^2 x 2 x 3 / 5 = 17.2
    const r = combineMoments({ n: 2, mean: 1.5, m2: 0.5 }, { n: 3, mean: 5, m2: 2 });
    expect(r.n).toBe(5);
    expect(r.mean).toBeCloseTo(3.6, 15);
    expect(r.m2).toBeCloseTo(17.2, 13);
  });
  it('from the empty start, the first part comes back (up to the mean x n / n rounding)', () => {
    const r = combineMoments({ n: 0, mean: 0, m2: 0 }, { n: 3, mean: 0.25, m2: 1.5 });
    expect(r).toEqual({ n: 3, mean: 0.25, m2: 1.5 });
  });
});
