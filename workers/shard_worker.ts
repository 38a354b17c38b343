/**
 * Piscina worker entry: thin and stateless. Typed-array views over the shared buffers are
 * built once per worker by the kernels' view cache; the default export only looks a shard up
 * in the kernel table (src/kernels/registry.ts) with the same `runShardSafe` the in-process
 * executor uses, and returns a small plain reply.
 *
 * `shardReply` and `candidateEntry` take the kernel table as an argument so that another
 * worker file can wrap this one with different kernels (the tests' crash worker does).
 */
import { runShardSafe, type KernelTable, type ShardTask, type ShardReply } from '../src/engine/dispatch.js';
import { KERNELS } from '../src/kernels/registry.js';
import type { CandidateOutcome, CandidateTask } from '../src/pipeline/batch.js';

export function shardReply(kernels: KernelTable, task: ShardTask): ShardReply {
  return runShardSafe(kernels, task);
}

/** A whole batch candidate validated on this thread, its shards run in-process with `kernels` (its report JSON too when the task asks). */
export async function candidateEntry(kernels: KernelTable, task: CandidateTask): Promise<CandidateOutcome> {
  // Loaded on first use, so shard-only pools never import the pipeline.
  const [{ candidateOutcome }, { InProcessExecutor }] = await Promise.all([import('../src/pipeline/batch.js'), import('../src/engine/executor.js')]);
  return candidateOutcome(task.base, task.dir, task.seed, task.policy, new InProcessExecutor(kernels), task.maxMemory, undefined, task.withReport === true);
}

export default function shardWorker(task: ShardTask): ShardReply {
  return shardReply(KERNELS, task);
}

/** Batch mode (`name: 'candidate'`): one whole small candidate, its shards run in-process on this thread. */
export async function candidate(task: CandidateTask): Promise<CandidateOutcome> {
  return candidateEntry(KERNELS, task);
}
