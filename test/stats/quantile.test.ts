import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { quantileSorted, quantilesUnsorted, selectInPlace } from '../../src/stats/quantile.js';

describe('quantileSorted', () => {
  it('matches numpy linear interpolation on a small hand case', () => {
    const x = Float64Array.of(1, 2, 3, 4);
    expect(quantileSorted(x, 0)).toBe(1);
    expect(quantileSorted(x, 1)).toBe(4);
    expect(quantileSorted(x, 0.5)).toBe(2.5); // np.quantile([1,2,3,4], .5)
    expect(quantileSorted(x, 0.05)).toBeCloseTo(1.15, 15);
  });
});

describe('selection twin of the sorted quantiles', () => {
  const qs = [0.05, 0.5, 0.95, 0.99, 0, 1, 0.25];
  it('gives the sorted-array quantiles bit for bit, ties and all', () => {
    const rng = seedrandom.tychei('quantiles');
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rng() * 3000);
      const distinct = 1 + Math.floor(rng() * (trial % 3 === 0 ? 4 : 1e6)); // heavy ties a third of the time
      const a = new Float64Array(n);
      for (let i = 0; i < n; i++) a[i] = Math.floor(rng() * distinct) * 0.37 - 5;
      const sorted = Float64Array.from(a).sort();
      const got = quantilesUnsorted(Float64Array.from(a), qs);
      expect(got).toEqual(qs.map((q) => quantileSorted(sorted, q)));
    }
  });
  it('selectInPlace partitions around the k-th value', () => {
    const rng = seedrandom.tychei('select');
    const a = Float64Array.from({ length: 1001 }, () => Math.floor(rng() * 50));
    const sorted = Float64Array.from(a).sort();
    for (const k of [0, 1, 500, 999, 1000]) {
      const b = Float64Array.from(a);
      selectInPlace(b, k);
      expect(b[k]).toBe(sorted[k]);
      for (let i = 0; i < k; i++) expect(b[i]).toBeLessThanOrEqual(b[k]);
      for (let i = k + 1; i < b.length; i++) expect(b[i]).toBeGreaterThanOrEqual(b[k]);
    }
  });
});
