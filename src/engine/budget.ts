/**
 * Resource plans: what a gate will allocate and how much inner-loop work it will do, from its
 * plan alone (T, N, S and combinations, paths and horizon, fold segments), checked before
 * anything big is allocated. A plan above the memory budget (--max-memory, default half the
 * machine's memory) or the work limit is refused with the numbers in the message (exit 2),
 * instead of the process being killed by the kernel or running for days.
 *
 * The per-element byte counts are read off the code that allocates (named below) and rounded
 * up to what peak RSS showed on real runs (README, "Limits": e.g. PBO S = 24, 2.7 M
 * combinations: 120 bytes each measured, sampled 1 M: 167; Monte Carlo 1 M paths: 48 in-process,
 * 62 on 2 workers).
 * Pure functions, O(1) (the walk-forward plan O(K)).
 */
import { resourceError } from '../errors.js';
import { defaultMaxMemory, formatBytes, MAX_GATE_WORK } from '../config/limits.js';
import { binomial } from '../stats/binomial_coefficient.js';
import { CHART_DATA } from '../config/defaults.js';

export interface ResourcePlan {
  /** Which gate, for messages. */
  gate: string;
  /** Peak bytes the gate holds at once (beyond its input data). */
  bytes: number;
  /** Inner-loop element operations. */
  work: number;
  /** What the numbers come from, for messages: "C = 601080390 combinations x N = 50". */
  what: string;
}

/**
 * Bytes per CSCV combination held at the merge (src/gates/pbo/gate.ts, src/kernels/cscv.ts):
 * the shard result (rank 8 + nStar 4 + oosRank 8 + IS/OOS metric 16 = 36), the same again
 * while a pool's structured clone is in flight, the merge arrays (ranks 8, slot 4, nStar,
 * oosRank and logit as JS arrays 24, IS/OOS metric 16, lexRanks 8 = 60), and for a sample the
 * pair set and its sorted copies (about 40), plus garbage-collector slack.
 */
export const PBO_BYTES_PER_COMBINATION = 200;
/** --logits: the per-combination arrays in the report object and its JSON text (measured about 150 more). */
export const PBO_LOGIT_BYTES_PER_COMBINATION = 200;
/** --logits: characters a combination adds to the indented JSON (measured 50, 67 when sampled). */
export const PBO_LOGIT_CHARS_PER_COMBINATION = 80;
/** Memory a started pool thread costs before any task (a V8 isolate with the kernels loaded). */
export const THREAD_BYTES = 16 * 2 ** 20;
/**
 * Longest string V8 builds (about 2^29 characters on 64-bit): a --logits report longer than
 * this cannot be serialised at all.
 */
export const MAX_JSON_CHARS = 2 ** 29 - 24;

/** Number of CSCV combinations evaluated for S blocks under a maxCombinations cap (as the gate samples). */
export function pboCombinations(S: number, maxCombinations: number): { total: number; evaluated: number } {
  if (!Number.isInteger(S) || S < 2 || S > 32 || S % 2 !== 0) return { total: 0, evaluated: 0 };
  const total = binomial(S, S / 2);
  const evaluated = total > maxCombinations ? 2 * Math.max(1, Math.floor(maxCombinations / 2)) : total;
  return { total, evaluated };
}

export function pboPlan(T: number, N: number, S: number, maxCombinations: number, logits: boolean): ResourcePlan {
  const { evaluated: C } = pboCombinations(S, maxCombinations);
  // Per block and column: min/max/negative flags (17) and the block moments (4 x 8), per shard
  // the IS/total sums (about 6 x 8 a column); the dominance grid is fixed.
  const bytes = C * (PBO_BYTES_PER_COMBINATION + (logits ? PBO_LOGIT_BYTES_PER_COMBINATION : 0)) + S * N * 49 + N * 64 + 64 * 1024;
  return { gate: 'pbo', bytes, work: C * N * 4 + T * N, what: `C = ${C} combinations (S = ${S}) x N = ${N} columns` };
}

