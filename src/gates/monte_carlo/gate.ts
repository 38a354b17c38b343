/**
 * Monte Carlo breach-probability gate (docs/methodology.md, "Monte Carlo"; strict mode: "Policy" in docs/formats.md): resample the
 * candidate's trades into P equity paths of H trades and estimate the probability that a
 * path breaches the policy's loss rule. Passes when the breach probability (or, strict, its
 * one-sided 95% Clopper-Pearson upper bound) is below the threshold.
 *
 * Sharding (docs/methodology.md, "Determinism and sharding"): paths are cut into shards of SHARD_SIZES.monteCarloPaths; shard k
 * covers paths [k S, min(P, (k + 1) S)) and draws from shardRngState(seed, 'monteCarlo', k),
 * derived here and carried in the task, so the result does not depend on the worker count. Shards carry the trades'
 * SharedArrayBuffer, never a copy, and merge in shard order (integer breach count; per-path
 * arrays concatenated, then quantiles by selection).
 *
 * Chart data (report schemaVersion 3; docs/formats.md, "Chart data"): the fan chart's equity
 * quantiles at K = min(H, CHART_DATA.mcFanSteps) evenly spaced steps over the first
 * R = min(P, CHART_DATA.mcFanPaths) paths (recorded by the shards that hold them, merged in
 * shard order), the unshuffled sequence's equity at its own K' steps, and the histogram of
 * every path's maximum drawdown with the drawdown limit on a bin edge.
 *
 * Cost: O(P H) in the shards, O(P) for the quantiles (selection), O(n^1.5) for the automatic
 * block length, O(R K) for the fan quantiles.
 */
import { inputError, internalError, optionError } from '../../errors.js';
import type { Trades } from '../../io/types.js';
import { CHART_DATA, SHARD_SIZES, STRICT_CONFIDENCE } from '../../config/defaults.js';
import { GENERATOR } from '../../rng/tychei.js';
import { shardRngWords } from '../../rng/streams.js';
import type { MonteCarloShardResult, MonteCarloShardTask } from '../../kernels/drawdown_paths.js';
import { walkEquityPath } from '../../kernels/equity_path.js';
import { politisWhiteBlockLength } from '../../kernels/block_length.js';
import { quantilesUnsorted } from '../../stats/quantile.js';
import { evenSample } from '../../stats/even_sample.js';
import { limitHistogram } from '../../stats/limit_histogram.js';
import { roundSignificant } from '../../stats/round_significant.js';
import { clopperPearsonInterval, clopperPearsonUpperBound } from '../../stats/intervals.js';
import { compare, type GateResult } from '../types.js';
import type { GateContext } from '../context.js';
import type { MonteCarloOptions } from './options.js';
import { checkPlan, monteCarloPlan } from '../../engine/budget.js';

/** Trades beyond this would make u32 x n inexact in float64 (the kernels' index arithmetic). */
export const MAX_TRADES = 2 ** 21 - 1;

export interface QuantileSummary {
  p5: number;
  p50: number;
  p95: number;
  p99: number;
}

export type { MonteCarloDetails } from './details.js';
import type { MonteCarloDetails } from './details.js';

/** Fewest paths that can certify `threshold`: P >= ceil(3 / threshold) (docs/methodology.md, "Monte Carlo": the rule of three). */
export function minimumPaths(threshold: number): number {
  return Math.ceil(3 / threshold);
}

/** 5/50/95/99% quantiles (numpy 'linear') by selection, not a full sort; reorders `values`. */
function quantiles(values: Float64Array): QuantileSummary {
  const [p5, p50, p95, p99] = quantilesUnsorted(values, [0.05, 0.5, 0.95, 0.99]);
  return { p5, p50, p95, p99 };
}

