/**
 * Plain reference kernel for CSCV (Bailey, Borwein, Lopez de Prado & Zhu, "The Probability
 * of Backtest Overfitting", J. Computational Finance 2017; SPEC 2.3): for every combination
 * it recomputes each column's metric on both halves straight from the rows, picks
 * n* = first argmax of the in-sample metric and ranks the out-of-sample metrics with ties
 * averaged. It is the fast kernel's parity twin (test/kernels/cscv.test.ts) and the bench
 * baseline; nothing here is clever on purpose.
 *
 * Cost: O(T x N) per combination, O(C x T x N) for C combinations. `halfMetrics` walks rows
 * row-major for every column at once; `metricOnBlocks` (one column) is what the fast kernel
 * falls back to for guarded halves; both perform the same operations per column.
 */
import { inputError } from '../errors.js';
import { averageRanks } from '../stats/rank.js';
import { lexUnrank, maskToBlocks } from './combinations.js';

export type PboMetric = 'sharpe' | 'mean' | 'sortino';

/** Where the blocks are: rows [rowOffset, rowOffset + S x blockRows) of a T x N row-major matrix. */
export interface CscvLayout {
  data: Float64Array;
  N: number;
  rowOffset: number;
  S: number;
  blockRows: number;
  metric: PboMetric;
}

/** Error for a half on which the metric is undefined; the gate's pre-check names the column. */
export function zeroDispersionError(metric: PboMetric, column: string, mask: number, S: number): Error {
  const what = metric === 'sortino' ? 'has no negative returns (downside deviation 0, Sortino undefined)' : 'has standard deviation 0 (Sharpe undefined)';
  return inputError('E_PBO_ZERO_VARIANCE', {}, `column '${column}' ${what} on blocks {${maskToBlocks(mask, S).join(',')}}`);
}

/**
 * The metric of column n over the rows of the blocks in `mask`, in time order:
 *   sharpe  = mean / sample std (ddof 1), two-pass (mean first, then squared deviations);
 *   mean    = arithmetic mean;
 *   sortino = mean / downside deviation, DD = sqrt(sum(min(x, 0)^2) / h) over all h rows
 *             (target 0, Sortino & Price 1994; PerformanceAnalytics' "full" method).
 * Throws when the half is constant (sharpe) or has no negative return (sortino). O(h).
 */
export function metricOnBlocks(l: CscvLayout, mask: number, n: number): number {
  const { data, N, rowOffset, S, blockRows: L, metric } = l;
  let h = 0;
  let sum = 0;
  let lo = Infinity;
  let hi = -Infinity;
  let neg2 = 0;
  let negCount = 0;
  for (let b = 0; b < S; b++) {
    if (((mask >>> b) & 1) === 0) continue;
    const end = rowOffset + (b + 1) * L;
    for (let t = rowOffset + b * L; t < end; t++) {
      const x = data[t * N + n];
      sum += x;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
      if (x < 0) {
        neg2 += x * x;
        negCount++;
      }
      h++;
    }
  }
  const mean = sum / h;
  if (metric === 'mean') return mean;
  if (metric === 'sortino') {
    if (negCount === 0) throw zeroDispersionError(metric, `#${n}`, mask, S);
    return mean / Math.sqrt(neg2 / h);
  }
  if (lo === hi) throw zeroDispersionError(metric, `#${n}`, mask, S);
  let ss = 0;
  for (let b = 0; b < S; b++) {
    if (((mask >>> b) & 1) === 0) continue;
    const end = rowOffset + (b + 1) * L;
    for (let t = rowOffset + b * L; t < end; t++) {
      const d = data[t * N + n] - mean;
      ss += d * d;
    }
  }
  return mean / Math.sqrt(ss / (h - 1));
}

export interface CscvCombinationResults {
  /** Lexicographic rank of each evaluated combination. */
  rank: Float64Array;
  nStar: Int32Array;
  oosRank: Float64Array;
  isMetric: Float64Array;
  oosMetric: Float64Array;
}

/**
 * Evaluates the combinations with the given lexicographic ranks, one at a time, from rows.
 * O(ranks.length x T x N).
 */
