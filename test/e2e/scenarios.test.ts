/**
 * End-to-end scenarios of issue 4: each fixture bundle through the real CLI
 * (`node dist/src/cli/main.js validate <bundle> --json - --workers 1`), asserting the exit
 * code and exactly which gates failed under the default policy. The bundles are built by
 * fixtures/build.ts (see fixtures/README.md for how each outcome is constructed).
 * Needs the compiled CLI (`npm test` builds first).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../fixtures/build.js';

const root = repoRoot();
const cli = join(root, 'dist/src/cli/main.js');
const GATES = ['winRate', 'walkForward', 'pbo', 'monteCarlo'] as const;

function validate(bundle: string, workers = 1): { status: number | null; report: any; stdout: string } {
  const r = spawnSync(process.execPath, [cli, 'validate', join(root, 'fixtures', bundle), '--json', '-', '--workers', String(workers)], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, GAUNTLET_MIN_POOL_WORK: workers > 0 ? '0' : '' } });
  let report: any = null;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    throw new Error(`${bundle}: no JSON report on stdout (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
  return { status: r.status, report, stdout: r.stdout };
}

const failedGates = (report: any): string[] => GATES.filter((g) => report.gates[g].pass === false);

describe('end-to-end scenarios (default policy)', () => {
  const cases: [bundle: string, exit: number, failed: string[]][] = [
    ['genuine-edge', 0, []],
    ['overfit-candidate', 1, ['pbo']],
    ['breach-only', 1, ['monteCarlo']],
    ['wfer-only', 1, ['walkForward']],
  ];
  it.each(cases)('%s exits %i and fails exactly %j', (bundle, exit, failed) => {
    const { status, report } = validate(bundle);
    expect(failedGates(report)).toEqual(failed);
    for (const g of GATES) expect(typeof report.gates[g].pass).toBe('boolean');
    expect(status).toBe(exit);
  });

  it('overfit-candidate is the knowledge check: win rate about 0.61 passes, PBO about 0.25 rejects', () => {
    const { report } = validate('overfit-candidate');
    expect(report.gates.winRate.value).toBeGreaterThan(0.59);
    expect(report.gates.winRate.value).toBeLessThan(0.63);
    expect(report.gates.pbo.value).toBeGreaterThan(0.2);
    expect(report.gates.pbo.value).toBeLessThan(0.35);
  });

  it('frozen-model report is byte-identical for --workers 1 and --workers 2', () => {
    const one = validate('frozen-model', 1);
    const two = validate('frozen-model', 2);
    expect(one.stdout).toBe(two.stdout);
    expect([0, 1]).toContain(one.status);
  });
});
