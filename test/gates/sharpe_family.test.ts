/**
 * The deflated-Sharpe family as registered gates: the frozen model's values equal pypbo's
 * (test/reference/stats/sharpe-brent-ma-grid.json; its grid is the frozen model's returns.csv),
 * they are advisory by default ([INFO] lines, decision and exit code unchanged), a policy that
 * enables one gates the decision on its threshold, and undefined cases carry a named reason.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../src/io/policy.js';
import { validateBundle } from '../../src/pipeline/validate.js';
import { reportText } from '../../src/report/text.js';
import { DEFAULT_GATES } from '../../src/gates/index.js';
import { runGate } from '../../src/gates/registry.js';
import { InProcessExecutor } from '../../src/runtime.js';
import { makeReturnsMatrix, makeTrades } from '../../src/io/types.js';
import { runCli } from '../helpers/bundle.js';

const ref = JSON.parse(readFileSync(join(process.cwd(), 'test', 'reference', 'stats', 'sharpe-brent-ma-grid.json'), 'utf8'));
const frozen = join(process.cwd(), 'fixtures', 'frozen-model');
const ctx = { executor: new InProcessExecutor(), seed: 42 };
const close = (a: unknown, b: number) => expect(Math.abs((a as number) - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
const FOUR = ['winRate', 'walkForward', 'pbo', 'monteCarlo'];

describe('the family on the frozen model', () => {
  it('matches pypbo: PSR(0), DSR, MinTRL and MinBTL (as coverage T / MinTRL and years / MinBTL)', async () => {
    const r = await validateBundle(frozen, { ...ctx, policy: resolvePolicy({}, 'defaults') });
    const g = r.gates as Record<string, { value: number; details: Record<string, number>; advisory: boolean; enabled: boolean }>;
    close(g.probabilisticSharpe.value, ref.psr0);
    close(g.deflatedSharpe.value, ref.dsr);
    close(g.deflatedSharpe.details.benchmarkSharpe, ref.sr0PerPeriod);
    close(g.deflatedSharpe.details.expectedMaxZ, ref.expectedMaxZ);
    close(g.deflatedSharpe.details.sharpeStdAcrossTrials, ref.sharpeStdAcrossTrials);
    close(g.probabilisticSharpe.details.sharpe, ref.sharpePerPeriod);
    close(g.probabilisticSharpe.details.skewness, ref.skewness);
    close(g.probabilisticSharpe.details.kurtosis, ref.kurtosis);
    close(g.minTrackRecord.details.minTrackRecordLength, ref.minTRL95);
    close(g.minTrackRecord.value, ref.T / ref.minTRL95);
    close(g.minBacktestLength.details.minBacktestYears, ref.minBTLYears_at252[0]);
    close(g.minBacktestLength.details.upperBoundYears, ref.minBTLYears_at252[1]);
    close(g.minBacktestLength.value, ref.T / 252 / ref.minBTLYears_at252[0]);
    for (const k of ['probabilisticSharpe', 'deflatedSharpe', 'minTrackRecord', 'minBacktestLength']) expect(g[k]).toMatchObject({ enabled: false, advisory: true });
    // Advisory: the decision is the four gates' alone.
    expect(r.failedGates).toEqual(FOUR);
  });

  it('prints [INFO] lines; the CLI decision and exit code are those of the four gates', () => {
    const out = runCli(['validate', frozen, '--workers', '0']);
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/\[INFO\] deflated_sharpe: 0\.8591 \(advisory; threshold: > 0\.95\)/);
    expect(out.stdout).toMatch(/\[INFO\] probabilistic_sharpe: 0\.9855/);
    expect(out.stdout).toMatch(/\[INFO\] min_track_record: 1\.7632/);
    expect(out.stdout).toMatch(/\[INFO\] min_backtest_length: 0\.9451/);
    expect(out.stdout).toMatch(/Overall: \[FAIL\] REJECTED \(failed: winRate, walkForward, pbo, monteCarlo\)\n$/);
  });

  it('a policy that enables deflatedSharpe gates the decision on its threshold', async () => {
    const off = Object.fromEntries(FOUR.map((k) => [k, { enabled: false }]));
    const strict = await validateBundle(frozen, { ...ctx, policy: resolvePolicy({ gates: { ...off, deflatedSharpe: { enabled: true } } }, 'dsr.json') });
    expect(strict.decision).toBe('REJECTED');
    expect(strict.failedGates).toEqual(['deflatedSharpe']);
    expect(reportText(strict)).toMatch(/\[FAIL\] deflated_sharpe: 0\.8591 \(threshold: > 0\.95\)/);
    const lenient = await validateBundle(frozen, { ...ctx, policy: resolvePolicy({ gates: { ...off, deflatedSharpe: { enabled: true, threshold: 0.8 } } }, 'dsr.json') });
    expect(lenient.decision).toBe('APPROVED');
    expect(reportText(lenient)).toMatch(/\[PASS\] deflated_sharpe: 0\.8591 \(threshold: > 0\.8\)/);
  });
});

describe('undefined cases: a named reason, never NaN; enabled they fail, advisory they never stop validate', () => {
  const gate = (name: string) => DEFAULT_GATES.get(name)!;
  const run = (name: string, rows: number[][], enabled = false) =>
    runGate(gate(name), { returns: makeReturnsMatrix(rows), trades: makeTrades([0.01]), selectedIndex: 0, periodsPerYear: 252, initialEquity: null }, { ...gate(name).optionsSchema.parse({}), enabled }, { ...ctx, strict: false });

  it('constant selected returns: ZERO_VARIANCE for all four', async () => {
    const rows = Array.from({ length: 30 }, (_, t) => [0.001, ((t * 7) % 5) / 100 - 0.02]);
    for (const name of ['probabilisticSharpe', 'deflatedSharpe', 'minTrackRecord', 'minBacktestLength']) {
      const r = await run(name, rows);
      expect(r).toMatchObject({ value: null, reason: 'ZERO_VARIANCE', pass: false, advisory: true });
      const on = await run(name, rows, true);
      expect(on).toMatchObject({ value: null, reason: 'ZERO_VARIANCE', pass: false, advisory: false, enabled: true });
    }
  });

  it('a losing configuration: MinTRL and MinBTL undefined (SR <= 0), PSR defined and small', async () => {
    const rows = Array.from({ length: 60 }, (_, t) => [((t * 7) % 5) / 100 - 0.025, ((t * 3) % 7) / 100 - 0.03]);
    expect(await run('minTrackRecord', rows)).toMatchObject({ value: null, reason: 'SHARPE_NOT_ABOVE_BENCHMARK' });
    expect(await run('minBacktestLength', rows)).toMatchObject({ value: null, reason: 'SHARPE_NOT_POSITIVE' });
    const psr = await run('probabilisticSharpe', rows);
    expect(psr.value).toBeLessThan(0.5);
    expect(psr.reason).toBeNull();
  });

  it('a single configuration: DSR has no spread of trials (TOO_FEW_TRIALS)', async () => {
    const rows = Array.from({ length: 40 }, (_, t) => [((t * 7) % 5) / 100 - 0.015]);
    expect(await run('deflatedSharpe', rows)).toMatchObject({ value: null, reason: 'TOO_FEW_TRIALS' });
  });
});
