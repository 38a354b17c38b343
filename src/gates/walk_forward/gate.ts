/**
 * Walk-forward efficiency ratio gate (docs/methodology.md, "Walk-forward"; Pardo, "The Evaluation and Optimization of
 * Trading Strategies", 2nd ed., ch. 11): in each of K folds pick the column with the best IS
 * metric, then
 *   WFER = (mean OOS return of the selected columns over all OOS rows x periodsPerYear)
 *        / (mean IS return of the selected columns over all IS rows, pooled across folds,
 *           a row in two folds' IS counting twice, x periodsPerYear),
 * a ratio of aggregates, never the mean of per-fold ratios. Passes when WFER > threshold.
 * An aggregate IS return <= 0 makes the ratio meaningless: value null, reason IS_NONPOSITIVE.
 *
 * Work: one O(T N) pass cut into row segments at the window edges (segment shards, in
 * parallel), O(segments x N) prefix sums here, then O(N) per fold (fold shards): see
 * kernels/walk_forward_folds.ts. Shard sizes come from the window arithmetic only, and all
 * merging runs in segment / fold order, so any worker count gives the same bytes.
 *
 * Reported choices (also README material):
 * - Sharpe = mean / sample std (ddof 1); annualised Sharpe = that x sqrt(periodsPerYear).
 *   A window whose values are all equal has no Sharpe (decided from the values, never from a
 *   rounded standard deviation): such a column cannot be selected under the `sharpe` metric,
 *   and a selected column's Sharpe is reported as null (possible under the `mean` metric).
 * - Exact ties for the best IS metric: n* = the lowest column index (ties 'first'), or the
 *   fold's IS/OOS results are those of the tied columns' row-wise average (ties 'average');
 *   `tiedSelections` counts the folds with a tie, and a warning says so.
 * - isTStat: t-statistic of the pooled IS returns of the selected columns (every fold's IS
 *   rows, a row in two folds counting twice): mean / (sd / sqrt(n)). Below 1 while the
 *   aggregate IS return is positive, the ratio's denominator is indistinguishable from 0 and
 *   the WFER unstable: a warning, and in strict mode the gate fails with IS_NOT_SIGNIFICANT.
 * - medianFoldRatio: median of per-fold OOS / IS annualised return over the folds whose IS
 *   return is > 0; folds with IS <= 0 have no meaningful ratio (their `ratio` is null) and are
 *   left out, and `foldsInMedian` says how many remained; null when none did.
 * - profitableOosFolds: share of folds whose selected column's mean OOS return is > 0.
 * - stitchedOosEquity (chart data): the selections' OOS returns, fold after fold, compounded
 *   from 1, at most CHART_DATA.wfEquityPoints evenly spaced points (stitched_equity.ts).
 */
import { inputError, internalError, optionError } from '../../errors.js';
import { CHART_DATA, SHARD_SIZES } from '../../config/defaults.js';
import { stitchedOosEquity } from './stitched_equity.js';
import type { ReturnsMatrix } from '../../io/types.js';
import type { GateContext } from '../context.js';
import type { GateResult } from '../types.js';
import type { ShardExecutor } from '../../engine/executor.js';
import type { WalkForwardOptions } from './options.js';
import { walkForwardWindows, windowEdges, type WalkForwardScheme } from './windows.js';
import { prefixMoments, prefixMomentsLength, prefixSquareOffset, segmentMeanOffset } from '../../kernels/prefix_moments.js';
import { tieWarning } from '../ties.js';
import { combineMoments, type Moments } from '../../stats/combine_moments.js';
import { median } from '../../stats/median.js';
import { checkPlan, walkForwardPlan } from '../../engine/budget.js';
import {
  type WalkForwardFoldResult,
  type WalkForwardFoldTask,
  type WalkForwardSegmentResult,
  type WalkForwardSegmentTask,
} from '../../kernels/walk_forward_folds.js';

export type { WalkForwardDetails, WalkForwardFoldDetails } from './details.js';
import type { WalkForwardDetails, WalkForwardFoldDetails } from './details.js';

/** Annualised Sharpe from a window's mean and M2, or null when its values are all equal (`constant`). */
function annualisedSharpe(mean: number, m2: number, rows: number, periodsPerYear: number, constant: boolean): number | null {
  if (constant) return null;
  return (mean / Math.sqrt(m2 / (rows - 1))) * Math.sqrt(periodsPerYear);
}

/**
 * The absolute part of the walk-forward tie tolerance: 1 for Sharpe; for the mean metric the
 * largest |mu_n| + rms(x_n - mu_n) over columns, the scale of the prefix means' rounding
 * error. O(N).
 */
function tieUnit(prefix: Float64Array, segments: number, N: number, rows: number, metric: 'sharpe' | 'mean'): number {
  if (metric === 'sharpe') return 1;
  const q0 = prefixSquareOffset(0, segments, N), q1 = prefixSquareOffset(segments, segments, N);
  let unit = 0;
  for (let n = 0; n < N; n++) {
    const u = Math.abs(prefix[n]) + Math.sqrt(Math.max(0, prefix[q1 + n] - prefix[q0 + n]) / rows);
    if (u > unit) unit = u;
  }
  return unit > 0 ? unit : Number.MIN_VALUE;
}

