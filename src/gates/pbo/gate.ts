/**
 * PBO gate: probability of backtest overfitting by combinatorially symmetric cross-validation
 * (Bailey, Borwein, Lopez de Prado & Zhu, "The Probability of Backtest Overfitting",
 * J. Computational Finance 20(4), 2017; docs/methodology.md, "PBO").
 *
 * Rows are cut into S contiguous blocks of L = T/S rows (truncate 'oldest' drops the oldest
 * T mod S rows first). For every combination c of S/2 blocks, in the lexicographic order of
 * itertools.combinations(range(S), S/2): R = metric on c's blocks (in sample), Rbar =
 * metric on the others; n* = first argmax of R; rank of Rbar[n*] among Rbar ascending,
 * ties averaged; w = rank / (N + 1) (the paper's and pypbo's convention; R's `pbo` divides
 * by N); lambda = ln(w / (1 - w)); PBO = #{lambda <= 0} / #combinations.
 *
 * The work is sharded over complementary pairs of combinations (src/kernels/cscv.ts); the
 * gate validates, builds the block moments once, merges the shards in shard order into
 * arrays indexed by lexicographic rank and derives every reported number from them in that
 * order, so the result is byte-identical for any worker count.
 *
 * Chart data (report schemaVersion 3; docs/formats.md, "Chart data"): the selected
 * configuration's (n*'s) IS and OOS metric for at most CHART_DATA.pboScatterPoints
 * combinations (every one up to it, evenly spaced in lexicographic order above it; the
 * regression is always over all), and both dominance CDFs at CHART_DATA.pboCdfPoints points
 * of the dominance grid.
 *
 * Cost: O(T x N) setup + O(C x N) kernel work (C combinations evaluated) + O(C + bins) merge.
 */
import { inputError } from '../../errors.js';
import { CHART_DATA, SHARD_SIZES } from '../../config/defaults.js';
import { GENERATOR, uniform53 } from '../../rng/tychei.js';
import { shardRngState, shardSeedString } from '../../rng/streams.js';
import type { ReturnsMatrix } from '../../io/types.js';
import type { GateContext } from '../context.js';
import { compare, type GateResult } from '../types.js';
import type { PboOptions } from './options.js';
import { tieWarning } from '../ties.js';
import { binomial, fullMask, lexRank, maskToBlocks } from '../../kernels/combinations.js';
import { computeBlockMoments, oosValueRange, tieUnit, type PboShardResult, type PboShardTask } from '../../kernels/cscv.js';
import { floydSample } from '../../stats/floyd_sample.js';
import { linearRegression } from '../../stats/linear_regression.js';
import { sampledStandardError } from '../../stats/sampled_standard_error.js';
import { stochasticDominance } from '../../stats/stochastic_dominance.js';
import { gridCdfPoints } from '../../stats/grid_cdf_points.js';
import { evenSample } from '../../stats/even_sample.js';
import { roundSignificant } from '../../stats/round_significant.js';
import { checkLogitsSize, checkPlan, pboCombinations, pboPlan } from '../../engine/budget.js';

/** Bins of the grid on which the pooled and selected OOS distributions are compared. */
export const DOMINANCE_GRID_BINS = 4096;
/** Pair positions evaluated first to find where the OOS values lie (the dominance grid's range). */
export const DOMINANCE_PILOT_PAIRS = 32;

export interface PboExtra {
  /** Include every combination's nStar, oosRank and logit (lexicographic order). */
  logits?: boolean;
}

interface Layout {
  rowOffset: number;
  L: number;
}

