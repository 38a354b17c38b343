/**
 * The whole cycle on real Brent prices (README, "The whole cycle"; fixtures/README.md, "The
 * lifecycle cycle"), through the CLI as a user runs it: a registry with the frozen model in
 * production; the mean-reversion candidate trained on 2010-2016 validated and promoted to
 * shadow under the cycle policy; its shadow trades (2017 - mid 2019) monitored HEALTHY; promoted
 * to production; the next twelve months (the 2020 crash) caught as DEGRADED (exit 1); rolled
 * back; the audit log verified, then a one-byte edit found. The monitor output printed in the
 * README is compared with this run's, line for line.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/bundle.js';
import { checkJunit, parseXml } from '../helpers/xml.js';

let root = '';
let reg = '';
beforeAll(() => {
  root = tempDir('gauntlet-cycle-');
  reg = join(root, 'registry');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const C = 'fixtures/cycle';
const cli = (args: string[]) => runCli([...args], { env: { GAUNTLET_REGISTRY: reg } });

/** The lines of the README's "The whole cycle" block that follow `$ <command>` up to the next `$`. */
function readmeOutput(command: string): string[] {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('## The whole cycle'));
  const at = section.indexOf(`$ ${command}\n`);
  expect(at, `README shows \`$ ${command}\``).toBeGreaterThan(0);
  const rest = section.slice(at + command.length + 3);
  return rest.slice(0, Math.min(...['\n$ ', '\n```'].map((m) => (rest.indexOf(m) < 0 ? Infinity : rest.indexOf(m))))).split('\n');
}

describe('the whole cycle on real Brent prices', () => {
  it('init, validate, promote to shadow, monitor HEALTHY, promote to production, monitor DEGRADED, rollback, verify, tamper', () => {
    // The default policy rejects the candidate (PBO and the breach probability): the cycle runs under its own policy.
    const byDefault = runCli(['validate', `${C}/candidate`, '--workers', '0', '--json', '-']);
    expect(byDefault.code).toBe(1);
    expect(JSON.parse(byDefault.stdout).failedGates).toEqual(['pbo', 'monteCarlo']);

    const init = cli(['registry', 'init', reg, '--policy', `${C}/policy.json`, '--production', 'fixtures/frozen-model', '--workers', '0']);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toMatch(/Result: \[PASS\] registry created, brent-ma-8-30-frozen@1 in production \(audit line 1\)/);

    const junit = join(root, 'promote.xml');
    const shadow = cli(['promote', `${C}/candidate`, '--to', 'shadow', '--workers', '0', '--junit', junit]);
    expect(shadow.code, shadow.stderr).toBe(0);
    expect(shadow.stdout).toMatch(/\[PASS\] minImprovement\.winRate: win_rate: candidate 0\.6854 vs champion 0\.3750: improvement \+0\.3104/);
    expect(shadow.stdout).toMatch(/Result: \[PASS\] PROMOTED brent-mr-5-2@1 to shadow \(audit line 2\)/);
    // 8 gates + 2 promotion rules, none failed.
    expect(checkJunit(parseXml(readFileSync(junit, 'utf8')))).toEqual({ tests: 10, failures: 0, skipped: 0 });

    const m1 = cli(['monitor', `${C}/shadow-trades.csv`, '--stage', 'shadow', '--as-of', '2019-06-28', '--workers', '0']);
    expect(m1.code, m1.stderr).toBe(0);
    expect(m1.stdout.trimEnd().split('\n')).toEqual(readmeOutput(`gauntlet monitor ${C}/shadow-trades.csv --stage shadow --as-of 2019-06-28`));
    expect(m1.stdout).toMatch(/Overall: HEALTHY \(audit line 3\)/);

    const prod = cli(['promote', 'brent-mr-5-2@1', '--to', 'production']);
    expect(prod.code, prod.stderr).toBe(0);
    expect(prod.stdout).toMatch(/\[PASS\] shadow\.trades: 32 live trades in that monitor result \(promotion\.minShadowTrades 30\)/);

    const json = join(root, 'monitor.json');
    const m2 = cli(['monitor', `${C}/production-trades.csv`, '--stage', 'production', '--as-of', '2020-06-30', '--workers', '0', '--json', json]);
    expect(m2.code).toBe(1);
    expect(m2.stdout.trimEnd().split('\n')).toEqual(readmeOutput(`gauntlet monitor ${C}/production-trades.csv --stage production --as-of 2020-06-30`));
    const result = JSON.parse(readFileSync(json, 'utf8'));
    expect(result.status).toBe('DEGRADED');
    expect(Object.fromEntries(result.checks.map((c: { check: string; status: string }) => [c.check, c.status]))).toEqual({ winRate: 'DEGRADED', drawdown: 'DEGRADED', meanShift: 'DEGRADED', age: 'RETRAIN_DUE' });
    expect(result.live.trades).toBe(15);

    // The same window for a CI job, on a copy of the registry: four failed checks in JUnit, one
    // ::error line per check and one for the verdict, in order.
    const copy = join(root, 'registry-ci');
    cpSync(reg, copy, { recursive: true });
    const ciJunit = join(root, 'monitor.xml');
    const ci = runCli(['monitor', `${C}/production-trades.csv`, '--stage', 'production', '--as-of', '2020-06-30', '--workers', '0', '--registry', copy, '--github', '--junit', ciJunit]);
    expect(ci.code).toBe(1);
    expect(checkJunit(parseXml(readFileSync(ciJunit, 'utf8')))).toEqual({ tests: 4, failures: 4, skipped: 0 });
    expect(ci.stdout.split('\n').filter((l) => l.startsWith('::')).map((l) => l.split('::')[1])).toEqual([
      'error title=gauntlet monitor%3A winRate', 'error title=gauntlet monitor%3A drawdown', 'error title=gauntlet monitor%3A meanShift',
      'error title=gauntlet monitor%3A age', 'error title=gauntlet monitor%3A DEGRADED',
    ]);

    const back = cli(['rollback']);
    expect(back.code).toBe(0);
    expect(back.stdout).toMatch(/Result: \[PASS\] ROLLED BACK: brent-ma-8-30-frozen@1 is in production again \(audit line 6\)/);
    const status = JSON.parse(cli(['registry', 'status', '--json', '-']).stdout);
    expect(status.rows.map((r: { stage: string; model: { id: string } }) => `${r.stage} ${r.model.id}`)).toEqual(['production brent-ma-8-30-frozen']);
    expect(status.events).toBe(6);

    const ok = cli(['audit', 'verify']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^audit verify: OK: .*6 events, chain intact/);

    // One byte: the shadow monitor's 32 trades become 33.
    const log = join(reg, 'audit.jsonl');
    const text = readFileSync(log, 'utf8');
    const edited = text.replace('"trades":32', '"trades":33');
    expect(Buffer.byteLength(edited)).toBe(Buffer.byteLength(text));
    writeFileSync(log, edited);
    const bad = cli(['audit', 'verify']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^audit verify: FAILED: .*audit\.jsonl, line 3: its SHA-256 does not match its "hash" field: the line was edited/);
    const refused = cli(['promote', `${C}/candidate`, '--to', 'shadow', '--workers', '0']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^gauntlet: error \[E_AUDIT_TAMPERED\]: .*audit\.jsonl, line 3: /);
  });
});
