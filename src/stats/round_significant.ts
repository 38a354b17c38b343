/**
 * A number rounded to `digits` significant decimal digits (ECMAScript Number.prototype.toPrecision,
 * which rounds the exact binary value half up, then parsed back): the report's chart points
 * are stored this way (docs/formats.md, "Chart data"), since a chart cannot show more and
 * shorter numbers keep the report small. Statistics are always computed from the unrounded
 * values. Deterministic (the rounding is specified exactly); 0 and -0 give 0. O(1).
 */
export function roundSignificant(x: number, digits = 6): number {
  if (!Number.isFinite(x)) throw new RangeError(`roundSignificant: ${x} is not finite`);
  if (x === 0) return 0;
  return Number(x.toPrecision(digits));
}
