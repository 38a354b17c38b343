/**
 * Exit 3 is for real faults only, and --debug adds the stack. The fault is a worker thread
 * that dies mid-shard, injected through the executor: the CLI's own entry point `main` runs
 * in-process, with src/runtime.ts's createExecutor building its pool on the test-only crash
 * worker (test/helpers/crash_worker.ts). Production code carries no fault hook.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { tempDir, writeBundle } from '../helpers/bundle.js';
import type { CrashSpec } from '../helpers/crash.js';

const injected = vi.hoisted(() => ({ crash: null as CrashSpec | null }));
vi.mock('../../src/runtime.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/runtime.js')>();
  const { crashPoolOptions } = await import('../helpers/crash.js');
  return {
    ...actual,
    createExecutor: (workers: number, opts: import('../../src/runtime.js').RuntimePoolOptions = {}) =>
      actual.createExecutor(workers, injected.crash && workers > 0 ? { ...opts, ...crashPoolOptions(injected.crash) } : opts),
  };
});

const { main } = await import('../../src/cli/main.js');

let root = '';
beforeAll(() => {
  root = tempDir('gauntlet-crash-');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => {
  injected.crash = null;
  vi.restoreAllMocks();
});

/** Runs the CLI in-process; returns its exit code and what it wrote to stderr. */
async function cli(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    return { code: await main(args), stderr };
  } finally {
    vi.restoreAllMocks();
  }
}

describe('exit 3 is for real faults only, and --debug adds the stack', () => {
  it('a crashed worker: one line without --debug, the stack with it; no report either way', async () => {
    const dir = writeBundle(join(root, 'fault'));
    const out = join(root, 'fault.report.json');
    // writeBundle's bundle has 150 trades: crash the worker running its first Monte Carlo shard.
    injected.crash = { kind: 'monteCarlo', shardIndex: 0, n: 150 };
    const plain = await cli(['validate', dir, '--workers', '1', '--json', out]);
    expect(plain.code).toBe(3);
    expect(plain.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(plain.stderr).toMatch(/^gauntlet: error \[E_WORKER_CRASH\]: worker crashed: /);
    const debug = await cli(['--debug', 'validate', dir, '--workers', '1', '--json', out]);
    expect(debug.code).toBe(3);
    const lines = debug.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(plain.stderr.trimEnd());
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.slice(1).some((l) => /^\s+at /.test(l))).toBe(true);
    expect(existsSync(out)).toBe(false);
  });

  it('the same bundle without the injected fault is validated (the crash came from the injection)', async () => {
    const dir = writeBundle(join(root, 'sound'));
    const out = join(root, 'sound.report.json');
    const r = await cli(['validate', dir, '--workers', '1', '--json', out]);
    expect([0, 1]).toContain(r.code);
    expect(existsSync(out)).toBe(true);
  });
});
