/**
 * `gauntlet monitor <live-trades.csv> --stage production|shadow` (docs/lifecycle.md,
 * "Monitoring"): the live trades of a stage's model since its deployment against the evidence it
 * was approved on (its backtest trades, in the registry's copy of its bundle). Four checks,
 * seeded and deterministic:
 *
 * 1. win rate: exact one-sided binomial test of H0 p_live >= p_backtest against p_live <
 *    p_backtest: p = P(X <= wins | n, p_backtest); DEGRADED when p <= alpha.
 * 2. drawdown: the live trades' max drawdown against the max drawdowns of equity paths of
 *    H = (number of live trades) trades resampled from the backtest trades with the policy's
 *    Monte Carlo method (the Monte Carlo gate itself, on the pool; permutation, defined only
 *    for H = n, becomes iid): above their 95th percentile WATCH, above the 99th DEGRADED.
 * 3. mean shift: one-sided lower CUSUM (Page) of the live trades standardised by the backtest
 *    mean and standard deviation, reference value k = cusumShift / 2; its maximum over the live
 *    trades against the critical value of the same maximum over i.i.d. resamples of the
 *    backtest trades (Monte Carlo test of size alpha); DEGRADED above it.
 * 4. age: days from the model's createdAt to the as-of date beyond retrain.maxAgeDays:
 *    RETRAIN_DUE.
 *
 * The overall status is the most severe: HEALTHY < WATCH < RETRAIN_DUE < DEGRADED (exit 0 for
 * the first two, 1 for the others). The result is committed to the audit log.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { inputError, optionError, registryError, resourceError } from '../errors.js';
import { loadCandidate } from '../io/candidate.js';
import { readTradesCsv } from '../io/trades_csv.js';
import type { Trades, TradeUnit } from '../io/types.js';
import type { Policy } from '../io/policy.js';
import type { ShardExecutor } from '../engine/executor.js';
import { monteCarloGate } from '../gates/monte_carlo/gate.js';
import type { MonteCarloDetails } from '../gates/monte_carlo/details.js';
import { walkEquityPath } from '../kernels/equity_path.js';
import { binomialLowerTail } from '../stats/binomial_lower_tail.js';
import { lowerCusum } from '../stats/lower_cusum.js';
import { cusumNullMaxima } from '../stats/cusum_null_maxima.js';
import { monteCarloCriticalValue } from '../stats/monte_carlo_critical_value.js';
import { monteCarloPValue } from '../stats/monte_carlo_p_value.js';
import { shardRngState } from '../rng/streams.js';
import { parseIsoCell } from '../io/csv.js';
import { ENGINE_VERSION } from '../version.js';
import type { Check } from './checks.js';
import { commitEvent, readManifest, withRegistry, STAGES, type Stage, type StepHook } from './registry.js';

export const MONITOR_STATUSES = ['HEALTHY', 'WATCH', 'RETRAIN_DUE', 'DEGRADED'] as const;
export type MonitorStatus = (typeof MONITOR_STATUSES)[number];
/** Severity order: the overall status is the most severe of the checks'. */
const SEVERITY: Record<MonitorStatus, number> = { HEALTHY: 0, WATCH: 1, RETRAIN_DUE: 2, DEGRADED: 3 };

/** Most path-steps the mean-shift calibration may take in-process (a few seconds). */
const MAX_CUSUM_WORK = 2e9;

const finite = z.number().finite();
export const monitorCheckSchema = z.strictObject({
  check: z.enum(['winRate', 'drawdown', 'meanShift', 'age']),
  /** SKIPPED: the check cannot be computed on these data (a reason says why); it never sets the status. */
  status: z.enum([...MONITOR_STATUSES, 'SKIPPED']),
  value: finite.nullable(),
  /** The value it is compared with: the backtest win rate, the DEGRADED drawdown quantile, the CUSUM critical value, the maximum age. */
  threshold: finite.nullable(),
  comparison: z.enum(['<', '>']),
  pValue: finite.nullable(),
  reason: z.string(),
  details: z.record(z.string(), z.union([finite, z.string(), z.null()])),
});
export type MonitorCheck = z.infer<typeof monitorCheckSchema>;