/** Checks the trade values for the unit and returns the starting equity. O(n). */
function validateTrades(trades: Trades, options: MonteCarloOptions, initialEquity: number | null): number {
  if (trades.n === 0) {
    throw inputError('E_TOO_FEW_ROWS', { file: trades.file }, 'no trades to resample (the Monte Carlo gate needs at least 1 trade)');
  }
  if (trades.n > MAX_TRADES) {
    throw inputError('E_MC_INPUT', { file: trades.file }, `${trades.n} trades exceed the Monte Carlo limit of ${MAX_TRADES}`);
  }
  if (initialEquity !== null && !(Number.isFinite(initialEquity) && initialEquity > 0)) {
    throw optionError('initialEquity', `${initialEquity} must be a finite number > 0`);
  }
  const values = trades.values;
  for (let i = 0; i < trades.n; i++) {
    const v = values[i];
    // The header is line 1 of the file, so trade i sits on row i + 2.
    const at = { file: trades.file, row: i + 2, column: trades.unit };
    if (!Number.isFinite(v)) throw inputError('E_TRADE_VALUE', at, `trade value is ${v}, not a finite number`);
    if (trades.unit === 'return' && v <= -1) {
      throw inputError('E_TRADE_VALUE', at, `return ${v} <= -1 would lose more than the whole equity (return trades must be > -1)`);
    }
  }
  if (trades.unit === 'pnl' && initialEquity === null) {
    throw optionError('initialEquity', 'pnl trades add to a starting equity: set initialEquity in candidate.json (or --initial-equity)');
  }
  if (options.breach.rule === 'trailing' && initialEquity === null) {
    throw optionError('initialEquity', 'the trailing breach limit is a currency amount: set initialEquity in candidate.json (or --initial-equity)');
  }
  return initialEquity ?? 1;
}

/**
 * The fan chart's bands: per recorded step, the 5/25/50/75/95% quantiles (numpy 'linear', by
 * selection) of the R recorded paths' equity, read straight from the shards' rows in shard
 * order (no merged copy), rounded to 6 significant digits like every chart point. O(R K).
 */
function fanQuantiles(shardRows: Float64Array[], R: number, steps: number[], horizon: number): MonteCarloDetails['fan'] {
  const K = steps.length;
  const column = new Float64Array(R);
  const bands = { p5: [] as number[], p25: [] as number[], p50: [] as number[], p75: [] as number[], p95: [] as number[] };
  for (let s = 0; s < K; s++) {
    let p = 0;
    for (const rows of shardRows) for (let i = s; i < rows.length; i += K) column[p++] = rows[i];
    if (p !== R) throw internalError(`Monte Carlo fan: ${p} recorded paths, expected ${R}`);
    const [p5, p25, p50, p75, p95] = quantilesUnsorted(column, [0.05, 0.25, 0.5, 0.75, 0.95]);
    const r = roundSignificant;
    bands.p5.push(r(p5)); bands.p25.push(r(p25)); bands.p50.push(r(p50)); bands.p75.push(r(p75)); bands.p95.push(r(p95));
  }
  return { steps, horizon, sampled: K < horizon, paths: R, ...bands };
}

function disabled(options: MonteCarloOptions): GateResult {
  return {
    gate: 'monteCarlo',
    enabled: false,
    value: null,
    gatedValue: null,
    gatedOn: options.strict ? 'clopperPearson95Upper' : 'point',
    threshold: options.threshold,
    comparison: '<',
    pass: true,
    reason: 'DISABLED',
    details: {},
    warnings: [],
  };
}

