/**
 * Walk-forward shard kernels (docs/methodology.md, "Walk-forward" and "Determinism and sharding"). The gate runs two rounds of shards:
 *
 * 1. `segment` shards: the used rows are cut at every window edge (`windowEdges`) into
 *    segments; shard s computes each column's mean and M2 over segment s straight from the
 *    returns' SharedArrayBuffer (no copy) and returns them as a value (a Float64Array of 2N),
 *    never writing into a shared buffer. Each row is read once in total: O(T N) over all
 *    segments, in parallel.
 * 2. `fold` shards (SHARD_SIZES.walkForwardFolds = 1 fold each): the coordinator turns the
 *    segment moments into per-column prefix sums at the edges (O(segments x N), in segment
 *    order), shared through another SharedArrayBuffer; fold k then reads its IS and OOS
 *    window moments for every column in O(1) each and picks n* in O(N).
 * Total O(T N + K N) work. A single round where each fold recomputed its own windows would
 * cost O(K (r + 1) L N) for rolling windows (K (r + 1) / (K + r) times more: 3.6x at K = 10,
 * r = 4) and O(K^2 L N) for anchored ones; and a prefix array built inside one worker could
 * not reach the others without the same SharedArrayBuffer round trip.
 *
 * Selection (docs/methodology.md, "Walk-forward" and "Exact ties"): n* = argmax over columns of
 * the IS metric, the lowest index among exactly tied maxima. The prefix-moment values are
 * accurate to ~1e-12 relative but not bit-exact (columns identical on a window get values
 * that differ in the last bits), so the argmax is certified: when the runner-up lies within
 * TIE_TOLERANCE of the best, every column in that band is recomputed exactly from rows and
 * the decision is taken on exact values. Under `sharpe` a column whose IS values are all
 * equal has no Sharpe and cannot be selected: decided from the values (a window whose fast
 * variance is below PRECISION_GUARD of the column's sum of squares is recomputed from rows),
 * never from a rounded variance. A fold where no column can be selected is an E_WF_INPUT
 * error naming the fold. The selected column's (or, under ties 'average', the tied columns'
 * row-wise average's) IS and OOS moments are then computed exactly from rows, so every
 * reported number is a function of the selected values alone.
 */
import { inputError } from '../errors.js';
import { float64View } from './views.js';
import { segmentMoments, firstNonFiniteCell, prefixSumOffset, prefixSquareOffset } from './prefix_moments.js';
import { PRECISION_GUARD, TIE_TOLERANCE, exactWindowMetric, exactWindowStats, type WindowStats } from './exact_metric.js';

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
}

export interface WalkForwardFoldTask {
  kind: 'walkForward';
  phase: 'fold';
  shardIndex: number;
  fold: number;
  /** The returns matrix's own buffer, for exact recomputation of tie bands and the selection's moments. */
  returns: SharedArrayBuffer;
  /** Row ranges [start, end) of the fold's IS and OOS windows. */
  isStart: number;
  isEnd: number;
  oosStart: number;
  oosEnd: number;
  ties: 'first' | 'average';
  /** Absolute part of the tie tolerance: 1 for Sharpe, the typical return size for the mean metric. */
  tieUnit: number;
  /** Prefix moments at the window edges (layout in prefix_moments.ts). */
  prefix: SharedArrayBuffer;
  N: number;
  segments: number;
  /** Edge indices (into the sorted edge list) and row count of the fold's IS window. */
  isFrom: number;
  isTo: number;
  isRows: number;
  metric: WalkForwardMetric;
}

export type WalkForwardShardTask = WalkForwardSegmentTask | WalkForwardFoldTask;

export interface WalkForwardSegmentResult {
  phase: 'segment';
  segment: number;
  /**
   * The segment's moments per column: means at [0, N), M2 at [N, 2N) (one segment's slot of
   * the layout in prefix_moments.ts; the gate places it at segmentMeanOffset(segment, N)).
   */
  moments: Float64Array;
  /** First non-finite cell in row-major order (0-based row, column index), or -1/-1 when all finite. */
  nonFiniteRow: number;
  nonFiniteColumn: number;
  /** A column whose sums overflowed although every value is finite, or -1. */
  overflowColumn: number;
}

export interface WalkForwardFoldResult {
  phase: 'fold';
  fold: number;
  /** n*: the lowest index among the columns exactly tied for the best IS metric. */
  selectedIndex: number;
  /** How many columns tied exactly for the best IS metric (1 = no tie). */
  tiedColumns: number;
  /** Under ties 'average' with a tie: every tied column's index (else just n*). */
  tiedIndices: number[];
  /** Columns that could be selected (all N under `mean`; those with a defined IS Sharpe under `sharpe`). */
  eligibleColumns: number;
  isRows: number;
  isMean: number;
  isM2: number;
  /** Whether the selection's IS values are all equal (its Sharpe undefined). */
  isConstant: boolean;
  oosRows: number;
  oosMean: number;
  oosM2: number;
  /** Smallest and largest OOS value of the selection (the stitched series is constant iff every fold's are one value). */
  oosMin: number;
  oosMax: number;
}

export type WalkForwardShardResult = WalkForwardSegmentResult | WalkForwardFoldResult;

