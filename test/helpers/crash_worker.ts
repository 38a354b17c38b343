/**
 * Test-only Piscina worker: Gauntlet's worker (workers/shard_worker.ts) with one fault
 * injected. When the pool's `workerData` is `{ crash: { kind, shardIndex, n } }`, a shard of
 * that kind and index whose input has n values (trades for monteCarlo) ends its worker thread
 * mid-task, as an out-of-memory kill or a native fault would: on a shard task and inside a
 * whole batch candidate alike. Tests pass it to a pool as `filename: crashWorkerFile()`
 * (test/helpers/crash.ts); production code never loads it. Compiled by `npm run build` to
 * dist/test/helpers/crash_worker.js.
 */
import { workerData } from 'node:worker_threads';
import type { KernelTable, ShardTask, ShardReply } from '../../src/engine/dispatch.js';
import { KERNELS } from '../../src/kernels/registry.js';
import type { CandidateOutcome, CandidateTask } from '../../src/pipeline/batch.js';
import { candidateEntry, shardReply } from '../../workers/shard_worker.js';
import { crashingKernels, type CrashSpec } from './crash.js';

const spec = (workerData as { crash?: CrashSpec } | null | undefined)?.crash;
const kernels: KernelTable = spec ? crashingKernels(KERNELS, spec) : KERNELS;

export default function crashWorker(task: ShardTask): ShardReply {
  return shardReply(kernels, task);
}

export async function candidate(task: CandidateTask): Promise<CandidateOutcome> {
  return candidateEntry(kernels, task);
}
