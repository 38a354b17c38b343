/**
 * Determinism (docs/methodology.md, "Determinism and sharding"): the same bundle + policy + seed give byte-identical report JSON on
 * every executor: in-process, a single-threaded executor that runs shards in seeded random
 * orders (test/helpers/shuffled_executor.ts), and pools of 1, 2 and 3 threads; and the CLI
 * prints the same bytes for --workers 0, 1 and 2. A different run seed moves the Monte
 * Carlo estimate but none of the deterministic gates.
 *
 * Property-test style without a dependency: a handful of cases drawn from a fixed seed,
 * varying T, N, trade count, trade unit and every policy option that changes how shards are
 * cut or seeded (MC method / paths / horizon / block length / breach rule, PBO S / metric /
 * truncation / sampling, WF scheme / folds / ratio / gap, strict). One larger case
 * (T = 8192) gives the walk-forward gate long segment shards.
 *
 * The pool executors use the compiled worker: run `npx tsc -p .` first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { createExecutor, InProcessExecutor, type ShardExecutor } from '../../src/runtime.js';
import { loadCandidate, type Candidate } from '../../src/io/candidate.js';
import { loadPolicy, resolvePolicy, type LoadedPolicy } from '../../src/io/policy.js';
import { validateCandidate } from '../../src/pipeline/validate.js';
import { reportJson, type Report } from '../../src/report/schema.js';
import { binomial } from '../../src/kernels/combinations.js';
import { runCli, tempDir, writeBundle } from '../helpers/bundle.js';
import { ShuffledExecutor } from '../helpers/shuffled_executor.js';

interface Case {
  name: string;
  T: number;
  N: number;
  trades: number;
  unit: 'return' | 'pnl';
  policy: Record<string, unknown>;
}

const pick = <T>(rng: () => number, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
const int = (rng: () => number, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));

/** One random case: small sizes, policy options drawn across their legal ranges. */
function drawCase(i: number, rng: () => number, forced: Partial<Case> & { pbo?: Record<string, unknown>; monteCarlo?: Record<string, unknown> } = {}): Case {
  const T = forced.T ?? int(rng, 200, 400);
  const N = forced.N ?? int(rng, 3, 8);
  const trades = forced.trades ?? int(rng, 40, 200);
  const unit = forced.unit ?? (rng() < 0.25 ? 'pnl' : 'return');
  const method = pick(rng, ['iid', 'stationary', 'permutation'] as const);
  const rule = unit === 'pnl' ? pick(rng, ['drawdown', 'static', 'trailing'] as const) : pick(rng, ['drawdown', 'static'] as const);
  const S = (forced.pbo?.S as number | undefined) ?? pick(rng, [4, 6, 8, 10, 14, 16]);
  const monteCarlo: Record<string, unknown> = {
    method,
    // 2 to 4 shards of 1,024 paths, the last one partial.
    paths: int(rng, 1100, 4000),
    horizon: method === 'permutation' || rng() < 0.5 ? null : int(rng, 20, 250),
    breach: { rule, limit: rule === 'trailing' ? int(rng, 200, 800) : 0.02 + 0.1 * rng() },
    ...(method === 'stationary' ? { blockLength: rng() < 0.5 ? 'auto' : 1 + 4 * rng() } : {}),
    ...forced.monteCarlo,
  };
  const pbo: Record<string, unknown> = {
    S,
    metric: pick(rng, ['sharpe', 'mean', 'sortino'] as const),
    ...(T % S !== 0 ? { truncate: 'oldest' } : {}),
    ...forced.pbo,
  };
  const walkForward = {
    scheme: pick(rng, ['rolling', 'anchored'] as const),
    folds: int(rng, 2, 8),
    isOosRatio: int(rng, 1, 4),
    gap: int(rng, 0, 3),
    metric: pick(rng, ['sharpe', 'mean'] as const),
  };
  return { name: `case ${i}`, T, N, trades, unit, policy: { strict: rng() < 0.3, gates: { monteCarlo, pbo, walkForward } } };
}

const caseRng = seedrandom.tychei('determinism-cases');
const CASES: Case[] = [
  drawCase(0, caseRng, { T: 320, N: 6, trades: 150, unit: 'return' }),
  // S = 16: C(16, 8) = 12,870 combinations in 7 shards of 2,048.
  drawCase(1, caseRng, { pbo: { S: 16 } }),
  drawCase(2, caseRng, { unit: 'pnl' }),
  // PBO sampled: S = 14 has C(14, 7) = 3,432 combinations; keep 1,500 of them (the run seed picks which).
  drawCase(3, caseRng, { T: 280, pbo: { S: 14, maxCombinations: 1500, truncate: 'none' } }),
  drawCase(4, caseRng, { monteCarlo: { method: 'stationary', blockLength: 'auto', horizon: null } }),
  // A long matrix: long walk-forward segment shards.
  drawCase(5, caseRng, { T: 8192, N: 32, trades: 60, pbo: { S: 8, truncate: 'none' } }),
];

/** A bundle for the case; pnl bundles turn writeBundle's returns into currency trades. */
function writeCaseBundle(dir: string, c: Case, i: number): void {
  writeBundle(dir, {
    T: c.T, N: c.N, trades: c.trades, seed: `determinism-${i}`,
    manifest: c.unit === 'pnl' ? { tradeUnit: 'pnl', initialEquity: 10_000 } : {},
  });
  if (c.unit === 'pnl') {
    const file = join(dir, 'trades.csv');
    const [header, ...rows] = readFileSync(file, 'utf8').trimEnd().split('\n');
    const pnl = rows.map((r) => {
      const cells = r.split(',');
      cells[3] = (Number(cells[3]) * 10_000).toFixed(2);
      return cells.join(',');
    });
    writeFileSync(file, [header.replace(/,return$/, ',pnl'), ...pnl].join('\n') + '\n');
  }
}

