import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GauntletError } from '../../src/errors.js';
import { binomialUpperTail } from '../../src/stats/binomial.js';
import {
  clopperPearsonInterval,
  clopperPearsonUpperBound,
  wilsonInterval,
  wilsonLowerBound,
} from '../../src/stats/intervals.js';
import { normalQuantile } from '../../src/stats/normal.js';

interface ProportionCase {
  k: number;
  n: number;
  clopper_pearson_95_two_sided: [number, number];
  clopper_pearson_95_one_sided_upper: number;
  wilson_95_two_sided: [number, number];
  wilson_95_one_sided_lower: number;
  'binomial_p_value_H0_p_le_0.57_one_sided': number;
}
interface Reference {
  proportions: ProportionCase[];
  normal_quantiles: { p: number; inv_norm_cdf: number }[];
}
const reference: Reference = JSON.parse(
  readFileSync(new URL('../reference/intervals.json', import.meta.url), 'utf8'),
);

/**
 * |got - want| <= 1e-9 absolute (the contract) and, for tiny values such as 1e-25 p-values or
 * 6e-5 bounds where an absolute 1e-9 says nothing, also 1e-9 relative.
 */
function expectMatches(got: number, want: number, label: string): void {
  const abs = Math.abs(got - want);
  expect(abs, `${label}: got ${got}, want ${want}`).toBeLessThanOrEqual(1e-9);
  expect(abs, `${label} (relative): got ${got}, want ${want}`).toBeLessThanOrEqual(1e-9 * Math.abs(want));
}

describe('scipy/statsmodels reference values (test/reference/intervals.json)', () => {
  it('has the cases it claims', () => {
    expect(reference.proportions.length).toBeGreaterThanOrEqual(11);
    expect(reference.normal_quantiles.length).toBeGreaterThanOrEqual(11);
  });

  for (const c of reference.proportions) {
    const tag = `k=${c.k}, n=${c.n}`;
    it(`Clopper-Pearson two-sided 95%, ${tag}`, () => {
      const [lo, hi] = clopperPearsonInterval(c.k, c.n, 0.95);
      expectMatches(lo, c.clopper_pearson_95_two_sided[0], `${tag} lower`);
      expectMatches(hi, c.clopper_pearson_95_two_sided[1], `${tag} upper`);
    });
    it(`Clopper-Pearson one-sided 95% upper, ${tag}`, () => {
      expectMatches(clopperPearsonUpperBound(c.k, c.n, 0.95), c.clopper_pearson_95_one_sided_upper, tag);
    });
    it(`Wilson two-sided 95%, ${tag}`, () => {
      const [lo, hi] = wilsonInterval(c.k, c.n, 0.95);
      expectMatches(lo, c.wilson_95_two_sided[0], `${tag} lower`);
      expectMatches(hi, c.wilson_95_two_sided[1], `${tag} upper`);
    });
    it(`Wilson one-sided 95% lower, ${tag}`, () => {
      expectMatches(wilsonLowerBound(c.k, c.n, 0.95), c.wilson_95_one_sided_lower, tag);
    });
    it(`exact binomial p-value of H0: p <= 0.57, ${tag}`, () => {
      expectMatches(binomialUpperTail(c.k, c.n, 0.57), c['binomial_p_value_H0_p_le_0.57_one_sided'], tag);
    });
  }

  it('normal quantiles', () => {
    for (const q of reference.normal_quantiles) {
      const got = normalQuantile(q.p);
      expect(Math.abs(got - q.inv_norm_cdf), `p=${q.p}: got ${got}`).toBeLessThanOrEqual(1e-9);
      // AS 241 is a full-precision algorithm: hold it to a few ulps, not just the contract.
      expect(Math.abs(got - q.inv_norm_cdf), `p=${q.p}: got ${got}`).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(q.inv_norm_cdf)));
    }
  });
});

