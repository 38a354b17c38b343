import { describe, it, expect } from 'vitest';
import {
  binomial, fullMask, lexRank, lexUnrank, revolvingDoorRank, revolvingDoorUnrank, popcount, maskToBlocks, blocksToMask,
} from '../../src/kernels/combinations.js';

/** itertools.combinations(range(n), k), written out plainly. */
function itertoolsCombinations(n: number, k: number): number[][] {
  const out: number[][] = [];
  const rec = (start: number, acc: number[]): void => {
    if (acc.length === k) { out.push(acc.slice()); return; }
    for (let j = start; j < n; j++) { acc.push(j); rec(j + 1, acc); acc.pop(); }
  };
  rec(0, []);
  return out;
}

describe('fullMask', () => {
  it('sets exactly blocks 0..S-1 for every S up to 32, as an unsigned mask', () => {
    for (let S = 1; S <= 32; S++) {
      const m = fullMask(S);
      expect(m).toBeGreaterThan(0);
      expect(popcount(m)).toBe(S);
      expect(maskToBlocks(m, 32)).toEqual(Array.from({ length: S }, (_, b) => b));
    }
    expect(fullMask(32)).toBe(0xffffffff);
    // The complement of a half within S blocks is the other half.
    expect(maskToBlocks((~blocksToMask([0, 3]) & fullMask(4)) >>> 0, 4)).toEqual([1, 2]);
  });
});

describe('binomial', () => {
  it('matches known values and symmetry', () => {
    expect(binomial(16, 8)).toBe(12870);
    expect(binomial(20, 10)).toBe(184756);
    expect(binomial(32, 16)).toBe(601080390);
    expect(binomial(5, 6)).toBe(0);
    for (let n = 0; n <= 30; n++) for (let k = 0; k <= n; k++) expect(binomial(n, k)).toBe(binomial(n, n - k));
  });
});

describe('lexicographic combinadics', () => {
  for (const [n, k] of [[4, 2], [8, 4], [10, 5], [16, 8], [7, 3]] as const) {
    it(`rank/unrank follow itertools order for C(${n}, ${k})`, () => {
      const all = itertoolsCombinations(n, k);
      expect(all.length).toBe(binomial(n, k));
      all.forEach((blocks, r) => {
        const mask = blocksToMask(blocks);
        expect(lexRank(mask, n, k)).toBe(r);
        expect(lexUnrank(r, n, k)).toBe(mask);
      });
    });
  }
  it('the complement of rank r is rank C - 1 - r when k = n / 2', () => {
    for (const n of [2, 4, 8, 12]) {
      const k = n / 2, C = binomial(n, k), full = (1 << n) - 1;
      for (let r = 0; r < C; r++) expect(lexRank(~lexUnrank(r, n, k) & full, n, k)).toBe(C - 1 - r);
    }
  });
});

describe('revolving door', () => {
  for (const [n, k] of [[5, 2], [7, 3], [15, 7], [9, 0], [6, 6], [19, 9]] as const) {
    it(`visits every ${k}-subset of ${n} once, one swap per step, rank inverts unrank`, () => {
      const C = binomial(n, k);
      const seen = new Set<number>();
      const bad: string[] = [];
      let prev = -1;
      for (let r = 0; r < C; r++) {
        const m = revolvingDoorUnrank(r, n, k);
        if (popcount(m) !== k || m >>> 0 >= 2 ** n) bad.push(`size/range at ${r}`);
        if (revolvingDoorRank(m, n, k) !== r) bad.push(`rank at ${r}`);
        seen.add(m);
        if (prev !== -1 && (popcount(prev & ~m) !== 1 || popcount(m & ~prev) !== 1)) bad.push(`swap at ${r}`);
        prev = m;
      }
      expect(bad.slice(0, 5)).toEqual([]);
      expect(seen.size).toBe(C);
    });
  }
  it('maskToBlocks lists bits ascending, including bit 31', () => {
    expect(maskToBlocks(0b10110, 5)).toEqual([1, 2, 4]);
    expect(maskToBlocks((1 << 31) >>> 0, 32)).toEqual([31]);
    expect(popcount(0xffffffff)).toBe(32);
  });
});