export const monitorResultSchema = z.strictObject({
  format: z.literal('gauntlet-monitor'),
  formatVersion: z.literal(1),
  engineVersion: z.string(),
  registry: z.string(),
  stage: z.enum(STAGES),
  model: z.strictObject({ id: z.string(), version: z.number().int(), modelSha256: z.string(), createdAt: z.string() }),
  live: z.strictObject({ file: z.string(), sha256: z.string(), trades: z.number().int(), firstExit: z.string(), lastExit: z.string() }),
  backtest: z.strictObject({ trades: z.number().int(), end: z.string(), winRate: finite, mean: finite, sd: finite }),
  asOf: z.string(),
  seed: z.number().int(),
  policySha256: z.string(),
  status: z.enum(MONITOR_STATUSES),
  checks: z.array(monitorCheckSchema),
  auditLine: z.number().int(),
});
export type MonitorResult = z.infer<typeof monitorResultSchema>;

export interface MonitorInput {
  /** The backtest trades the model was approved on. */
  backtest: Trades;
  /** The live trades since deployment (same unit). */
  live: Trades;
  initialEquity: number | null;
  /** The model's createdAt and the date its age is measured at. */
  createdAt: Date;
  asOf: Date;
  policy: Policy;
  seed: number;
  executor: ShardExecutor;
  maxMemory?: number;
}

function meanSd(x: Float64Array, n: number): { mean: number; sd: number } {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i] - mean) ** 2;
  return { mean, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : 0 };
}

function wins(t: Trades): number {
  let w = 0;
  for (let i = 0; i < t.n; i++) if (t.values[i] > 0) w++;
  return w;
}

const f4 = (x: number) => x.toFixed(4);

/** Check 1: exact one-sided binomial test of the live win rate against the backtest's. O(n + sqrt(n)). */
export function winRateCheck(backtest: Trades, live: Trades, alpha: number): MonitorCheck {
  const p0 = wins(backtest) / backtest.n;
  const k = wins(live);
  const n = live.n;
  const p = binomialLowerTail(k, n, p0);
  const degraded = p <= alpha;
  return {
    check: 'winRate', status: degraded ? 'DEGRADED' : 'HEALTHY', value: k / n, threshold: p0, comparison: '<', pValue: p,
    reason: `live win rate ${f4(k / n)} (${k} of ${n}) vs backtest ${f4(p0)}: P(X <= ${k} | n = ${n}, p = ${f4(p0)}) = ${f4(p)} ${degraded ? '<=' : '>'} alpha ${alpha}`,
    details: { wins: k, trades: n, backtestWinRate: p0, alpha },
  };
}

/**
 * Check 2: the live max drawdown against the resampled ones over the same number of trades,
 * by the Monte Carlo gate's kernels (seeded: the run seed's 'monteCarlo' streams).
 */
export async function drawdownCheck(input: MonitorInput): Promise<MonitorCheck> {
  const { backtest, live, policy } = input;
  const mc = policy.gates.monteCarlo as unknown as Parameters<typeof monteCarloGate>[1];
  const H = live.n;
  const method = mc.method === 'permutation' && H !== backtest.n ? 'iid' : mc.method;
  const paths = policy.monitor.paths;
  const r = await monteCarloGate(backtest, { ...mc, enabled: true, paths, horizon: H, method, threshold: Math.max(mc.threshold, 3 / paths), strict: false }, { executor: input.executor, seed: input.seed, maxMemory: input.maxMemory }, { initialEquity: input.initialEquity });
  const d = r.details as unknown as MonteCarloDetails;
  const order = Int32Array.from({ length: H }, (_, i) => i);
  const start = d.startEquity;
  const walked = walkEquityPath(live.values, order, live.unit, start, mc.breach.rule, mc.breach.limit);
  const dd = walked.maxDrawdown;
  const { p95, p99 } = d.maxDrawdownQuantiles;
  const status: MonitorStatus = dd > p99 ? 'DEGRADED' : dd > p95 ? 'WATCH' : 'HEALTHY';
  const note = method !== mc.method ? ` (${mc.method} is defined only for H = n; iid used)` : '';
  return {
    check: 'drawdown', status, value: dd, threshold: p99, comparison: '>', pValue: null,
    reason: `live max drawdown ${f4(dd)} over ${H} trades vs ${paths} ${method} paths of ${H} backtest trades${note}: p95 ${f4(p95)}, p99 ${f4(p99)}`,
    details: { p50: d.maxDrawdownQuantiles.p50, p95, p99, paths, horizon: H, method, blockLength: d.blockLength.value },
  };
}