describe('closed forms', () => {
  it('Clopper-Pearson at k = 0: lower 0, upper 1 - (alpha/2)^(1/n); one-sided upper 1 - alpha^(1/n)', () => {
    for (const n of [1, 2, 7, 10, 100, 5000]) {
      for (const confidence of [0.9, 0.95, 0.99]) {
        const alpha = 1 - confidence;
        const [lo, hi] = clopperPearsonInterval(0, n, confidence);
        expect(lo).toBe(0);
        expect(hi).toBeCloseTo(1 - (alpha / 2) ** (1 / n), 13);
        expect(clopperPearsonUpperBound(0, n, confidence)).toBeCloseTo(1 - alpha ** (1 / n), 13);
      }
    }
  });

  it('Clopper-Pearson at k = n: upper 1, lower (alpha/2)^(1/n)', () => {
    for (const n of [1, 3, 50, 1000]) {
      const [lo, hi] = clopperPearsonInterval(n, n, 0.95);
      expect(hi).toBe(1);
      expect(lo).toBeCloseTo(0.025 ** (1 / n), 13);
      expect(clopperPearsonUpperBound(n, n, 0.95)).toBe(1);
    }
  });

  it('Clopper-Pearson for n = 1, k = 1 at 90%: [0.05, 1]', () => {
    const [lo, hi] = clopperPearsonInterval(1, 1, 0.9);
    expect(lo).toBeCloseTo(0.05, 14);
    expect(hi).toBe(1);
  });

  it('Wilson for k = n/2 is symmetric about 1/2 and its closed form for z = 1.96', () => {
    const [lo, hi] = wilsonInterval(50, 100, 0.95);
    expect(lo + hi).toBeCloseTo(1, 14);
    // Centre 1/2; half-width z sqrt(1/(4n) + z^2/(4n^2)) / (1 + z^2/n) with z = Phi^-1(0.975).
    const z = 1.959963984540054;
    const half = (z * Math.sqrt(1 / 400 + (z * z) / 40000)) / (1 + (z * z) / 100);
    expect(hi - lo).toBeCloseTo(2 * half, 14);
  });

  it('the one-sided bounds equal the two-sided interval at level 1 - 2(1 - c)', () => {
    for (const [k, n] of [[3, 10], [57, 100], [592, 1000], [0, 40], [40, 40]]) {
      expect(wilsonLowerBound(k, n, 0.95)).toBeCloseTo(wilsonInterval(k, n, 0.9)[0], 14);
      expect(clopperPearsonUpperBound(k, n, 0.95)).toBeCloseTo(clopperPearsonInterval(k, n, 0.9)[1], 13);
    }
  });

  it('bounds are ordered and contain the point estimate', () => {
    for (const [k, n] of [[0, 1], [1, 1], [1, 2], [9, 17], [250, 251], [3, 10000]]) {
      const p = k / n;
      for (const [lo, hi] of [wilsonInterval(k, n), clopperPearsonInterval(k, n)]) {
        expect(lo).toBeGreaterThanOrEqual(0);
        expect(hi).toBeLessThanOrEqual(1);
        expect(lo).toBeLessThanOrEqual(p);
        expect(hi).toBeGreaterThanOrEqual(p);
        expect(lo).toBeLessThan(hi);
      }
      // Clopper-Pearson is conservative: never narrower than Wilson at the same level.
      const cp = clopperPearsonInterval(k, n);
      const w = wilsonInterval(k, n);
      expect(cp[1] - cp[0]).toBeGreaterThanOrEqual(w[1] - w[0] - 1e-12);
    }
  });

  it('a higher confidence gives a wider interval', () => {
    const [lo90, hi90] = clopperPearsonInterval(12, 80, 0.9);
    const [lo99, hi99] = clopperPearsonInterval(12, 80, 0.99);
    expect(lo99).toBeLessThan(lo90);
    expect(hi99).toBeGreaterThan(hi90);
    expect(wilsonLowerBound(12, 80, 0.99)).toBeLessThan(wilsonLowerBound(12, 80, 0.9));
  });
});

describe('input validation', () => {
  const fns: [string, (k: number, n: number, c?: number) => unknown][] = [
    ['wilsonInterval', wilsonInterval],
    ['wilsonLowerBound', wilsonLowerBound],
    ['clopperPearsonInterval', clopperPearsonInterval],
    ['clopperPearsonUpperBound', clopperPearsonUpperBound],
  ];
  for (const [name, fn] of fns) {
    it(`${name} rejects n = 0, k outside [0, n], non-integers and bad confidence with an internal error`, () => {
      for (const [k, n, c] of [[0, 0, 0.95], [-1, 10, 0.95], [11, 10, 0.95], [1.5, 10, 0.95], [1, 10.5, 0.95], [Number.NaN, 10, 0.95], [1, 10, 1], [1, 10, 0], [1, 10, Number.NaN]]) {
        let caught: unknown;
        try {
          fn(k, n, c);
        } catch (err) {
          caught = err;
        }
        expect(caught, `${name}(${k}, ${n}, ${c})`).toBeInstanceOf(GauntletError);
        expect((caught as GauntletError).code).toBe('E_INTERNAL');
        expect((caught as GauntletError).exitCode).toBe(3);
      }
    });
  }

  it('one-sided bounds need confidence above 1/2 (the two-sided level 2c - 1 must be positive)', () => {
    expect(() => wilsonLowerBound(3, 10, 0.5)).toThrow(GauntletError);
    expect(() => clopperPearsonUpperBound(3, 10, 0.4)).toThrow(GauntletError);
    expect(() => wilsonInterval(3, 10, 0.4)).not.toThrow();
  });
});
