import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { sampledStandardError } from '../../src/stats/sampled_standard_error.js';

describe('sampledStandardError', () => {
  it('a census has no sampling error, fewer than 2 pairs none defined', () => {
    expect(sampledStandardError(Uint8Array.from([0, 1, 2, 1]), 4)).toBe(0);
    expect(sampledStandardError(Uint8Array.from([1]), 10)).toBeNull();
    expect(sampledStandardError(new Uint8Array(0), 10)).toBeNull();
    // y = [0, 0.5, 1]: s^2 = 0.25, m = 3 of P = 6: sqrt(0.5 x 0.25 / 3)
    expect(sampledStandardError(Uint8Array.from([0, 1, 2]), 6)).toBeCloseTo(Math.sqrt((0.5 * 0.25) / 3), 15);
  });

  it('equals the formula on random pair counts, and shrinks with the finite-population correction', () => {
    const rng = seedrandom('se-stats');
    const c = Uint8Array.from({ length: 300 }, () => Math.floor(rng() * 3));
    const ys = Array.from(c, (v) => v / 2);
    const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
    const s2 = ys.reduce((a, b) => a + (b - mean) ** 2, 0) / (ys.length - 1);
    for (const P of [300, 600, 10_000, 1e9]) expect(sampledStandardError(c, P)!).toBeCloseTo(Math.sqrt(((1 - 300 / P) * s2) / 300), 14);
    expect(sampledStandardError(c, 600)!).toBeLessThan(sampledStandardError(c, 1e9)!);
  });
});
