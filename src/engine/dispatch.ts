/**
 * Shard dispatch: the single function both the in-process executor and the Piscina worker
 * call. Kernels throw GauntletErrors for bad input discovered mid-shard (e.g. a zero-variance
 * half in CSCV); they come back as a plain reply so code and exit code survive the thread hop.
 */
import { toGauntletError, type ErrorCode } from '../errors.js';
import { monteCarloShard, type MonteCarloShardTask } from '../kernels/drawdown_paths.js';
import { pboShard, type PboShardTask } from '../kernels/cscv.js';
import { walkForwardShard, type WalkForwardShardTask } from '../kernels/walk_forward_folds.js';

export type ShardTask = MonteCarloShardTask | PboShardTask | WalkForwardShardTask;

export type ShardReply =
  | { ok: true; result: unknown }
  | { ok: false; error: { code: ErrorCode; message: string; exitCode: number } };

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

export function runShardSafe(task: ShardTask): ShardReply {
  try {
    return { ok: true, result: runShard(task) };
  } catch (err) {
    const e = toGauntletError(err);
    return { ok: false, error: { code: e.code, message: e.message, exitCode: e.exitCode } };
  }
}
