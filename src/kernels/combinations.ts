/**
 * Combinations of S blocks taken k at a time, as bitmasks (bit b = block b, blocks in time
 * order; S <= 32 so a mask fits an int32 / uint32).
 *
 * Two orders are used by CSCV (docs/methodology.md, "PBO"):
 *   - lexicographic, the order of Python's `itertools.combinations(range(S), k)` and R's
 *     `combn`: the order in which results are reported. Ranked and unranked with
 *     combinadics (Knuth, TAOCP 7.2.1.3; Kreher & Stinson, Combinatorial Algorithms, 2.3).
 *   - the revolving-door (Gray code) order of Nijenhuis & Wilf / Knuth Algorithm R,
 *     defined recursively as R(n, k) = R(n-1, k) followed by reverse(R(n-1, k-1)) with
 *     element n-1 added. Consecutive combinations differ by exactly one element out and
 *     one element in, so the fast kernel updates in-sample sums with one block in and one
 *     block out per step. It is the order in which the fast kernel walks.
 *
 * Every function here is O(n) per call (n = number of blocks) with a cached Pascal table.
 */

export { binomial } from '../stats/binomial_coefficient.js';
import { binomial } from '../stats/binomial_coefficient.js';

/**
 * The mask of all S blocks 0..S-1, as an unsigned number (1 <= S <= 32). 1 << S wraps at
 * S = 32 and is negative at S = 31, hence the unsigned shift and the S = 32 case. O(1).
 */
export function fullMask(S: number): number {
  return S === 32 ? 0xffffffff : ((1 << S) >>> 0) - 1;
}

/** Block indices of a mask, ascending. O(n). */
export function maskToBlocks(mask: number, n: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < n; b++) if ((mask >>> b) & 1) out.push(b);
  return out;
}

export function blocksToMask(blocks: readonly number[]): number {
  let m = 0;
  for (const b of blocks) m |= 1 << b;
  return m >>> 0;
}

/** Number of set bits (Hacker's Delight 5-1). O(1). */
export function popcount(mask: number): number {
  let v = mask >>> 0;
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * Lexicographic rank of a k-subset of {0..n-1} (combinadics): for each chosen element c_i,
 * count the subsets that agree on c_0..c_{i-1} and take a smaller i-th element,
 * sum over j in (c_{i-1}, c_i) of C(n-1-j, k-1-i). O(n).
 */
export function lexRank(mask: number, n: number, k: number): number {
  let rank = 0;
  let i = 0;
  for (let j = 0; j < n && i < k; j++) {
    if ((mask >>> j) & 1) i++;
    else rank += binomial(n - 1 - j, k - 1 - i);
  }
  return rank;
}

/** Inverse of lexRank: the k-subset of {0..n-1} with lexicographic rank r. O(n). */
export function lexUnrank(rank: number, n: number, k: number): number {
  let mask = 0;
  let r = rank;
  let i = 0;
  for (let j = 0; j < n && i < k; j++) {
    const withJ = binomial(n - 1 - j, k - 1 - i); // subsets whose i-th element is j
    if (r < withJ) {
      mask |= 1 << j;
      i++;
    } else {
      r -= withJ;
    }
  }
  return mask >>> 0;
}

/**
 * The k-subset of {0..n-1} at position r of the revolving-door order R(n, k), unwinding the
 * recursion R(n, k) = R(n-1, k) ++ reverse(R(n-1, k-1)) + {n-1} from the top element down.
 * O(n).
 */
export function revolvingDoorUnrank(rank: number, n: number, k: number): number {
  let mask = 0;
  let r = rank;
  let m = n;
  let kk = k;
  while (kk > 0 && kk < m) {
    const without = binomial(m - 1, kk); // size of the R(m-1, k) part
    if (r >= without) {
      r = binomial(m - 1, kk - 1) - 1 - (r - without); // position inside reverse(R(m-1, k-1))
      mask |= 1 << (m - 1);
      kk--;
    }
    m--;
  }
  if (kk === m) for (let b = 0; b < m; b++) mask |= 1 << b; // R(m, m) = the whole set
  return mask >>> 0;
}

/** Inverse of revolvingDoorUnrank; tracks the recursion's reversals as r = a + s * r'. O(n). */
export function revolvingDoorRank(mask: number, n: number, k: number): number {
  let a = 0;
  let s = 1;
  let m = n;
  let kk = k;
  while (kk > 0 && kk < m) {
    if ((mask >>> (m - 1)) & 1) {
      a += s * (binomial(m - 1, kk) + binomial(m - 1, kk - 1) - 1);
      s = -s;
      kk--;
    }
    m--;
  }
  return a;
}
