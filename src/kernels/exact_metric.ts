/**
 * The canonical ("exact") metrics of one column over a set of rows, computed straight from
 * the rows in time order. They define what the fast kernels must reproduce whenever a
 * decision depends on the last bits (docs/methodology.md, "Exact ties"):
 *
 *   mean    = (x_1 + ... + x_h) / h, summed left to right in time order;
 *   sharpe  = mean / sqrt(sum((x_i - mean)^2) / (h - 1)), the squared deviations summed in
 *             time order (two passes; sample std, ddof 1);
 *   sortino = mean / sqrt(sum(min(x_i, 0)^2) / h), target 0 over all h rows.
 *
 * Because every operation is a function of the rows' values in time order, two columns whose
 * values are bitwise identical on those rows get bitwise identical metrics (the fast kernels'
 * moment arithmetic cannot promise that: it subtracts a per-column mean of *all* rows first).
 * Zero dispersion is decided from the values: Sharpe is undefined exactly when every value
 * is equal (min === max), Sortino exactly when no value is negative; never from a rounded
 * variance.
 *
 * The fast kernels call these for the few columns whose fast metric lies within TIE_TOLERANCE
 * of a decision boundary (the best in-sample value, the selected column's out-of-sample
 * value, zero), so exact results cost O(h) only where they matter. The reference twins do not
 * call this module: they compute the same formulas on their own (test/twins/cscv_reference.ts,
 * walk_forward_reference.ts), and the parity tests compare the two bit for bit.
 */

export type ExactMetric = 'sharpe' | 'mean' | 'sortino';

/**
 * Relative distance within which two fast metric values are treated as possibly tied, and
 * recomputed exactly. The fast kernels' error is far below it: PBO's block sums and
 * walk-forward's prefix sums lose at most ~1e-10 relative (a half or window whose variance
 * falls below PRECISION_GUARD of the column's sum of squares is recomputed from rows
 * anyway), so a value farther than this from the target is on the same side of it in exact
 * arithmetic too.
 * tolerance(v) = TIE_TOLERANCE x (|v| + unit), unit = 1 for Sharpe/Sortino and the typical
 * return size for the mean metric.
 */
export const TIE_TOLERANCE = 1e-8;

/**
 * Below this fraction of the column's whole sum of squared deviations (the scale of the fast
 * paths' rounding error), a half's or window's fast variance (or downside sum) is not
 * trusted and the value is recomputed from rows: it would otherwise keep fewer than
 * ~10 correct digits. Such halves are rare (a stretch about a thousand times quieter than
 * the column as a whole, or a constant one), so the guard costs almost nothing.
 */
export const PRECISION_GUARD = 1e-3;

/** Where the rows of a CSCV half are: rows [rowOffset + b L, rowOffset + (b + 1) L) of block b, for each bit b of `mask`. */
export interface BlockRows {
  data: Float64Array;
  N: number;
  rowOffset: number;
  S: number;
  blockRows: number;
}

/**
 * Exact metric of column n over the blocks in `mask` (time order), or NaN when it is
 * undefined there (Sharpe: all values equal; Sortino: no negative value). O(h).
 */
export function exactBlockMetric(l: BlockRows, metric: ExactMetric, mask: number, n: number): number {
  const { data, N, rowOffset, S, blockRows: L } = l;
  let h = 0, sum = 0, neg2 = 0, negCount = 0;
  let lo = Infinity, hi = -Infinity;
  for (let b = 0; b < S; b++) {
    if (((mask >>> b) & 1) === 0) continue;
    const end = rowOffset + (b + 1) * L;
    for (let t = rowOffset + b * L; t < end; t++) {
      const x = data[t * N + n];
      sum += x;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
      if (x < 0) {
        neg2 += x * x;
        negCount++;
      }
      h++;
    }
  }
  const mean = sum / h;
  if (metric === 'mean') return mean;
  if (metric === 'sortino') return negCount === 0 ? NaN : mean / Math.sqrt(neg2 / h);
  if (lo === hi) return NaN;
  let ss = 0;
  for (let b = 0; b < S; b++) {
    if (((mask >>> b) & 1) === 0) continue;
    const end = rowOffset + (b + 1) * L;
    for (let t = rowOffset + b * L; t < end; t++) {
      const d = data[t * N + n] - mean;
      ss += d * d;
    }
  }
  return mean / Math.sqrt(ss / (h - 1));
}

/** Exact moments of one series over a row window: mean, M2 = sum of squared deviations, its extremes, and whether all values are equal. */
export interface WindowStats {
  mean: number;
  m2: number;
  min: number;
  max: number;
  constant: boolean;
}

/**
 * Exact mean and M2 (two passes, time order) of column n over rows [start, end) of a T x N
 * row-major matrix. O(end - start).
 */
export function exactWindowStats(data: Float64Array, N: number, start: number, end: number, n: number): WindowStats {
  let sum = 0, lo = Infinity, hi = -Infinity;
  for (let t = start; t < end; t++) {
    const x = data[t * N + n];
    sum += x;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  const mean = sum / (end - start);
  let m2 = 0;
  for (let t = start; t < end; t++) {
    const d = data[t * N + n] - mean;
    m2 += d * d;
  }
  return { mean, m2, min: lo, max: hi, constant: lo === hi };
}

/**
 * Exact walk-forward selection metric of column n over rows [start, end): the mean, or the
 * Sharpe ratio mean / sqrt(M2 / (h - 1)) (NaN when all values are equal). O(end - start).
 */
export function exactWindowMetric(data: Float64Array, N: number, start: number, end: number, n: number, metric: 'sharpe' | 'mean'): number {
  const s = exactWindowStats(data, N, start, end, n);
  if (metric === 'mean') return s.mean;
  return s.constant ? NaN : s.mean / Math.sqrt(s.m2 / (end - start - 1));
}

/**
 * Mean of k values in an order-invariant way: sorted ascending, then summed left to right,
 * so any permutation of the inputs (e.g. of the columns) gives the same bits. O(k log k).
 */
export function orderInvariantMean(values: Float64Array, k: number): number {
  const v = values.slice(0, k).sort();
  let s = 0;
  for (let i = 0; i < k; i++) s += v[i];
  return s / k;
}
