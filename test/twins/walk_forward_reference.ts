/**
 * Test and bench only: production code never imports a twin.
 *
 * Brute-force walk-forward (docs/methodology.md, "Walk-forward"), the independent twin of the
 * segment/prefix kernels: windows straight from the window formulas, each fold's IS and OOS
 * rows sliced out of the matrix and every column's mean and sample standard deviation
 * recomputed by the textbook two-pass formula in time order (so columns identical on a
 * window tie exactly; a window whose values are all equal has no Sharpe). n* = the lowest
 * index among the exactly tied maxima; under ties 'average' the fold's series is the row-wise
 * average of the tied columns (each row's values summed in ascending order). No shared state
 * between folds, no prefix sums, no shards, nothing shared with the fast kernels.
 * O(K (r + 1) L N) for rolling windows, O(K^2 L N) for anchored ones.
 */
import type { ReturnsMatrix } from '../../src/io/types.js';
import { returnsView } from './ndarray_view.js';
import type { WalkForwardMetric } from '../../src/kernels/walk_forward_folds.js';

export interface ReferenceFold {
  fold: number;
  isStart: number;
  isEnd: number;
  oosStart: number;
  oosEnd: number;
  selectedIndex: number;
  /** Columns exactly tied for the best IS metric. */
  tied: number[];
  isMean: number;
  isSd: number;
  oosMean: number;
  oosSd: number;
}

export interface ReferenceWalkForward {
  oosLength: number;
  unusedRows: number;
  folds: ReferenceFold[];
  /** Mean per-period IS return of the selected columns over all IS rows, pooled across folds. */
  aggregateIsMean: number;
  aggregateOosMean: number;
  /** aggregateOosMean / aggregateIsMean (the annualisation cancels), or null when IS <= 0. */
  wfer: number | null;
  /** Mean and sample sd of the stitched OOS series of the selected columns. */
  stitchedMean: number;
  stitchedSd: number;
}

function meanSd(xs: Float64Array): { mean: number; sd: number; constant: boolean } {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  const mean = s / xs.length;
  let ss = 0;
  for (let i = 0; i < xs.length; i++) ss += (xs[i] - mean) * (xs[i] - mean);
  return { mean, sd: Math.sqrt(ss / (xs.length - 1)), constant: xs.every((x) => x === xs[0]) };
}

/** Row-wise average of several column slices (each row's values sorted ascending, then summed). */
function rowAverage(cols: Float64Array[]): Float64Array {
  if (cols.length === 1) return cols[0];
  return cols[0].map((_, t) => {
    const row = cols.map((c) => c[t]).sort((a, b) => a - b);
    let s = 0;
    for (const x of row) s += x;
    return s / row.length;
  });
}

/** Column n of the rows [start, end), copied out through an ndarray view (not the kernels' index arithmetic). */
function columnSlice(m: ReturnsMatrix, start: number, end: number, n: number): Float64Array {
  const col = returnsView(m).pick(null, n).hi(end).lo(start);
  const out = new Float64Array(col.shape[0]);
  for (let t = 0; t < out.length; t++) out[t] = col.get(t);
  return out;
}

export function walkForwardReference(
  m: ReturnsMatrix,
  opts: { folds: number; isOosRatio: number; gap: number; scheme: 'rolling' | 'anchored'; metric: WalkForwardMetric; ties?: 'first' | 'average' },
): ReferenceWalkForward {
  const { T, N } = m;
  const K = opts.folds;
  const r = opts.isOosRatio;
  const g = opts.gap;
  const L = Math.floor((T - g) / (K + r));
  if (K < 1 || L < 2) throw new Error(`walkForwardReference: windows do not fit (K ${K}, L ${L})`);
  const folds: ReferenceFold[] = [];
  let isSum = 0;
  let isCount = 0;
  const stitched: number[] = [];
  for (let k = 1; k <= K; k++) {
    const oosStart = T - (K - k + 1) * L;
    const oosEnd = T - (K - k) * L;
    const isEnd = oosStart - g;
    const isStart = opts.scheme === 'rolling' ? oosStart - g - r * L : T - K * L - g - r * L;
    // Slice the IS rows once per fold, then recompute every column from scratch.
    const isRows = m.data.slice(isStart * N, isEnd * N);
    const nIs = isEnd - isStart;
    let tied: number[] = [];
    let bestScore = -Infinity;
    for (let n = 0; n < N; n++) {
      const col = new Float64Array(nIs);
      for (let t = 0; t < nIs; t++) col[t] = isRows[t * N + n];
      const { mean, sd, constant } = meanSd(col);
      let score = mean;
      if (opts.metric === 'sharpe') {
        if (constant) continue;
        score = mean / sd;
      }
      if (score > bestScore) {
        tied = [n];
        bestScore = score;
      } else if (score === bestScore) tied.push(n);
    }
    if (tied.length === 0) throw new Error(`walkForwardReference: fold ${k} has no selectable column`);
    const best = tied[0];
    const chosen = opts.ties === 'average' ? tied : [best];
    const isCol = rowAverage(chosen.map((n) => columnSlice(m, isStart, isEnd, n)));
    const oosCol = rowAverage(chosen.map((n) => columnSlice(m, oosStart, oosEnd, n)));
    const is = meanSd(isCol);
    const oos = meanSd(oosCol);
    for (let t = 0; t < isCol.length; t++) isSum += isCol[t];
    isCount += isCol.length;
    for (let t = 0; t < oosCol.length; t++) stitched.push(oosCol[t]);
    folds.push({ fold: k, isStart, isEnd, oosStart, oosEnd, selectedIndex: best, tied, isMean: is.mean, isSd: is.sd, oosMean: oos.mean, oosSd: oos.sd });
  }
  const aggregateIsMean = isSum / isCount;
  const st = meanSd(Float64Array.from(stitched));
  return {
    oosLength: L,
    unusedRows: T - (K + r) * L - g,
    folds,
    aggregateIsMean,
    aggregateOosMean: st.mean,
    wfer: aggregateIsMean > 0 ? st.mean / aggregateIsMean : null,
    stitchedMean: st.mean,
    stitchedSd: st.sd,
  };
}
