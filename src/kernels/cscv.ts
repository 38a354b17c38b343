/**
 * Fast CSCV kernel (Bailey, Borwein, Lopez de Prado & Zhu 2017; docs/methodology.md, "PBO").
 * One shard = a fixed range of complementary pairs of combinations (or, when the gate
 * samples, a fixed list of them); it returns every evaluated combination's lexicographic
 * rank, n*, OOS rank (ties averaged), logit, the number of configurations tied for the best
 * IS metric and the IS/OOS metric of the selection, plus integer counts of all OOS metric
 * values on the gate's fixed grid (for the stochastic-dominance check).
 *
 * How it is fast (the reference twin, test/twins/cscv_reference.ts, recomputes each half from rows):
 *   1. Block moments once: `computeBlockMoments` makes one O(T x N) pass giving, per column
 *      n and block b, sums of d = x - mu_n and d^2 (mu_n = the column mean over the used
 *      rows; subtracting it first keeps the sums small, so updating them incrementally
 *      cannot drift into cancellation), and sum of min(x, 0)^2 and the count of x < 0.
 *      The gate builds them once into a SharedArrayBuffer every shard reads.
 *   2. Complement pairs: every combination containing block S-1 is paired with its
 *      complement; the IS half of one is the OOS half of the other, so one pass over the
 *      columns fills R (metric on the mask's blocks) and Rbar (metric on the others, from
 *      total - IS sums) and serves two combinations.
 *   3. Revolving-door walk: the pairs are the (S/2-1)-subsets of blocks 0..S-2 in
 *      revolving-door order (combinations.ts), so each step swaps one block in and one out
 *      of the IS sums: O(N) per pair instead of O(N x S/2). A shard unranks its first
 *      pair and rebuilds its sums from the block moments, so drift is bounded by one shard.
 *   4. Guarded precision: the Sharpe variance is sum d^2 - (sum d)^2 / h, from running sums
 *      whose rounding error scales with the column's whole sum of d^2. When the variance is
 *      below PRECISION_GUARD of that sum (a half much quieter than the column, or whose
 *      mean sits far from mu_n relative to its spread), or the downside sum is tiny next to
 *      the column's, the column's half is recomputed exactly from rows (exact_metric.ts).
 *      Every value the fast path keeps is then accurate to ~1e-10 relative or better.
 *   5. Exact decisions (docs/methodology.md, "Exact ties"): the fast values are accurate to
 *      ~1e-13 relative, not bit-exact, and columns that are identical on a half get values
 *      that differ in the last bits. So every decision is certified: the argmax is trusted
 *      only when the runner-up is farther than the tie tolerance below it, and a rank only
 *      when no other column lies within the tolerance of the target; otherwise the columns
 *      in that band are recomputed exactly from rows and the decision is taken on exact
 *      values (n* = lowest index among exactly tied maxima; equal OOS values share the
 *      averaged rank). Near ties are rare, so the cost stays O(N) per combination; a grid
 *      full of duplicated configurations pays O(h) per tied column.
 *
 * Cost per shard: O(S x N) to set up, then O(N) per pair (two metric evaluations, two
 * argmax, two rank counts, two grid binnings per column) plus O(h) per column in a tie band,
 * O(N) memory. Per run: O(T x N + C x N) time for C combinations.
 */
import { inputError } from '../errors.js';
import { float64View } from './views.js';
import { fullMask, lexRank, maskToBlocks, popcount, revolvingDoorUnrank } from './combinations.js';
import { PRECISION_GUARD, TIE_TOLERANCE, exactBlockMetric, orderInvariantMean, type BlockRows } from './exact_metric.js';

export { PRECISION_GUARD } from './exact_metric.js';

export type PboMetric = 'sharpe' | 'mean' | 'sortino';

/** How a combination with several configurations exactly tied for the best IS metric is scored. */
export type TieRule = 'first' | 'average';

