/**
 * Piscina worker entry: thin and stateless. Typed-array views over the shared buffers are
 * built once per worker by the kernels' view cache; this file only dispatches the task to
 * the same `runShard` the in-process path uses, and returns a small plain reply.
 */
import { runShardSafe, type ShardTask, type ShardReply } from '../src/engine/dispatch.js';

export default function shardWorker(task: ShardTask): ShardReply {
  return runShardSafe(task);
}