/** Validates S, T and N; returns the used row range. O(1). */
function validate(returns: ReturnsMatrix, options: PboOptions): Layout {
  const { T, N, file } = returns;
  const S = options.S;
  if (!Number.isInteger(S) || S < 2 || S % 2 !== 0 || S > 32) {
    throw inputError('E_PBO_INPUT', { file }, `PBO needs an even number of blocks S between 2 and 32, got S = ${S}`);
  }
  if (N < 2) throw inputError('E_PBO_INPUT', { file }, `PBO needs at least 2 strategy columns, got N = ${N}`);
  const extra = T % S;
  if (extra !== 0 && options.truncate !== 'oldest') {
    throw inputError('E_PBO_INPUT', { file }, `T = ${T} rows is not a multiple of S = ${S}; truncate 'oldest' would drop the oldest ${extra} row${extra === 1 ? '' : 's'}`);
  }
  const L = Math.floor(T / S);
  if (L < 2) throw inputError('E_PBO_INPUT', { file }, `T / S = ${T} / ${S} leaves ${L} row${L === 1 ? '' : 's'} per block; PBO needs at least 2`);
  return { rowOffset: extra, L };
}

/**
 * Rejects non-finite values in the used rows (naming file, line and column, first in row
 * order), then finds the first (lowest column, then lowest lexicographic rank) combination with a half on which
 * the metric is undefined: Sharpe when the half is constant, Sortino when it has no negative
 * return. A half is constant exactly when all its blocks are constant with one common value,
 * so per column, for each group G of such blocks with |G| >= S/2, the lexicographically first
 * offending combinations are G's first S/2 blocks (IS half inside G) and comp(G) plus G's
 * smallest blocks (OOS half inside G). O(T x N + N x S^2), one row-major pass.
 */
function checkValues(returns: ReturnsMatrix, S: number, lay: Layout, metric: PboOptions['metric']): void {
  const { N, data } = returns;
  const k = S / 2;
  const full = fullMask(S);
  // Per block and column: min, max and whether a negative return occurs, in one row-major pass.
  const lo = new Float64Array(S * N).fill(Infinity), hi = new Float64Array(S * N).fill(-Infinity);
  const neg = new Uint8Array(S * N);
  for (let b = 0; b < S; b++) {
    const o = b * N;
    for (let t = lay.rowOffset + b * lay.L; t < lay.rowOffset + (b + 1) * lay.L; t++) {
      const base = t * N;
      for (let n = 0; n < N; n++) {
        const x = data[base + n];
        if (!Number.isFinite(x)) {
          throw inputError('E_NON_FINITE', { file: returns.file, row: t + 2, column: returns.columns[n] }, `value ${x} is not finite`);
        }
        if (x < lo[o + n]) lo[o + n] = x;
        if (x > hi[o + n]) hi[o + n] = x;
        if (x < 0) neg[o + n] = 1;
      }
    }
  }
  if (metric === 'mean') return;
  for (let n = 0; n < N; n++) {
    const groups = new Map<number, number[]>();
    for (let b = 0; b < S; b++) {
      const i = b * N + n;
      const key = metric === 'sharpe' ? (lo[i] === hi[i] ? lo[i] : NaN) : neg[i] ? NaN : 0;
      if (Number.isNaN(key)) continue;
      const g = groups.get(key);
      if (g) g.push(b);
      else groups.set(key, [b]);
    }
    let best: { rank: number; mask: number; half: 'in-sample' | 'out-of-sample' } | null = null;
    for (const g of groups.values()) {
      if (g.length < k) continue;
      let m1 = 0;
      for (let i = 0; i < k; i++) m1 |= 1 << g[i];
      let m2 = (~g.reduce((m, b) => m | (1 << b), 0) & full) >>> 0;
      for (let i = 0, need = k - (S - g.length); i < need; i++) m2 |= 1 << g[i];
      for (const [mask, half] of [[m1 >>> 0, 'in-sample'], [m2 >>> 0, 'out-of-sample']] as const) {
        const rank = lexRank(mask, S, k);
        if (best === null || rank < best.rank) best = { rank, mask, half };
      }
    }
    if (best !== null) {
      const is = maskToBlocks(best.mask, S).join(',');
      const oos = maskToBlocks((~best.mask & full) >>> 0, S).join(',');
      const what = metric === 'sharpe' ? 'standard deviation is 0' : 'there is no negative return (downside deviation 0)';
      const undefinedMetric = metric === 'sharpe' ? 'Sharpe' : 'Sortino';
      throw inputError(
        'E_PBO_ZERO_VARIANCE',
        { file: returns.file, column: returns.columns[n] },
        `${what} on the ${best.half} half of combination ${best.rank} (IS blocks {${is}}, OOS blocks {${oos}}): ${undefinedMetric} ratio undefined`,
      );
    }
  }
}

