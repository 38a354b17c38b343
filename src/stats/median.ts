/**
 * Sample median: the middle order statistic of n values, or the mean of the two middle ones
 * when n is even (numpy.median's convention); null for no values. Sorts a copy, so the input
 * is left as it is.
 *
 * O(n log n) time, O(n) memory.
 */
export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}
