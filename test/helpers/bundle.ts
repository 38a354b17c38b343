/**
 * Test helpers: write small, valid candidate bundles to a temp dir (seeded, so every run
 * writes the same bytes), and run the compiled CLI as a user would.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import seedrandom from 'seedrandom';
import { checkCliStdout } from './json_schema.js';

export const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: opts.cwd, env: { ...process.env, ...opts.env }, timeout: 120_000 });
  checkCliStdout(r.stdout);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(prefix = 'gauntlet-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface BundleSpec {
  T?: number;
  N?: number;
  trades?: number;
  seed?: string;
  /** Overrides merged into candidate.json. */
  manifest?: Record<string, unknown>;
}

function isoDay(i: number): string {
  return new Date(Date.UTC(2015, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
}

/** A valid bundle: column c0 has a small positive drift, the rest are noise; trades mostly win. */
export function writeBundle(dir: string, spec: BundleSpec = {}): string {
  const T = spec.T ?? 320;
  const N = spec.N ?? 6;
  const nTrades = spec.trades ?? 150;
  const rng = seedrandom.tychei(spec.seed ?? 'bundle');
  const gauss = () => {
    const u = rng() || 1e-12, v = rng();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  mkdirSync(dir, { recursive: true });
  const header = ['date', ...Array.from({ length: N }, (_, i) => `c${i}`)].join(',');
  const rows = [header];
  for (let t = 0; t < T; t++) {
    const vals = Array.from({ length: N }, (_, n) => ((n === 0 ? 0.002 : 0) + 0.01 * gauss()).toFixed(6));
    rows.push([isoDay(t), ...vals].join(','));
  }
  writeFileSync(join(dir, 'returns.csv'), rows.join('\n') + '\n');
  const trades = ['entry_time,exit_time,symbol,return'];
  for (let i = 0; i < nTrades; i++) {
    const r = rng() < 0.7 ? 0.004 + 0.004 * rng() : -0.003 - 0.004 * rng();
    trades.push([isoDay(i), isoDay(i + 1), 'TEST', r.toFixed(6)].join(','));
  }
  writeFileSync(join(dir, 'trades.csv'), trades.join('\n') + '\n');
  const manifest = {
    id: 'test-candidate',
    createdAt: '2026-11-20T00:00:00Z',
    returns: 'returns.csv',
    trades: 'trades.csv',
    selected: 'c0',
    periodsPerYear: 252,
    tradeUnit: 'return',
    ...spec.manifest,
  };
  writeFileSync(join(dir, 'candidate.json'), JSON.stringify(manifest, null, 2) + '\n');
  return dir;
}
