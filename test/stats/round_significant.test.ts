import { describe, expect, it } from 'vitest';
import { roundSignificant } from '../../src/stats/round_significant.js';

describe('roundSignificant', () => {
  it('keeps 6 significant digits by default, whatever the magnitude', () => {
    expect(roundSignificant(0.056631989237113066)).toBe(0.056632);
    expect(roundSignificant(123456.789)).toBe(123457);
    expect(roundSignificant(-1.23456789e-9)).toBe(-1.23457e-9);
    expect(roundSignificant(0.7000000000000001)).toBe(0.7);
    expect(roundSignificant(1.5, 1)).toBe(2);
  });
  it('0 and -0 give 0; a non-finite value is refused', () => {
    expect(Object.is(roundSignificant(-0), 0)).toBe(true);
    expect(() => roundSignificant(Infinity)).toThrow(RangeError);
  });
});
