/**
 * Shard executors (docs/methodology.md, "Determinism and sharding"): results come back in task order whatever order the shards
 * complete in, and a GauntletError thrown by a kernel on a worker thread comes back with
 * its code, message and exit code intact.
 *
 * The pool tests use the compiled worker: run `npx tsc -p .` first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { createExecutor, InProcessExecutor, type ShardExecutor } from '../../src/runtime.js';
import { runShardSafe as runShardSafeWith, type ShardTask } from '../../src/engine/dispatch.js';
import { KERNELS } from '../../src/kernels/registry.js';
import { GauntletError } from '../../src/errors.js';
import { makeTrades } from '../../src/io/types.js';
import type { MonteCarloShardResult, MonteCarloShardTask } from '../../src/kernels/drawdown_paths.js';
import { computeBlockMoments, type PboShardTask } from '../../src/kernels/cscv.js';
import type { PboMetric } from '../../src/kernels/cscv.js';
import { ShuffledExecutor, seededPermutation } from '../helpers/shuffled_executor.js';

const runShardSafe = (t: ShardTask) => runShardSafeWith(KERNELS, t);
import { shardRngWords } from '../../src/rng/streams.js';

const rng = seedrandom.tychei('executor-test');
const tradeValues = Array.from({ length: 200 }, () => (rng() - 0.45) * 0.05);
const trades = makeTrades(tradeValues, 'return');

function mcTask(shardIndex: number, paths: number, horizon: number): MonteCarloShardTask {
  return {
    kind: 'monteCarlo', shardIndex, rng: shardRngWords(11, 'monteCarlo', shardIndex), trades: trades.buffer, n: trades.n, unit: 'return',
    method: 'iid', paths, horizon, blockLength: 1, startEquity: 1, rule: 'drawdown', limit: 0.2,
  };
}

/**
 * A whole-run PBO task (all C(S, S/2) / 2 complementary pairs) over a T = S x L, N = 2
 * matrix: column 0 is noise; column 1 is the constant 0.01 on blocks 0 .. S/2 - 1 (`sharpe`:
 * the half made of those blocks has standard deviation 0) or strictly positive everywhere
 * (`sortino`: no negative return, downside deviation 0). Either way the kernel throws
 * E_PBO_ZERO_VARIANCE mid-shard.
 */
function zeroDispersionPboTask(shardIndex: number, metric: PboMetric): PboShardTask {
  const S = 4, L = 4, N = 2, T = S * L;
  const r = seedrandom.tychei(`pbo-${metric}`);
  const buffer = new SharedArrayBuffer(T * N * 8);
  const data = new Float64Array(buffer);
  for (let t = 0; t < T; t++) {
    data[t * N] = (r() - 0.5) * 0.02;
    const constantBlock = Math.floor(t / L) < S / 2;
    data[t * N + 1] = metric === 'sortino' ? 0.001 + r() * 0.01 : constantBlock ? 0.01 : (r() - 0.5) * 0.02;
  }
  return {
    kind: 'pbo', shardIndex, returns: buffer, moments: computeBlockMoments(data, N, 0, S, L), T, N, rowOffset: 0, S,
    blockRows: L, metric, ties: 'first', tieUnit: 1, pairStart: 0, pairCount: 3, pairs: null, gridLo: -1, gridInvWidth: 10, gridBins: 20,
  };
}

/** The error `executor.run(tasks)` rejects with (fails the test when it resolves). */
async function rejection(executor: ShardExecutor, tasks: ShardTask[]): Promise<GauntletError> {
  try {
    await executor.run(tasks);
  } catch (err) {
    return err as GauntletError;
  }
  throw new Error(`executor with ${executor.workers} workers resolved although a shard failed`);
}

/** One heavy shard first, then light ones: on a pool the light ones finish first. */
const heavyFirst: MonteCarloShardTask[] = [mcTask(0, 40_000, 100), ...Array.from({ length: 7 }, (_, i) => mcTask(i + 1, 3 + i, 20 + i))];
const expected = heavyFirst.map((t) => {
  const reply = runShardSafe(t);
  if (!reply.ok) throw new Error(reply.error.message);
  return reply.result as MonteCarloShardResult;
});

let pool: ShardExecutor;
beforeAll(() => {
  pool = createExecutor(2);
});
afterAll(async () => {
  await pool.close();
});