/** Check 3: the lower CUSUM of the live trades against its Monte Carlo critical value. O(paths x H). */
export function meanShiftCheck(backtest: Trades, live: Trades, policy: Policy, seed: number): MonitorCheck {
  const { alpha, paths, cusumShift } = policy.monitor;
  const k = cusumShift / 2;
  const { mean, sd } = meanSd(backtest.values, backtest.n);
  const base = { check: 'meanShift' as const, comparison: '>' as const };
  if (!(sd > 0)) {
    return { ...base, status: 'SKIPPED', value: null, threshold: null, pValue: null, reason: `the ${backtest.n} backtest trade${backtest.n === 1 ? ' has' : 's have'} no spread (standard deviation 0): a mean shift cannot be scaled`, details: { k, mean, sd } };
  }
  if (paths * live.n > MAX_CUSUM_WORK) throw resourceError(`monitor: the mean-shift calibration would take ${paths} paths x ${live.n} trades = ${paths * live.n} steps, above ${MAX_CUSUM_WORK}; lower monitor.paths`);
  const z = new Float64Array(backtest.n);
  for (let i = 0; i < backtest.n; i++) z[i] = (backtest.values[i] - mean) / sd;
  const observed = lowerCusum(live.values.subarray(0, live.n), mean, sd, k);
  const sims = cusumNullMaxima(z, live.n, k, paths, shardRngState(seed, 'monitorCusum', 0));
  const h = monteCarloCriticalValue(sims, alpha);
  const p = monteCarloPValue(sims, observed.max);
  const degraded = observed.max > h;
  const liveMean = meanSd(live.values, live.n).mean;
  return {
    ...base, status: degraded ? 'DEGRADED' : 'HEALTHY', value: observed.max, threshold: Number.isFinite(h) ? h : null, pValue: p,
    reason: `lower CUSUM (k = ${k}) of the live trades peaks at ${f4(observed.max)}${observed.at >= 0 ? ` (trade ${observed.at + 1})` : ''} vs critical value ${Number.isFinite(h) ? f4(h) : 'n/a'} (Monte Carlo p = ${f4(p)}, alpha ${alpha}); live mean ${liveMean.toExponential(3)} vs backtest ${mean.toExponential(3)}`,
    details: { k, backtestMean: mean, backtestSd: sd, liveMean, peakTrade: observed.at >= 0 ? observed.at + 1 : null, paths, alpha },
  };
}

/** Check 4: the model's age against the retraining schedule. O(1). */
export function ageCheck(createdAt: Date, asOf: Date, maxAgeDays: number | null): MonitorCheck {
  const age = (asOf.getTime() - createdAt.getTime()) / 86_400_000;
  const base = { check: 'age' as const, comparison: '>' as const, pValue: null, value: age };
  const at = `${createdAt.toISOString().slice(0, 10)} -> ${asOf.toISOString().slice(0, 10)}`;
  if (maxAgeDays === null) return { ...base, status: 'SKIPPED', threshold: null, reason: `model age ${age.toFixed(1)} days (${at}); no retraining schedule (retrain.maxAgeDays null)`, details: { createdAt: createdAt.toISOString(), asOf: asOf.toISOString() } };
  const due = age > maxAgeDays;
  return {
    ...base, status: due ? 'RETRAIN_DUE' : 'HEALTHY', threshold: maxAgeDays,
    reason: `model age ${age.toFixed(1)} days (${at}) ${due ? '>' : '<='} retrain.maxAgeDays ${maxAgeDays}`,
    details: { createdAt: createdAt.toISOString(), asOf: asOf.toISOString() },
  };
}

/** The four checks and the overall status. */
export async function runMonitorChecks(input: MonitorInput): Promise<{ status: MonitorStatus; checks: MonitorCheck[] }> {
  const checks = [
    winRateCheck(input.backtest, input.live, input.policy.monitor.alpha),
    await drawdownCheck(input),
    meanShiftCheck(input.backtest, input.live, input.policy, input.seed),
    ageCheck(input.createdAt, input.asOf, input.policy.retrain.maxAgeDays),
  ];
  let status: MonitorStatus = 'HEALTHY';
  for (const c of checks) if (c.status !== 'SKIPPED' && SEVERITY[c.status] > SEVERITY[status]) status = c.status;
  return { status, checks };
}

/** The monitor checks as CI checks. */
export function monitorChecks(result: MonitorResult): Check[] {
  return result.checks.map((c) => ({
    name: c.check,
    group: 'monitor',
    status: c.status === 'SKIPPED' ? 'skip' : c.status === 'HEALTHY' ? 'pass' : c.status === 'WATCH' ? 'warn' : 'fail',
    value: c.value,
    threshold: c.threshold === null ? '' : c.check === 'winRate' ? `binomial p > ${c.details.alpha} vs backtest rate ${+c.threshold.toFixed(6)}` : `<= ${+c.threshold.toFixed(6)}`,
    reason: c.status === 'HEALTHY' ? null : c.status,
    detail: c.reason,
  }));
}