/** Error for a half on which the metric is undefined; the gate's pre-check names the column. */
export function zeroDispersionError(metric: PboMetric, column: string, mask: number, S: number): Error {
  const what = metric === 'sortino' ? 'has no negative returns (downside deviation 0, Sortino undefined)' : 'has standard deviation 0 (Sharpe undefined)';
  return inputError('E_PBO_ZERO_VARIANCE', {}, `column '${column}' ${what} on blocks {${maskToBlocks(mask, S).join(',')}}`);
}

/**
 * Layout of the block-moments buffer (float64): mu[N], then four S x N planes, each
 * block-major (plane[b * N + n]): sum d, sum d^2, sum min(x,0)^2, count(x < 0).
 */
export function blockMomentsLength(S: number, N: number): number {
  return N + 4 * S * N;
}

/**
 * Per-block moments of every column over rows [rowOffset, rowOffset + S x L), summing rows
 * in time order; the downside planes stay 0 unless `downside` (only Sortino reads them). Two passes over the matrix (means, then moments): O(T x N) time,
 * O(S x N) memory.
 */
export function computeBlockMoments(data: Float64Array, N: number, rowOffset: number, S: number, L: number, downside = true): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(blockMomentsLength(S, N) * 8);
  const m = new Float64Array(buffer);
  const SN = S * N;
  const p1 = N, p2 = N + SN, pn = N + 2 * SN, pc = N + 3 * SN;
  const rows = S * L;
  for (let t = rowOffset; t < rowOffset + rows; t++) {
    const base = t * N;
    for (let n = 0; n < N; n++) m[n] += data[base + n];
  }
  for (let n = 0; n < N; n++) m[n] /= rows;
  for (let b = 0; b < S; b++) {
    const o = b * N;
    for (let t = rowOffset + b * L; t < rowOffset + (b + 1) * L; t++) {
      const base = t * N;
      for (let n = 0; n < N; n++) {
        const d = data[base + n] - m[n];
        m[p1 + o + n] += d;
        m[p2 + o + n] += d * d;
      }
      if (!downside) continue;
      for (let n = 0; n < N; n++) {
        const x = data[base + n];
        const ng = x < 0 ? x : 0;
        m[pn + o + n] += ng * ng;
        m[pc + o + n] += +(x < 0);
      }
    }
  }
  return buffer;
}

/**
 * The absolute part of the tie tolerance: 1 for Sharpe and Sortino (dimensionless), and for
 * the mean metric the largest |mu_n| + rms(x_n - mu_n) over columns, the scale the fast
 * means' rounding error is proportional to. O(S x N).
 */
export function tieUnit(moments: Float64Array, S: number, N: number, L: number, metric: PboMetric): number {
  if (metric !== 'mean') return 1;
  const p2 = N + S * N;
  let unit = 0;
  for (let n = 0; n < N; n++) {
    let q = 0;
    for (let b = 0; b < S; b++) q += moments[p2 + b * N + n];
    const u = Math.abs(moments[n]) + Math.sqrt(q / (S * L));
    if (u > unit) unit = u;
  }
  return unit > 0 ? unit : Number.MIN_VALUE;
}

export interface PboShardTask {
  kind: 'pbo';
  shardIndex: number;
  /** The returns matrix's SharedArrayBuffer (T x N row-major), read for guarded halves and tie bands. */
  returns: SharedArrayBuffer;
  /** computeBlockMoments' buffer. */
  moments: SharedArrayBuffer;
  T: number;
  N: number;
  rowOffset: number;
  S: number;
  blockRows: number;
  metric: PboMetric;
  /** Tie rule (first: n* = lowest tied index; average: lambda averaged over the tied columns). */
  ties: TieRule;
  /** tieUnit(): the absolute part of the tie tolerance. */
  tieUnit: number;
  /** Pair positions: [pairStart, pairStart + pairCount) of the revolving-door walk, or the listed ones when sampling. */
  pairStart: number;
  pairCount: number;
  pairs: number[] | null;
  gridLo: number;
  gridInvWidth: number;
  gridBins: number;
}