export function walkForwardShard(task: WalkForwardShardTask): WalkForwardShardResult {
  return task.phase === 'segment' ? walkForwardSegmentShard(task) : walkForwardFoldShard(task);
}

/** Segment moments of one segment. O(rows x N). */
export function walkForwardSegmentShard(task: WalkForwardSegmentTask): WalkForwardSegmentResult {
  const data = float64View(task.returns);
  const moments = new Float64Array(2 * task.N);
  const bad = segmentMoments(data, task.N, task.rowStart, task.rowEnd, moments, 0);
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
  return { phase: 'segment', segment: task.shardIndex, moments, nonFiniteRow, nonFiniteColumn, overflowColumn };
}

/**
 * Selects n* for one fold and returns its IS and OOS moments. O(N) plus O(IS rows) per column
 * in a tie band or with a guarded variance, plus O(IS + OOS rows) for the selection's exact
 * moments.
 */
export function walkForwardFoldShard(task: WalkForwardFoldTask): WalkForwardFoldResult {
  const p = float64View(task.prefix);
  const data = float64View(task.returns);
  const { N, segments, isRows, isStart, isEnd } = task;
  const isS0 = prefixSumOffset(task.isFrom, N);
  const isS1 = prefixSumOffset(task.isTo, N);
  const isQ0 = prefixSquareOffset(task.isFrom, segments, N);
  const isQ1 = prefixSquareOffset(task.isTo, segments, N);
  const totQ0 = prefixSquareOffset(0, segments, N);
  const totQ1 = prefixSquareOffset(segments, segments, N);
  const sharpe = task.metric === 'sharpe';
  // Fast scores; ineligible columns (Sharpe undefined) score NaN and never enter the argmax.
  const score = new Float64Array(N);
  let best = -1, bestScore = -Infinity, second = -Infinity, eligible = 0;
  for (let n = 0; n < N; n++) {
    const S = p[isS1 + n] - p[isS0 + n];
    const mean = p[n] + S / isRows;
    let v = mean;
    if (sharpe) {
      const Q = p[isQ1 + n] - p[isQ0 + n];
      const m2 = Q - (S * S) / isRows;
      // The prefix sums' rounding error scales with the column's whole sum of squares.
      v = m2 > PRECISION_GUARD * (p[totQ1 + n] - p[totQ0 + n]) ? mean / Math.sqrt(m2 / (isRows - 1)) : exactWindowMetric(data, N, isStart, isEnd, n, 'sharpe');
    }
    score[n] = v;
    if (Number.isNaN(v)) continue; // all IS values equal: Sharpe undefined, not selectable
    eligible++;
    if (v > bestScore) {
      second = bestScore;
      bestScore = v;
      best = n;
    } else if (v > second) second = v;
  }
  if (best < 0) {
    throw inputError('E_WF_INPUT', {}, `walk-forward fold ${task.fold}: every column's IS returns are constant, so no IS Sharpe is defined and no column can be selected`);
  }
  // Certify the argmax: recompute the band within the tolerance of the best exactly.
  let tied = [best];
  const tol = TIE_TOLERANCE * (Math.abs(bestScore) + task.tieUnit);
  if (second >= bestScore - tol) {
    let max = -Infinity;
    tied = [];
    for (let n = 0; n < N; n++) {
      if (!(score[n] >= bestScore - tol)) continue;
      const v = exactWindowMetric(data, N, isStart, isEnd, n, task.metric);
      if (v > max) {
        max = v;
        tied = [n];
      } else if (v === max) tied.push(n);
    }
  }
  const selection = task.ties === 'average' ? tied : [tied[0]];
  const is = selectionStats(data, N, isStart, isEnd, selection);
  const oos = selectionStats(data, N, task.oosStart, task.oosEnd, selection);
  return {
    phase: 'fold', fold: task.fold, selectedIndex: tied[0], tiedColumns: tied.length, tiedIndices: selection,
    eligibleColumns: eligible, isRows, isMean: is.mean, isM2: is.m2, isConstant: is.constant,
    oosRows: task.oosEnd - task.oosStart, oosMean: oos.mean, oosM2: oos.m2, oosMin: oos.min, oosMax: oos.max,
  };
}

/**
 * Exact moments over rows [start, end) of one column, or of the row-wise average of several
 * (each row's values summed in ascending order, so the column order cannot change a bit).
 * O((end - start) x k log k) for k columns, two strided passes for one.
 */
export function selectionStats(data: Float64Array, N: number, start: number, end: number, cols: readonly number[]): WindowStats {
  // One column: straight from the matrix (strided reads, no copy).
  if (cols.length === 1) return exactWindowStats(data, N, start, end, cols[0]);
  const rows = end - start;
  const series = new Float64Array(rows);
  const k = cols.length;
  const row = new Float64Array(k);
  for (let t = 0; t < rows; t++) {
    for (let j = 0; j < k; j++) row[j] = data[(start + t) * N + cols[j]];
    row.sort();
    let s = 0;
    for (let j = 0; j < k; j++) s += row[j];
    series[t] = s / k;
  }
  return exactWindowStats(series, 1, 0, rows, 0);
}