describe('results come back in task order', () => {
  it('in-process executor', async () => {
    const got = await new InProcessExecutor().run<MonteCarloShardResult>(heavyFirst);
    expect(got.map((r) => r.shardIndex)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(got).toEqual(expected);
  });

  it('shuffled executor: executes out of order, returns in order', async () => {
    const ex = new ShuffledExecutor('order');
    const got = await ex.run<MonteCarloShardResult>(heavyFirst);
    expect(ex.executionOrders[0]).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect([...ex.executionOrders[0]].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(got).toEqual(expected);
  });

  it('seeded permutation is a permutation and depends on the seed only', () => {
    const a = seededPermutation(50, seedrandom.tychei('p'));
    expect(seededPermutation(50, seedrandom.tychei('p'))).toEqual(a);
    expect(seededPermutation(50, seedrandom.tychei('q'))).not.toEqual(a);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('createExecutor(2): the heavy first shard completes last, results stay in task order', async () => {
    expect(pool.workers).toBe(2);
    // Watch the pool's own completion order (a private field: the executor hides it on purpose).
    const piscina = (pool as unknown as { pool: { run: (t: ShardTask) => Promise<unknown> } }).pool;
    expect(typeof piscina?.run).toBe('function');
    const completed: number[] = [];
    const original = piscina.run;
    piscina.run = (t: ShardTask) => original.call(piscina, t).then((r) => { completed.push(t.shardIndex); return r; });
    let got: MonteCarloShardResult[];
    try {
      got = await pool.run<MonteCarloShardResult>(heavyFirst);
    } finally {
      delete (piscina as { run?: unknown }).run; // back to the prototype's method
    }
    expect(completed).toHaveLength(8);
    expect(completed).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(completed.indexOf(0)).toBeGreaterThan(0);
    expect(got.map((r) => r.shardIndex)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(got).toEqual(expected);
  });
});

describe('a kernel GauntletError survives the thread hop', () => {
  const sharpe = zeroDispersionPboTask(1, 'sharpe');
  const sortino = zeroDispersionPboTask(2, 'sortino');

  it('the kernels really throw these errors in-process', () => {
    const a = runShardSafe(sharpe);
    const b = runShardSafe(sortino);
    expect(a).toMatchObject({ ok: false, error: { code: 'E_PBO_ZERO_VARIANCE', exitCode: 2 } });
    expect(b).toMatchObject({ ok: false, error: { code: 'E_PBO_ZERO_VARIANCE', exitCode: 2 } });
    if (a.ok || b.ok) throw new Error('unreachable');
    expect(a.error.message).toMatch(/column '#1' has standard deviation 0 \(Sharpe undefined\) on blocks \{0,1\}/);
    expect(b.error.message).toMatch(/column '#1' has no negative returns/);
  });

  it('code, message and exit code are identical on every executor', async () => {
    const reply = runShardSafe(sharpe);
    if (reply.ok) throw new Error('unreachable');
    for (const ex of [new InProcessExecutor(), new ShuffledExecutor('err'), pool]) {
      const err = await rejection(ex, [mcTask(0, 50, 30), sharpe]);
      expect(err).toBeInstanceOf(GauntletError);
      expect(err.code).toBe('E_PBO_ZERO_VARIANCE');
      expect(err.exitCode).toBe(2);
      expect(err.message).toBe(reply.error.message);
    }
  });

  it('with several failing shards, the lowest task index wins whatever ran first', async () => {
    const sharpeReply = runShardSafe(sharpe);
    if (sharpeReply.ok) throw new Error('unreachable');
    const tasks: ShardTask[] = [mcTask(0, 50, 30), sharpe, sortino];
    // A shuffle seed that runs the sortino shard (index 2) before the sharpe one (index 1).
    let shuffled: ShuffledExecutor | null = null;
    for (let s = 0; s < 20 && shuffled === null; s++) {
      const order = seededPermutation(3, seedrandom.tychei(`first-error-${s}/0`));
      if (order.indexOf(2) < order.indexOf(1)) shuffled = new ShuffledExecutor(`first-error-${s}`);
    }
    expect(shuffled).not.toBeNull();
    for (const ex of [new InProcessExecutor(), shuffled!, pool]) {
      const err = await rejection(ex, tasks);
      expect(err.message).toBe(sharpeReply.error.message);
    }
    const order = shuffled!.executionOrders[0];
    expect(order.indexOf(2)).toBeLessThan(order.indexOf(1));
  });

  it('the pool keeps working after a failed run', async () => {
    const got = await pool.run<MonteCarloShardResult>(heavyFirst.slice(1));
    expect(got).toEqual(expected.slice(1));
  });
});