/**
 * The dominance grid's range: the OOS metric values of a pilot of DOMINANCE_PILOT_PAIRS pair
 * positions spread evenly over the run's pairs (both combinations, every column), widened by
 * a quarter of their spread on each side. The grid thus spans the values actually compared,
 * whatever the metric (single-block metrics, the seed's choice, can be thousands of times
 * wider for Sortino, leaving every OOS value in a handful of bins); values beyond it land in
 * the end bins and their exact extremes are kept. Deterministic: the pilot depends on the
 * data and the pair list only. O(S x N + pilot x N).
 */
function dominanceRange(base: PboShardTask, pairTotal: number, sample: number[] | null): [number, number] {
  const m = Math.min(DOMINANCE_PILOT_PAIRS, pairTotal);
  const positions = Array.from({ length: m }, (_, i) => {
    const j = Math.floor((i * pairTotal) / m);
    return sample ? sample[j] : j;
  });
  const [lo, hi] = oosValueRange(base, positions);
  if (!(hi > lo)) {
    const c = Number.isFinite(lo) ? lo : 0;
    const pad = c !== 0 ? Math.abs(c) : 1;
    return [c - pad, c + pad];
  }
  const pad = (hi - lo) / 4;
  return [lo - pad, hi + pad];
}

/**
 * m distinct pair positions out of P, sorted: Floyd's sample over the gate's stream
 * (shardRngState(seed, 'pbo', 0)), 53-bit uniforms. O(m log m).
 */
function samplePairs(P: number, m: number, seed: number): number[] {
  const state = shardRngState(seed, 'pbo', 0);
  return floydSample(P, m, () => uniform53(state));
}

/**
 * The degradation scatter's points: n*'s IS and OOS metric per combination, in lexicographic
 * order, every one up to CHART_DATA.pboScatterPoints, evenly spaced above it (`evenSample`),
 * rounded to 6 significant digits like every chart point. O(points).
 */
function degradationPoints(isM: Float64Array, oosM: Float64Array): { combinations: number; sampled: boolean; is: number[]; oos: number[] } {
  const at = evenSample(isM.length, CHART_DATA.pboScatterPoints);
  return { combinations: isM.length, sampled: at.length < isM.length, is: at.map((i) => roundSignificant(isM[i])), oos: at.map((i) => roundSignificant(oosM[i])) };
}

/** The dominance CDF points as the report stores them (6 significant digits). O(points). */
function roundedCdf(c: { x: number[]; selected: number[]; pooled: number[] }, gridBins: number) {
  const r = (v: number[]) => v.map((x) => roundSignificant(x));
  return { x: r(c.x), selected: r(c.selected), pooled: r(c.pooled), gridBins };
}

function disabled(options: PboOptions): GateResult {
  return {
    gate: 'pbo', enabled: false, value: null, gatedValue: null, gatedOn: 'point', threshold: options.threshold,
    comparison: '<', pass: true, reason: 'DISABLED', details: {}, warnings: [],
  };
}

