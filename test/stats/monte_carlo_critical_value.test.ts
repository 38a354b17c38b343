import { describe, expect, it } from 'vitest';
import { monteCarloCriticalValue } from '../../src/stats/monte_carlo_critical_value.js';
import { monteCarloPValue } from '../../src/stats/monte_carlo_p_value.js';

describe('monteCarloCriticalValue and monteCarloPValue', () => {
  it('P = 99, alpha = 0.05: the 5th largest value (c = 4), so exactly 4 sims can exceed a significant statistic', () => {
    const sims = Float64Array.from({ length: 99 }, (_, i) => i + 1); // 1..99
    expect(monteCarloCriticalValue(sims, 0.05)).toBe(95);
    expect(monteCarloPValue(sims, 95.5)).toBeCloseTo(5 / 100, 15);
    expect(monteCarloPValue(sims, 95)).toBeCloseTo(6 / 100, 15);
  });

  it('s > h exactly when the Monte Carlo p-value is <= alpha (random sims with ties and an atom at 0)', () => {
    let seed = 3;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (const P of [200, 999, 1500]) {
      const sims = Float64Array.from({ length: P }, () => (rand() < 0.4 ? 0 : Math.round(rand() * 50) / 10));
      for (const alpha of [0.01, 0.05, 0.1]) {
        const h = monteCarloCriticalValue(sims, alpha);
        for (let s = 0; s <= 6; s += 0.05) {
          // Boundary alpha (P + 1) integers are decided by the integer rule; skip none: both rules agree away from float noise.
          expect(s > h, `P=${P} alpha=${alpha} s=${s}`).toBe(monteCarloPValue(sims, s) <= alpha + 1e-12);
        }
      }
    }
  });

  it('an atom: a statistic of 0 is never significant when many sims are 0', () => {
    const sims = new Float64Array(1000); // all 0
    expect(monteCarloCriticalValue(sims, 0.05)).toBe(0);
    expect(monteCarloPValue(sims, 0)).toBe(1);
  });

  it('too few sims to reach alpha: +Infinity (never significant); bad alpha refused', () => {
    expect(monteCarloCriticalValue(new Float64Array(10), 0.05)).toBe(Number.POSITIVE_INFINITY);
    expect(() => monteCarloCriticalValue(new Float64Array(10), 0)).toThrow(/alpha/);
  });
});