export interface PboShardResult {
  kind: 'pbo';
  shardIndex: number;
  /** Per evaluated combination (2 per pair: the pair's mask, then its complement). */
  rank: Float64Array;
  nStar: Int32Array;
  /** OOS rank of n* (ties: first), or the mean of the tied columns' OOS ranks (ties: average). */
  oosRank: Float64Array;
  /** lambda = ln(w / (1 - w)), w = rank / (N + 1); under ties: average, the mean of the tied columns' lambdas. */
  logit: Float64Array;
  /** Number of configurations exactly tied for the best IS metric (1 = no tie). */
  tieCount: Int32Array;
  isMetric: Float64Array;
  oosMetric: Float64Array;
  /** Counts of every OOS metric value (all columns, all combinations) per grid bin. */
  poolCounts: Float64Array;
  poolMin: number;
  poolMax: number;
}

/** The mask of pair position p: an (S/2-1)-subset of blocks 0..S-2 plus block S-1. */
export function pairMask(p: number, S: number): number {
  return (revolvingDoorUnrank(p, S - 1, S / 2 - 1) | (1 << (S - 1))) >>> 0;
}

/** Per-shard state of the walk: the planes the metric reads, whole-sample and running IS sums. */
interface Walk {
  N: number;
  S: number;
  h: number;
  metric: PboMetric;
  mu: Float64Array;
  planes: Float64Array[];
  tot: Float64Array[];
  is: Float64Array[];
  rows: BlockRows;
  prev: number;
}

function startWalk(task: PboShardTask): Walk {
  const { N, S, blockRows: L, metric } = task;
  const mom = float64View(task.moments);
  const SN = S * N;
  const p1 = N, p2 = N + SN, pn = N + 2 * SN, pc = N + 3 * SN;
  // Planes this metric reads (sum d, sum d^2 for Sharpe; sum d for mean; sum d, downside sum
  // and count for Sortino): the others are never summed.
  const all = [mom.subarray(p1, p1 + SN), mom.subarray(p2, p2 + SN), mom.subarray(pn, pn + SN), mom.subarray(pc, pc + SN)];
  const used = metric === 'sharpe' ? [0, 1] : metric === 'mean' ? [0] : [0, 2, 3];
  const planes = used.map((i) => all[i]);
  // Whole-sample sums per column (blocks in order), so OOS = total - IS.
  const tot = used.map(() => new Float64Array(N));
  for (let j = 0; j < planes.length; j++) for (let b = 0; b < S; b++) addBlock(tot[j], planes[j], b * N, N);
  return {
    N, S, h: (S / 2) * L, metric, mu: mom.subarray(0, N), planes, tot, is: used.map(() => new Float64Array(N)),
    rows: { data: float64View(task.returns), N, rowOffset: task.rowOffset, S, blockRows: L }, prev: -1,
  };
}

/** Moves the walk's IS sums to `mask`: one block swap per revolving-door step, a rebuild otherwise. O(N) per swap. */
function moveTo(w: Walk, mask: number): void {
  const { N, S, planes, is, prev } = w;
  if (prev === -1 || popcount(prev & ~mask) > 2) {
    for (let j = 0; j < planes.length; j++) {
      is[j].fill(0);
      for (let b = 0; b < S; b++) if ((mask >>> b) & 1) addBlock(is[j], planes[j], b * N, N);
    }
  } else {
    let outs = (prev & ~mask) >>> 0;
    let ins = (mask & ~prev) >>> 0;
    while (outs !== 0) {
      const o = 31 - Math.clz32(outs);
      const i = 31 - Math.clz32(ins);
      for (let j = 0; j < planes.length; j++) swapBlock(is[j], planes[j], i * N, o * N, N);
      outs = (outs & ~(1 << o)) >>> 0;
      ins = (ins & ~(1 << i)) >>> 0;
    }
  }
  w.prev = mask;
}