/**
 * Monte Carlo (src/gates/monte_carlo/gate.ts, src/kernels/drawdown_paths.ts): per path the
 * shard's max drawdown and final equity (16), the merged copies (16), a pool's clone in
 * flight (16) and collector slack (16); per trade the shard's private table and permutation
 * scratch (3 x 8) for each shard running at once, plus the block-length estimate and the
 * original path (4 x 8); the fan chart's recorded equities (at most CHART_DATA.mcFanPaths
 * paths x mcFanSteps steps, 8 bytes each) twice: the shards' rows and, on a pool, their
 * clones in flight (the quantiles read the rows in place).
 */
export function monteCarloPlan(paths: number, horizon: number, n: number, threads: number): ResourcePlan {
  const fan = Math.min(paths, CHART_DATA.mcFanPaths) * Math.min(horizon, CHART_DATA.mcFanSteps) * 8 * 2;
  const bytes = paths * 64 + n * 8 * (3 * Math.max(1, threads) + 4) + fan + 64 * 1024;
  return { gate: 'monteCarlo', bytes, work: paths * horizon, what: `${paths} paths x horizon ${horizon}` };
}

/**
 * Walk-forward (src/gates/walk_forward/gate.ts, src/kernels/prefix_moments.ts): the segment
 * shards' returned moments (2 x segments x N), the same placed in segment order, and prefix
 * sums (N + 2 (segments + 1) N), 8 bytes each.
 */
export function walkForwardPlan(T: number, N: number, segments: number, folds: number): ResourcePlan {
  const bytes = (6 * segments + 3) * N * 8 + folds * 1024;
  return { gate: 'walkForward', bytes, work: T * N + folds * N, what: `${segments} row segments x N = ${N} columns` };
}

/** Where a plan runs: the budget (undefined: the default) and the pool's thread count. */
export interface PlanContext {
  maxMemory?: number;
  executor?: { workers: number };
}

/** Bytes the pool's threads themselves hold. */
function threadBytes(ctx: PlanContext): number {
  return (ctx.executor?.workers ?? 0) * THREAD_BYTES;
}

/**
 * Refuse a plan above the memory budget (with the pool's threads) or the work limit. The
 * message names the gate, the figures and what to change.
 */
export function checkPlan(plan: ResourcePlan, ctx: PlanContext): void {
  const budget = ctx.maxMemory ?? defaultMaxMemory();
  const bytes = plan.bytes + threadBytes(ctx);
  if (bytes > budget) {
    throw resourceError(
      `${plan.gate}: ${plan.what} would need about ${formatBytes(bytes)} of memory, above the --max-memory budget of ${formatBytes(budget)} (README, Limits): lower the work (fewer paths, combinations or segments) or raise --max-memory if the machine has it`,
    );
  }
  if (plan.work > MAX_GATE_WORK) {
    throw resourceError(`${plan.gate}: ${plan.what} is about ${plan.work.toExponential(2)} inner-loop operations, above the work limit of ${MAX_GATE_WORK.toExponential(0)} (hours on one core; README, Limits)`);
  }
}

/** Several gates running at once (validate): their plans' memory adds up. */
export function checkPlans(plans: ResourcePlan[], ctx: PlanContext): void {
  for (const p of plans) checkPlan(p, ctx);
  const budget = ctx.maxMemory ?? defaultMaxMemory();
  const total = plans.reduce((s, p) => s + p.bytes, 0) + threadBytes(ctx);
  if (total > budget) {
    const parts = plans.map((p) => `${p.gate} ${formatBytes(p.bytes)}`).join(', ') + (threadBytes(ctx) ? `, ${ctx.executor!.workers} threads ${formatBytes(threadBytes(ctx))}` : '');
    throw resourceError(`the gates together (${parts}) would need about ${formatBytes(total)} of memory, above the --max-memory budget of ${formatBytes(budget)} (README, Limits)`);
  }
}

/** The PBO --logits report must fit in one JavaScript string. */
export function checkLogitsSize(combinations: number): void {
  const chars = combinations * PBO_LOGIT_CHARS_PER_COMBINATION;
  if (chars > MAX_JSON_CHARS) {
    throw resourceError(`pbo: --logits for ${combinations} combinations would make a JSON report of about ${formatBytes(chars)}, beyond the largest string a report can be (${formatBytes(MAX_JSON_CHARS)}): lower maxCombinations or drop --logits`);
  }
}
