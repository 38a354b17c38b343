/**
 * Sample quantile of an ascending-sorted array by linear interpolation between order
 * statistics: numpy's default `method='linear'` (Hyndman & Fan 1996, definition 7).
 *
 *   h = (N - 1) q,  j = floor(h),  g = h - j
 *   Q(q) = x[j] + g (x[j+1] - x[j])
 *
 * The interpolation uses numpy's `_lerp` form (for g >= 1/2 it interpolates back from
 * x[j+1]), so results match `np.quantile(x, q)` to the last bit, not just to rounding.
 *
 * O(1) on an already-sorted array.
 */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const N = sorted.length;
  if (N === 0) throw new RangeError('quantileSorted: empty array');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantileSorted: q = ${q} is outside [0, 1]`);
  const h = (N - 1) * q;
  const j = Math.floor(h);
  if (j >= N - 1) return sorted[N - 1];
  const g = h - j;
  const a = sorted[j];
  const b = sorted[j + 1];
  const diff = b - a;
  return g >= 0.5 ? b - diff * (1 - g) : a + diff * g;
}
