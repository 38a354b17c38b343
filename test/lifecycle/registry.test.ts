/**
 * The registry through the library (docs/lifecycle.md): init, promotion to shadow and to
 * production, refusals on the evidence (audited, exit 1 at the CLI) and refusals of the
 * request (nothing changed), --report, rollback, and tamper detection: editing, deleting or
 * reordering any audit line, or editing a manifest, a bundle copy, the stage pointers, the
 * head, the registry file or its policy, is found by verify (naming the first bad line or file)
 * and refused by every command.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GauntletError } from '../../src/errors.js';
import { initRegistry, promoteToProduction, promoteToShadow, rollback, parseModelKey } from '../../src/lifecycle/promote.js';
import { monitorStage } from '../../src/lifecycle/monitor.js';
import { readRegistry } from '../../src/lifecycle/registry.js';
import { registryStatus, verifyRegistry } from '../../src/lifecycle/status.js';
import { validateBundle } from '../../src/pipeline/validate.js';
import { resolvePolicy } from '../../src/io/policy.js';
import { reportJson } from '../../src/report/schema.js';
import { tempDir } from '../helpers/bundle.js';
import { assertMatchesSchema } from '../helpers/json_schema.js';
import { approvedBundle, bundleTradeValues, executor, fixedNow, rejectedBundle, treeSnapshot, writeLiveTrades } from '../helpers/registry.js';

let root = '';
let approved = '';
let approved2 = '';
let rejected = '';
let liveOk = '';
let template = '';
const opts = { executor, now: fixedNow };

beforeAll(async () => {
  root = tempDir('gauntlet-registry-');
  approved = approvedBundle(join(root, 'approved'));
  approved2 = approvedBundle(join(root, 'approved2'), 'cand-b2');
  rejected = rejectedBundle(join(root, 'rejected'));
  liveOk = writeLiveTrades(join(root, 'live-ok.csv'), bundleTradeValues(approved), 40);
  // A registry with a production model (the rejected bundle: what runs), reused by copying.
  template = join(root, 'template');
  await initRegistry(template, { ...opts, seed: 42, production: rejected });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
function copyRegistry(): string {
  const dir = join(root, `reg-${n++}`);
  cpSync(template, dir, { recursive: true });
  return dir;
}

async function expectError(p: Promise<unknown> | (() => unknown), code: string, message?: RegExp): Promise<void> {
  let err: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    err = e;
  }
  expect(err, `expected ${code}`).toBeInstanceOf(GauntletError);
  expect((err as GauntletError).code).toBe(code);
  expect((err as GauntletError).exitCode).toBe(2);
  if (message) expect((err as GauntletError).message).toMatch(message);
}

describe('init', () => {
  it('records the production model with its report whatever its decision, in a consistent registry', () => {
    const s = readRegistry(template, { hashBundles: 'all' });
    expect(s.lines).toHaveLength(1);
    expect(s.lines[0].event).toBe('init');
    expect(s.stages.production).toMatchObject({ id: 'cand-rejected', version: 1 });
    expect(s.stages.shadow).toBeNull();
    const status = registryStatus(template);
    expect(status.rows[0]).toMatchObject({ stage: 'production', decision: 'REJECTED' });
    expect(verifyRegistry(template).ok).toBe(true);
  });

  it('refuses a folder that is not empty and a missing parent (nothing created)', async () => {
    await expectError(initRegistry(template, { ...opts, seed: 42 }), 'E_REGISTRY_EXISTS', /already exists and is not an empty folder/);
    await expectError(initRegistry(join(root, 'no', 'such'), { ...opts, seed: 42 }), 'E_REGISTRY_MISSING', /parent folder .* does not exist/);
  });

  it('an empty folder becomes a registry without a production model', async () => {
    const dir = join(root, 'empty-init');
    mkdirSync(dir);
    const o = await initRegistry(dir, { ...opts, seed: 7 });
    expect(o.model).toBeNull();
    expect(readRegistry(dir).meta.seed).toBe(7);
  });
});

describe('promote to shadow', () => {
  it('an APPROVED candidate is validated under the registry policy, copied, registered as version 1 and put in shadow', async () => {
    const dir = copyRegistry();
    const o = await promoteToShadow(dir, approved, opts);
    expect(o.decision).toBe('PROMOTED');
    expect(o.model).toMatchObject({ id: 'cand-b', version: 1 });
    expect(o.report!.decision).toBe('APPROVED');
    const s = readRegistry(dir, { hashBundles: 'all' });
    expect(s.stages.shadow).toMatchObject({ id: 'cand-b', version: 1, since: fixedNow().toISOString() });
    expect(s.lines.map((l) => l.event)).toEqual(['init', 'promote']);
    const m = JSON.parse(readFileSync(join(dir, 'models', 'cand-b', '1', 'manifest.json'), 'utf8'));
    expect(m).toMatchObject({ id: 'cand-b', version: 1, modelHash: 'inputs', evidence: 'validated', promoted: { to: 'shadow' } });
    expect(Object.keys(m.files).sort()).toEqual(['candidate.json', 'returns.csv', 'trades.csv']);
    // The report it rests on is a full report, valid against the published schema (ajv).
    assertMatchesSchema('report', m.report);
    expect(readFileSync(join(dir, 'models', 'cand-b', '1', 'bundle', 'trades.csv'))).toEqual(readFileSync(join(approved, 'trades.csv')));
    // A second promotion of the same model is refused: it is already in a stage.
    const before = treeSnapshot(dir);
    await expectError(promoteToShadow(dir, approved, opts), 'E_STAGE', /already in shadow as cand-b@1/);
    expect(treeSnapshot(dir)).toEqual(before);
  });

  it('a REJECTED candidate is refused on the evidence: a refused event, no model registered, stages unchanged', async () => {
    const dir = copyRegistry();
    const stagesBefore = readFileSync(join(dir, 'stages.json'), 'utf8');
    const o = await promoteToShadow(dir, approvedBundle(join(root, 'rej-copy'), 'x') && rejectedBundle(join(root, 'rej2'), 'cand-r2'), opts);
    expect(o.decision).toBe('REFUSED');
    expect(o.reasons[0]).toMatch(/REJECTED under the registry's policy \(failed: walkForward\)/);
    const s = readRegistry(dir);
    expect(s.lines.map((l) => l.event)).toEqual(['init', 'refused']);
    expect(s.models.size).toBe(1);
    expect(readFileSync(join(dir, 'stages.json'), 'utf8')).toBe(stagesBefore);
  });

  it('the promotion rule: a minimum improvement the candidate does not reach refuses it, naming the gate', async () => {
    const dir = join(root, 'rule-reg');
    writeFileSync(join(root, 'rule-policy.json'), JSON.stringify({ promotion: { minImprovement: { winRate: { absolute: 0.5 }, pbo: { relative: 0.1 } } } }));
    await initRegistry(dir, { ...opts, seed: 42, production: rejected, policyFile: join(root, 'rule-policy.json') });
    const o = await promoteToShadow(dir, approved, opts);
    expect(o.decision).toBe('REFUSED');
    const rules = o.checks.filter((c) => c.group === 'promotion');
    expect(rules.map((c) => c.name)).toEqual(['minImprovement.winRate', 'minImprovement.pbo']);
    expect(rules[0]).toMatchObject({ status: 'fail', reason: 'INSUFFICIENT_IMPROVEMENT' });
    expect(rules[0].detail).toMatch(/needs >= 0\.5000: absolute 0\.5/);
    expect(o.reasons.some((r) => /promotion rule: win_rate/.test(r))).toBe(true);
  });

  it('--report: a report made under the registry policy and seed from this bundle is promoted on; others are refused (E_REPORT_MISMATCH)', async () => {
    const dir = copyRegistry();
    const policy = readRegistry(dir).policy;
    const good = await validateBundle(approved, { seed: 42, executor, policy });
    writeFileSync(join(root, 'good-report.json'), reportJson(good));
    const otherSeed = await validateBundle(approved, { seed: 43, executor, policy });
    writeFileSync(join(root, 'seed-report.json'), reportJson(otherSeed));
    const otherBundle = await validateBundle(approved2, { seed: 42, executor, policy });
    writeFileSync(join(root, 'other-report.json'), reportJson(otherBundle));
    const otherPolicy = await validateBundle(approved, { seed: 42, executor, policy: resolvePolicy({ strict: true }, 'p.json') });
    writeFileSync(join(root, 'policy-report.json'), reportJson(otherPolicy));
    const before = treeSnapshot(dir);
    await expectError(promoteToShadow(dir, approved, { ...opts, reportFile: join(root, 'seed-report.json') }), 'E_REPORT_MISMATCH', /made with seed 43, not the registry's 42/);
    await expectError(promoteToShadow(dir, approved, { ...opts, reportFile: join(root, 'other-report.json') }), 'E_REPORT_MISMATCH', /its candidate SHA-256 is [0-9a-f]{12}\.\.\., the bundle's is/);
    await expectError(promoteToShadow(dir, approved, { ...opts, reportFile: join(root, 'policy-report.json') }), 'E_REPORT_MISMATCH', /made under policy [0-9a-f]{12}\.\.\., not the registry's/);
    expect(treeSnapshot(dir)).toEqual(before);
    const o = await promoteToShadow(dir, approved, { ...opts, reportFile: join(root, 'good-report.json') });
    expect(o.decision).toBe('PROMOTED');
    expect(JSON.parse(readFileSync(join(dir, 'models', 'cand-b', '1', 'manifest.json'), 'utf8')).evidence).toBe('report');
  });
});

describe('promote to production, monitor, rollback', () => {
  it('only the shadow model, only after a HEALTHY shadow monitor over enough trades; the old production is kept for rollback', async () => {
    const dir = copyRegistry();
    await promoteToShadow(dir, approved, opts);
    await expectError(promoteToProduction(dir, 'nope@1', opts), 'E_MODEL_UNKNOWN', /no model nope@1 in the registry/);
    await expectError(promoteToProduction(dir, 'cand-rejected@1', opts), 'E_STAGE', /only the shadow model can go to production, and shadow holds cand-b@1/);
    // Never monitored: refused (audited).
    let o = await promoteToProduction(dir, 'cand-b@1', opts);
    expect(o.decision).toBe('REFUSED');
    expect(o.checks[0]).toMatchObject({ name: 'shadow.monitor', status: 'fail', reason: 'NOT_MONITORED' });
    // HEALTHY but over fewer than minShadowTrades (30).
    const few = writeLiveTrades(join(root, 'live-few.csv'), bundleTradeValues(approved), 12);
    const m1 = await monitorStage(dir, few, { stage: 'shadow', executor, asOf: new Date('2016-03-01'), now: fixedNow });
    expect(m1.status).toBe('HEALTHY');
    o = await promoteToProduction(dir, 'cand-b@1', opts);
    expect(o.decision).toBe('REFUSED');
    expect(o.reasons.join(' ')).toMatch(/covers 12 live trades, fewer than promotion\.minShadowTrades 30/);
    // HEALTHY over 40: promoted.
    const m2 = await monitorStage(dir, liveOk, { stage: 'shadow', executor, asOf: new Date('2016-03-01'), now: fixedNow });
    expect(m2.status).toBe('HEALTHY');
    o = await promoteToProduction(dir, 'cand-b@1', opts);
    expect(o.decision).toBe('PROMOTED');
    let s = readRegistry(dir);
    expect(s.stages.production).toMatchObject({ id: 'cand-b', version: 1 });
    expect(s.stages.shadow).toBeNull();
    expect(s.stages.history.map((h) => `${h.id}@${h.version}`)).toEqual(['cand-rejected@1']);
    // Rollback restores it; a second rollback has nothing left to restore.
    const r = await rollback(dir, { now: fixedNow });
    expect(r.decision).toBe('ROLLED_BACK');
    s = readRegistry(dir);
    expect(s.stages.production).toMatchObject({ id: 'cand-rejected', version: 1 });
    expect(s.stages.history).toEqual([]);
    await expectError(rollback(dir, { now: fixedNow }), 'E_STAGE', /has no previous production model to roll back to/);
    expect(s.lines.map((l) => l.event)).toEqual(['init', 'promote', 'refused', 'monitor', 'refused', 'monitor', 'promote', 'rollback']);
    expect(verifyRegistry(dir).ok).toBe(true);
  });

  it('a DEGRADED shadow monitor blocks production', async () => {
    const dir = copyRegistry();
    await promoteToShadow(dir, approved, opts);
    const bad = writeLiveTrades(join(root, 'live-bad.csv'), bundleTradeValues(approved), 40, -0.01);
    const m = await monitorStage(dir, bad, { stage: 'shadow', executor, asOf: new Date('2016-03-01'), now: fixedNow });
    expect(m.status).toBe('DEGRADED');
    const o = await promoteToProduction(dir, 'cand-b@1', opts);
    expect(o.decision).toBe('REFUSED');
    expect(o.reasons[0]).toMatch(/is DEGRADED, not HEALTHY/);
  });

  it('the lifecycle policy blocks: defaults filled in, typos and a monitor that could never alarm refused', () => {
    const p = resolvePolicy({}, 'defaults').policy;
    expect(p.promotion).toEqual({ minImprovement: {}, minShadowTrades: 30 });
    expect(p.retrain).toEqual({ maxAgeDays: 365 });
    expect(p.monitor).toEqual({ alpha: 0.05, paths: 10000, cusumShift: 1 });
    expect(() => resolvePolicy({ promotion: { minImprovement: { winrate: { absolute: 0.1 } } } }, 'p.json')).toThrow(/Unrecognized key.*winrate/);
    expect(() => resolvePolicy({ promotion: { minImprovement: { winRate: {} } } }, 'p.json')).toThrow(/give absolute, relative or both/);
    expect(() => resolvePolicy({ monitor: { alpha: 0.001, paths: 100 } }, 'p.json')).toThrow(/monitor\.paths must be at least 1 \/ alpha - 1/);
  });

  it('model keys: id@version, the version after the last @', () => {
    expect(parseModelKey('a@b@12')).toEqual({ id: 'a@b', version: 12 });
    expect(() => parseModelKey('cand')).toThrow(/is not <id>@<version>/);
    expect(() => parseModelKey('cand@0')).toThrow(/is not <id>@<version>/);
  });
});

describe('tamper detection: verify names the first bad line or file; every command refuses the registry', () => {
  let base = '';
  beforeAll(async () => {
    // Lines: 1 init, 2 promote (shadow), 3 monitor, 4 promote (production).
    base = copyRegistry();
    await promoteToShadow(base, approved, opts);
    await monitorStage(base, liveOk, { stage: 'shadow', executor, asOf: new Date('2016-03-01'), now: fixedNow });
    await promoteToProduction(base, 'cand-b@1', opts);
    expect(verifyRegistry(base).ok).toBe(true);
  });

  const lines = (dir: string) => readFileSync(join(dir, 'audit.jsonl'), 'utf8').split('\n').slice(0, -1);
  const setLines = (dir: string, l: string[]) => writeFileSync(join(dir, 'audit.jsonl'), l.map((x) => x + '\n').join(''));
  const cases: [string, (dir: string) => void, RegExp][] = [
    ['one byte of line 3 changed', (d) => { const l = lines(d); l[2] = l[2].replace('"monitor"', '"monitoR"'); setLines(d, l); }, /audit\.jsonl, line 3: /],
    ['a digit of a value in line 2 changed', (d) => { const l = lines(d); l[1] = l[1].replace(/"version":1/, '"version":2'); setLines(d, l); }, /audit\.jsonl, line 2: its SHA-256 does not match/],
    ['line 2 deleted', (d) => { const l = lines(d); l.splice(1, 1); setLines(d, l); }, /audit\.jsonl, line 2: has seq 3, expected 2/],
    ['lines 2 and 3 swapped', (d) => { const l = lines(d); [l[1], l[2]] = [l[2], l[1]]; setLines(d, l); }, /audit\.jsonl, line 2: has seq 3, expected 2/],
    ['the last line deleted', (d) => { const l = lines(d); l.pop(); setLines(d, l); }, /audit\.jsonl: has 3 complete lines but head\.json records 4: lines were removed from the end/],
    ['the last newline removed', (d) => { writeFileSync(join(d, 'audit.jsonl'), readFileSync(join(d, 'audit.jsonl'), 'utf8').slice(0, -1)); }, /has 3 complete lines but head\.json records 4/],
    ['two forged lines appended', (d) => { const l = lines(d); appendFileSync(join(d, 'audit.jsonl'), l[2] + '\n' + l[2] + '\n'); }, /audit\.jsonl, line 5: has seq 3, expected 5/],
    ['a manifest edited', (d) => { const f = join(d, 'models', 'cand-b', '1', 'manifest.json'); writeFileSync(f, readFileSync(f, 'utf8').replace('"validated"', '"report"')); }, /models\/cand-b\/1\/manifest\.json: SHA-256 [0-9a-f]{12}\.\.\. differs from the one recorded at audit\.jsonl line 2/],
    ['a manifest deleted', (d) => rmSync(join(d, 'models', 'cand-b', '1', 'manifest.json')), /models\/cand-b\/1\/manifest\.json: missing/],
    ['a model folder deleted', (d) => rmSync(join(d, 'models', 'cand-b'), { recursive: true }), /models\/cand-b\/1: missing: cand-b@1 was registered at audit\.jsonl line 2/],
    ['a bundle copy edited', (d) => appendFileSync(join(d, 'models', 'cand-b', '1', 'bundle', 'trades.csv'), '2016-01-01,2016-01-02,X,0.5\n'), /bundle\/trades\.csv: SHA-256 [0-9a-f]{12}\.\.\. differs from the one in models\/cand-b\/1\/manifest\.json/],
    ['stages.json edited', (d) => { const f = join(d, 'stages.json'); writeFileSync(f, readFileSync(f, 'utf8').replace('"cand-b"', '"cand-rejected"')); }, /stages\.json: does not match the stages recorded at audit\.jsonl line 4/],
    ['head.json edited', (d) => { const f = join(d, 'head.json'); writeFileSync(f, readFileSync(f, 'utf8').replace(/"sha256": "[0-9a-f]{64}"/, `"sha256": "${'e'.repeat(64)}"`)); }, /head\.json: records the hash of line 4 as eeeeeeeeeeee\.\.\., but that line's hash is/],
    ['registry.json edited', (d) => { const f = join(d, 'registry.json'); writeFileSync(f, readFileSync(f, 'utf8').replace('"seed": 42', '"seed": 43')); }, /registry\.json: SHA-256 [0-9a-f]{12}\.\.\. differs from the one recorded at audit\.jsonl line 1/],
    ['policy.json edited', (d) => writeFileSync(join(d, 'policy.json'), '{"gates": {"pbo": {"threshold": 0.9}}}\n'), /policy\.json: SHA-256 [0-9a-f]{12}\.\.\. differs/],
    ['an unregistered model folder added', (d) => cpSync(join(d, 'models', 'cand-b', '1'), join(d, 'models', 'cand-b', '2'), { recursive: true }), /models\/cand-b\/2: is a model folder no audit line registered/],
  ];

  it.each(cases)('%s', async (_name, mutate, where) => {
    const dir = join(root, `tamper-${n++}`);
    cpSync(base, dir, { recursive: true });
    mutate(dir);
    const v = verifyRegistry(dir);
    expect(v.ok).toBe(false);
    expect(v.message).toMatch(where);
    expect(v.message.split('\n')).toHaveLength(1);
    const before = treeSnapshot(dir);
    await expectError(rollback(dir, { now: fixedNow }), 'E_AUDIT_TAMPERED');
    await expectError(promoteToShadow(dir, approved2, opts), 'E_AUDIT_TAMPERED');
    await expectError(monitorStage(dir, liveOk, { stage: 'production', executor }), 'E_AUDIT_TAMPERED');
    await expectError(() => registryStatus(dir), 'E_AUDIT_TAMPERED');
    expect(treeSnapshot(dir)).toEqual(before);
  });
});
