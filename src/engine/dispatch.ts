/**
 * Shard dispatch: the single function both the in-process executor and the Piscina worker
 * call. Kernels throw GauntletErrors for bad input discovered mid-shard (e.g. a zero-variance
 * half in CSCV); they come back as a plain reply so code and exit code survive the thread hop.
 */
import { isMainThread } from 'node:worker_threads';
import { toGauntletError, type ErrorCode } from '../errors.js';
import { monteCarloShard, type MonteCarloShardTask } from '../kernels/drawdown_paths.js';
import { pboShard, type PboShardTask } from '../kernels/cscv.js';
import { walkForwardShard, type WalkForwardShardTask } from '../kernels/walk_forward_folds.js';

export type ShardTask = MonteCarloShardTask | PboShardTask | WalkForwardShardTask;

export type ShardReply =
  | { ok: true; result: unknown }
  | { ok: false; error: { code: ErrorCode; message: string; exitCode: number } };

/**
 * Rough work of a shard in inner-loop element operations (path-steps, matrix cells,
 * column evaluations): what an executor needs to judge whether starting threads pays. O(1).
 */
export function shardWork(task: ShardTask): number {
  switch (task.kind) {
    case 'monteCarlo':
      return task.paths * task.horizon;
    case 'pbo':
      // Per pair: a few block swaps plus metric, argmax and rank passes over N columns.
      return task.pairCount * task.N * 8;
    case 'walkForward':
      return task.phase === 'segment' ? (task.rowEnd - task.rowStart) * task.N : task.N * 4;
  }
}

export function runShard(task: ShardTask): unknown {
  switch (task.kind) {
    case 'monteCarlo':
      return monteCarloShard(task);
    case 'pbo':
      return pboShard(task);
    case 'walkForward':
      return walkForwardShard(task);
    default: {
      const never: never = task;
      throw new Error(`unknown shard kind ${(never as { kind: string }).kind}`);
    }
  }
}

/**
 * Fault injection for the crash tests, never set in production: when
 * GAUNTLET_FAULT_CRASH_SHARD is "<kind>:<shardIndex>:<n>", a shard of that kind and index
 * whose input has n values (trades for monteCarlo) ends its worker thread mid-task, as an
 * out-of-memory kill or a native fault would. Worker threads only: the main thread ignores it.
 */
const fault = isMainThread ? undefined : process.env.GAUNTLET_FAULT_CRASH_SHARD?.split(':');

export function runShardSafe(task: ShardTask): ShardReply {
  if (fault && task.kind === fault[0] && task.shardIndex === Number(fault[1]) && (task as { n?: number }).n === Number(fault[2])) {
    process.exit(70);
  }
  try {
    return { ok: true, result: runShard(task) };
  } catch (err) {
    const e = toGauntletError(err);
    return { ok: false, error: { code: e.code, message: e.message, exitCode: e.exitCode } };
  }
}
