/**
 * Test and bench only: production code never imports a twin.
 *
 * Plain reference twin of `monteCarloShard` (docs/methodology.md, "Monte Carlo"): the same shard, written as the
 * obvious loops with seedrandom's `tychei` closure called once per draw. It is slow and
 * exists so the parity test can prove the fast kernel's inlined generator, cached levels
 * and specialised loops change nothing.
 *
 * Resampling draws (one int32 per draw, index = floor(u32 x m / 2^32)):
 *   iid:         H uniform indices.
 *   stationary:  first index uniform; then one draw u32 per step: a restart when
 *                u32 < R = 2^32 / b (probability 1 / b), taking the fresh index
 *                floor(u32 x (n / R)) (u32 is uniform on [0, R) given a restart), else
 *                previous + 1 (mod n).
 *   permutation: forward Fisher-Yates on the original order: step h swaps h with
 *                h + uniform(n - h).
 * Equity walk: `walkEquityPath` (src/kernels/equity_path.ts), the literal breach rules; the
 * gate walks the original trade order with it too.
 *
 * O(paths x horizon) time, O(horizon) extra memory.
 */
import seedrandom from 'seedrandom';
import { uniformIndex } from '../../src/rng/tychei.js';
import type { MonteCarloShardTask, MonteCarloShardResult } from '../../src/kernels/drawdown_paths.js';
import { walkEquityPath } from '../../src/kernels/equity_path.js';

export { walkEquityPath, type PathOutcome } from '../../src/kernels/equity_path.js';

/** The trade indices of one resampled path, drawn from `next` (a seedrandom int32 source). */
export function resamplePathIndices(
  next: () => number,
  method: MonteCarloShardTask['method'],
  n: number,
  horizon: number,
  blockLength: number,
): Int32Array {
  if (method === 'permutation') {
    const order = Int32Array.from({ length: n }, (_, i) => i);
    for (let h = 0; h < n; h++) {
      const j = h + uniformIndex(next(), n - h);
      const t = order[j];
      order[j] = order[h];
      order[h] = t;
    }
    return order;
  }
  const order = new Int32Array(horizon);
  order[0] = uniformIndex(next(), n);
  for (let h = 1; h < horizon; h++) {
    if (method === 'iid') {
      order[h] = uniformIndex(next(), n);
    } else {
      const u = next() >>> 0;
      const restartBelow = (1 / blockLength) * 4294967296;
      order[h] = u < restartBelow ? Math.floor(u * (n / restartBelow)) : (order[h - 1] + 1) % n;
    }
  }
  return order;
}

export function monteCarloShardReference(task: MonteCarloShardTask): MonteCarloShardResult {
  const values = new Float64Array(task.trades, 0, task.n);
  // seedrandom's own generator, restored from the task's state: its int32() per draw.
  const [a, b, c, d] = task.rng;
  const prng = seedrandom.tychei('', { state: { a, b, c, d } });
  const next = (): number => prng.int32();
  const maxDrawdown = new Float64Array(task.paths);
  const finalEquity = new Float64Array(task.paths);
  const steps = task.recordSteps ?? [];
  const recordPaths = steps.length === 0 ? 0 : Math.min(task.paths, task.recordPaths ?? 0);
  const equityAtSteps = new Float64Array(recordPaths * steps.length);
  let breaches = 0;
  for (let p = 0; p < task.paths; p++) {
    const order = resamplePathIndices(next, task.method, task.n, task.horizon, task.blockLength);
    const out = walkEquityPath(values, order, task.unit, task.startEquity, task.rule, task.limit, p < recordPaths ? steps : []);
    if (out.breached) breaches++;
    maxDrawdown[p] = out.maxDrawdown;
    finalEquity[p] = out.finalEquity;
    if (p < recordPaths) equityAtSteps.set(out.equityAt, p * steps.length);
  }
  return { shardIndex: task.shardIndex, breaches, maxDrawdown, finalEquity, equityAtSteps };
}
