/**
 * Test and bench only: production code never imports a twin.
 *
 * Plain reference kernel for CSCV (Bailey, Borwein, Lopez de Prado & Zhu, "The Probability
 * of Backtest Overfitting", J. Computational Finance 2017; docs/methodology.md, "PBO"): for
 * every combination it recomputes each column's metric on both halves straight from the
 * rows, picks n* = the lowest index among the exactly tied IS maxima and ranks the
 * out-of-sample metrics with ties averaged. It is the fast kernel's parity twin
 * (test/kernels/cscv.test.ts) and the bench baseline; nothing here is clever on purpose, and
 * it shares no arithmetic with the fast kernel (it does not call exact_metric.ts): the
 * parity tests compare two independent implementations of the same formulas bit for bit.
 *
 * Cost: O(T x N) per combination, O(C x T x N) for C combinations. `halfMetrics` walks rows
 * row-major for every column at once, in time order, so each column's value is a function
 * of its own values on the half only.
 */
import { averageRanks } from '../../src/stats/rank.js';
import { fullMask, lexUnrank } from '../../src/kernels/combinations.js';
import { zeroDispersionError, type PboMetric, type PboShardResult, type TieRule } from '../../src/kernels/cscv.js';

export type { PboMetric, TieRule } from '../../src/kernels/cscv.js';

/** Where the blocks are: rows [rowOffset, rowOffset + S x blockRows) of a T x N row-major matrix. */
export interface CscvLayout {
  data: Float64Array;
  N: number;
  rowOffset: number;
  S: number;
  blockRows: number;
  metric: PboMetric;
}

/** The fast kernel's per-combination arrays (rank = each combination's lexicographic rank), for a one-to-one comparison. */
export type CscvCombinationResults = Pick<PboShardResult, 'rank' | 'nStar' | 'oosRank' | 'logit' | 'tieCount' | 'isMetric' | 'oosMetric'>;

/** Mean of values, summed in ascending order (independent of the order they come in). */
function sortedMean(values: number[]): number {
  const v = Float64Array.from(values).sort();
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s / v.length;
}

/**
 * Evaluates the combinations with the given lexicographic ranks, one at a time, from rows:
 * every column's metric on both halves, the exactly tied IS maxima (n* = the lowest index),
 * the OOS ranks of all columns (ties averaged), and lambda = ln(w / (1 - w)), w = rank /
 * (N + 1); under ties 'average' the mean over the tied columns of lambda, rank and OOS
 * metric. O(ranks.length x T x N).
 */
export function cscvReference(l: CscvLayout, ranks: readonly number[], ties: TieRule = 'first'): CscvCombinationResults {
  const { N, S } = l;
  const k = S / 2;
  const full = fullMask(S);
  const C = ranks.length;
  const out: CscvCombinationResults = {
    rank: Float64Array.from(ranks),
    nStar: new Int32Array(C),
    oosRank: new Float64Array(C),
    logit: new Float64Array(C),
    tieCount: new Int32Array(C),
    isMetric: new Float64Array(C),
    oosMetric: new Float64Array(C),
  };
  const R = new Float64Array(N);
  const Rbar = new Float64Array(N);
  const work = halfWork(N);
  const lambda = (r: number): number => Math.log(r / (N + 1) / (1 - r / (N + 1)));
  ranks.forEach((rank, i) => {
    const mask = lexUnrank(rank, S, k);
    const comp = (~mask & full) >>> 0;
    halfMetrics(l, mask, R, work);
    halfMetrics(l, comp, Rbar, work);
    let max = -Infinity;
    for (let n = 0; n < N; n++) if (R[n] > max) max = R[n];
    const tied: number[] = [];
    for (let n = 0; n < N; n++) if (R[n] === max) tied.push(n);
    const oosRanks = averageRanks(Rbar);
    const nStar = tied[0];
    out.nStar[i] = nStar;
    out.tieCount[i] = tied.length;
    out.isMetric[i] = R[nStar];
    if (ties === 'first' || tied.length === 1) {
      out.oosRank[i] = oosRanks[nStar];
      out.logit[i] = lambda(oosRanks[nStar]);
      out.oosMetric[i] = Rbar[nStar];
    } else {
      out.oosRank[i] = sortedMean(tied.map((n) => oosRanks[n]));
      out.logit[i] = sortedMean(tied.map((n) => lambda(oosRanks[n])));
      out.oosMetric[i] = sortedMean(tied.map((n) => Rbar[n]));
    }
  });
  return out;
}

interface HalfWork { sum: Float64Array; ss: Float64Array; lo: Float64Array; hi: Float64Array; neg2: Float64Array; negCount: Float64Array }
function halfWork(N: number): HalfWork {
  return { sum: new Float64Array(N), ss: new Float64Array(N), lo: new Float64Array(N), hi: new Float64Array(N), neg2: new Float64Array(N), negCount: new Float64Array(N) };
}

/**
 * The metric of every column on the half `mask`, walking the half's rows in time order
 * (row-major, so the plain kernel is not penalised by strided reads):
 *   sharpe  = mean / sample std (ddof 1), two-pass (mean first, then squared deviations);
 *   mean    = arithmetic mean;
 *   sortino = mean / downside deviation, DD = sqrt(sum(min(x, 0)^2) / h) over all h rows
 *             (target 0, Sortino & Price 1994; PerformanceAnalytics' "full" method).
 * Throws when a half is constant (sharpe) or has no negative return (sortino). O(h x N).
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