/** An ISO date or date-time (a date alone is its UTC midnight), for --as-of. */
export function parseAsOf(raw: string): Date {
  try {
    return new Date(parseIsoCell(raw, '--as-of', 1, 'as-of'));
  } catch {
    throw optionError('--as-of', `'${raw}' is not an ISO 8601 date or date-time (e.g. 2020-06-30 or 2020-06-30T21:00:00Z)`);
  }
}

export interface MonitorOptions {
  stage: Stage;
  executor: ShardExecutor;
  maxMemory?: number;
  /** The date the model's age is measured at (default: now). */
  asOf?: Date;
  now?: () => Date;
  note?: (line: string) => void;
  step?: StepHook;
}

/**
 * Monitor a stage's model on a live trades file and commit the result to the audit log. Bad
 * input (no model in the stage, a bad row, live trades that are not after the backtest, an
 * as-of date before the last live trade) changes nothing and exits 2.
 */
export async function monitorStage(dir: string, liveFile: string, opts: MonitorOptions): Promise<MonitorResult> {
  const now = opts.now ?? (() => new Date());
  return withRegistry(dir, { note: opts.note ?? (() => undefined), step: opts.step }, async (state, notes) => {
    const ref = state.stages[opts.stage];
    if (!ref) throw registryError('E_STAGE', `${dir}: no model in ${opts.stage} to monitor`);
    const key = `${ref.id}@${ref.version}`;
    const { manifest, folder } = readManifest(state, key, true);
    const model = loadCandidate(join(state.dir, folder, 'bundle'), { maxMemory: opts.maxMemory });
    const unit: TradeUnit = model.manifest.tradeUnit;
    const liveIn = readTradesCsv(liveFile, unit, { maxMemory: opts.maxMemory });
    const btEndText = model.returns.dates[model.returns.T - 1];
    const btEnd = parseIsoCell(btEndText, model.returns.file, model.returns.T + 1, 'date');
    if (!(liveIn.firstExit > btEnd)) {
      throw inputError('E_MONITOR_INPUT', { file: liveFile, row: 2, column: 'exit_time' }, `the first live trade exits ${new Date(liveIn.firstExit).toISOString().slice(0, 10)}, not after the end of ${key}'s backtest (${btEndText}): live trades must come after the data the model was validated on`);
    }
    const asOf = opts.asOf ?? now();
    if (asOf.getTime() < liveIn.lastExit) {
      throw registryError('E_MONITOR_INPUT', `--as-of ${asOf.toISOString()} is before the last live trade's exit (${new Date(liveIn.lastExit).toISOString()}) in ${liveFile}`);
    }
    const createdAt = new Date(manifest.createdAt);
    const { status, checks } = await runMonitorChecks({
      backtest: model.trades, live: liveIn.trades, initialEquity: model.manifest.initialEquity ?? null, createdAt, asOf,
      policy: state.policy.policy, seed: state.meta.seed, executor: opts.executor, maxMemory: opts.maxMemory,
    });
    const bt = meanSd(model.trades.values, model.trades.n);
    const live = { file: liveFile, sha256: liveIn.sha256, trades: liveIn.trades.n, firstExit: new Date(liveIn.firstExit).toISOString(), lastExit: new Date(liveIn.lastExit).toISOString() };
    const line = commitEvent(state, {
      event: 'monitor',
      data: {
        stage: opts.stage, model: { id: ref.id, version: ref.version, modelSha256: ref.modelSha256 }, status, live, asOf: asOf.toISOString(),
        checks: checks.map((c) => ({ check: c.check, status: c.status, value: c.value, threshold: c.threshold, pValue: c.pValue })),
        ...(notes.length ? { notes } : {}),
      },
      now,
      step: opts.step,
    });
    const result: MonitorResult = {
      format: 'gauntlet-monitor', formatVersion: 1, engineVersion: ENGINE_VERSION, registry: dir, stage: opts.stage,
      model: { id: ref.id, version: ref.version, modelSha256: ref.modelSha256, createdAt: manifest.createdAt },
      live,
      backtest: { trades: model.trades.n, end: btEndText, winRate: wins(model.trades) / model.trades.n, mean: bt.mean, sd: bt.sd },
      asOf: asOf.toISOString(), seed: state.meta.seed, policySha256: state.policy.sha256, status, checks, auditLine: line.seq,
    };
    return monitorResultSchema.parse(result);
  });
}
