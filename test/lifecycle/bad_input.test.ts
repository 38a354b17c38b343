/**
 * Bad input to the lifecycle commands (docs/lifecycle.md, "Exit codes"): a registry that does
 * not exist or is not one, an unknown or malformed id@version, a stage that does not allow the
 * request, live trades with a bad row or from before the backtest, bad options. Each is one
 * line on stderr naming the problem, exit 2, and the registry's tree is byte for byte what it
 * was (compared before and after).
 */
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initRegistry } from '../../src/lifecycle/promote.js';
import { tempDir } from '../helpers/bundle.js';
import { runCliAsync } from '../helpers/spawn.js';
import { approvedBundle, bundleTradeValues, executor, fixedNow, treeSnapshot, writeLiveTrades } from '../helpers/registry.js';

let root = '';
let template = () => '';
let bundle = '';
let live = '';
beforeAll(async () => {
  root = tempDir('gauntlet-lifecycle-bad-');
  bundle = approvedBundle(join(root, 'bundle'));
  const reg = join(root, 'registry');
  template = () => reg;
  await initRegistry(reg, { executor, now: fixedNow, seed: 42, production: bundle });
  live = writeLiveTrades(join(root, 'live.csv'), bundleTradeValues(bundle), 20);
  const write = (name: string, text: string) => writeFileSync(join(root, name), text);
  write('bad-row.csv', 'exit_time,return\n2016-01-04,0.01\n2016-01-05,abc\n');
  write('no-return.csv', 'exit_time,pnl\n2016-01-04,10\n');
  write('early.csv', 'exit_time,return\n2015-01-05,0.01\n2016-01-05,0.02\n');
  write('unordered.csv', 'exit_time,return\n2016-01-06,0.01\n2016-01-05,0.02\n');
  write('bad-policy.json', '{"promotion": {"minImprovement": {"winRat": {"absolute": 0.1}}}}');
  mkdirSync(join(root, 'not-a-registry'));
  writeFileSync(join(root, 'not-a-registry', 'notes.txt'), 'hello\n');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Case {
  name: string;
  args: (reg: string) => string[];
  env?: Record<string, string>;
  expect: RegExp;
}

const R = (reg: string) => ['--registry', reg];
const CASES: Case[] = [
  { name: 'registry folder missing', args: () => ['registry', 'status', '--registry', join(root, 'nope')], expect: /\[E_REGISTRY_MISSING\]: .*nope: no registry here \(folder not found/ },
  { name: 'a folder that is not a registry', args: () => ['promote', bundle, '--to', 'shadow', '--registry', join(root, 'not-a-registry')], expect: /\[E_REGISTRY_MISSING\]: .*not-a-registry: is not a registry \(no registry\.json/ },
  { name: 'a file given as the registry', args: () => ['audit', 'verify', '--registry', live], expect: /\[E_REGISTRY_MISSING\]: .*live\.csv: is not a folder, so not a registry/ },
  { name: 'no --registry and no GAUNTLET_REGISTRY', args: () => ['rollback'], env: { GAUNTLET_REGISTRY: '' }, expect: /\[E_USAGE\]: no registry: give --registry DIR or set GAUNTLET_REGISTRY/ },
  { name: 'GAUNTLET_REGISTRY pointing nowhere', args: () => ['registry', 'status'], env: { GAUNTLET_REGISTRY: join(root, 'nowhere') }, expect: /\[E_REGISTRY_MISSING\]: .*nowhere: no registry here/ },
  { name: 'unknown id@version', args: (reg) => ['promote', 'cand-b@7', '--to', 'production', ...R(reg)], expect: /\[E_MODEL_UNKNOWN\]: .*no model cand-b@7 in the registry/ },
  { name: 'malformed id@version', args: (reg) => ['promote', 'cand-b', '--to', 'production', ...R(reg)], expect: /\[E_USAGE\]: 'cand-b' is not <id>@<version>/ },
  { name: 'unknown stage', args: (reg) => ['promote', bundle, '--to', 'staging', ...R(reg)], expect: /\[E_USAGE\]: option --to: 'staging' is not one of production, shadow/ },
  { name: '--report with --to production', args: (reg) => ['promote', 'cand-b@1', '--to', 'production', '--report', live, ...R(reg)], expect: /\[E_USAGE\]: --report applies to --to shadow/ },
  { name: 'the production model promoted again', args: (reg) => ['promote', bundle, '--to', 'shadow', '--workers', '0', ...R(reg)], expect: /\[E_STAGE\]: .*bundle: this model \(SHA-256 [0-9a-f]{12}\.\.\.\) is already in production as cand-b@1/ },
  { name: 'a registered model that is not in shadow, to production', args: (reg) => ['promote', 'cand-b@1', '--to', 'production', ...R(reg)], expect: /\[E_STAGE\]: cand-b@1: only the shadow model can go to production, and shadow holds nothing/ },
  { name: 'rollback without a previous production model', args: (reg) => ['rollback', ...R(reg)], expect: /\[E_STAGE\]: .*cand-b@1 has no previous production model to roll back to/ },
  { name: 'monitor an empty stage', args: (reg) => ['monitor', live, '--stage', 'shadow', ...R(reg)], expect: /\[E_STAGE\]: .*no model in shadow to monitor/ },
  { name: 'live trades with a bad row', args: (reg) => ['monitor', join(root, 'bad-row.csv'), '--stage', 'production', ...R(reg)], expect: /\[E_CSV_VALUE\]: .*bad-row\.csv, line 3, column 'return': / },
  { name: 'live trades in another unit', args: (reg) => ['monitor', join(root, 'no-return.csv'), '--stage', 'production', ...R(reg)], expect: /\[E_CSV_COLUMN_MISSING\]: .*no-return\.csv, line 1, column 'return': required column is missing \(found 'pnl'/ },
  { name: 'live trades out of order', args: (reg) => ['monitor', join(root, 'unordered.csv'), '--stage', 'production', ...R(reg)], expect: /\[E_CSV_ORDER\]: .*unordered\.csv, line 3, column 'exit_time'/ },
  { name: 'live trades from inside the backtest', args: (reg) => ['monitor', join(root, 'early.csv'), '--stage', 'production', ...R(reg)], expect: /\[E_MONITOR_INPUT\]: .*early\.csv, line 2, column 'exit_time': the first live trade exits 2015-01-05, not after the end of cand-b@1's backtest/ },
  { name: 'live trades file missing', args: (reg) => ['monitor', join(root, 'missing.csv'), '--stage', 'production', ...R(reg)], expect: /\[E_FILE_MISSING\]: .*missing\.csv: file not found/ },
  { name: '--as-of not a date', args: (reg) => ['monitor', live, '--stage', 'production', '--as-of', 'yesterday', ...R(reg)], expect: /\[E_OPTION\]: option --as-of: 'yesterday' is not an ISO 8601 date/ },
  { name: '--as-of before the last live trade', args: (reg) => ['monitor', live, '--stage', 'production', '--as-of', '2016-01-10', ...R(reg)], expect: /\[E_MONITOR_INPUT\]: --as-of 2016-01-10T00:00:00\.000Z is before the last live trade's exit/ },
  { name: '--json inside the registry', args: (reg) => ['monitor', live, '--stage', 'production', '--json', join(reg, 'out.json'), ...R(reg)], expect: /\[E_OUTPUT_TARGET\]: .*out\.json: --json is inside the input bundle .*registry/ },
  { name: 'init on a registry', args: (reg) => ['registry', 'init', reg], expect: /\[E_REGISTRY_EXISTS\]: .*registry-\d+: already exists and is not an empty folder/ },
  { name: 'init with a policy whose promotion rule names no gate', args: () => ['registry', 'init', join(root, 'new-reg'), '--policy', join(root, 'bad-policy.json')], expect: /\[E_SCHEMA\]: .*bad-policy\.json: invalid policy: .*winRat/ },
  { name: 'promote a bundle that does not exist', args: (reg) => ['promote', join(root, 'no-bundle'), '--to', 'shadow', ...R(reg)], expect: /\[E_FILE_MISSING\]: .*no-bundle: bundle directory not found/ },
];

let copies = 0;
describe('bad input to the lifecycle commands: one line, exit 2, nothing changed', () => {
  // Each case on its own copy of the registry, so the cases can run at once.
  it.concurrent.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const reg = join(root, `registry-${copies++}`);
    cpSync(template(), reg, { recursive: true });
    const before = treeSnapshot(reg);
    const notReg = treeSnapshot(join(root, 'not-a-registry'));
    const r = await runCliAsync(c.args(reg), { env: { GAUNTLET_REGISTRY: '', ...c.env } });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(/^gauntlet: error \[E_[A-Z_]+\]: /);
    expect(r.stderr).toMatch(c.expect);
    expect(r.stdout).toBe('');
    expect(treeSnapshot(reg)).toEqual(before);
    expect(treeSnapshot(join(root, 'not-a-registry'))).toEqual(notReg);
  });

  it('init refused leaves no folder behind', async () => {
    const r = await runCliAsync(['registry', 'init', join(root, 'new-reg'), '--policy', join(root, 'bad-policy.json')]);
    expect(r.code).toBe(2);
    expect(() => treeSnapshot(join(root, 'new-reg'))).toThrow(/ENOENT/);
  });
});