let root: string;
const candidates: Candidate[] = [];
const policies: LoadedPolicy[] = [];
let pools: ShardExecutor[] = [];

beforeAll(() => {
  root = tempDir('gauntlet-determinism-');
  CASES.forEach((c, i) => {
    const dir = join(root, `case-${i}`);
    writeCaseBundle(dir, c, i);
    candidates.push(loadCandidate(dir));
    policies.push(resolvePolicy(c.policy, `case-${i}.json`));
  });
  pools = [createExecutor(1), createExecutor(2), createExecutor(3)];
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  if (root) rmSync(root, { recursive: true, force: true });
});

async function report(i: number, executor: ShardExecutor, seed = 42): Promise<Report> {
  return validateCandidate(candidates[i], { seed, executor, policy: policies[i] });
}

describe('byte-identical reports on every executor', () => {
  it('the cases cover what they claim', () => {
    expect(CASES[5].T).toBe(8192);
    const methods = new Set(CASES.map((c) => (c.policy.gates as any).monteCarlo.method));
    expect(methods.size).toBeGreaterThanOrEqual(2);
    expect(new Set(CASES.map((c) => (c.policy.gates as any).walkForward.scheme)).size).toBe(2);
  });

  CASES.forEach((c, i) => {
    const gates = c.policy.gates as any;
    const label = `${c.name}: T=${c.T} N=${c.N} trades=${c.trades} ${c.unit}, MC ${gates.monteCarlo.method} P=${gates.monteCarlo.paths}, PBO S=${gates.pbo.S} ${gates.pbo.metric}, WF ${gates.walkForward.scheme} K=${gates.walkForward.folds}`;
    it(label, async () => {
      const baseline = reportJson(await report(i, new InProcessExecutor()));
      const parsed = JSON.parse(baseline) as Report;
      // The case really ran every gate, with the shards it was drawn for.
      for (const g of ['winRate', 'walkForward', 'pbo', 'monteCarlo'] as const) expect(parsed.gates[g].enabled).toBe(true);
      expect((parsed.gates.monteCarlo.details as any).shards).toBe(Math.ceil(gates.monteCarlo.paths / 1024));
      const pboDetails = parsed.gates.pbo.details as any;
      if (gates.pbo.maxCombinations) expect(pboDetails.sampled).toBe(true);
      else expect(pboDetails.shards).toBe(Math.ceil(binomial(gates.pbo.S, gates.pbo.S / 2) / 2048));

      const executors: [string, ShardExecutor][] = [
        ...['a', 'b', 'c'].map((s): [string, ShardExecutor] => [`shuffled(${s})`, new ShuffledExecutor(`determinism-${i}-${s}`)]),
        ...pools.map((p): [string, ShardExecutor] => [`createExecutor(${p.workers})`, p]),
      ];
      for (const [name, ex] of executors) {
        const json = reportJson(await report(i, ex));
        expect(json, `${name} differs from in-process`).toBe(baseline);
      }
    });
  });
});

describe('the run seed moves the Monte Carlo estimate only', () => {
  CASES.forEach((c, i) => {
    it(c.name, async () => {
      const ex = new InProcessExecutor();
      const [a, b] = [await report(i, ex, 42), await report(i, ex, 43)];
      const mcA = a.gates.monteCarlo.details as any, mcB = b.gates.monteCarlo.details as any;
      const moved =
        mcA.breaches !== mcB.breaches ||
        JSON.stringify(mcA.maxDrawdownQuantiles) !== JSON.stringify(mcB.maxDrawdownQuantiles) ||
        JSON.stringify(mcA.finalEquityQuantiles) !== JSON.stringify(mcB.finalEquityQuantiles);
      expect(moved).toBe(true);
      // The unshuffled sequence is a fact about the trades, not the seed.
      expect(mcB.originalSequence).toEqual(mcA.originalSequence);
      expect(b.gates.winRate).toEqual(a.gates.winRate);
      expect(b.gates.walkForward).toEqual(a.gates.walkForward);
      const pboA = a.gates.pbo.details as any, pboB = b.gates.pbo.details as any;
      if (pboA.sampled) {
        // The sample is drawn from the run seed's own stream, and the report says which.
        expect(pboB.sampling.stream).not.toBe(pboA.sampling.stream);
        expect(pboB.combinations).toBe(pboA.combinations);
      } else {
        expect(b.gates.pbo).toEqual(a.gates.pbo);
      }
    });
  });
});

describe('CLI', () => {
  it('validate --json - prints the same bytes for --workers 0, 1 and 2, equal to the library report', async () => {
    const dir = join(root, 'case-0');
    // GAUNTLET_MIN_POOL_WORK=0: start the threads even for a small bundle, so 1 and 2 really use the pool.
    const runs = ['0', '1', '2'].map((w) => runCli(['validate', dir, '--json', '-', '--workers', w], { env: { GAUNTLET_MIN_POOL_WORK: '0' } }));
    for (const r of runs) expect([0, 1], r.stderr).toContain(r.code);
    expect(runs[1].stdout).toBe(runs[0].stdout);
    expect(runs[2].stdout).toBe(runs[0].stdout);
    expect(new Set(runs.map((r) => r.code)).size).toBe(1);
    // Same bytes as the library's in-process report with the CLI's defaults (seed 42, built-in policy).
    const lib = await validateCandidate(loadCandidate(dir), { seed: 42, executor: new InProcessExecutor(), policy: loadPolicy(undefined) });
    expect(runs[0].stdout).toBe(reportJson(lib));
  });
});