/**
 * Fills R (metric on `mask`) and Rbar (on its complement) for every column. top = [best R,
 * runner-up R, best Rbar, runner-up Rbar], best = their first argmaxes. Throws on a
 * non-finite value (naming the column and blocks). O(N).
 */
function pairMetrics(w: Walk, mask: number, comp: number, R: Float64Array, Rbar: Float64Array, best: Int32Array, top: Float64Array): void {
  const { N, h, mu, is, tot, rows, metric } = w;
  const check =
    metric === 'sharpe'
      ? sharpePair(N, h, mu, is[0], is[1], tot[0], tot[1], R, Rbar, best, top, rows, mask, comp)
      : metric === 'mean'
        ? meanPair(N, h, mu, is[0], tot[0], R, Rbar, best, top)
        : sortinoPair(N, h, mu, is[0], is[1], is[2], tot[0], tot[1], tot[2], R, Rbar, best, top, rows, mask, comp);
  if (!Number.isFinite(check)) {
    for (let n = 0; n < N; n++) {
      if (!Number.isFinite(R[n]) || !Number.isFinite(Rbar[n])) {
        throw inputError('E_NON_FINITE', {}, `column #${n}: the ${metric} metric is not finite on blocks {${maskToBlocks(Number.isFinite(R[n]) ? comp : mask, w.S).join(',')}}`);
      }
    }
  }
}

/** Exact metric of column n on `mask`; a half where it is undefined is the gate's zero-dispersion error. O(h). */
function exactOrThrow(w: Walk, mask: number, n: number): number {
  const v = exactBlockMetric(w.rows, w.metric, mask, n);
  if (Number.isNaN(v)) throw zeroDispersionError(w.metric, `#${n}`, mask, w.S);
  return v;
}

/**
 * Scratch for the exact resolution of one combination: tied column indices and their
 * values (reused, so the walk allocates nothing per combination).
 */
interface TieScratch {
  tied: Int32Array;
  values: Float64Array;
  lambdas: Float64Array;
  ranks: Float64Array;
}

/**
 * The exact best IS columns of one combination: every column whose fast IS value lies within
 * the tolerance of the fast best is recomputed from rows (the value is written back into
 * `vals`), and the exactly tied maxima are listed in `tied` in index order. Returns their
 * number. O(N + band x h).
 */
function exactBest(w: Walk, vals: Float64Array, mask: number, fastBest: number, tol: number, tied: Int32Array): number {
  const thr = fastBest - tol;
  let max = -Infinity, k = 0;
  for (let n = 0; n < w.N; n++) {
    if (!(vals[n] >= thr)) continue;
    const v = exactOrThrow(w, mask, n);
    vals[n] = v;
    if (v > max) {
      max = v;
      k = 0;
      tied[k++] = n;
    } else if (v === max) tied[k++] = n;
  }
  return k;
}

/**
 * The exact average rank of vals[j] among vals (ascending, ties averaged), given counts from
 * the fast values: `less` columns below t - tol and `lessEq` at or below t + tol. The band in
 * between (j included) is recomputed from rows on `oosMask` and ranked exactly. O(N + band x h)
 * when the band holds other columns, O(1) otherwise.
 */
function exactRank(w: Walk, vals: Float64Array, oosMask: number, j: number, lo: number, hi: number, less: number, lessEq: number): number {
  if (lessEq - less === 1) return less + 1;
  const t = exactOrThrow(w, oosMask, j);
  vals[j] = t;
  let below = 0, equal = 0;
  for (let n = 0; n < w.N; n++) {
    const f = vals[n];
    if (!(f >= lo && f <= hi)) continue;
    const v = n === j ? t : exactOrThrow(w, oosMask, n);
    vals[n] = v;
    if (v < t) below++;
    else if (v === t) equal++;
  }
  return less + below + (equal + 1) / 2;
}

