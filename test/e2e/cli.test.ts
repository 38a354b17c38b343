/**
 * The CLI as a user drives it: reports validate against their schema and carry no timing;
 * per-gate commands print the gate object of the validate report; --workers never changes
 * a byte; --against adds the champion column.
 */
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema } from '../../src/report/schema.js';
import { runCli, tempDir, writeBundle } from '../helpers/bundle.js';

let root: string;
let bundle: string;
beforeAll(() => {
  root = tempDir('gauntlet-cli-');
  bundle = writeBundle(join(root, 'cand'), { T: 320, N: 6, trades: 150 });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('validate', () => {
  it('writes a schema-valid report with no timing in it, atomically, and prints the seed-style summary', () => {
    const out = join(root, 'report.json');
    const r = runCli(['validate', bundle, '--json', out, '--workers', '1', '--timings']);
    expect([0, 1]).toContain(r.code);
    expect(r.stdout).toMatch(/^\[(PASS|FAIL)\] win_rate: \d\.\d{4} \(threshold: > 0\.57\)$/m);
    expect(r.stdout).toMatch(/^Overall: (\[PASS\] APPROVED for shadow testing|\[FAIL\] REJECTED)/m);
    expect(r.stderr).toMatch(/timing: total/);
    const text = readFileSync(out, 'utf8');
    const report = reportSchema.parse(JSON.parse(text));
    expect(text).not.toMatch(/timing|elapsed|duration|"ms"/i);
    expect(report.provenance.inputs.map((i) => i.role)).toEqual(['candidate', 'returns', 'trades']);
    expect(report.provenance.generator).toBe('seedrandom.tychei');
    expect(r.code).toBe(report.decision === 'APPROVED' ? 0 : 1);
    // No temp file is left beside the report.
    expect(readdirSync(root).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('--against adds a champion-vs-candidate column per gate', () => {
    const champ = runCli(['validate', bundle, '--json', '-', '--workers', '0']);
    const manifest = join(root, 'champion.json');
    writeFileSync(manifest, JSON.stringify({ id: 'test-candidate', modelSha256: null, report: JSON.parse(champ.stdout) }));
    const r = runCli(['validate', bundle, '--json', '-', '--workers', '0', '--against', manifest]);
    const report = JSON.parse(r.stdout);
    expect(report.comparison.champion.id).toBe('test-candidate');
    expect(Object.keys(report.comparison.gates)).toEqual(['winRate', 'walkForward', 'pbo', 'monteCarlo', 'probabilisticSharpe', 'deflatedSharpe', 'minTrackRecord', 'minBacktestLength']);
    // Same data, policy and seed: every gate is equal, the resampled one included.
    for (const g of Object.values(report.comparison.gates) as { better: string }[]) expect(g.better).toBe('equal');
    expect(r.stderr).toMatch(/Champion vs candidate \(champion 'test-candidate'\)/);
  });

  it("--against refuses a champion whose id or model hash is not its report's (E_CHAMPION_MISMATCH), one line, no report", () => {
    const champ = JSON.parse(runCli(['validate', bundle, '--json', '-', '--workers', '0']).stdout);
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['other-id.json', { id: 'genuine-edge-v9', modelSha256: null, report: champ }, /names the champion 'genuine-edge-v9' but its report is of 'test-candidate'/],
      ['other-hash.json', { id: 'test-candidate', modelSha256: 'ab'.repeat(32), report: champ }, /gives model SHA-256 abababababab\.\.\. but its report validated no model artifact/],
    ];
    for (const [name, doc, message] of cases) {
      const manifest = join(root, name);
      writeFileSync(manifest, JSON.stringify(doc));
      const out = join(root, `${name}.report.json`);
      const r = runCli(['validate', bundle, '--workers', '0', '--against', manifest, '--json', out]);
      expect(r.code, name).toBe(2);
      expect(r.stderr.trim().split('\n'), name).toHaveLength(1);
      expect(r.stderr, name).toMatch(/^gauntlet: error \[E_CHAMPION_MISMATCH\]: /);
      expect(r.stderr, name).toMatch(message);
      expect(existsSync(out), name).toBe(false);
    }
  });

  it('--against refuses a report made under another seed or policy (E_CHAMPION_STALE) unless --revalidate-champion re-runs its bundle', () => {
    const champ = JSON.parse(runCli(['validate', bundle, '--json', '-', '--workers', '0', '--seed', '1']).stdout);
    const manifest = join(root, 'stale.json');
    writeFileSync(manifest, JSON.stringify({ id: 'test-candidate', modelSha256: null, report: champ }));
    const refused = runCli(['validate', bundle, '--workers', '0', '--against', manifest]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/\[E_CHAMPION_STALE\]: .*stale\.json: the champion's report was made under another seed 1 vs 42; .*--revalidate-champion/);
    const r = runCli(['validate', bundle, '--json', '-', '--workers', '0', '--against', manifest, '--revalidate-champion']);
    expect([0, 1]).toContain(r.code);
    expect(r.stderr).toMatch(/gauntlet: note: champion 'test-candidate' re-validated from .* \(its report differed: seed 1 vs 42\)/);
    const report = JSON.parse(r.stdout);
    for (const g of Object.values(report.comparison.gates) as { better: string }[]) expect(g.better).toBe('equal');
    // A policy hash that differs is refused the same way.
    writeFileSync(join(root, 'strict.json'), JSON.stringify({ strict: true }));
    const other = runCli(['validate', bundle, '--workers', '0', '--policy', join(root, 'strict.json'), '--against', manifest, '--seed', '1']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/made under another policy [0-9a-f]{12}\.\.\. vs [0-9a-f]{12}\.\.\./);
  });
});

describe('montecarlo command', () => {
  const trades = () => join(bundle, 'trades.csv');
  it('is byte-identical in-process and on 1 or 2 workers; another seed gives another estimate', () => {
    // GAUNTLET_MIN_POOL_WORK=0: start the threads even for this small job, so the pool path is what is compared.
    const env = { GAUNTLET_MIN_POOL_WORK: '0' };
    const run = (workers: string, seed = '42') => runCli(['montecarlo', trades(), '--unit', 'return', '--json', '-', '--workers', workers, '--seed', seed, '--paths', '20000', '--breach', 'drawdown:0.02'], { env });
    const a = run('0'), b = run('1'), c = run('2');
    expect(a.stdout.length).toBeGreaterThan(100);
    expect(b.stdout).toBe(a.stdout);
    expect(c.stdout).toBe(a.stdout);
    const other = JSON.parse(run('2', '43').stdout);
    const base = JSON.parse(a.stdout);
    expect(other.details.breaches).not.toBe(base.details.breaches);
    expect(base.value).toBeGreaterThan(0);
  });
  it('prints the same object as gates.monteCarlo in the validate report', () => {
    const v = JSON.parse(runCli(['validate', bundle, '--json', '-', '--workers', '0']).stdout);
    const g = JSON.parse(runCli(['montecarlo', trades(), '--unit', 'return', '--json', '-', '--workers', '0']).stdout);
    expect(g).toEqual(v.gates.monteCarlo);
  });
});

describe('pbo command', () => {
  it('--json --logits is byte-identical for --workers 1 and 2 and lists every combination', () => {
    const ref = join(process.cwd(), 'test/reference/pbo/noise-odd-n.csv');
    const env = { GAUNTLET_MIN_POOL_WORK: '0' };
    const a = runCli(['pbo', ref, '--S', '8', '--json', '-', '--logits', '--workers', '1'], { env });
    const b = runCli(['pbo', ref, '--S', '8', '--json', '-', '--logits', '--workers', '2'], { env });
    const c = runCli(['pbo', ref, '--S', '8', '--json', '-', '--logits', '--workers', '0']);
    expect(c.stdout).toBe(a.stdout);
    expect(a.stdout).toBe(b.stdout);
    const g = JSON.parse(a.stdout);
    expect(g.details.perCombination.logit).toHaveLength(70);
    expect(g.value).toBeCloseTo(0.385714286, 9);
  });
});

describe('walkforward command', () => {
  it('accepts a single-column matrix and prints the gate', () => {
    const file = join(root, 'one.csv');
    writeFileSync(file, readFileSync(join(bundle, 'returns.csv'), 'utf8').split('\n').map((l) => l.split(',').slice(0, 2).join(',')).join('\n'));
    const r = runCli(['walkforward', file, '--json', '-', '--workers', '0']);
    expect([0, 1]).toContain(r.code);
    const g = JSON.parse(r.stdout);
    expect(g.gate).toBe('walkForward');
    expect(g.details.foldResults.every((f: { selected: string }) => f.selected === 'c0')).toBe(true);
  });
});

describe('npm start', () => {
  it('validates the bundled frozen model and prints every gate', () => {
    expect(existsSync('fixtures/frozen-model/candidate.json')).toBe(true);
    const r = runCli(['validate', 'fixtures/frozen-model', '--workers', '2']);
    for (const label of ['win_rate', 'walk_forward_efficiency', 'pbo', 'mc_breach_probability']) expect(r.stdout).toMatch(new RegExp(`^\\[(PASS|FAIL)\\] ${label}: `, 'm'));
    expect([0, 1]).toContain(r.code);
  });
});
