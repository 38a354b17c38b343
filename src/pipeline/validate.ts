/**
 * `gauntlet validate`: load a bundle, run the four gates (their shards interleave on one
 * pool), and assemble the decision with full provenance (SPEC 4). No timing or other
 * run-to-run noise enters the report, so the same inputs + policy + seed give the same bytes
 * whatever the number of workers.
 */
import { GENERATOR, SEED_SCHEME } from '../rng/streams.js';
import type { ShardExecutor } from '../engine/executor.js';
import { SHARD_SIZES } from '../config/defaults.js';
import { loadCandidate, type Candidate } from '../io/candidate.js';
import type { LoadedPolicy } from '../io/policy.js';
import { winRateGate } from '../gates/win_rate/gate.js';
import { walkForwardGate } from '../gates/walk_forward/gate.js';
import { pboGate } from '../gates/pbo/gate.js';
import { monteCarloGate } from '../gates/monte_carlo/gate.js';
import { GATE_ORDER, type GateResult } from '../gates/types.js';
import { ENGINE_VERSION } from '../version.js';
import type { Report } from '../report/schema.js';
import { compareWithChampion, type ChampionManifest } from './champion.js';
import { checkPlans, monteCarloPlan, pboPlan, walkForwardPlan, type ResourcePlan } from '../engine/budget.js';
import { walkForwardWindows, windowEdges } from '../gates/walk_forward/windows.js';

export interface ValidateOptions {
  seed: number;
  executor: ShardExecutor;
  policy: LoadedPolicy;
  /** The current production model's manifest, for a champion-vs-candidate column. */
  champion?: ChampionManifest;
  /** Memory budget in bytes (--max-memory; default half the machine's memory). */
  maxMemory?: number;
}

/**
 * The three heavy gates run at once, so their plans must fit the budget together. A gate
 * whose plan cannot even be formed (e.g. too few rows for the folds) is left to report its
 * own error in gate order.
 */
function checkTogether(c: Candidate, opts: ValidateOptions): void {
  const g = opts.policy.policy.gates;
  const T = c.returns.T, N = c.returns.N;
  // The loaded data stays in memory while the gates run.
  const plans: ResourcePlan[] = [{ gate: 'inputs', bytes: (T * N + c.trades.n) * 8, work: 0, what: `the loaded returns (${T} x ${N}) and trades (${c.trades.n})` }];
  if (g.walkForward.enabled) {
    try {
      const plan = walkForwardWindows(T, g.walkForward.folds, g.walkForward.isOosRatio, g.walkForward.gap, g.walkForward.scheme);
      plans.push(walkForwardPlan(T, N, windowEdges(plan).length - 1, plan.folds));
    } catch {
      /* the gate words it */
    }
  }
  if (g.pbo.enabled) plans.push(pboPlan(T, N, g.pbo.S, g.pbo.maxCombinations, false));
  if (g.monteCarlo.enabled) {
    const n = c.trades.n;
    plans.push(monteCarloPlan(g.monteCarlo.paths, g.monteCarlo.horizon ?? n, n, opts.executor.workers));
  }
  checkPlans(plans, { maxMemory: opts.maxMemory, executor: opts.executor });
}

export async function validateCandidate(c: Candidate, opts: ValidateOptions): Promise<Report> {
  const { policy } = opts.policy;
  const ctx = { executor: opts.executor, seed: opts.seed, maxMemory: opts.maxMemory };
  const g = policy.gates;
  checkTogether(c, opts);
  // All four run at once (their shards interleave on the pool); if several fail, the error
  // reported is the first in gate order, not the first in time, so it never depends on the
  // worker count or on which shard finished first.
  const settled = await Promise.allSettled([
    Promise.resolve().then(() => winRateGate(c.trades, { ...g.winRate, strict: policy.strict })),
    Promise.resolve().then(() => walkForwardGate(c.returns, g.walkForward, ctx, { periodsPerYear: c.manifest.periodsPerYear, strict: policy.strict })),
    Promise.resolve().then(() => pboGate(c.returns, g.pbo, ctx)),
    Promise.resolve().then(() => monteCarloGate(c.trades, { ...g.monteCarlo, strict: policy.strict }, ctx, { initialEquity: c.manifest.initialEquity ?? null })),
  ]);
  for (const r of settled) if (r.status === 'rejected') throw r.reason;
  const [winRate, walkForward, pbo, monteCarlo] = settled.map((r) => (r as PromiseFulfilledResult<GateResult>).value);
  const gates: Record<string, GateResult> = { winRate, walkForward, pbo, monteCarlo };
  const failedGates = GATE_ORDER.filter((k) => !gates[k].pass);
  const warnings = [...c.warnings];
  for (const k of GATE_ORDER) {
    if (!gates[k].enabled) warnings.push(`gate ${k} is disabled by the policy (${opts.policy.source})`);
    for (const w of gates[k].warnings) warnings.push(`${k}: ${w}`);
  }
  const report: Report = {
    engine: { name: 'gauntlet', version: ENGINE_VERSION },
    decision: failedGates.length === 0 ? 'APPROVED' : 'REJECTED',
    failedGates,
    candidate: {
      id: c.manifest.id,
      createdAt: c.manifest.createdAt,
      bundle: c.dir,
      selected: c.manifest.selected,
      periodsPerYear: c.manifest.periodsPerYear,
      tradeUnit: c.manifest.tradeUnit,
      initialEquity: c.manifest.initialEquity ?? null,
    },
    provenance: {
      seed: opts.seed,
      generator: GENERATOR,
      seedScheme: SEED_SCHEME,
      shardSizes: { ...SHARD_SIZES },
      policySource: opts.policy.source,
      policySha256: opts.policy.sha256,
      inputs: c.inputs,
    },
    policy: policy as unknown as Record<string, unknown>,
    gates: { winRate, walkForward, pbo, monteCarlo },
    warnings,
  };
  if (opts.champion) report.comparison = compareWithChampion(opts.champion, report);
  return report;
}

export async function validateBundle(dir: string, opts: ValidateOptions): Promise<Report> {
  return validateCandidate(loadCandidate(dir, { maxMemory: opts.maxMemory }), opts);
}