/** Counts of fast values below lo and at or below hi. O(N). */
function bandCounts(vals: Float64Array, lo: number, hi: number, out: Float64Array): void {
  let less = 0, lessEq = 0;
  for (let n = 0; n < vals.length; n++) {
    const v = vals[n];
    less += +(v < lo);
    lessEq += +(v <= hi);
  }
  out[0] = less;
  out[1] = lessEq;
}

function lambdaOf(rank: number, N: number): number {
  const p = rank / (N + 1);
  return Math.log(p / (1 - p));
}

export function pboShard(task: PboShardTask): PboShardResult {
  const { N, S, metric, ties, tieUnit: unit, gridLo: lo, gridInvWidth: invW, gridBins: B } = task;
  const k = S / 2;
  const full = fullMask(S);
  const walk = startWalk(task);
  const R = new Float64Array(N);
  const Rbar = new Float64Array(N);
  const best = new Int32Array(2);
  const top = new Float64Array(4);

  const count = 2 * task.pairCount;
  const res: PboShardResult = {
    kind: 'pbo',
    shardIndex: task.shardIndex,
    rank: new Float64Array(count),
    nStar: new Int32Array(count),
    oosRank: new Float64Array(count),
    logit: new Float64Array(count),
    tieCount: new Int32Array(count),
    isMetric: new Float64Array(count),
    oosMetric: new Float64Array(count),
    poolCounts: new Float64Array(B),
    poolMin: Infinity,
    poolMax: -Infinity,
  };
  const pool = res.poolCounts;
  let poolMin = Infinity, poolMax = -Infinity;
  const scratch = new Float64Array(8);
  const tiesA: TieScratch = { tied: new Int32Array(N), values: new Float64Array(N), lambdas: new Float64Array(N), ranks: new Float64Array(N) };
  const tiesB: TieScratch = { tied: new Int32Array(N), values: new Float64Array(N), lambdas: new Float64Array(N), ranks: new Float64Array(N) };
  const tol = (v: number): number => TIE_TOLERANCE * (Math.abs(v) + unit);

  for (let idx = 0; idx < task.pairCount; idx++) {
    const p = task.pairs === null ? task.pairStart + idx : task.pairs[idx];
    const mask = pairMask(p, S);
    const comp = (~mask & full) >>> 0;
    moveTo(walk, mask);
    // One pass: R (IS = mask) and Rbar (IS = complement) for every column, both argmaxes and runners-up.
    pairMetrics(walk, mask, comp, R, Rbar, best, top);

    // Combination A (IS = mask) selects from R, combination B (IS = comp) from Rbar. The fast
    // argmax stands when the runner-up is clearly below; otherwise decide on exact values.
    let kA = 1, kB = 1;
    const tolA = tol(top[0]), tolB = tol(top[2]);
    if (top[1] >= top[0] - tolA) kA = exactBest(walk, R, mask, top[0], tolA, tiesA.tied);
    else tiesA.tied[0] = best[0];
    if (top[3] >= top[2] - tolB) kB = exactBest(walk, Rbar, comp, top[2], tolB, tiesB.tied);
    else tiesB.tied[0] = best[1];
    const nA = tiesA.tied[0], nB = tiesB.tied[0];

    // One pass: both OOS rank counts with their tie bands (Rbar is A's OOS, R is B's OOS) and
    // the grid counts of both OOS vectors.
    const tA = Rbar[nA], tB = R[nB];
    const bA = tol(tA), bB = tol(tB);
    scratch[4] = poolMin; scratch[5] = poolMax;
    oosRanksAndGrid(N, R, Rbar, tA - bA, tA + bA, tB - bB, tB + bB, pool, lo, invW, B, scratch);
    poolMin = scratch[4]; poolMax = scratch[5];
    const rankA = exactRank(walk, Rbar, comp, nA, tA - bA, tA + bA, scratch[0], scratch[1]);
    const rankB = exactRank(walk, R, mask, nB, tB - bB, tB + bB, scratch[2], scratch[3]);

    const a = 2 * idx, bb = a + 1;
    res.rank[a] = lexRank(mask, S, k);
    res.rank[bb] = lexRank(comp, S, k);
    record(res, a, walk, R, Rbar, comp, nA, kA, rankA, ties, tiesA, scratch, tol);
    record(res, bb, walk, Rbar, R, mask, nB, kB, rankB, ties, tiesB, scratch, tol);
  }
  res.poolMin = poolMin;
  res.poolMax = poolMax;
  return res;
}

