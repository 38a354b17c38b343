/**
 * Edge cases found in review: boundary breaches, tiny trade lists, several gates failing at
 * once, hostile names, and a batch directory with a dangling link.
 */
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessExecutor } from '../../src/runtime.js';
import { monteCarloOptionsSchema } from '../../src/gates/monte_carlo/options.js';
import { monteCarloGate } from '../../src/gates/monte_carlo/gate.js';
import { makeTrades } from '../../src/io/types.js';
import { runCli, tempDir, writeBundle } from '../helpers/bundle.js';

let root: string;
beforeAll(() => {
  root = tempDir('gauntlet-edge-');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ctx = { executor: new InProcessExecutor(), seed: 1 };
const mc = (o: Record<string, unknown>) => ({ ...monteCarloOptionsSchema.parse({ paths: 200, ...o }), strict: false });

describe('breach rules compare exactly as docs/methodology.md writes them', () => {
  it('a -20% trade breaches a 20% drawdown limit (equity 0.8 <= 0.8 x peak 1)', async () => {
    const r = await monteCarloGate(makeTrades([-0.2]), mc({ method: 'iid', breach: { rule: 'drawdown', limit: 0.2 } }), ctx, { initialEquity: null });
    expect(r.value).toBe(1);
    expect((r.details as any).originalSequence.breached).toBe(true);
  });
  it('a loss of exactly the trailing amount breaches (equity <= peak - amount)', async () => {
    const r = await monteCarloGate(makeTrades([-500], 'pnl'), mc({ method: 'iid', breach: { rule: 'trailing', limit: 500 } }), ctx, { initialEquity: 10_000 });
    expect(r.value).toBe(1);
  });
  it('a loss just short of the limit does not', async () => {
    const r = await monteCarloGate(makeTrades([-0.19]), mc({ method: 'iid', breach: { rule: 'drawdown', limit: 0.2 } }), ctx, { initialEquity: null });
    expect(r.value).toBe(0);
  });
});

describe('very few trades', () => {
  it('two trades validate (exit 0 or 1, never 3); an unbounded Politis-White estimate is reported as null and capped', () => {
    const dir = writeBundle(join(root, 'two'), { trades: 2 });
    const r = runCli(['validate', dir, '--json', '-', '--workers', '0']);
    expect([0, 1], r.stderr).toContain(r.code);
    const bl = JSON.parse(r.stdout).gates.monteCarlo.details.blockLength;
    expect(bl.auto).toBe(true);
    expect(bl.value).toBe(bl.politisWhite.max);
  });
});

describe('several gates failing at once', () => {
  it('reports the first failing gate in gate order, whatever the worker count', () => {
    const dir = writeBundle(join(root, 'multi'), { T: 320, N: 3 });
    // Walk-forward: every column constant over the first 200 rows (zero IS variance in fold 1).
    const lines = readFileSync(join(dir, 'returns.csv'), 'utf8').split('\n');
    for (let i = 1; i <= 200; i++) lines[i] = lines[i].split(',').map((c, j) => (j === 0 ? c : '0')).join(',');
    writeFileSync(join(dir, 'returns.csv'), lines.join('\n'));
    // Monte Carlo: trades that overflow float64 when compounded (+1000, the largest return a
    // trades.csv accepts, 150 times: 1001^150 is about 1e450).
    const day = (i: number) => new Date(Date.UTC(2015, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    const trades = ['exit_time,return', ...Array.from({ length: 150 }, (_, i) => `${day(i)},1000`)];
    writeFileSync(join(dir, 'trades.csv'), trades.join('\n') + '\n');
    writeFileSync(join(dir, 'policy.json'), JSON.stringify({ gates: { pbo: { enabled: false } } }));
    const errs = ['0', '2'].map((w) => runCli(['validate', dir, '--policy', join(dir, 'policy.json'), '--workers', w], { env: { GAUNTLET_MIN_POOL_WORK: '0' } }));
    for (const r of errs) expect(r.code, r.stderr).toBe(2);
    expect(errs[0].stderr).toMatch(/E_WF_INPUT/);
    expect(errs[1].stderr).toBe(errs[0].stderr);
  });
});

describe('hostile text stays on one line', () => {
  it('a newline in a manifest value is escaped in the message', () => {
    const dir = writeBundle(join(root, 'nl'), { manifest: { selected: 'c0\nINJECTED' } });
    const r = runCli(['validate', dir, '--workers', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/"selected": "c0\\nINJECTED" is not a column/);
  });
});

describe('batch directory with a dangling link', () => {
  it('skips what is not a bundle and validates the rest', () => {
    const dir = join(root, 'batch');
    mkdirSync(dir, { recursive: true });
    writeBundle(join(dir, 'a'), { seed: 'a' });
    symlinkSync('/nonexistent/gauntlet', join(dir, 'dangling'));
    const out = join(root, 'batch.jsonl');
    const r = runCli(['batch', dir, '--out', out, '--workers', '0', '--progress', 'none']);
    expect([0, 1], r.stderr).toContain(r.code);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(1);
  });
});
