/**
 * What the deflated-Sharpe family (docs/methodology.md, "Deflated Sharpe") reads off the
 * returns matrix, computed once per candidate and shared by its four gates: the selected
 * column's per-period Sharpe ratio (mean / std, ddof 1, over all T rows), its bias-corrected
 * skewness and non-excess kurtosis (G2 + 3), the per-period Sharpe of every one of the N
 * configurations tried, their standard deviation (ddof 1) and E[max of N standard normals].
 * O(T x N) (one pass per column); the result is cached per matrix and selection.
 */
import { sampleMoments } from '../../stats/sample_moments.js';
import { expectedMaxStandardNormal } from '../../stats/deflated_sharpe.js';
import type { GateInput } from '../registry.js';

export interface SharpeFamilyInputs {
  T: number;
  /** Configurations tried (every column of returns.csv). */
  N: number;
  periodsPerYear: number;
  /** Years of data: T / periodsPerYear. */
  years: number;
  /** The selected column's per-period Sharpe, or null when its values are all equal. */
  sharpe: number | null;
  sharpeAnnualised: number | null;
  skewness: number | null;
  /** Non-excess kurtosis (excess + 3), pypbo's convention. */
  kurtosis: number | null;
  /** Standard deviation (ddof 1) of the N configurations' per-period Sharpes (those defined). */
  sharpeStdAcrossTrials: number | null;
  /** Configurations whose returns are all equal (no Sharpe), left out of the spread. */
  constantColumns: number;
  /** E[max of N standard normals], null when N < 2. */
  expectedMaxZ: number | null;
}

const cache = new WeakMap<object, Map<number, SharpeFamilyInputs>>();

export function sharpeFamilyInputs(input: GateInput): SharpeFamilyInputs {
  const { returns, selectedIndex } = input;
  let byIndex = cache.get(returns);
  if (!byIndex) cache.set(returns, (byIndex = new Map()));
  const hit = byIndex.get(selectedIndex);
  if (hit && hit.periodsPerYear === input.periodsPerYear) return hit;
  const { T, N, data } = returns;
  const sharpes: number[] = [];
  let constantColumns = 0;
  for (let n = 0; n < N; n++) {
    const m = sampleMoments(data, n, T, N);
    if (m.constant) constantColumns++;
    else sharpes.push(m.mean / m.sd);
  }
  const sel = sampleMoments(data, selectedIndex, T, N);
  const sharpe = sel.constant ? null : sel.mean / sel.sd;
  const spread = sharpes.length >= 2 ? sampleMoments(sharpes).sd : null;
  const out: SharpeFamilyInputs = {
    T, N, periodsPerYear: input.periodsPerYear, years: T / input.periodsPerYear,
    sharpe,
    sharpeAnnualised: sharpe === null ? null : sharpe * Math.sqrt(input.periodsPerYear),
    skewness: sel.skewness,
    kurtosis: sel.excessKurtosis === null ? null : sel.excessKurtosis + 3,
    sharpeStdAcrossTrials: spread,
    constantColumns,
    expectedMaxZ: expectedMaxStandardNormal(N).value,
  };
  byIndex.set(selectedIndex, out);
  return out;
}

/** The common details of the family: the inputs every one of its numbers rests on. */
export function familyDetails(f: SharpeFamilyInputs): Record<string, number | null> {
  return {
    T: f.T, N: f.N, sharpe: f.sharpe, sharpeAnnualised: f.sharpeAnnualised, skewness: f.skewness, kurtosis: f.kurtosis,
  };
}

/**
 * The selected column's Sharpe, skewness and kurtosis, or the named reason they are undefined:
 * ZERO_VARIANCE (its returns are all equal), TOO_FEW_OBSERVATIONS (fewer than 4 rows).
 */
export function selectedMoments(f: SharpeFamilyInputs): { sharpe: number; skewness: number; kurtosis: number; reason: null } | { reason: 'ZERO_VARIANCE' | 'TOO_FEW_OBSERVATIONS' } {
  if (f.sharpe === null) return { reason: 'ZERO_VARIANCE' };
  if (f.skewness === null || f.kurtosis === null) return { reason: 'TOO_FEW_OBSERVATIONS' };
  return { sharpe: f.sharpe, skewness: f.skewness, kurtosis: f.kurtosis, reason: null };
}
