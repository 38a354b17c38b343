/**
 * `gauntlet validate`: load a bundle (or take a candidate built in memory), run every gate of
 * the registry (their shards interleave on one pool), and assemble the decision with full
 * provenance (docs/formats.md, "Report"). No timing or other run-to-run noise enters the
 * report, so the same inputs + policy + seed give the same bytes whatever the number of workers.
 */
import { GENERATOR, SEED_SCHEME } from '../rng/streams.js';
import type { ShardExecutor } from '../engine/executor.js';
import { SHARD_SIZES } from '../config/defaults.js';
import { loadCandidate, type Candidate } from '../io/candidate.js';
import type { LoadedPolicy } from '../io/policy.js';
import { DEFAULT_GATES } from '../gates/index.js';
import { runGate, type GateInput, type GateRegistry, type GateRunContext } from '../gates/registry.js';
import type { GateResult } from '../gates/types.js';
import { ENGINE_VERSION } from '../version.js';
import { REPORT_SCHEMA_VERSION, type Report } from '../report/schema.js';
import { compareWithChampion, type ChampionManifest } from './champion.js';
import { checkPlans, type ResourcePlan } from '../engine/budget.js';

export interface ValidateOptions {
  seed: number;
  executor: ShardExecutor;
  policy: LoadedPolicy;
  /** The current production model's manifest, for a champion-vs-candidate column. */
  champion?: ChampionManifest;
  /** Memory budget in bytes (--max-memory; default half the machine's memory). */
  maxMemory?: number;
  /** The gates to run (default: the built-in registry). */
  registry?: GateRegistry;
}

/** What the gates read off a loaded candidate. */
export function gateInput(c: Candidate): GateInput {
  return {
    returns: c.returns,
    trades: c.trades,
    selectedIndex: c.selectedIndex,
    periodsPerYear: c.manifest.periodsPerYear,
    initialEquity: c.manifest.initialEquity ?? null,
  };
}

/**
 * The gates run at once, so their plans must fit the budget together, with the loaded data.
 * A gate whose plan cannot even be formed is left to report its own error in gate order.
 */
function checkTogether(c: Candidate, input: GateInput, registry: GateRegistry, policy: LoadedPolicy, ctx: GateRunContext, opts: ValidateOptions): void {
  const T = c.returns.T, N = c.returns.N;
  const plans: ResourcePlan[] = [{ gate: 'inputs', bytes: (T * N + c.trades.n) * 8, work: 0, what: `the loaded returns (${T} x ${N}) and trades (${c.trades.n})` }];
  for (const def of registry.gates) {
    const o = policy.policy.gates[def.name];
    if (!o.enabled && !def.advisory) continue;
    const plan = def.resourcePlan?.(input, o, ctx);
    if (plan) plans.push(plan);
  }
  checkPlans(plans, { maxMemory: opts.maxMemory, executor: opts.executor });
}

export async function validateCandidate(c: Candidate, opts: ValidateOptions): Promise<Report> {
  const registry = opts.registry ?? DEFAULT_GATES;
  const { policy } = opts.policy;
  const ctx: GateRunContext = { executor: opts.executor, seed: opts.seed, maxMemory: opts.maxMemory, strict: policy.strict };
  const input = gateInput(c);
  checkTogether(c, input, registry, opts.policy, ctx, opts);
  // All gates run at once (their shards interleave on the pool); if several fail, the error
  // reported is the first in registry order, not the first in time, so it never depends on
  // the worker count or on which shard finished first.
  const settled = await Promise.allSettled(registry.gates.map((def) => Promise.resolve().then(() => runGate(def, input, policy.gates[def.name], ctx))));
  for (const r of settled) if (r.status === 'rejected') throw r.reason;
  const results = settled.map((r) => (r as PromiseFulfilledResult<GateResult>).value);
  const gates: Record<string, GateResult> = {};
  registry.gates.forEach((def, i) => (gates[def.name] = results[i]));
  // Advisory gates never fail the decision; a disabled decision gate passes.
  const failedGates = registry.gates.filter((d) => !gates[d.name].advisory && !gates[d.name].pass).map((d) => d.name);
  const warnings = [...c.warnings];
  for (const def of registry.gates) {
    const r = gates[def.name];
    if (!r.enabled && !def.advisory) warnings.push(`gate ${def.name} is disabled by the policy (${opts.policy.source})`);
    for (const w of r.warnings) warnings.push(`${def.name}: ${w}`);
  }
  const report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
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
    gates,
    warnings,
  } as Report;
  if (opts.champion) report.comparison = compareWithChampion(opts.champion, report, registry);
  return report;
}

export async function validateBundle(dir: string, opts: ValidateOptions): Promise<Report> {
  return validateCandidate(loadCandidate(dir, { maxMemory: opts.maxMemory }), opts);
}
