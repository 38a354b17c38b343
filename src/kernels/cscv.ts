/**
 * Fast CSCV kernel (Bailey, Borwein, Lopez de Prado & Zhu 2017; SPEC 2.3). One shard =
 * a fixed range of complementary pairs of combinations (or, when the gate samples, a fixed
 * list of them); it returns every evaluated combination's lexicographic rank, n*, OOS rank
 * (ties averaged) and the IS/OOS metric of n*, plus integer counts of all OOS metric values
 * on the gate's fixed grid (for the stochastic-dominance check).
 *
 * How it is fast (the reference twin, cscv_reference.ts, recomputes each half from rows):
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
 *   4. Guarded precision: the Sharpe variance is sum d^2 - (sum d)^2 / h. When that
 *      cancels more than GUARD of sum d^2 (a half whose mean sits far from mu_n relative
 *      to its spread), or the downside sum is tiny next to the column's, the column's half
 *      is recomputed from rows with the reference's own function, so such halves get the
 *      reference's exact value (and its error for a constant half).
 *
 * Cost per shard: O(S x N) to set up, then O(N) per pair (two metric evaluations, two
 * argmax, two rank counts, two grid binnings per column), O(N) memory. Per run:
 * O(T x N + C x N) time for C combinations.
 */
import { inputError } from '../errors.js';
import { float64View } from './views.js';
import { lexRank, maskToBlocks, popcount, revolvingDoorUnrank } from './combinations.js';
import { metricOnBlocks, zeroDispersionError, type CscvLayout, type PboMetric } from './cscv_reference.js';

export type { PboMetric } from './cscv_reference.js';

/** Relative cancellation above which a half is recomputed from rows (see point 4). */
export const PRECISION_GUARD = 1e-6;

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
 * Bin of a value on the dominance grid: floor((x - lo) x invWidth), clamped to [0, bins-1].
 * The kernel inlines this exact expression; the gate calls it for the selected values.
 */
export function gridBinIndex(x: number, lo: number, invWidth: number, bins: number): number {
  const u = (x - lo) * invWidth;
  return u < 0 ? 0 : u >= bins ? bins - 1 : Math.floor(u);
}