/**
 * Stores one combination's results. `isVals` / `oosVals` are its IS and OOS metric vectors,
 * `oosMask` its OOS blocks, n* its selection with `rank` its exact OOS rank, `k` the number of
 * exactly tied IS maxima (listed in t.tied). Under ties 'average' (k > 1) every tied column's
 * exact OOS rank and value are computed and the lambda, rank and OOS metric are their
 * order-invariant means. A selected OOS value within the tolerance of 0 is made exact, so the
 * probability of loss (OOS < 0) is decided exactly too. O(1), or O(k (N + h)) for a tie.
 */
function record(
  res: PboShardResult, i: number, w: Walk, isVals: Float64Array, oosVals: Float64Array, oosMask: number,
  nStar: number, k: number, rank: number, ties: TieRule, t: TieScratch, scratch: Float64Array, tol: (v: number) => number,
): void {
  const N = w.N;
  res.nStar[i] = nStar;
  res.tieCount[i] = k;
  res.isMetric[i] = isVals[nStar];
  if (ties === 'first' || k === 1) {
    if (Math.abs(oosVals[nStar]) <= tol(0)) oosVals[nStar] = exactOrThrow(w, oosMask, nStar);
    res.oosRank[i] = rank;
    res.logit[i] = lambdaOf(rank, N);
    res.oosMetric[i] = oosVals[nStar];
    return;
  }
  for (let q = 0; q < k; q++) {
    const j = t.tied[q];
    let r = rank;
    if (j !== nStar) {
      const tj = oosVals[j], bj = tol(tj);
      bandCounts(oosVals, tj - bj, tj + bj, scratch);
      r = exactRank(w, oosVals, oosMask, j, tj - bj, tj + bj, scratch[0], scratch[1]);
    }
    t.ranks[q] = r;
    t.lambdas[q] = lambdaOf(r, N);
    t.values[q] = exactOrThrow(w, oosMask, j);
  }
  res.oosRank[i] = orderInvariantMean(t.ranks, k);
  res.logit[i] = orderInvariantMean(t.lambdas, k);
  res.oosMetric[i] = orderInvariantMean(t.values, k);
}

/**
 * The range [min, max] of every OOS metric value over the listed pair positions (both
 * combinations of each pair, all columns): a pilot the gate uses to place the dominance
 * grid where the values actually lie. O(S x N + pairs x N).
 */
export function oosValueRange(task: PboShardTask, positions: readonly number[]): [number, number] {
  const { N, S } = task;
  const full = fullMask(S);
  const walk = startWalk(task);
  const R = new Float64Array(N), Rbar = new Float64Array(N);
  const best = new Int32Array(2), top = new Float64Array(4);
  let lo = Infinity, hi = -Infinity;
  for (const p of positions) {
    const mask = pairMask(p, S);
    moveTo(walk, mask);
    pairMetrics(walk, mask, (~mask & full) >>> 0, R, Rbar, best, top);
    for (let n = 0; n < N; n++) {
      const a = R[n], b = Rbar[n];
      if (a < lo) lo = a;
      if (a > hi) hi = a;
      if (b < lo) lo = b;
      if (b > hi) hi = b;
    }
  }
  return [lo, hi];
}

/**
 * Both OOS rank counts and the pooled grid counts of one complementary pair, in one pass:
 * out[0], out[1] = counts in Rbar below loA and at or below hiA (combination A's tie band),
 * out[2], out[3] = the same in R for B; out[4], out[5] carry the pooled min/max of values
 * beyond the grid in and out. The binning inlines `gridBinIndex` (src/stats/grid_bin_index.ts)
 * exactly, so the gate bins the selected values the same way. A separate small function (not a loop inside pboShard) so V8
 * optimises it after a few calls instead of waiting for on-stack replacement of the big walk;
 * cold, the same loop ran boxed for most of a short run. O(N).
 */
