import { describe, expect, it } from 'vitest';
import { binomial } from '../../src/stats/binomial_coefficient.js';

/** C(n, k) by the multiplicative formula with exact integers (BigInt). */
function exact(n: number, k: number): bigint {
  let r = 1n;
  for (let i = 1; i <= k; i++) r = (r * BigInt(n - k + i)) / BigInt(i);
  return r;
}

describe('binomial', () => {
  it('equals the exact multiplicative formula for every n <= 52', () => {
    for (let n = 0; n <= 52; n++) for (let k = 0; k <= n; k++) expect(BigInt(binomial(n, k))).toBe(exact(n, k));
  });
  it('is 0 outside 0 <= k <= n, and refuses n beyond its table', () => {
    expect(binomial(5, -1)).toBe(0);
    expect(binomial(5, 6)).toBe(0);
    expect(binomial(-1, 0)).toBe(0);
    expect(() => binomial(65, 3)).toThrow(RangeError);
  });
});
