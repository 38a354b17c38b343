/** The shared result shape of the deflated-Sharpe family's gates. */
import { compare, type Comparison, type GateResult } from '../types.js';

/**
 * A family gate's result: value (null with a named reason where the formula is undefined,
 * never NaN), compared with the threshold when defined. Whether it gates is the registry's
 * business (advisory unless enabled).
 */
export function familyResult<D>(
  gate: string, comparison: Comparison, threshold: number, value: number | null, reason: string | null, details: D, warnings: string[],
): GateResult<D> {
  return {
    gate, enabled: true, value, gatedValue: value, gatedOn: 'point', threshold, comparison,
    pass: value !== null && compare(value, comparison, threshold), reason: value === null ? reason : null, details, warnings,
  };
}

/** Number for a summary line: fixed digits, or 'n/a'. */
export function fmt(x: number | null | undefined, digits = 4): string {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : 'n/a';
}
