import { describe, expect, it } from 'vitest';
import { floydSample } from '../../src/stats/floyd_sample.js';
import { tycheiState, uniform53 } from '../../src/rng/tychei.js';

describe('floydSample', () => {
  it('m distinct sorted values in [0, P), m draws, a function of the uniform stream only', () => {
    const s = tycheiState('floyd');
    let draws = 0;
    const got = floydSample(1000, 200, () => (draws++, uniform53(s)));
    expect(draws).toBe(200);
    expect(got).toHaveLength(200);
    expect(new Set(got).size).toBe(200);
    expect(got).toEqual([...got].sort((a, b) => a - b));
    expect(got.every((v) => Number.isInteger(v) && v >= 0 && v < 1000)).toBe(true);
    const again = tycheiState('floyd');
    expect(floydSample(1000, 200, () => uniform53(again))).toEqual(got);
  });

  it('m = P is the whole range, m = 0 nothing', () => {
    const s = tycheiState('all');
    expect(floydSample(7, 7, () => uniform53(s))).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(floydSample(7, 0, () => uniform53(s))).toEqual([]);
  });

  it('every m-subset is equally likely (P = 5, m = 3, all draw outcomes enumerated)', () => {
    // Draw j takes t = floor(u (j + 1)): feed the midpoint of each outcome, for all 3 x 4 x 5.
    const counts = new Map<string, number>();
    for (let a = 0; a < 3; a++) for (let b = 0; b < 4; b++) for (let c = 0; c < 5; c++) {
      const u = [(a + 0.5) / 3, (b + 0.5) / 4, (c + 0.5) / 5];
      let i = 0;
      const key = floydSample(5, 3, () => u[i++]).join(',');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(10); // C(5, 3)
    expect(new Set(counts.values())).toEqual(new Set([6])); // 60 outcomes / 10 subsets
  });
});
