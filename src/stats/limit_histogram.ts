/**
 * Histogram of non-negative values (the Monte Carlo paths' maximum drawdowns) on equal bins
 * from 0 that put `limit` exactly on a bin edge when it lies in the range, so the bars at or
 * beyond the limit are exactly the values >= limit and the chart can shade them without a bar
 * straddling the line.
 *
 *   hi = max(max value, limit or 0); when hi = 0 (every value 0, no limit) hi = 1;
 *   with a limit in (0, hi]: width w = limit / ceil(bins x limit / hi), so the limit is edge
 *   number limit / w; without one: w = hi / bins;
 *   edges e_j = j x w (the limit's edge exactly the limit; at least one bin beyond it; the last
 *   edge at least hi), count_j = #{x : e_j <= x < e_(j+1)}, the
 *   maximum in the last bin.
 * Bin j of x is floor(x / w) clamped to the last bin; at the limit edge the comparison is
 * made against the limit itself (x >= limit goes right), so rounding in x / w never moves a
 * value across the limit. Counts are exact integers; the result depends on the values and
 * options only.
 *
 * O(n + bins) time, O(bins) memory.
 */
export function limitHistogram(values: ArrayLike<number>, bins: number, limit: number | null): { edges: number[]; counts: number[] } {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`limitHistogram: bins ${bins} is not a whole number >= 1`);
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  const useLimit = limit !== null && Number.isFinite(limit) && limit > 0;
  let hi = Math.max(max, useLimit ? limit : 0);
  if (!(hi > 0)) hi = 1;
  let w: number;
  let limitEdge = -1;
  if (useLimit) {
    const below = Math.max(1, Math.ceil((bins * limit) / hi));
    w = limit / below;
    limitEdge = below;
  } else {
    w = hi / bins;
  }
  const k = Math.max(1, Math.ceil(hi / w - 1e-9));
  // One bin beyond the limit at least, so a value exactly at the limit has a bar right of it.
  const total = Math.max(k, limitEdge + 1);
  const edges = Array.from({ length: total + 1 }, (_, j) => (j === limitEdge ? limit! : j * w));
  if (edges[total] < hi) edges[total] = hi;
  const counts = new Array<number>(total).fill(0);
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    let j = Math.min(total - 1, Math.max(0, Math.floor(x / w)));
    if (limitEdge > 0) {
      // The limit decides its side exactly: x >= limit is at or right of its edge.
      if (x >= limit! && j < limitEdge) j = limitEdge;
      else if (x < limit! && j >= limitEdge) j = limitEdge - 1;
    }
    counts[j]++;
  }
  return { edges, counts };
}
