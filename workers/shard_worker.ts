/**
 * Piscina worker entry: thin and stateless. Typed-array views over the shared buffers are
 * built once per worker by the kernels' view cache; this file only dispatches the task to
 * the same `runShard` the in-process path uses, and returns a small plain reply.
 */
import { runShardSafe, type ShardTask, type ShardReply } from '../src/engine/dispatch.js';

/**
 * Fault injection for the crash tests (never set in production): when
 * GAUNTLET_FAULT_CRASH_SHARD is "<kind>:<shardIndex>:<n>", a shard of that kind and index
 * whose input has n values (trades for monteCarlo) ends the worker thread mid-task, as an
 * out-of-memory kill or a native fault would.
 */
const fault = process.env.GAUNTLET_FAULT_CRASH_SHARD?.split(':');

export default function shardWorker(task: ShardTask): ShardReply {
  if (fault && task.kind === fault[0] && task.shardIndex === Number(fault[1]) && (task as { n?: number }).n === Number(fault[2])) {
    process.exit(70);
  }
  return runShardSafe(task);
}
