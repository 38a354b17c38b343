import { describe, expect, it } from 'vitest';
import { lowerCusum } from '../../src/stats/lower_cusum.js';

/** Reference twin: the recursion written out with Math.max, on pre-standardised values. */
function twin(x: number[], mean: number, sd: number, k: number): number[] {
  const out: number[] = [];
  let c = 0;
  for (const v of x) {
    c = Math.max(0, c - (v - mean) / sd - k);
    out.push(c);
  }
  return out;
}

describe('lowerCusum', () => {
  it('follows C_t = max(0, C_{t-1} - z_t - k) by hand', () => {
    // mean 0, sd 1, k 0.5: z = -1 -> 0.5; z = -2 -> 2; z = +1 -> 0.5; z = +3 -> 0; z = -1 -> 0.5
    const r = lowerCusum([-1, -2, 1, 3, -1], 0, 1, 0.5);
    expect(r).toEqual({ max: 2, at: 1, last: 0.5 });
  });

  it('equals the twin on seeded data, and is invariant to the units of the data', () => {
    let s = 7;
    const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const x = Array.from({ length: 500 }, () => 0.01 * (rand() - 0.55));
    const c = twin(x, 0.0, 0.01, 0.5);
    const r = lowerCusum(x, 0.0, 0.01, 0.5);
    expect(r.max).toBeCloseTo(Math.max(...c), 12);
    expect(r.last).toBeCloseTo(c[c.length - 1], 12);
    expect(c[r.at]).toBeCloseTo(r.max, 12);
    const scaled = lowerCusum(x.map((v) => 100 * v + 3), 3, 1, 0.5);
    expect(scaled.max).toBeCloseTo(r.max, 9);
  });

  it('never alarms on values at or above the mean: max 0, at -1', () => {
    expect(lowerCusum([0.1, 0.2, 0.3], 0.1, 0.05, 0)).toEqual({ max: 0, at: -1, last: 0 });
  });

  it('refuses a zero or non-finite sd and a negative k', () => {
    expect(() => lowerCusum([1], 0, 0, 0.5)).toThrow(/sd/);
    expect(() => lowerCusum([1], 0, 1, -1)).toThrow(/k/);
  });
});