function oosRanksAndGrid(
  N: number, R: Float64Array, Rbar: Float64Array, loA: number, hiA: number, loB: number, hiB: number,
  pool: Float64Array, lo: number, invW: number, B: number, out: Float64Array,
): void {
  let lessA = 0, leA = 0, lessB = 0, leB = 0;
  let poolMin = out[4], poolMax = out[5];
  for (let n = 0; n < N; n++) {
    const rb = Rbar[n];
    const r = R[n];
    // Branch-free counts: the comparisons are coin flips, a branch would mispredict half the time.
    lessA += +(rb < loA); leA += +(rb <= hiA);
    lessB += +(r < loB); leB += +(r <= hiB);
    const ua = (rb - lo) * invW;
    if (ua < 0) { pool[0]++; if (rb < poolMin) poolMin = rb; }
    else if (ua >= B) { pool[B - 1]++; if (rb > poolMax) poolMax = rb; }
    else pool[ua | 0]++;
    const ub = (r - lo) * invW;
    if (ub < 0) { pool[0]++; if (r < poolMin) poolMin = r; }
    else if (ub >= B) { pool[B - 1]++; if (r > poolMax) poolMax = r; }
    else pool[ub | 0]++;
  }
  out[0] = lessA; out[1] = leA; out[2] = lessB; out[3] = leB; out[4] = poolMin; out[5] = poolMax;
}

/** acc[n] += plane[o + n]: one block into a running sum. O(N). */
function addBlock(acc: Float64Array, plane: Float64Array, o: number, N: number): void {
  for (let n = 0; n < N; n++) acc[n] += plane[o + n];
}

/** acc[n] += plane[in + n] - plane[out + n]: one revolving-door step. O(N). */
function swapBlock(acc: Float64Array, plane: Float64Array, oi: number, oo: number, N: number): void {
  for (let n = 0; n < N; n++) acc[n] += plane[oi + n] - plane[oo + n];
}

/**
 * Sharpe on both halves from demeaned sums: mean = mu + s1/h, variance = (s2 - s1^2/h)/(h-1);
 * a half whose variance falls below the guard is recomputed exactly. best = [first argmax R,
 * first argmax Rbar], top = [max R, runner-up R, max Rbar, runner-up Rbar]; returns a sum
 * that is finite iff every value is.
 */
function sharpePair(
  N: number, h: number, mu: Float64Array, is1: Float64Array, is2: Float64Array, tot1: Float64Array, tot2: Float64Array,
  R: Float64Array, Rbar: Float64Array, best: Int32Array, top: Float64Array, rows: BlockRows, mask: number, comp: number,
): number {
  const invH = 1 / h, invH1 = 1 / (h - 1);
  let bestA = -Infinity, secA = -Infinity, nA = 0, bestB = -Infinity, secB = -Infinity, nB = 0, check = 0;
  for (let n = 0; n < N; n++) {
    const s1 = is1[n], s2 = is2[n];
    const o1 = tot1[n] - s1, o2 = tot2[n] - s2;
    const v = s2 - s1 * s1 * invH;
    const vb = o2 - o1 * o1 * invH;
    // Trusted only when the variance keeps PRECISION_GUARD of the column's whole sum of
    // squares, the scale of the sums' rounding error (see the header, point 4).
    const g = PRECISION_GUARD * tot2[n];
    const r = v > g ? (mu[n] + s1 * invH) / Math.sqrt(v * invH1) : guarded(rows, 'sharpe', mask, n);
    const rb = vb > g ? (mu[n] + o1 * invH) / Math.sqrt(vb * invH1) : guarded(rows, 'sharpe', comp, n);
    R[n] = r;
    Rbar[n] = rb;
    check += r + rb;
    if (r > bestA) { secA = bestA; bestA = r; nA = n; } else if (r > secA) secA = r;
    if (rb > bestB) { secB = bestB; bestB = rb; nB = n; } else if (rb > secB) secB = rb;
  }
  best[0] = nA; best[1] = nB;
  top[0] = bestA; top[1] = secA; top[2] = bestB; top[3] = secB;
  return check;
}