export interface PboShardTask {
  kind: 'pbo';
  shardIndex: number;
  /** The returns matrix's SharedArrayBuffer (T x N row-major), read only for guarded halves. */
  returns: SharedArrayBuffer;
  /** computeBlockMoments' buffer. */
  moments: SharedArrayBuffer;
  T: number;
  N: number;
  rowOffset: number;
  S: number;
  blockRows: number;
  metric: PboMetric;
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
  oosRank: Float64Array;
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

export function pboShard(task: PboShardTask): PboShardResult {
  const { N, S, blockRows: L, metric, gridLo: lo, gridInvWidth: invW, gridBins: B } = task;
  const mom = float64View(task.moments);
  const layout: CscvLayout = { data: float64View(task.returns), N, rowOffset: task.rowOffset, S, blockRows: L, metric };
  const k = S / 2;
  const h = k * L;
  const full = S === 32 ? 0xffffffff : (1 << S) - 1;
  const SN = S * N;
  const p1 = N, p2 = N + SN, pn = N + 2 * SN, pc = N + 3 * SN;
  // Planes this metric reads (sum d, sum d^2 for Sharpe; sum d for mean; sum d, downside sum
  // and count for Sortino): the others are never summed.
  const all = [mom.subarray(p1, p1 + SN), mom.subarray(p2, p2 + SN), mom.subarray(pn, pn + SN), mom.subarray(pc, pc + SN)];
  const used = metric === 'sharpe' ? [0, 1] : metric === 'mean' ? [0] : [0, 2, 3];
  const planes = used.map((i) => all[i]);
  // Whole-sample sums per column (blocks in order), so OOS = total - IS.
  const tot = used.map(() => new Float64Array(N));
  const is = used.map(() => new Float64Array(N));
  for (let j = 0; j < planes.length; j++) for (let b = 0; b < S; b++) addBlock(tot[j], planes[j], b * N, N);
  const mu = mom.subarray(0, N);
  const R = new Float64Array(N);
  const Rbar = new Float64Array(N);
  const best = new Int32Array(2);

  const count = 2 * task.pairCount;
  const res: PboShardResult = {
    kind: 'pbo',
    shardIndex: task.shardIndex,
    rank: new Float64Array(count),
    nStar: new Int32Array(count),
    oosRank: new Float64Array(count),
    isMetric: new Float64Array(count),
    oosMetric: new Float64Array(count),
    poolCounts: new Float64Array(B),
    poolMin: Infinity,
    poolMax: -Infinity,
  };
  const pool = res.poolCounts;
  let poolMin = Infinity, poolMax = -Infinity;
  const scratch = new Float64Array(6);

  let prev = -1;
  for (let idx = 0; idx < task.pairCount; idx++) {
    const p = task.pairs === null ? task.pairStart + idx : task.pairs[idx];
    const mask = pairMask(p, S);
    const comp = (~mask & full) >>> 0;
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
    prev = mask;

    // One pass: R (IS = mask) and Rbar (IS = complement) for every column, with both argmaxes.
    const finiteCheck =
      metric === 'sharpe'
        ? sharpePair(N, h, mu, is[0], is[1], tot[0], tot[1], R, Rbar, best, layout, mask, comp)
        : metric === 'mean'
          ? meanPair(N, h, mu, is[0], tot[0], R, Rbar, best)
          : sortinoPair(N, h, mu, is[0], is[1], is[2], tot[0], tot[1], tot[2], R, Rbar, best, layout, mask, comp);
    const nA = best[0], nB = best[1];
    if (!Number.isFinite(finiteCheck)) {
      for (let n = 0; n < N; n++) {
        if (!Number.isFinite(R[n]) || !Number.isFinite(Rbar[n])) {
          throw inputError('E_NON_FINITE', {}, `column #${n}: the ${metric} metric is not finite on blocks {${maskToBlocks(Number.isFinite(R[n]) ? comp : mask, S).join(',')}}`);
        }
      }
    }

    // One pass: both OOS ranks (ties averaged) and the grid counts of both OOS vectors
    // (Rbar is combination A's OOS, R is combination B's OOS).
    scratch[4] = poolMin; scratch[5] = poolMax;
    oosRanksAndGrid(N, R, Rbar, Rbar[nA], R[nB], pool, lo, invW, B, scratch);
    const lessA = scratch[0], eqA = scratch[1], lessB = scratch[2], eqB = scratch[3];
    poolMin = scratch[4]; poolMax = scratch[5];

    const a = 2 * idx, bb = a + 1;
    res.rank[a] = lexRank(mask, S, k);
    res.nStar[a] = nA;
    res.oosRank[a] = lessA + (eqA + 1) / 2;
    res.isMetric[a] = R[nA];
    res.oosMetric[a] = Rbar[nA];
    res.rank[bb] = lexRank(comp, S, k);
    res.nStar[bb] = nB;
    res.oosRank[bb] = lessB + (eqB + 1) / 2;
    res.isMetric[bb] = Rbar[nB];
    res.oosMetric[bb] = R[nB];
  }
  res.poolMin = poolMin;
  res.poolMax = poolMax;
  return res;
}

/**
 * Both OOS ranks and the pooled grid counts of one complementary pair, in one pass: out[0..3]
 * = less/equal counts against tA in Rbar and against tB in R; out[4], out[5] carry the pooled
 * min/max of values beyond the grid in and out. A separate small function (not a loop inside
 * pboShard) so V8 optimises it after a few calls instead of waiting for on-stack replacement
 * of the big walk; cold, the same loop ran boxed for most of a short run. O(N).
 */
function oosRanksAndGrid(
  N: number, R: Float64Array, Rbar: Float64Array, tA: number, tB: number,
  pool: Float64Array, lo: number, invW: number, B: number, out: Float64Array,
): void {
  let lessA = 0, eqA = 0, lessB = 0, eqB = 0;
  let poolMin = out[4], poolMax = out[5];
  for (let n = 0; n < N; n++) {
    const rb = Rbar[n];
    const r = R[n];
    // Branch-free counts: the comparisons are coin flips, a branch would mispredict half the time.
    lessA += +(rb < tA); eqA += +(rb === tA);
    lessB += +(r < tB); eqB += +(r === tB);
    const ua = (rb - lo) * invW;
    if (ua < 0) { pool[0]++; if (rb < poolMin) poolMin = rb; }
    else if (ua >= B) { pool[B - 1]++; if (rb > poolMax) poolMax = rb; }
    else pool[ua | 0]++;
    const ub = (r - lo) * invW;
    if (ub < 0) { pool[0]++; if (r < poolMin) poolMin = r; }
    else if (ub >= B) { pool[B - 1]++; if (r > poolMax) poolMax = r; }
    else pool[ub | 0]++;
  }
  out[0] = lessA; out[1] = eqA; out[2] = lessB; out[3] = eqB; out[4] = poolMin; out[5] = poolMax;
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
 * Sharpe on both halves from demeaned sums: mean = mu + s1/h, variance = (s2 - s1^2/h)/(h-1).
 * best = [first argmax R, first argmax Rbar]; returns a sum that is finite iff every value is.
 */
function sharpePair(
  N: number, h: number, mu: Float64Array, is1: Float64Array, is2: Float64Array, tot1: Float64Array, tot2: Float64Array,
  R: Float64Array, Rbar: Float64Array, best: Int32Array, layout: CscvLayout, mask: number, comp: number,
): number {
  const invH = 1 / h, invH1 = 1 / (h - 1);
  let bestA = -Infinity, nA = 0, bestB = -Infinity, nB = 0, check = 0;
  for (let n = 0; n < N; n++) {
    const s1 = is1[n], s2 = is2[n];
    const o1 = tot1[n] - s1, o2 = tot2[n] - s2;
    const v = s2 - s1 * s1 * invH;
    const vb = o2 - o1 * o1 * invH;
    const r = v > PRECISION_GUARD * s2 ? (mu[n] + s1 * invH) / Math.sqrt(v * invH1) : metricOnBlocks(layout, mask, n);
    const rb = vb > PRECISION_GUARD * o2 ? (mu[n] + o1 * invH) / Math.sqrt(vb * invH1) : metricOnBlocks(layout, comp, n);
    R[n] = r;
    Rbar[n] = rb;
    check += r + rb;
    if (r > bestA) { bestA = r; nA = n; }
    if (rb > bestB) { bestB = rb; nB = n; }
  }
  best[0] = nA; best[1] = nB;
  return check;
}

/** Mean on both halves: mu + s1/h. Same contract as sharpePair. */
function meanPair(N: number, h: number, mu: Float64Array, is1: Float64Array, tot1: Float64Array, R: Float64Array, Rbar: Float64Array, best: Int32Array): number {
  const invH = 1 / h;
  let bestA = -Infinity, nA = 0, bestB = -Infinity, nB = 0, check = 0;
  for (let n = 0; n < N; n++) {
    const s1 = is1[n];
    const r = mu[n] + s1 * invH;
    const rb = mu[n] + (tot1[n] - s1) * invH;
    R[n] = r;
    Rbar[n] = rb;
    check += r + rb;
    if (r > bestA) { bestA = r; nA = n; }
    if (rb > bestB) { bestB = rb; nB = n; }
  }
  best[0] = nA; best[1] = nB;
  return check;
}

/**
 * Sortino on both halves: (mu + s1/h) / sqrt(downside sum / h); a half with no negative
 * return (exact integer count 0) is an error, a downside sum tiny next to the column's is
 * recomputed from rows. Same contract as sharpePair.
 */
function sortinoPair(
  N: number, h: number, mu: Float64Array, is1: Float64Array, isN: Float64Array, isC: Float64Array,
  tot1: Float64Array, totN: Float64Array, totC: Float64Array,
  R: Float64Array, Rbar: Float64Array, best: Int32Array, layout: CscvLayout, mask: number, comp: number,
): number {
  const invH = 1 / h;
  let bestA = -Infinity, nA = 0, bestB = -Infinity, nB = 0, check = 0;
  for (let n = 0; n < N; n++) {
    const s1 = is1[n], ng = isN[n];
    const o1 = tot1[n] - s1, ngb = totN[n] - ng;
    if (isC[n] === 0) throw zeroDispersionError('sortino', `#${n}`, mask, layout.S);
    if (totC[n] - isC[n] === 0) throw zeroDispersionError('sortino', `#${n}`, comp, layout.S);
    const r = ng > PRECISION_GUARD * totN[n] ? (mu[n] + s1 * invH) / Math.sqrt(ng * invH) : metricOnBlocks(layout, mask, n);
    const rb = ngb > PRECISION_GUARD * totN[n] ? (mu[n] + o1 * invH) / Math.sqrt(ngb * invH) : metricOnBlocks(layout, comp, n);
    R[n] = r;
    Rbar[n] = rb;
    check += r + rb;
    if (r > bestA) { bestA = r; nA = n; }
    if (rb > bestB) { bestB = rb; nB = n; }
  }
  best[0] = nA; best[1] = nB;
  return check;
}
