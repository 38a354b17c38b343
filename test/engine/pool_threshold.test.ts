/**
 * The pool starts its threads only when a run's shard work pays for it (the CLI's
 * SMALL_JOB_WORK); smaller runs go in-process with the same results.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PoolExecutor } from '../../src/runtime.js';
import { runShard as runShardWith, shardWork as shardWorkWith, type ShardTask } from '../../src/engine/dispatch.js';
import { KERNELS } from '../../src/kernels/registry.js';
import { makeTrades } from '../../src/io/types.js';
import type { MonteCarloShardTask } from '../../src/kernels/drawdown_paths.js';
import { minPoolWork } from '../../src/cli/common.js';
import { SMALL_JOB_WORK } from '../../src/config/defaults.js';
import { shardRngWords } from '../../src/rng/streams.js';

const trades = makeTrades(Array.from({ length: 50 }, (_, i) => ((i * 37) % 11) / 100 - 0.04));
const task = (shardIndex: number, paths: number): MonteCarloShardTask => ({
  kind: 'monteCarlo', shardIndex, rng: shardRngWords(3, 'monteCarlo', shardIndex), trades: trades.buffer, n: trades.n, unit: 'return',
  method: 'iid', paths, horizon: 50, blockLength: 1, startEquity: 1, rule: 'drawdown', limit: 0.1,
});

const runShard = (t: ShardTask) => runShardWith(KERNELS, t);
const shardWork = (t: ShardTask) => shardWorkWith(KERNELS, t);

let pool: PoolExecutor | null = null;
afterEach(async () => {
  await pool?.close();
  pool = null;
});

describe('PoolExecutor minPoolWork', () => {
  it('measures work in path-steps for Monte Carlo shards', () => {
    expect(shardWork(task(0, 1024))).toBe(1024 * 50);
  });
  it('runs a small job in-process without starting threads, with the same results', async () => {
    pool = new PoolExecutor(2, { minPoolWork: 1e9 });
    const tasks = [task(0, 64), task(1, 64)];
    const got = await pool.run(tasks);
    expect(pool.started).toBe(false);
    expect(JSON.stringify(got)).toBe(JSON.stringify(tasks.map(runShard)));
  });
  it('starts the threads for a job at or above the threshold, and keeps using them', async () => {
    pool = new PoolExecutor(2, { minPoolWork: 64 * 50 });
    const tasks = [task(0, 64), task(1, 64)];
    const got = await pool.run(tasks);
    expect(pool.started).toBe(true);
    expect(JSON.stringify(got)).toBe(JSON.stringify(tasks.map(runShard)));
  });
  it('GAUNTLET_MIN_POOL_WORK overrides the CLI threshold; a bad value is a usage error', () => {
    const old = process.env.GAUNTLET_MIN_POOL_WORK;
    try {
      delete process.env.GAUNTLET_MIN_POOL_WORK;
      expect(minPoolWork()).toBe(SMALL_JOB_WORK);
      process.env.GAUNTLET_MIN_POOL_WORK = '0';
      expect(minPoolWork()).toBe(0);
      process.env.GAUNTLET_MIN_POOL_WORK = 'lots';
      expect(() => minPoolWork()).toThrow(/GAUNTLET_MIN_POOL_WORK: 'lots' is not a number >= 0/);
    } finally {
      if (old === undefined) delete process.env.GAUNTLET_MIN_POOL_WORK;
      else process.env.GAUNTLET_MIN_POOL_WORK = old;
    }
  });
});
