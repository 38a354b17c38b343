/**
 * Walk-forward shard kernels (SPEC 2.2, 3). The gate runs two rounds of shards:
 *
 * 1. `segment` shards: the used rows are cut at every window edge (`windowEdges`) into
 *    segments; shard s computes each column's mean and M2 over segment s straight from the
 *    returns' SharedArrayBuffer (no copy) and writes them into its own slot of a shared
 *    stats buffer. Each row is read once in total: O(T N) over all segments, in parallel.
 * 2. `fold` shards (SHARD_SIZES.walkForwardFolds = 1 fold each): the coordinator turns the
 *    segment moments into per-column prefix sums at the edges (O(segments x N), in segment
 *    order), shared through another SharedArrayBuffer; fold k then reads its IS and OOS
 *    window moments for every column in O(1) each and picks n* in O(N).
 * Total O(T N + K N) work. A single round where each fold recomputed its own windows would
 * cost O(K (r + 1) L N) for rolling windows (K (r + 1) / (K + r) times more: 3.6x at K = 10,
 * r = 4) and O(K^2 L N) for anchored ones; and a prefix array built inside one worker could
 * not reach the others without the same SharedArrayBuffer round trip.
 *
 * Selection: n* = argmax over columns of the IS metric; strict `>` so ties keep the lowest
 * index. Under `sharpe` (mean / sample std, ddof 1) a column whose IS standard deviation is
 * zero up to rounding (sd <= ZERO_SD_RELATIVE x |mean|) has no Sharpe and cannot be
 * selected; a fold where no column can be selected is an E_WF_INPUT error naming the fold.
 */
import { inputError } from '../errors.js';
import { float64View } from './views.js';
import { segmentMoments, firstNonFiniteCell, prefixSumOffset, prefixSquareOffset, windowMoments } from './prefix_moments.js';

/** A standard deviation at most this fraction of |mean| is zero up to rounding error. */
export const ZERO_SD_RELATIVE = 1e-10;

export type WalkForwardMetric = 'sharpe' | 'mean';

export interface WalkForwardSegmentTask {
  kind: 'walkForward';
  phase: 'segment';
  shardIndex: number;
  /** The returns matrix's own buffer (T x N row-major float64). */
  returns: SharedArrayBuffer;
  N: number;
  rowStart: number;
  rowEnd: number;
  /** Shared output: segment moments (layout in prefix_moments.ts); this shard writes slot shardIndex only. */
  stats: SharedArrayBuffer;
}

export interface WalkForwardFoldTask {
  kind: 'walkForward';
  phase: 'fold';
  shardIndex: number;
  fold: number;
  /** Prefix moments at the window edges (layout in prefix_moments.ts). */
  prefix: SharedArrayBuffer;
  N: number;
  segments: number;
  /** Edge indices (into the sorted edge list) and row counts of the fold's IS and OOS windows. */
  isFrom: number;
  isTo: number;
  isRows: number;
  oosFrom: number;
  oosTo: number;
  oosRows: number;
  metric: WalkForwardMetric;
}

export type WalkForwardShardTask = WalkForwardSegmentTask | WalkForwardFoldTask;

export interface WalkForwardSegmentResult {
  phase: 'segment';
  segment: number;
  /** First non-finite cell in row-major order (0-based row, column index), or -1/-1 when all finite. */
  nonFiniteRow: number;
  nonFiniteColumn: number;
  /** A column whose sums overflowed although every value is finite, or -1. */
  overflowColumn: number;
}

export interface WalkForwardFoldResult {
  phase: 'fold';
  fold: number;
  selectedIndex: number;
  /** Columns that could be selected (all N under `mean`; those with a defined IS Sharpe under `sharpe`). */
  eligibleColumns: number;
  isRows: number;
  isMean: number;
  isM2: number;
  oosRows: number;
  oosMean: number;
  oosM2: number;
}

export type WalkForwardShardResult = WalkForwardSegmentResult | WalkForwardFoldResult;

export function walkForwardShard(task: WalkForwardShardTask): WalkForwardShardResult {
  return task.phase === 'segment' ? walkForwardSegmentShard(task) : walkForwardFoldShard(task);
}

/** Segment moments of one segment. O(rows x N). */
export function walkForwardSegmentShard(task: WalkForwardSegmentTask): WalkForwardSegmentResult {
  const data = float64View(task.returns);
  const stats = float64View(task.stats);
  const bad = segmentMoments(data, task.N, task.rowStart, task.rowEnd, stats, task.shardIndex);
  let nonFiniteRow = -1;
  let nonFiniteColumn = -1;
  let overflowColumn = -1;
  if (bad >= 0) {
    const cell = firstNonFiniteCell(data, task.N, task.rowStart, task.rowEnd);
    if (cell) {
      nonFiniteRow = cell.row;
      nonFiniteColumn = cell.column;
    } else {
      overflowColumn = bad;
    }
  }
  return { phase: 'segment', segment: task.shardIndex, nonFiniteRow, nonFiniteColumn, overflowColumn };
}

/** Selects n* for one fold and returns its IS and OOS moments. O(N). */
export function walkForwardFoldShard(task: WalkForwardFoldTask): WalkForwardFoldResult {
  const p = float64View(task.prefix);
  const { N, segments, isRows, oosRows } = task;
  const isS0 = prefixSumOffset(task.isFrom, N);
  const isS1 = prefixSumOffset(task.isTo, N);
  const isQ0 = prefixSquareOffset(task.isFrom, segments, N);
  const isQ1 = prefixSquareOffset(task.isTo, segments, N);
  const sharpe = task.metric === 'sharpe';
  let best = -1;
  let bestScore = -Infinity;
  let eligible = 0;
  for (let n = 0; n < N; n++) {
    const S = p[isS1 + n] - p[isS0 + n];
    const mean = p[n] + S / isRows;
    let score = mean;
    if (sharpe) {
      const Q = p[isQ1 + n] - p[isQ0 + n];
      const m2 = Q - (S * S) / isRows;
      const sd = m2 > 0 ? Math.sqrt(m2 / (isRows - 1)) : 0;
      if (sd <= ZERO_SD_RELATIVE * Math.abs(mean)) continue; // Sharpe undefined: not selectable
      score = mean / sd;
    }
    eligible++;
    if (best < 0 || score > bestScore) {
      best = n;
      bestScore = score;
    }
  }
  if (best < 0) {
    throw inputError('E_WF_INPUT', {}, `walk-forward fold ${task.fold}: every column has zero IS variance, so no IS Sharpe is defined and no column can be selected`);
  }
  const { mean: isMean, m2: isM2 } = windowMoments(p, segments, N, task.isFrom, task.isTo, isRows, best);
  const { mean: oosMean, m2: oosM2 } = windowMoments(p, segments, N, task.oosFrom, task.oosTo, oosRows, best);
  return { phase: 'fold', fold: task.fold, selectedIndex: best, eligibleColumns: eligible, isRows, isMean, isM2, oosRows, oosMean, oosM2 };
}

