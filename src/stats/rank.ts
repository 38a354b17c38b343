/**
 * Ranks with ties averaged ("average" / fractional ranking, as scipy.stats.rankdata's
 * default and R's rank(ties.method = "average")): ascending 1..n, each group of equal values
 * gets the mean of the positions it occupies. Values are compared with `<` and `===`, so
 * -0 and 0 tie. NaN is not allowed (callers reject non-finite values first).
 *
 * averageRanks: O(n log n) (one sort of an index array). averageRankOf: O(n), the rank of one
 * element, counting smaller and equal values: rank = less + (equal + 1) / 2.
 */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => values[a] - values[b] || a - b);
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && values[order[j]] === values[order[i]]) j++;
    // positions i..j-1 (0-based) hold equal values: their ranks are i+1..j, mean (i+1+j)/2
    const r = (i + 1 + j) / 2;
    for (let p = i; p < j; p++) ranks[order[p]] = r;
    i = j;
  }
  return ranks;
}

/** The average rank (ascending, 1-based, ties averaged) of values[index] among values. O(n). */
export function averageRankOf(values: ArrayLike<number>, index: number): number {
  const target = values[index];
  let less = 0;
  let equal = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < target) less++;
    else if (v === target) equal++;
  }
  return less + (equal + 1) / 2;
}