export async function walkForwardGate(
  returns: ReturnsMatrix,
  options: WalkForwardOptions,
  ctx: GateContext,
  extra: { periodsPerYear: number; strict?: boolean },
): Promise<GateResult> {
  const base = { gate: 'walkForward' as const, threshold: options.threshold, comparison: '>' as const, gatedOn: 'point' };
  if (!options.enabled) {
    return { ...base, enabled: false, value: null, gatedValue: null, pass: true, reason: 'DISABLED', details: {}, warnings: [] };
  }
  const ppy = extra.periodsPerYear;
  if (!(Number.isFinite(ppy) && ppy > 0)) throw optionError('periodsPerYear', `must be a positive number, got ${ppy}`);
  const { T, N, data, columns, dates, file } = returns;
  if (N < 1) throw inputError('E_WF_INPUT', { file }, 'walk-forward: the returns matrix has no columns');
  const plan = walkForwardWindows(T, options.folds, options.isOosRatio, options.gap, options.scheme);
  // Memory and work from the plan, before the moment buffers are allocated (src/engine/budget.ts).
  checkPlan(walkForwardPlan(T, N, windowEdges(plan).length - 1, plan.folds), ctx);

  // Rows before the first window are never read by the kernels; they are still input.
  for (let t = 0; t < plan.firstUsedRow; t++) {
    for (let n = 0; n < N; n++) if (!Number.isFinite(data[t * N + n])) throw nonFinite(returns, t, n);
  }

  // Whether a small job is worth threads is the executor's call (PoolOptions.minPoolWork).
  const executor: ShardExecutor = ctx.executor;
  const edges = windowEdges(plan);
  const segments = edges.length - 1;
  const segmentRows = Array.from({ length: segments }, (_, s) => edges[s + 1] - edges[s]);

  // Round 1: per-segment column moments, straight from the returns' shared buffer.
  const segmentTasks: WalkForwardSegmentTask[] = segmentRows.map((_, s) => ({
    kind: 'walkForward',
    phase: 'segment',
    shardIndex: s,
    returns: returns.buffer,
    N,
    rowStart: edges[s],
    rowEnd: edges[s + 1],
  }));
  const segmentResults = await executor.run<WalkForwardSegmentResult>(segmentTasks);
  for (const r of segmentResults) {
    if (r.nonFiniteRow >= 0) throw nonFinite(returns, r.nonFiniteRow, r.nonFiniteColumn);
    if (r.overflowColumn >= 0) {
      throw inputError('E_NON_FINITE', { file, column: columns[r.overflowColumn] }, 'returns so large that their sum of squares overflows; not per-period simple returns?');
    }
  }

  // The segments' returned moments, placed in segment order, then the prefix moments at the
  // edges; round 2: one shard per fold.
  const stats = new Float64Array(2 * segments * N);
  segmentResults.forEach((r, s) => {
    if (r.segment !== s || r.moments.length !== 2 * N) throw internalError(`walk-forward segment ${s} came back out of order or short`);
    stats.set(r.moments, segmentMeanOffset(s, N));
  });
  const prefix = new SharedArrayBuffer(prefixMomentsLength(segments, N) * 8);
  prefixMoments(stats, segmentRows, N, new Float64Array(prefix));
  const edgeIndex = new Map(edges.map((e, i) => [e, i] as const));
  const unit = tieUnit(new Float64Array(prefix), segments, N, edges[segments] - edges[0], options.metric);
  const foldTasks: WalkForwardFoldTask[] = plan.windows.map((w, i) => ({
    kind: 'walkForward',
    phase: 'fold',
    shardIndex: i,
    fold: w.fold,
    prefix,
    returns: returns.buffer,
    N,
    segments,
    isFrom: edgeIndex.get(w.isStart)!,
    isTo: edgeIndex.get(w.isEnd)!,
    isRows: w.isEnd - w.isStart,
    isStart: w.isStart,
    isEnd: w.isEnd,
    oosStart: w.oosStart,
    oosEnd: w.oosEnd,
    metric: options.metric,
    ties: options.ties,
    tieUnit: unit,
  }));
  const folds = await executor.run<WalkForwardFoldResult>(foldTasks);

  // Merge in fold order.
  const warnings: string[] = [];
  const foldResults: WalkForwardFoldDetails[] = [];
  let isSum = 0;
  let isCount = 0;
  let oosSum = 0;
  // The stitched OOS series' moments, combined fold by fold in fold order (combineMoments).
  let stitched: Moments = { n: 0, mean: 0, m2: 0 };
  // The pooled IS series' moments, combined the same way (for isTStat).
  let pooled: Moments = { n: 0, mean: 0, m2: 0 };
  let stMin = Infinity;
  let stMax = -Infinity;
  let poolConstant = true;
  let poolValue = NaN;
  let tiedSelections = 0;
  let profitable = 0;
  const ratios: number[] = [];
  folds.forEach((f, i) => {
    const w = plan.windows[i];
    if (f.eligibleColumns < N) {
      warnings.push(`walk-forward fold ${f.fold}: ${N - f.eligibleColumns} of ${N} columns have constant IS returns (Sharpe undefined) and could not be selected`);
    }
    if (f.tiedColumns > 1) tiedSelections++;
    isSum += f.isRows * f.isMean;
    isCount += f.isRows;
    oosSum += f.oosRows * f.oosMean;
    stitched = combineMoments(stitched, { n: f.oosRows, mean: f.oosMean, m2: f.oosM2 });
    if (f.oosMin < stMin) stMin = f.oosMin;
    if (f.oosMax > stMax) stMax = f.oosMax;
    pooled = combineMoments(pooled, { n: f.isRows, mean: f.isMean, m2: f.isM2 });
    // Constant pooled IS series: every fold's IS selection constant, all at one value.
    if (!f.isConstant || (!Number.isNaN(poolValue) && poolValue !== f.isMean)) poolConstant = false;
    poolValue = f.isMean;
    if (f.oosMean > 0) profitable++;
    const isAnn = f.isMean * ppy;
    const oosAnn = f.oosMean * ppy;
    const ratio = isAnn > 0 ? oosAnn / isAnn : null;
    if (ratio !== null) ratios.push(ratio);
    foldResults.push({
      fold: f.fold,
      isRows: [w.isStart, w.isEnd],
      oosRows: [w.oosStart, w.oosEnd],
      isDates: [dates[w.isStart], dates[w.isEnd - 1]],
      oosDates: [dates[w.oosStart], dates[w.oosEnd - 1]],
      selected: columns[f.selectedIndex],
      selectedIndex: f.selectedIndex,
      isAnnualisedReturn: isAnn,
      oosAnnualisedReturn: oosAnn,
      isSharpe: annualisedSharpe(f.isMean, f.isM2, f.isRows, ppy, f.isConstant),
      oosSharpe: annualisedSharpe(f.oosMean, f.oosM2, f.oosRows, ppy, f.oosMin === f.oosMax),
      ratio,
      tiedColumns: f.tiedColumns,
      ...(f.tiedIndices.length > 1 ? { averagedOver: f.tiedIndices.map((j) => columns[j]) } : {}),
    });
  });
  const aggregateIs = (isSum / isCount) * ppy;
  const isTStat = poolConstant ? null : pooled.mean / Math.sqrt(pooled.m2 / (pooled.n - 1) / pooled.n);
  if (tiedSelections > 0) warnings.push(tieWarning(tiedSelections, plan.folds, 'folds', options.ties));
  const aggregateOos = (oosSum / stitched.n) * ppy;
  const details: WalkForwardDetails = {
    metric: options.metric,
    periodsPerYear: ppy,
    folds: plan.folds,
    foldResults,
    aggregateIsAnnualisedReturn: aggregateIs,
    aggregateOosAnnualisedReturn: aggregateOos,
    medianFoldRatio: median(ratios),
    foldsInMedian: ratios.length,
    profitableOosFolds: profitable / plan.folds,
    stitchedOosSharpe: annualisedSharpe(stitched.mean, stitched.m2, stitched.n, ppy, stMin === stMax),
    stitchedOosEquity: stitchedOosEquity(
      data, N, dates, folds.map((f, i) => ({ oosStart: plan.windows[i].oosStart, oosEnd: plan.windows[i].oosEnd, selection: f.tiedIndices })), CHART_DATA.wfEquityPoints,
    ),
    isTStat,
    ties: options.ties,
    tiedSelections,
    unusedRows: plan.unusedRows,
    scheme: plan.scheme,
    isOosRatio: plan.isOosRatio,
    gap: plan.gap,
    oosLength: plan.oosLength,
    rowSegments: segments,
    shardSize: SHARD_SIZES.walkForwardFolds,
    shards: plan.folds,
  };
  if (!(aggregateIs > 0)) {
    return { ...base, enabled: true, value: null, gatedValue: null, pass: false, reason: 'IS_NONPOSITIVE', details, warnings };
  }
  const wfer = aggregateOos / aggregateIs;
  // A positive IS aggregate indistinguishable from 0 makes the ratio unstable (it divides by
  // noise): warn always, and in strict mode fail the gate on it.
  const insignificant = isTStat !== null && isTStat < 1;
  if (insignificant) {
    warnings.push(`the aggregate IS return is not distinguishable from 0 (t = ${isTStat.toFixed(2)} < 1): the WFER ${wfer.toFixed(4)} divides by noise and is unstable`);
  }
  if (insignificant && extra.strict) {
    return { ...base, enabled: true, value: wfer, gatedValue: wfer, pass: false, reason: 'IS_NOT_SIGNIFICANT', details, warnings };
  }
  return { ...base, enabled: true, value: wfer, gatedValue: wfer, pass: wfer > options.threshold, reason: null, details, warnings };
}

function nonFinite(m: ReturnsMatrix, t: number, n: number): Error {
  return inputError('E_NON_FINITE', { file: m.file, row: t + 2, column: m.columns[n] }, `value ${m.data[t * m.N + n]} is not a finite number`);
}