/** A guarded half's exact value; undefined (constant half) is the zero-dispersion error. O(h). */
function guarded(rows: BlockRows, metric: PboMetric, mask: number, n: number): number {
  const v = exactBlockMetric(rows, metric, mask, n);
  if (Number.isNaN(v)) throw zeroDispersionError(metric, `#${n}`, mask, rows.S);
  return v;
}

/** Mean on both halves: mu + s1/h. Same contract as sharpePair. */
function meanPair(N: number, h: number, mu: Float64Array, is1: Float64Array, tot1: Float64Array, R: Float64Array, Rbar: Float64Array, best: Int32Array, top: Float64Array): number {
  const invH = 1 / h;
  let bestA = -Infinity, secA = -Infinity, nA = 0, bestB = -Infinity, secB = -Infinity, nB = 0, check = 0;
  for (let n = 0; n < N; n++) {
    const s1 = is1[n];
    const r = mu[n] + s1 * invH;
    const rb = mu[n] + (tot1[n] - s1) * invH;
    R[n] = r;
    Rbar[n] = rb;
    check += r + rb;
    if (r > bestA) { secA = bestA; bestA = r; nA = n; } else if (r > secA) secA = r;
    if (rb > bestB) { secB = bestB; bestB = rb; nB = n; } else if (rb > secB) secB = rb;
  }
  best[0] = nA; best[1] = nB;
  top[0] = bestA; top[1] = secA; top[2] = bestB; top[3] = secB;
  return check;
}

/**
 * Sortino on both halves: (mu + s1/h) / sqrt(downside sum / h); a half with no negative
 * return (exact integer count 0) is an error, a downside sum tiny next to the column's is
 * recomputed exactly. Same contract as sharpePair.
 */
function sortinoPair(
  N: number, h: number, mu: Float64Array, is1: Float64Array, isN: Float64Array, isC: Float64Array,
  tot1: Float64Array, totN: Float64Array, totC: Float64Array,
  R: Float64Array, Rbar: Float64Array, best: Int32Array, top: Float64Array, rows: BlockRows, mask: number, comp: number,
): number {
  const invH = 1 / h;
  let bestA = -Infinity, secA = -Infinity, nA = 0, bestB = -Infinity, secB = -Infinity, nB = 0, check = 0;
  for (let n = 0; n < N; n++) {
    const s1 = is1[n], ng = isN[n];
    const o1 = tot1[n] - s1, ngb = totN[n] - ng;
    if (isC[n] === 0) throw zeroDispersionError('sortino', `#${n}`, mask, rows.S);
    if (totC[n] - isC[n] === 0) throw zeroDispersionError('sortino', `#${n}`, comp, rows.S);
    const r = ng > PRECISION_GUARD * totN[n] ? (mu[n] + s1 * invH) / Math.sqrt(ng * invH) : guarded(rows, 'sortino', mask, n);
    const rb = ngb > PRECISION_GUARD * totN[n] ? (mu[n] + o1 * invH) / Math.sqrt(ngb * invH) : guarded(rows, 'sortino', comp, n);
    R[n] = r;
    Rbar[n] = rb;
    check += r + rb;
    if (r > bestA) { secA = bestA; bestA = r; nA = n; } else if (r > secA) secA = r;
    if (rb > bestB) { secB = bestB; bestB = rb; nB = n; } else if (rb > secB) secB = rb;
  }
  best[0] = nA; best[1] = nB;
  top[0] = bestA; top[1] = secA; top[2] = bestB; top[3] = secB;
  return check;
}
