/**
 * Piscina worker entry: thin and stateless. Typed-array views over the shared buffers are
 * built once per worker by the kernels' view cache; the default export only dispatches a
 * shard to the same `runShard` the in-process path uses, and returns a small plain reply.
 */
import { runShardSafe, type ShardTask, type ShardReply } from '../src/engine/dispatch.js';
import type { CandidateTask, JournalEntry } from '../src/pipeline/batch.js';

export default function shardWorker(task: ShardTask): ShardReply {
  return runShardSafe(task);
}

/**
 * Batch mode (`name: 'candidate'`): one whole small candidate, its shards run in-process on
 * this thread. Loaded on first use, so shard-only pools never import the pipeline.
 */
export async function candidate(task: CandidateTask): Promise<JournalEntry> {
  const [{ journalEntryFor }, { InProcessExecutor }] = await Promise.all([import('../src/pipeline/batch.js'), import('../src/engine/executor.js')]);
  return journalEntryFor(task.base, task.dir, task.seed, task.policy, new InProcessExecutor(), task.maxMemory);
}
