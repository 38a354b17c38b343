/**
 * Gauntlet's kernel table: task kind -> shard function and its work estimate. The engine
 * imports no kernel; the executors (src/runtime.ts) and the worker (workers/shard_worker.ts)
 * are handed this table and look every task up in it. A new kernel is one line here.
 *
 * Work is a shard's rough cost in inner-loop element operations (what the executor compares
 * with minPoolWork to decide whether starting threads pays), O(1) each.
 */
import type { KernelTable } from '../engine/dispatch.js';
import { monteCarloShard, type MonteCarloShardTask } from './drawdown_paths.js';
import { pboShard, type PboShardTask } from './cscv.js';
import { walkForwardShard, type WalkForwardShardTask } from './walk_forward_folds.js';

/** Every shard task Gauntlet's gates build. */
export type KernelTask = MonteCarloShardTask | PboShardTask | WalkForwardShardTask;

export const KERNELS = {
  /** Path-steps. */
  monteCarlo: { run: monteCarloShard, work: (t: MonteCarloShardTask): number => t.paths * t.horizon },
  /** Per pair: a few block swaps plus metric, argmax and rank passes over N columns. */
  pbo: { run: pboShard, work: (t: PboShardTask): number => t.pairCount * t.N * 8 },
  /** Segment: the cells read; fold: a few passes over the N columns. */
  walkForward: {
    run: walkForwardShard,
    work: (t: WalkForwardShardTask): number => (t.phase === 'segment' ? (t.rowEnd - t.rowStart) * t.N : t.N * 4),
  },
} satisfies KernelTable;
