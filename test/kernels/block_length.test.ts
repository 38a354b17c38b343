import { describe, it, expect } from 'vitest';
import seedrandom from 'seedrandom';
import { politisWhiteBlockLength, flatTopWindow } from '../../src/kernels/block_length.js';

function whiteNoise(seed: string, n: number): Float64Array {
  const rng = seedrandom(seed);
  return Float64Array.from({ length: n }, () => rng() - 0.5);
}

/** AR(1) x[t] = phi x[t-1] + eps[t]: a streaky trade sequence. */
function ar1(seed: string, n: number, phi: number): Float64Array {
  const rng = seedrandom(seed);
  const x = new Float64Array(n);
  for (let t = 1; t < n; t++) x[t] = phi * x[t - 1] + (rng() - 0.5);
  return x;
}

describe('Politis-White automatic block length (docs/methodology.md, "Block length")', () => {
  it('matches a hand computation on a tiny series', () => {
    // x = e (mean 0), n = 10: sum e^2 = 24; sum e[t]e[t+1] = -7; b_max = ceil(min(9.49, 3.33)) = 4;
    // K = 5; m_max = ceil(3.16) + 5 = 9; c = 2 sqrt(1 / 10) = 0.6325.
    // |rho(1..5)| = 7/sqrt(20*24) = 0.3195, 0.1913, 0.1081, 0.4830, 0.3381 all < c -> m_hat = 0;
    // M = min(2 max(0, 1), 9) = 2; lam(1/2) = 1, lam(1) = 0.
    // G = 2 * 1 * 1 * R(1) = 2 * (-0.7) = -1.4; g0 = R(0) + 2 R(1) = 2.4 - 1.4 = 1.0.
    // b = (2 * 1.96 / (2 * 1))^(1/3) * 10^(1/3) = 19.6^(1/3) = 2.69620 (< b_max 4).
    const x = [-2, -1, 1, -2, 2, -1, 2, 2, -1, 0];
    const r = politisWhiteBlockLength(x);
    expect(r.bMax).toBe(4);
    expect(r.K).toBe(5);
    expect(r.mMax).toBe(9);
    expect(r.critical).toBeCloseTo(0.632455532, 9);
    expect(r.mHat).toBe(0);
    expect(r.M).toBe(2);
    expect(r.b).toBeCloseTo(Math.cbrt(19.6), 12);
    expect(r.b).toBeCloseTo(2.6961994997758, 10);
  });

  it('the same series shifted by a constant gives the same b (it is demeaned)', () => {
    const x = [-2, -1, 1, -2, 2, -1, 2, 2, -1, 0];
    expect(politisWhiteBlockLength(x.map((v) => v + 100)).b).toBeCloseTo(politisWhiteBlockLength(x).b, 9);
  });

  it('caps at b_max: a strongly trending tiny series', () => {
    const r = politisWhiteBlockLength([1, 3, 2, 5, 4, 6, 8, 7, 9, 10]);
    // Independent computation: m_hat = 9, M = 9, raw b = 4.7493 > b_max = 4.
    expect(r.mHat).toBe(9);
    expect(r.bRaw).toBeCloseTo(4.74932341025482, 9);
    expect(r.b).toBe(4);
  });

  it('white noise gives b near 1; an AR(1) streaky series gives a longer block', () => {
    for (const seed of ['a', 'b', 'c']) {
      const white = politisWhiteBlockLength(whiteNoise(seed, 2000)).b;
      expect(white).toBeGreaterThanOrEqual(1);
      expect(white).toBeLessThan(2.5); // R(1) sampling noise alone moves b between 1 and ~2 at n = 2000
      const streaky = politisWhiteBlockLength(ar1(seed, 2000, 0.8)).b;
      expect(streaky).toBeGreaterThan(10);
      expect(streaky).toBeGreaterThan(3 * white);
    }
  });

  it('a constant series (no dependence to keep) gives b = 1; one trade gives b = 1', () => {
    expect(politisWhiteBlockLength([0.01, 0.01, 0.01, 0.01]).b).toBe(1);
    expect(politisWhiteBlockLength([0.05]).b).toBe(1);
  });

  it('flat-top window', () => {
    expect(flatTopWindow(0.25)).toBe(1);
    expect(flatTopWindow(0.5)).toBe(1);
    expect(flatTopWindow(0.75)).toBeCloseTo(0.5, 15);
    expect(flatTopWindow(1)).toBe(0);
    expect(flatTopWindow(1.5)).toBe(0);
  });
});
