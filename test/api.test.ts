/**
 * The library API, imported by the package's own name (self-reference through package.json
 * "exports", as a team's training pipeline would import it): an in-memory candidate built from
 * arrays validates to the same gates, decision and warnings as `gauntlet validate --json` on
 * the bundle the arrays were read from; bad in-memory data gets the same one-line errors as a
 * bad file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  candidateFromData, createExecutor, loadPolicy, reportJson, validateCandidate, DEFAULT_GATES, GauntletError, InProcessExecutor, type InMemoryCandidate,
} from 'gauntlet';
import { runCli } from './helpers/bundle.js';

const bundle = join(process.cwd(), 'fixtures', 'frozen-model');

/** The frozen model's files as plain arrays (what a pipeline holds in memory). */
function frozenModelInMemory(): InMemoryCandidate {
  const manifest = JSON.parse(readFileSync(join(bundle, 'candidate.json'), 'utf8'));
  const r = readFileSync(join(bundle, 'returns.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
  const t = readFileSync(join(bundle, 'trades.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
  const exit = t[0].indexOf('exit_time'), ret = t[0].indexOf('return');
  return {
    id: manifest.id, createdAt: manifest.createdAt, selected: manifest.selected, periodsPerYear: manifest.periodsPerYear, tradeUnit: manifest.tradeUnit,
    returns: { columns: r[0].slice(1), dates: r.slice(1).map((row) => row[0]), values: r.slice(1).map((row) => row.slice(1).map(Number)) },
    trades: { exitTimes: t.slice(1).map((row) => row[exit]), values: t.slice(1).map((row) => Number(row[ret])) },
  };
}

describe("import { ... } from 'gauntlet'", () => {
  it('an in-memory candidate gives the CLI report for the same data (gates, decision, warnings, policy)', async () => {
    const cli = JSON.parse(runCli(['validate', bundle, '--json', '-', '--workers', '0']).stdout);
    for (const executor of [new InProcessExecutor(), createExecutor(2)]) {
      try {
        const report = JSON.parse(reportJson(await validateCandidate(candidateFromData(frozenModelInMemory()), { seed: 42, executor, policy: loadPolicy(undefined) })));
        expect(JSON.stringify(report.gates)).toBe(JSON.stringify(cli.gates));
        for (const k of ['schemaVersion', 'engine', 'decision', 'failedGates', 'warnings', 'policy'] as const) expect(report[k]).toEqual(cli[k]);
        expect(report.candidate).toEqual({ ...cli.candidate, bundle: '<memory>' });
        expect(report.provenance.inputs.map((i: { path: string }) => i.path)).toEqual(['<memory>/candidate.json', '<memory>/returns.csv', '<memory>/trades.csv']);
        expect(report.provenance.policySha256).toBe(cli.provenance.policySha256);
      } finally {
        await executor.close();
      }
    }
    expect(DEFAULT_GATES.gates.map((g) => g.name)).toEqual(Object.keys(cli.gates));
  });

  it('bad in-memory data is refused like a bad file: one line naming where', () => {
    const bad = frozenModelInMemory();
    (bad.returns.values as number[][])[9][3] = NaN;
    const err = (() => {
      try {
        candidateFromData(bad);
      } catch (e) {
        return e as GauntletError;
      }
      throw new Error('accepted NaN');
    })();
    expect(err).toBeInstanceOf(GauntletError);
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/^<memory>\/returns\.csv, line 11, column 'ma_2_65': /);
    const wrongSelected = { ...frozenModelInMemory(), selected: 'ma_9_99' };
    expect(() => candidateFromData(wrongSelected)).toThrow(/"selected": "ma_9_99" is not a column/);
    const ragged = frozenModelInMemory();
    (ragged.returns.values as number[][])[0].pop();
    expect(() => candidateFromData(ragged)).toThrow(/<memory>\/returns\.csv: returns has 115199 values for 2400 dates x 48 columns \(115200 expected\)/);
  });
});
