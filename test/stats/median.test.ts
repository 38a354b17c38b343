import { describe, expect, it } from 'vitest';
import { median } from '../../src/stats/median.js';

describe('median', () => {
  it('the middle value, or the mean of the two middle ones, of unsorted input', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([-1, 10])).toBe(4.5);
    expect(median([7])).toBe(7);
  });
  it('null for no values; the input is not reordered', () => {
    expect(median([])).toBeNull();
    const xs = [5, -2, 9, 0];
    expect(median(xs)).toBe(2.5);
    expect(xs).toEqual([5, -2, 9, 0]);
  });
  it('sorts numerically, not as strings', () => {
    expect(median([10, 9, 100])).toBe(10);
  });
});
