import { describe, expect, it } from 'vitest';
import { evenSample } from '../../src/stats/even_sample.js';

describe('evenSample', () => {
  it('every position up to max', () => {
    expect(evenSample(5, 10)).toEqual([0, 1, 2, 3, 4]);
    expect(evenSample(5, 5)).toEqual([0, 1, 2, 3, 4]);
    expect(evenSample(0, 3)).toEqual([]);
  });
  it('above max: m evenly spaced, strictly increasing positions ending at the last item', () => {
    expect(evenSample(10, 5)).toEqual([1, 3, 5, 7, 9]);
    expect(evenSample(7, 3)).toEqual([1, 3, 6]);
    const s = evenSample(12870, 1000);
    expect(s).toHaveLength(1000);
    expect(s[999]).toBe(12869);
    for (let i = 1; i < s.length; i++) {
      expect(s[i] - s[i - 1]).toBeGreaterThanOrEqual(12);
      expect(s[i] - s[i - 1]).toBeLessThanOrEqual(13);
    }
  });
  it('refuses counts that are not whole numbers', () => {
    expect(() => evenSample(-1, 3)).toThrow(RangeError);
    expect(() => evenSample(3, 0)).toThrow(RangeError);
    expect(() => evenSample(2.5, 3)).toThrow(RangeError);
  });
});
