/**
 * `gauntlet validate`: load a bundle, run the four gates (their shards interleave on one
 * pool), and assemble the decision with full provenance (SPEC 4). No timing or other
 * run-to-run noise enters the report, so the same inputs + policy + seed give the same bytes
 * whatever the number of workers.
 */
import { GENERATOR, SEED_SCHEME } from '../engine/seed.js';
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

export interface ValidateOptions {
  seed: number;
  executor: ShardExecutor;
  policy: LoadedPolicy;
  /** The current production model's manifest, for a champion-vs-candidate column. */
  champion?: ChampionManifest;
}

export async function validateCandidate(c: Candidate, opts: ValidateOptions): Promise<Report> {
  const { policy } = opts.policy;
  const ctx = { executor: opts.executor, seed: opts.seed };
  const g = policy.gates;
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
  return validateCandidate(loadCandidate(dir), opts);
}