export async function monteCarloGate(
  trades: Trades,
  options: MonteCarloOptions,
  ctx: GateContext,
  extra: { initialEquity: number | null },
): Promise<GateResult> {
  if (!options.enabled) return disabled(options);
  const P = options.paths;
  const needed = minimumPaths(options.threshold);
  if (!Number.isInteger(P) || P < needed) {
    throw optionError(
      'monteCarlo.paths',
      `${P} paths cannot certify the threshold ${options.threshold}: at least ceil(3 / ${options.threshold}) = ${needed} paths are needed`,
    );
  }
  const startEquity = validateTrades(trades, options, extra.initialEquity);
  const n = trades.n;
  const horizon = options.horizon ?? n;
  if (!Number.isInteger(horizon) || horizon < 1) throw optionError('monteCarlo.horizon', `${horizon} must be an integer >= 1`);
  if (options.method === 'permutation' && horizon !== n) {
    throw optionError('monteCarlo.horizon', `permutation reshuffles all ${n} trades, so the horizon must be ${n} (got ${horizon}); use iid or stationary for another horizon`);
  }
  // Memory and work from the plan, before the per-path arrays are allocated (src/engine/budget.ts).
  checkPlan(monteCarloPlan(P, horizon, n, ctx.executor.workers), ctx);
  const { rule, limit } = options.breach;
  if (!(Number.isFinite(limit) && limit > 0) || (rule !== 'trailing' && limit >= 1)) {
    throw optionError('monteCarlo.breach.limit', `${limit} is not a valid ${rule} limit (${rule === 'trailing' ? 'a currency amount > 0' : 'a fraction in (0, 1)'})`);
  }

  const warnings: string[] = [];
  let blockLength: MonteCarloDetails['blockLength'] = { value: null, auto: false, politisWhite: null };
  let b = 1;
  if (options.method === 'stationary') {
    if (options.blockLength === 'auto') {
      const pw = politisWhiteBlockLength(trades.values.subarray(0, n));
      b = pw.b;
      // With very few trades the demeaned autocovariances can sum to exactly 0 (g0 = 0): the
      // estimate is then unbounded, so b takes the cap and `raw` is null, never Infinity.
      const raw = Number.isFinite(pw.bRaw) ? pw.bRaw : null;
      blockLength = { value: b, auto: true, politisWhite: { raw, max: pw.bMax, mHat: pw.mHat, M: pw.M } };
      if (raw === null) warnings.push(`Politis-White block length is unbounded for these ${n} trades (spectral estimate g0 = 0): capped at b_max = ${pw.bMax}`);
      else if (raw > pw.bMax) warnings.push(`Politis-White block length ${raw} capped at b_max = ${pw.bMax}: the trades are strongly dependent`);
    } else {
      b = options.blockLength;
      if (!(Number.isFinite(b) && b > 0)) throw optionError('monteCarlo.blockLength', `${b} must be 'auto' or a number >= 1`);
      // The mean of a geometric block length is at least 1: b < 1 has no stationary bootstrap.
      if (b < 1) throw optionError('monteCarlo.blockLength', `${b} is below 1: a mean block length must be 'auto' or a number >= 1`);
      blockLength = { value: b, auto: false, politisWhite: null };
    }
  }

  const shardSize = SHARD_SIZES.monteCarloPaths;
  const shards = Math.ceil(P / shardSize);
  // Fan chart: the first R paths' equity after each of K evenly spaced trade counts (the last
  // one the horizon); which paths and steps depends on P and H only, never on the workers.
  const fanSteps = evenSample(horizon, CHART_DATA.mcFanSteps).map((i) => i + 1);
  const fanPaths = Math.min(P, CHART_DATA.mcFanPaths);
  const tasks: MonteCarloShardTask[] = [];
  for (let k = 0; k < shards; k++) {
    tasks.push({
      kind: 'monteCarlo',
      shardIndex: k,
      rng: shardRngWords(ctx.seed, 'monteCarlo', k),
      trades: trades.buffer,
      n,
      unit: trades.unit,
      method: options.method,
      paths: Math.min(P, (k + 1) * shardSize) - k * shardSize,
      horizon,
      blockLength: b,
      startEquity,
      rule,
      limit,
      recordSteps: fanSteps,
      recordPaths: Math.max(0, Math.min(fanPaths - k * shardSize, shardSize)),
    });
  }
  const results = await ctx.executor.run<MonteCarloShardResult>(tasks);
  const K = fanSteps.length;
  const fanRows: Float64Array[] = [];

  let breaches = 0;
  const maxDrawdown = new Float64Array(P);
  const finalEquity = new Float64Array(P);
  let offset = 0;
  for (let k = 0; k < results.length; k++) {
    const r = results[k];
    if (r.shardIndex !== k || r.maxDrawdown.length !== tasks[k].paths) {
      throw internalError(`Monte Carlo shard ${k} came back out of order or short`);
    }
    breaches += r.breaches;
    maxDrawdown.set(r.maxDrawdown, offset);
    finalEquity.set(r.finalEquity, offset);
    const recorded = Math.min(tasks[k].recordPaths ?? 0, tasks[k].paths);
    if (r.equityAtSteps.length !== recorded * K) throw internalError(`Monte Carlo shard ${k} recorded ${r.equityAtSteps.length} equities, expected ${recorded * K}`);
    // Shard k's recorded paths are paths [k S, k S + recorded), rows in path order.
    if (recorded > 0) fanRows.push(r.equityAtSteps);
    offset += r.maxDrawdown.length;
  }
  // Compounding many large returns can overflow float64; say so instead of reporting Infinity.
  // (An equity that overflowed at a recorded step stays infinite to the end, so the final
  // equities' check covers the fan's too.)
  let finite = true;
  for (let i = 0; i < P; i++) if (!Number.isFinite(finalEquity[i]) || !Number.isFinite(maxDrawdown[i])) finite = false;
  if (!finite) {
    throw inputError('E_NON_FINITE', { file: trades.file }, 'a resampled equity path overflowed float64 (returns too large to compound over the horizon)');
  }

  const originalSteps = evenSample(n, CHART_DATA.mcFanSteps).map((i) => i + 1);
  const original = walkEquityPath(trades.values, Int32Array.from({ length: n }, (_, i) => i), trades.unit, startEquity, rule, limit, originalSteps);
  const value = breaches / P;
  const clopperPearson95 = clopperPearsonInterval(breaches, P, 0.95);
  const upper = clopperPearsonUpperBound(breaches, P, STRICT_CONFIDENCE);
  const gatedValue = options.strict ? upper : value;
  const details: MonteCarloDetails = {
    method: options.method,
    unit: trades.unit,
    paths: P,
    horizon,
    blockLength,
    breach: { rule, limit },
    startEquity,
    breaches,
    clopperPearson95,
    clopperPearson95UpperOneSided: upper,
    maxDrawdownQuantiles: quantiles(maxDrawdown),
    finalEquityQuantiles: quantiles(finalEquity),
    originalSequence: { breached: original.breached, maxDrawdown: original.maxDrawdown, finalEquity: original.finalEquity },
    fan: fanQuantiles(fanRows, fanPaths, fanSteps, horizon),
    originalPath: { steps: originalSteps, equity: original.equityAt.map((x) => roundSignificant(x)), trades: n, sampled: originalSteps.length < n },
    // Only the drawdown rule is a drawdown fraction; the other rules' limits are not on this axis.
    maxDrawdownHistogram: { ...limitHistogram(maxDrawdown, CHART_DATA.mcDrawdownBins, rule === 'drawdown' ? limit : null), limitOnEdge: rule === 'drawdown' },
    shardSize,
    shards,
    generator: GENERATOR,
  };
  if (!Number.isFinite(original.finalEquity)) {
    throw inputError('E_NON_FINITE', { file: trades.file }, 'the original trade sequence overflowed float64 when compounded');
  }
  return {
    gate: 'monteCarlo',
    enabled: true,
    value,
    gatedValue,
    gatedOn: options.strict ? 'clopperPearson95Upper' : 'point',
    threshold: options.threshold,
    comparison: '<',
    pass: compare(gatedValue, '<', options.threshold),
    reason: null,
    details: details as unknown as Record<string, unknown>,
    warnings,
  };
}