export function cscvReference(l: CscvLayout, ranks: readonly number[]): CscvCombinationResults {
  const { N, S } = l;
  const k = S / 2;
  const full = S === 32 ? 0xffffffff : (1 << S) - 1;
  const out: CscvCombinationResults = {
    rank: Float64Array.from(ranks),
    nStar: new Int32Array(ranks.length),
    oosRank: new Float64Array(ranks.length),
    isMetric: new Float64Array(ranks.length),
    oosMetric: new Float64Array(ranks.length),
  };
  const R = new Float64Array(N);
  const Rbar = new Float64Array(N);
  const work = halfWork(N);
  ranks.forEach((rank, i) => {
    const mask = lexUnrank(rank, S, k);
    const comp = (~mask & full) >>> 0;
    halfMetrics(l, mask, R, work);
    halfMetrics(l, comp, Rbar, work);
    let nStar = 0;
    for (let n = 1; n < N; n++) if (R[n] > R[nStar]) nStar = n;
    out.nStar[i] = nStar;
    out.oosRank[i] = averageRanks(Rbar)[nStar];
    out.isMetric[i] = R[nStar];
    out.oosMetric[i] = Rbar[nStar];
  });
  return out;
}

interface HalfWork { sum: Float64Array; ss: Float64Array; lo: Float64Array; hi: Float64Array; neg2: Float64Array; negCount: Float64Array }
function halfWork(N: number): HalfWork {
  return { sum: new Float64Array(N), ss: new Float64Array(N), lo: new Float64Array(N), hi: new Float64Array(N), neg2: new Float64Array(N), negCount: new Float64Array(N) };
}

/**
 * metricOnBlocks for every column at once, walking the half's rows in time order (row-major,
 * so the plain kernel is not penalised by strided reads). Per column the floating-point
 * operations and their order are those of metricOnBlocks, so the values are identical.
 * O(h x N).
 */
export function halfMetrics(l: CscvLayout, mask: number, out: Float64Array, w: HalfWork = halfWork(l.N)): void {
  const { data, N, rowOffset, S, blockRows: L, metric } = l;
  const { sum, ss, lo, hi, neg2, negCount } = w;
  sum.fill(0); ss.fill(0); lo.fill(Infinity); hi.fill(-Infinity); neg2.fill(0); negCount.fill(0);
  let h = 0;
  for (let b = 0; b < S; b++) {
    if (((mask >>> b) & 1) === 0) continue;
    for (let t = rowOffset + b * L; t < rowOffset + (b + 1) * L; t++) {
      const base = t * N;
      // Only the dispersion facts the metric needs are tracked (plain, but not wasteful).
      if (metric === 'sharpe') {
        for (let n = 0; n < N; n++) {
          const x = data[base + n];
          sum[n] += x;
          if (x < lo[n]) lo[n] = x;
          if (x > hi[n]) hi[n] = x;
        }
      } else if (metric === 'sortino') {
        for (let n = 0; n < N; n++) {
          const x = data[base + n];
          sum[n] += x;
          if (x < 0) {
            neg2[n] += x * x;
            negCount[n]++;
          }
        }
      } else {
        for (let n = 0; n < N; n++) sum[n] += data[base + n];
      }
      h++;
    }
  }
  for (let n = 0; n < N; n++) out[n] = sum[n] / h;
  if (metric === 'mean') return;
  if (metric === 'sortino') {
    for (let n = 0; n < N; n++) {
      if (negCount[n] === 0) throw zeroDispersionError(metric, `#${n}`, mask, S);
      out[n] = out[n] / Math.sqrt(neg2[n] / h);
    }
    return;
  }
  for (let n = 0; n < N; n++) if (lo[n] === hi[n]) throw zeroDispersionError(metric, `#${n}`, mask, S);
  for (let b = 0; b < S; b++) {
    if (((mask >>> b) & 1) === 0) continue;
    for (let t = rowOffset + b * L; t < rowOffset + (b + 1) * L; t++) {
      const base = t * N;
      for (let n = 0; n < N; n++) {
        const d = data[base + n] - out[n];
        ss[n] += d * d;
      }
    }
  }
  for (let n = 0; n < N; n++) out[n] = out[n] / Math.sqrt(ss[n] / (h - 1));
}
