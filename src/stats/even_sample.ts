/**
 * Evenly spaced positions for a chart series that must stay small: of `total` items (0-based),
 * at most `max` positions, floor((j + 1) x total / m) - 1 for j = 0 .. m - 1 with
 * m = min(total, max). Every position is taken when total <= max; above it the positions are
 * strictly increasing (consecutive ones at least floor(total / max) apart), the last item is
 * always kept (a curve ends where the data ends) and the spacing never depends on anything but
 * the two counts, so the same data always gives the same sample. Integer arithmetic is exact
 * while (j + 1) x total < 2^53.
 *
 * O(m) time and memory.
 */
export function evenSample(total: number, max: number): number[] {
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`evenSample: total ${total} is not a whole number >= 0`);
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`evenSample: max ${max} is not a whole number >= 1`);
  const m = Math.min(total, max);
  const out = new Array<number>(m);
  for (let j = 0; j < m; j++) out[j] = Math.floor(((j + 1) * total) / m) - 1;
  return out;
}