export async function pboGate(returns: ReturnsMatrix, options: PboOptions, ctx: GateContext, extra: PboExtra = {}): Promise<GateResult> {
  if (!options.enabled) return disabled(options);
  // Memory and work from the plan, before anything is allocated (src/engine/budget.ts).
  checkPlan(pboPlan(returns.T, returns.N, options.S, options.maxCombinations, extra.logits === true), ctx);
  if (extra.logits) checkLogitsSize(pboCombinations(options.S, options.maxCombinations).evaluated);
  const { N } = returns;
  const S = options.S;
  const k = S / 2;
  const lay = validate(returns, options);
  checkValues(returns, S, lay, options.metric);

  const momentsBuffer = computeBlockMoments(returns.data, N, lay.rowOffset, S, lay.L, options.metric === 'sortino');
  const moments = new Float64Array(momentsBuffer);

  const total = binomial(S, k);
  const P = total / 2;
  const sampled = total > options.maxCombinations;
  const pairsPerShard = SHARD_SIZES.pboCombinations / 2;
  const sample = sampled ? samplePairs(P, Math.max(1, Math.floor(options.maxCombinations / 2)), ctx.seed) : null;
  const pairTotal = sample ? sample.length : P;

  const base: PboShardTask = {
    kind: 'pbo', shardIndex: 0, returns: returns.buffer, moments: momentsBuffer, T: returns.T, N,
    rowOffset: lay.rowOffset, S, blockRows: lay.L, metric: options.metric, ties: options.ties,
    tieUnit: tieUnit(moments, S, N, lay.L, options.metric),
    pairStart: 0, pairCount: 0, pairs: null, gridLo: 0, gridInvWidth: 0, gridBins: DOMINANCE_GRID_BINS,
  };
  const [gridLo, gridHi] = dominanceRange(base, pairTotal, sample);
  const B = DOMINANCE_GRID_BINS;
  const gridInvWidth = B / (gridHi - gridLo);

  const tasks: PboShardTask[] = [];
  for (let start = 0, s = 0; start < pairTotal; start += pairsPerShard, s++) {
    const count = Math.min(pairsPerShard, pairTotal - start);
    tasks.push({
      ...base, shardIndex: s,
      pairStart: sample ? 0 : start, pairCount: count, pairs: sample ? sample.slice(start, start + count) : null,
      gridLo, gridInvWidth,
    });
  }
  const shards = await ctx.executor.run<PboShardResult>(tasks);

  // Merge in shard order; place each combination at its position in lexicographic order.
  const C = 2 * pairTotal;
  const ranks = new Float64Array(C);
  let c = 0;
  for (const r of shards) for (let i = 0; i < r.rank.length; i++) ranks[c++] = r.rank[i];
  // merged index -> lexicographic position. Without sampling the ranks are exactly 0..C-1,
  // so a rank is its own position (O(C)). A sample's ranks are distinct: sort a copy
  // natively and find each rank's position by binary search (O(C log C), exact for any C).
  const slot = new Int32Array(C);
  if (!sampled) {
    for (let i = 0; i < C; i++) slot[i] = ranks[i];
  } else {
    const sorted = Float64Array.from(ranks).sort();
    for (let i = 0; i < C; i++) {
      let lo = 0, hi = C - 1;
      const r = ranks[i];
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (sorted[mid] < r) lo = mid + 1;
        else hi = mid;
      }
      slot[i] = lo;
    }
  }
  const nStar = new Array<number>(C), oosRank = new Array<number>(C), logit = new Array<number>(C);
  const tieCount = new Int32Array(C);
  const isM = new Float64Array(C), oosM = new Float64Array(C);
  const lexRanks = new Array<number>(C);
  const poolCounts = new Float64Array(B);
  // Overfit combinations per complementary pair (0, 1 or 2), in merge order: the sampling unit.
  const pairOverfit = new Uint8Array(pairTotal);
  let poolMin = gridLo, poolMax = gridHi;
  c = 0;
  for (const r of shards) {
    for (let i = 0; i < r.rank.length; i++, c++) {
      const pos = slot[c];
      lexRanks[pos] = r.rank[i];
      nStar[pos] = r.nStar[i];
      oosRank[pos] = r.oosRank[i];
      logit[pos] = r.logit[i];
      tieCount[pos] = r.tieCount[i];
      isM[pos] = r.isMetric[i];
      oosM[pos] = r.oosMetric[i];
      if (r.logit[i] <= 0) pairOverfit[c >> 1]++;
    }
    for (let b = 0; b < B; b++) poolCounts[b] += r.poolCounts[b];
    if (r.poolMin < poolMin) poolMin = r.poolMin;
    if (r.poolMax > poolMax) poolMax = r.poolMax;
  }

  // PBO, histogram, probability of loss, ties.
  const lnN = Math.log(N);
  const bins = options.histogramBins;
  const histWidth = (2 * lnN) / bins;
  const histCounts = new Array<number>(bins).fill(0);
  let overfit = 0, losses = 0, tiedSelections = 0;
  for (let i = 0; i < C; i++) {
    const lambda = logit[i];
    if (lambda <= 0) overfit++;
    if (oosM[i] < 0) losses++;
    if (tieCount[i] > 1) tiedSelections++;
    histCounts[Math.min(bins - 1, Math.max(0, Math.floor((lambda + lnN) / histWidth)))]++;
  }
  const pbo = overfit / C;
  const histEdges = Array.from({ length: bins + 1 }, (_, j) => (j === bins ? lnN : -lnN + j * histWidth));
  const standardError = sampled ? sampledStandardError(pairOverfit, P) : null;

  const details: Record<string, unknown> = {
    S,
    blockSize: lay.L,
    truncatedRows: lay.rowOffset,
    combinations: C,
    combinationsTotal: total,
    sampled,
    ...(sampled
      ? {
          sampling: {
            method: 'complementary pairs drawn without replacement (Floyd)', pairs: pairTotal, pairsTotal: P,
            seed: ctx.seed, generator: GENERATOR, stream: shardSeedString(ctx.seed, 'pbo', 0),
            standardError,
          },
        }
      : {}),
    metric: options.metric,
    rankConvention: 'w = rank / (N + 1)',
    ties: options.ties,
    tiedSelections,
    logitHistogram: { bins, range: [-lnN, lnN], edges: histEdges, counts: histCounts },
    degradation: linearRegression(isM, oosM),
    probabilityOfLoss: losses / C,
    dominance: stochasticDominance(oosM, poolCounts, N, gridLo, gridHi, gridInvWidth, poolMin, poolMax),
    degradationPoints: degradationPoints(isM, oosM),
    dominanceCdf: roundedCdf(gridCdfPoints(oosM, poolCounts, N, gridLo, gridHi, gridInvWidth, poolMin, poolMax, CHART_DATA.pboCdfPoints), B),
    shardSize: SHARD_SIZES.pboCombinations,
    shards: tasks.length,
  };
  if (extra.logits) {
    details.perCombination = sampled ? { rank: lexRanks, nStar, oosRank, logit } : { nStar, oosRank, logit };
  }
  const warnings: string[] = [];
  if (sampled) {
    const se = standardError === null ? '' : `, standard error ${standardError.toFixed(4)}`;
    warnings.push(`PBO estimated on ${C} of ${total} combinations sampled without replacement (seed ${ctx.seed}${se})`);
  }
  if (tiedSelections > 0) warnings.push(tieWarning(tiedSelections, C, 'combinations', options.ties));
  if (lay.rowOffset > 0) warnings.push(`dropped the oldest ${lay.rowOffset} row${lay.rowOffset === 1 ? '' : 's'} so that S = ${S} blocks are equal`);
  return {
    gate: 'pbo', enabled: true, value: pbo, gatedValue: pbo, gatedOn: 'point', threshold: options.threshold,
    comparison: '<', pass: compare(pbo, '<', options.threshold), reason: null, details, warnings,
  };
}
