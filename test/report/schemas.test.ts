/**
 * The published JSON Schemas (schema/*.json): they match the code (regenerated and compared),
 * the CLI prints them, and an independent validator (ajv) accepts every kind of file Gauntlet
 * writes or reads: reports of every fixture under several policies, champion comparisons,
 * journal lines, policies, manifests. Stored reports are read by version: the first engine's
 * report (no schemaVersion) still works as a champion, an unknown version is refused by name.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SCHEMA_NAMES, jsonSchemaText } from '../../src/report/json_schemas.js';
import { CHART_FIELDS, fullReport, reportJson, storedReport } from '../../src/report/schema.js';
import { resolvePolicy } from '../../src/io/policy.js';
import { validateBundle } from '../../src/pipeline/validate.js';
import { compareWithChampion, loadChampion } from '../../src/pipeline/champion.js';
import { runBatch } from '../../src/pipeline/batch.js';
import { InProcessExecutor } from '../../src/runtime.js';
import { GauntletError } from '../../src/errors.js';
import { runCli } from '../helpers/bundle.js';
import { assertMatchesSchema } from '../helpers/json_schema.js';

const root = process.cwd();
const fixtures = ['frozen-model', 'genuine-edge', 'overfit-candidate', 'breach-only', 'wfer-only'];
const work = mkdtempSync(join(tmpdir(), 'gauntlet-schemas-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const ctx = { executor: new InProcessExecutor(), seed: 42 };
const v1Report = JSON.parse(readFileSync(join(root, 'test', 'reference', 'reports', 'frozen-model-engine-0.1.0.json'), 'utf8'));
// Written by engine 0.2.0 before the chart data (report schemaVersion 2).
const v2Report = JSON.parse(readFileSync(join(root, 'test', 'reference', 'reports', 'frozen-model-engine-0.2.0.json'), 'utf8'));

describe('committed schemas match the code', () => {
  for (const name of SCHEMA_NAMES) {
    it(`schema/${name}.json is what the code generates and what \`gauntlet schema ${name}\` prints`, () => {
      const committed = readFileSync(join(root, 'schema', `${name}.json`), 'utf8');
      expect(committed, 'regenerate with: for n in report policy candidate journal champion; do node dist/src/cli/main.js schema $n > schema/$n.json; done').toBe(jsonSchemaText(name));
      if (name === 'report' || name === 'policy') expect(runCli(['schema', name]).stdout).toBe(committed);
    });
  }
});

describe('every kind of file validates against its published schema (ajv)', () => {
  it('reports of every fixture, under the default, strict, disabled-gate and advisory-enabled policies', async () => {
    const policies = [
      resolvePolicy({}, 'defaults'),
      resolvePolicy({ strict: true, gates: { pbo: { enabled: false } } }, 'strict.json'),
      resolvePolicy({ gates: { winRate: { enabled: false }, deflatedSharpe: { enabled: true, threshold: 0.9 }, minBacktestLength: { enabled: true } } }, 'advisory.json'),
    ];
    for (const f of fixtures) {
      for (const policy of policies) {
        const report = await validateBundle(join(root, 'fixtures', f), { ...ctx, policy });
        assertMatchesSchema('report', JSON.parse(reportJson(report)));
      }
    }
  });

  it('policies, candidate manifests, champion manifests (both report versions) and journal lines', async () => {
    assertMatchesSchema('policy', {});
    assertMatchesSchema('policy', { strict: true, gates: { pbo: { S: 8, ties: 'average' }, deflatedSharpe: { enabled: true } } });
    for (const f of fixtures) assertMatchesSchema('candidate', JSON.parse(readFileSync(join(root, 'fixtures', f, 'candidate.json'), 'utf8')));
    const report = await validateBundle(join(root, 'fixtures', 'genuine-edge'), { ...ctx, policy: resolvePolicy({}, 'defaults') });
    assertMatchesSchema('champion', { id: 'c', modelSha256: null, report: JSON.parse(reportJson(report)) });
    assertMatchesSchema('champion', { id: 'c', report: v1Report });
    const dir = join(work, 'batch');
    for (const f of ['genuine-edge', 'wfer-only']) cpSync(join(root, 'fixtures', f), join(dir, f), { recursive: true });
    cpSync(join(root, 'fixtures', 'genuine-edge'), join(dir, 'broken'), { recursive: true });
    writeFileSync(join(dir, 'broken', 'returns.csv'), 'date,a\n2020-01-01,x\n');
    const out = join(work, 'journal.jsonl');
    await runBatch({ dir, out, seed: 42, policy: resolvePolicy({}, 'defaults'), executor: new InProcessExecutor(), resume: false });
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.decision)).toEqual(['ERROR', 'APPROVED', 'REJECTED']);
    for (const l of lines) assertMatchesSchema('journal', l);
  });

  it('the validator has teeth: a report with a NaN turned null, an unknown gate or a missing field is refused', async () => {
    const report = JSON.parse(reportJson(await validateBundle(join(root, 'fixtures', 'wfer-only'), { ...ctx, policy: resolvePolicy({}, 'defaults') })));
    expect(() => assertMatchesSchema('report', { ...report, schemaVersion: 1 })).toThrow(/schemaVersion/);
    expect(() => assertMatchesSchema('report', { ...report, gates: { ...report.gates, extra: report.gates.pbo } })).toThrow();
    const { tiedSelections: _t, ...pboDetails } = report.gates.pbo.details;
    expect(() => assertMatchesSchema('report', { ...report, gates: { ...report.gates, pbo: { ...report.gates.pbo, details: pboDetails } } })).toThrow();
    expect(() => assertMatchesSchema('journal', { bundle: 'x' })).toThrow();
  });
});

describe('stored reports are read by version', () => {
  it("the first engine's report (no schemaVersion) reads as version 1 and serves as a champion once its bundle is re-validated", async () => {
    const s = storedReport(v1Report, 'old.json');
    expect(s).toMatchObject({ schemaVersion: 1, engineVersion: '0.1.0', decision: 'REJECTED', candidateId: 'brent-ma-8-30-frozen', bundle: 'fixtures/frozen-model', seed: 42 });
    expect(Object.keys(s.gates)).toEqual(['winRate', 'walkForward', 'pbo', 'monteCarlo']);
    // Gates the old engine did not have compare as n/a.
    const now = await validateBundle(join(root, 'fixtures', 'frozen-model'), { ...ctx, policy: resolvePolicy({}, 'defaults') });
    const direct = compareWithChampion({ id: 'brent-ma-8-30-frozen', modelSha256: null, report: s }, now);
    expect(direct.gates.pbo).toEqual({ champion: v1Report.gates.pbo.value, candidate: now.gates.pbo.value, better: 'equal' });
    expect(direct.gates.deflatedSharpe).toMatchObject({ champion: null, better: 'n/a' });
    // Through the CLI it was made by another engine under another policy hash: refused, or re-run.
    const manifest = join(work, 'champion-v1.json');
    writeFileSync(manifest, JSON.stringify({ id: 'brent-ma-8-30-frozen', modelSha256: null, report: v1Report }));
    const refused = runCli(['validate', join(root, 'fixtures', 'frozen-model'), '--workers', '0', '--against', manifest], { cwd: root });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/\[E_CHAMPION_STALE\]: .*engine 0\.1\.0 vs 0\.2\.0/);
    const r = runCli(['validate', join(root, 'fixtures', 'frozen-model'), '--json', '-', '--workers', '0', '--against', manifest, '--revalidate-champion'], { cwd: root });
    expect(r.code).toBe(1);
    const cmp = JSON.parse(r.stdout).comparison;
    expect(cmp.gates.pbo).toEqual({ champion: v1Report.gates.pbo.value, candidate: JSON.parse(r.stdout).gates.pbo.value, better: 'equal' });
    expect(cmp.gates.deflatedSharpe.better).toBe('equal');
  });

  it('a version 2 report (no chart data) reads as version 2: as a champion and whole for rendering', async () => {
    expect(v2Report.schemaVersion).toBe(2);
    const s = storedReport(v2Report, 'v2.json');
    expect(s).toMatchObject({ schemaVersion: 2, engineVersion: '0.2.0', decision: 'REJECTED', candidateId: 'brent-ma-8-30-frozen', seed: 42 });
    expect(fullReport(v2Report, 'v2.json').schemaVersion).toBe(2);
    assertMatchesSchema('champion', { id: 'c', report: v2Report });
    // The chart data changed nothing else: every gate value of today's run equals the version 2 report's.
    const now = await validateBundle(join(root, 'fixtures', 'frozen-model'), { ...ctx, policy: resolvePolicy({}, 'defaults') });
    expect(now.schemaVersion).toBe(3);
    const cmp = compareWithChampion({ id: 'brent-ma-8-30-frozen', modelSha256: null, report: s }, now);
    for (const [g, c] of Object.entries(cmp.gates)) expect(c.better, g).toBe(v2Report.gates[g].value === null ? 'n/a' : 'equal');
    // Through the CLI it was made under another policy (the lifecycle blocks came later): refused as stale.
    const manifest = join(work, 'champion-v2.json');
    writeFileSync(manifest, JSON.stringify({ id: 'brent-ma-8-30-frozen', modelSha256: null, report: v2Report }));
    const r = runCli(['validate', join(root, 'fixtures', 'frozen-model'), '--json', '-', '--workers', '0', '--against', manifest], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\[E_CHAMPION_STALE\]/);
  });

  it('each version has exactly its own fields: chart data is required in 3 and refused in 2', async () => {
    const v3 = JSON.parse(reportJson(await validateBundle(join(root, 'fixtures', 'frozen-model'), { ...ctx, policy: resolvePolicy({}, 'defaults') })));
    for (const [gate, fields] of Object.entries(CHART_FIELDS)) {
      for (const f of fields) {
        expect(v3.gates[gate].details[f], `${gate}.${f}`).toBeDefined();
        const { [f]: _gone, ...without } = v3.gates[gate].details;
        expect(() => fullReport({ ...v3, gates: { ...v3.gates, [gate]: { ...v3.gates[gate], details: without } } }, 'v3.json')).toThrow(/not a valid version 3 report/);
      }
      const withChart = { ...v2Report, gates: { ...v2Report.gates, [gate]: { ...v2Report.gates[gate], details: { ...v2Report.gates[gate].details, [fields[0]]: v3.gates[gate].details[fields[0]] } } } };
      expect(() => fullReport(withChart, 'v2.json')).toThrow(/not a valid version 2 report/);
    }
    expect(() => assertMatchesSchema('report', v2Report)).toThrow(/schemaVersion/);
  });

  it('rendering needs typed details: version 1 is refused by name, as is an unknown version', () => {
    expect(() => fullReport(v1Report, 'old.json')).toThrow(/old\.json: a version 1 report \(engine 0\.1\.0, no schemaVersion\) has untyped details and cannot be rendered/);
    expect(() => fullReport({ ...v2Report, schemaVersion: 4 }, 'next.json')).toThrow(/next\.json: report schemaVersion 4 is not supported \(this engine reads 1, 2, 3\)/);
    expect(() => fullReport({ ...v2Report, schemaVersion: '3' }, 'str.json')).toThrow(/report schemaVersion "3" is not supported/);
  });

  it('an unsupported version is refused with a clear message (exit 2 through the CLI)', () => {
    expect(() => storedReport({ ...v1Report, schemaVersion: 99 }, 'future.json')).toThrow(GauntletError);
    expect(() => storedReport({ ...v1Report, schemaVersion: 99 }, 'future.json')).toThrow(/future\.json: report schemaVersion 99 is not supported \(this engine reads 1, 2, 3\)/);
    const manifest = join(work, 'champion-future.json');
    writeFileSync(manifest, JSON.stringify({ id: 'future', report: { ...v1Report, schemaVersion: 99 } }));
    expect(() => loadChampion(manifest)).toThrow(/schemaVersion 99 is not supported/);
    const r = runCli(['validate', join(root, 'fixtures', 'frozen-model'), '--workers', '0', '--against', manifest]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/report schemaVersion 99 is not supported/);
  });

  it('every schema file is listed (no stray or missing files)', () => {
    expect(readdirSync(join(root, 'schema')).sort()).toEqual([...SCHEMA_NAMES].map((n) => `${n}.json`).sort());
  });
});
