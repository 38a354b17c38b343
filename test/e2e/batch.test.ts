/**
 * Overnight batch (issue 5): interrupted + resumed journals equal an uninterrupted one byte
 * for byte; a crashed worker fails only its candidate (code 3); SIGKILL never leaves a
 * partial line.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, tempDir, writeBundle } from '../helpers/bundle.js';
import { crashPoolOptions } from '../helpers/crash.js';
import { PoolExecutor } from '../../src/runtime.js';
import { batchExitCode, runBatch } from '../../src/pipeline/batch.js';
import { loadPolicy } from '../../src/io/policy.js';
import { DEFAULTS } from '../../src/config/defaults.js';

let root: string;
let batchDir: string;
let reference: string;
const N_BUNDLES = 50;

beforeAll(() => {
  root = tempDir('gauntlet-batch-');
  batchDir = join(root, 'candidates');
  for (let i = 0; i < N_BUNDLES; i++) {
    const dir = join(batchDir, `cand-${String(i).padStart(3, '0')}`);
    // Distinct trade counts (120 + i) let the crash test target exactly one candidate.
    writeBundle(dir, { seed: `b${i}`, T: 320, N: 5, trades: 120 + i, manifest: { id: `cand-${i}` } });
    if (i % 9 === 4) writeFileSync(join(dir, 'returns.csv'), readFileSync(join(dir, 'returns.csv'), 'utf8').replace(/\n(2015-01-05,[^,\n]*),[^,\n]*/, '\n$1,NaN'));
    if (i % 13 === 7) rmSync(join(dir, 'trades.csv'));
  }
  reference = join(root, 'reference.jsonl');
  const r = runCli(['batch', batchDir, '--out', reference, '--workers', '2', '--progress', 'none']);
  expect([1, 2, 3]).toContain(r.code);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function lines(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n');
}

/** Start a batch, wait until its journal holds >= `atLeast` lines, then send `signal`. */
function interruptAfter(out: string, atLeast: number, signal: NodeJS.Signals, env: Record<string, string> = {}): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'batch', batchDir, '--out', out, '--workers', '2', '--progress', 'none'], { stdio: 'ignore', env: { ...process.env, ...env } });
    const timer = setInterval(() => {
      if (existsSync(out) && readFileSync(out, 'utf8').split('\n').length - 1 >= atLeast) {
        clearInterval(timer);
        child.kill(signal);
      }
    }, 10);
    child.on('exit', (code, sig) => {
      clearInterval(timer);
      resolve(code ?? (sig ? 128 + (sig === 'SIGKILL' ? 9 : 2) : null));
    });
    child.on('error', reject);
  });
}

describe('gauntlet batch', () => {
  it('journals every candidate in sorted order, malformed ones included', () => {
    const ls = lines(reference).map((l) => JSON.parse(l));
    expect(ls).toHaveLength(N_BUNDLES);
    expect(ls.map((e) => e.bundle)).toEqual([...ls.map((e) => e.bundle)].sort());
    const errors = ls.filter((e) => e.decision === 'ERROR');
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e.error.exitCode).toBe(2);
    expect(errors.some((e) => /NaN|non-finite/.test(e.error.message))).toBe(true);
    for (const e of ls.filter((x) => x.decision !== 'ERROR')) expect(Object.keys(e.gates)).toEqual(['winRate', 'walkForward', 'pbo', 'monteCarlo', 'probabilisticSharpe', 'deflatedSharpe', 'minTrackRecord', 'minBacktestLength']);
  });

  it('SIGINT partway, then --resume: byte-identical to the uninterrupted journal', async () => {
    const out = join(root, 'interrupted.jsonl');
    const code = await interruptAfter(out, 3, 'SIGINT');
    expect(code).toBe(130);
    const partial = lines(out);
    expect(partial.length).toBeGreaterThanOrEqual(3);
    expect(partial.length).toBeLessThan(N_BUNDLES);
    for (const l of partial) JSON.parse(l);
    const r = runCli(['batch', batchDir, '--out', out, '--workers', '2', '--progress', 'none', '--resume']);
    expect(r.stdout).toMatch(/resumed/);
    expect(readFileSync(out)).toEqual(readFileSync(reference));
  });

  it('SIGKILL between candidates never leaves a partial line; resume completes it identically', async () => {
    const out = join(root, 'killed.jsonl');
    await interruptAfter(out, 5, 'SIGKILL');
    const text = readFileSync(out, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    for (const l of lines(out)) JSON.parse(l);
    runCli(['batch', batchDir, '--out', out, '--workers', '2', '--progress', 'none', '--resume']);
    expect(readFileSync(out)).toEqual(readFileSync(reference));
  });

  it('a worker that crashes mid-shard fails only its candidate, with code 3', async () => {
    const out = join(root, 'crash.jsonl');
    // cand-010 has 130 trades; crash the worker running its first Monte Carlo shard. The fault
    // is injected through the executor: the batch runs in-process (runBatch, as the CLI calls
    // it, default policy and seed) on a pool of the test-only crash worker.
    const executor = new PoolExecutor(2, crashPoolOptions({ kind: 'monteCarlo', shardIndex: 0, n: 130 }));
    let summary;
    try {
      summary = await runBatch({ dir: batchDir, out, seed: DEFAULTS.seed, policy: loadPolicy(undefined), executor, resume: false });
    } finally {
      await executor.close();
    }
    expect(summary.crashed).toBe(1);
    expect(batchExitCode(summary)).toBe(3);
    const got = lines(out);
    const ref = lines(reference);
    expect(got).toHaveLength(ref.length);
    for (let i = 0; i < ref.length; i++) {
      const e = JSON.parse(got[i]);
      if (e.bundle === 'cand-010') {
        expect(e.decision).toBe('ERROR');
        expect(e.error.exitCode).toBe(3);
        expect(e.error.code).toBe('E_WORKER_CRASH');
      } else {
        expect(got[i]).toBe(ref[i]);
      }
    }
    // Resume retries the crashed candidate (a crash says nothing about the bundle).
    runCli(['batch', batchDir, '--out', out, '--workers', '2', '--progress', 'none', '--resume']);
    expect(readFileSync(out)).toEqual(readFileSync(reference));
  });

  it('whole-candidate worker tasks and in-process sharding write the same journal', () => {
    const out = join(root, 'inprocess.jsonl');
    runCli(['batch', batchDir, '--out', out, '--workers', '0', '--progress', 'none']);
    expect(readFileSync(out)).toEqual(readFileSync(reference));
  });

  it('a resume with a different seed starts over rather than mixing runs', () => {
    const out = join(root, 'reseed.jsonl');
    writeFileSync(out, readFileSync(reference));
    runCli(['batch', batchDir, '--out', out, '--workers', '1', '--progress', 'none', '--resume', '--seed', '7']);
    const ls = lines(out).map((l) => JSON.parse(l));
    expect(ls).toHaveLength(N_BUNDLES);
    expect(ls.every((e) => e.seed === 7)).toBe(true);
  });
});
