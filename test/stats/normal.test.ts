import { describe, expect, it } from 'vitest';
import { GauntletError } from '../../src/errors.js';
import { normalCdf, normalQuantile } from '../../src/stats/normal.js';

// scipy 1.17.1 scipy.special.ndtr at these points (Cephes erf/erfc), printed with repr().
const CDF_REFERENCE: [number, number][] = [
  [0, 0.5],
  [0.5, 0.6914624612740131],
  [-0.3, 0.3820885778110474],
  [1, 0.8413447460685429],
  [-1, 0.15865525393145707],
  [1.96, 0.9750021048517795],
  [-1.96, 0.024997895148220435],
  [3, 0.9986501019683699],
  [-5, 2.866515718791933e-7],
  [8, 0.9999999999999993],
  [-10, 7.61985302416047e-24],
  [-20, 2.7536241186061556e-89],
  [-37, 5.7255712225239266e-300],
];

describe('normalCdf', () => {
  it('matches scipy ndtr to 1e-12 relative, lower tail included', () => {
    for (const [x, want] of CDF_REFERENCE) {
      const got = normalCdf(x);
      expect(Math.abs(got - want), `Phi(${x}) = ${got}, want ${want}`).toBeLessThanOrEqual(1e-12 * want);
    }
  });

  it('is symmetric: Phi(x) + Phi(-x) = 1, across the series / continued-fraction switch', () => {
    for (const x of [0.1, 1, 2.1, 2.12, 2.13, 3, 6]) {
      expect(normalCdf(x) + normalCdf(-x)).toBeCloseTo(1, 15);
    }
  });

  it('is increasing across the switch at |x| = 1.5 sqrt 2', () => {
    const s = 1.5 * Math.SQRT2;
    for (const c of [s, -s]) {
      const below = normalCdf(c - 1e-9);
      const at = normalCdf(c);
      const above = normalCdf(c + 1e-9);
      expect(below).toBeLessThan(above);
      expect(at).toBeGreaterThanOrEqual(below);
      expect(at).toBeLessThanOrEqual(above);
    }
  });

  it('takes the infinities to 0 and 1 and rejects NaN', () => {
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(Infinity)).toBe(1);
    expect(() => normalCdf(Number.NaN)).toThrow(GauntletError);
  });
});

describe('normalQuantile (AS 241)', () => {
  it('inverts normalCdf to near machine precision over 1e-300 .. 1 - 1e-16', () => {
    for (const p of [1e-300, 1e-100, 1e-20, 1e-11, 1e-6, 0.001, 0.02425, 0.075, 0.2, 0.5, 0.8, 0.925, 0.97575, 0.999, 1 - 1e-10]) {
      const z = normalQuantile(p);
      // Compare in the tail that is represented exactly.
      const back = p < 0.5 ? normalCdf(z) : 1 - normalCdf(-z);
      expect(Math.abs(back - p), `p=${p}, z=${z}`).toBeLessThanOrEqual(1e-13 * Math.min(p, 1 - p) + 1e-16);
    }
  });

  it('is odd about 1/2 and hits the textbook critical values', () => {
    expect(normalQuantile(0.5)).toBe(0);
    // Dyadic p so that 1 - p is exact and both calls ask about the same tail.
    for (const p of [2 ** -40, 2 ** -7, 0.25, 0.375]) expect(normalQuantile(p)).toBeCloseTo(-normalQuantile(1 - p), 14);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalQuantile(0.95)).toBeCloseTo(1.6448536269514722, 14);
  });

  it('gives the infinite limits at 0 and 1 and rejects p outside [0, 1]', () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    for (const p of [-0.1, 1.1, Number.NaN]) expect(() => normalQuantile(p)).toThrow(GauntletError);
  });
});
