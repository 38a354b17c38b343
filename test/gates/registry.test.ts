/**
 * The gate registry: a gate defined and registered only inside this test flows end to end
 * (policy block with defaults, report with its typed details, JSON schema, text line, decision,
 * batch journal, champion comparison) without editing any other file.
 */
import { mkdtempSync, readFileSync, rmSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEFAULT_GATES } from '../../src/gates/index.js';
import { gateRegistry, type GateDefinition } from '../../src/gates/registry.js';
import { compare } from '../../src/gates/types.js';
import { resolvePolicy } from '../../src/io/policy.js';
import { validateBundle } from '../../src/pipeline/validate.js';
import { compareWithChampion } from '../../src/pipeline/champion.js';
import { runBatch } from '../../src/pipeline/batch.js';
import { reportJson, reportSchemaFor, storedReport } from '../../src/report/schema.js';
import { reportText } from '../../src/report/text.js';
import { InProcessExecutor } from '../../src/runtime.js';
import { GauntletError } from '../../src/errors.js';

/** Max drawdown of the selected configuration's compounded returns: a gate nobody shipped. */
const optionsSchema = z.strictObject({ enabled: z.boolean().default(true), threshold: z.number().min(0).max(1).default(0.5) });
const detailsSchema = z.strictObject({ maxDrawdown: z.number(), rows: z.number().int() });
const maxDrawdownGate: GateDefinition<z.infer<typeof optionsSchema>, z.infer<typeof detailsSchema>> = {
  name: 'maxDrawdownCap',
  label: 'max_drawdown_cap',
  comparison: '<',
  advisory: false,
  optionsSchema,
  detailsSchema,
  async run(input, options) {
    const { data, T, N } = input.returns;
    let equity = 1, peak = 1, dd = 0;
    for (let t = 0; t < T; t++) {
      equity *= 1 + data[t * N + input.selectedIndex];
      peak = Math.max(peak, equity);
      dd = Math.max(dd, (peak - equity) / peak);
    }
    return {
      gate: 'maxDrawdownCap', enabled: true, value: dd, gatedValue: dd, gatedOn: 'point', threshold: options.threshold, comparison: '<',
      pass: compare(dd, '<', options.threshold), reason: null, details: { maxDrawdown: dd, rows: T }, warnings: [],
    };
  },
  summary: (r) => `max drawdown ${r.details.maxDrawdown.toFixed(4)} over ${r.details.rows} rows`,
};
const registry = gateRegistry([...DEFAULT_GATES.gates, maxDrawdownGate]);
const bundle = join(process.cwd(), 'fixtures', 'genuine-edge');
const ctx = { executor: new InProcessExecutor(), seed: 42 };
const work = mkdtempSync(join(tmpdir(), 'gauntlet-registry-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('a gate registered only in a test, end to end', () => {
  it('policy: its block gets defaults, is validated, and hashes into the policy', () => {
    const p = resolvePolicy({}, 'defaults', registry);
    expect(p.policy.gates.maxDrawdownCap).toEqual({ enabled: true, threshold: 0.5 });
    expect(() => resolvePolicy({ gates: { maxDrawdownCap: { threshold: 2 } } }, 'p.json', registry)).toThrow(GauntletError);
    expect(() => resolvePolicy({ gates: { maxDrawdownCap: { thresold: 0.2 } } }, 'p.json', registry)).toThrow(/thresold/);
    // Unknown to the built-in registry: a typo there, refused.
    expect(() => resolvePolicy({ gates: { maxDrawdownCap: {} } }, 'p.json')).toThrow(/maxDrawdownCap/);
  });

  it('report, schema, text and decision', async () => {
    const loose = await validateBundle(bundle, { ...ctx, policy: resolvePolicy({}, 'defaults', registry), registry });
    const g = loose.gates.maxDrawdownCap;
    expect(g).toMatchObject({ gate: 'maxDrawdownCap', enabled: true, advisory: false, pass: true, comparison: '<' });
    expect(g.value).toBeGreaterThan(0);
    expect(loose.decision).toBe('APPROVED');
    expect(() => reportJson(loose, registry)).not.toThrow();
    expect(() => reportJson(loose)).toThrow(/does not match its schema/); // the built-in schema does not know it
    expect(JSON.stringify(z.toJSONSchema(reportSchemaFor(registry)))).toContain('maxDrawdownCap');
    const text = reportText(loose, registry);
    expect(text).toMatch(/\[PASS\] max_drawdown_cap: \d\.\d{4} \(threshold: < 0\.5\)\n {7}max drawdown \d\.\d{4} over 1600 rows\n/);

    const tight = await validateBundle(bundle, { ...ctx, policy: resolvePolicy({ gates: { maxDrawdownCap: { threshold: (g.value as number) / 2 } } }, 'tight.json', registry), registry });
    expect(tight.decision).toBe('REJECTED');
    expect(tight.failedGates).toEqual(['maxDrawdownCap']);
    expect(reportText(tight, registry)).toMatch(/Overall: \[FAIL\] REJECTED \(failed: maxDrawdownCap\)/);

    // Champion comparison iterates the registry too.
    const champion = { id: 'champ', modelSha256: null, report: storedReport(JSON.parse(reportJson(loose, registry)), 'champ.json', registry) };
    expect(compareWithChampion(champion, tight, registry).gates.maxDrawdownCap).toEqual({ champion: g.value, candidate: tight.gates.maxDrawdownCap.value, better: 'equal' });
  });

  it('batch journal: the line carries the gate', async () => {
    const dir = join(work, 'batch');
    cpSync(bundle, join(dir, 'edge'), { recursive: true });
    const out = join(work, 'journal.jsonl');
    const summary = await runBatch({ dir, out, seed: 42, policy: resolvePolicy({}, 'defaults', registry), executor: new InProcessExecutor(), resume: false, registry });
    expect(summary.approved).toBe(1);
    const line = JSON.parse(readFileSync(out, 'utf8').trim());
    expect(Object.keys(line.gates)).toEqual(registry.gates.map((d) => d.name));
    expect(line.gates.maxDrawdownCap).toMatchObject({ enabled: true, advisory: false, pass: true });
  });

  it('names are unique', () => {
    expect(() => gateRegistry([...DEFAULT_GATES.gates, DEFAULT_GATES.gates[0]])).toThrow(/duplicate gate name 'winRate'/);
  });
});
