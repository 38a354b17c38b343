/**
 * Fault injection for the crash tests, through the executor (production code has no hook):
 * a pool on the test-only worker (crash_worker.ts) whose kernel table ends the thread on one
 * chosen shard. Use: `new PoolExecutor(2, crashPoolOptions({ kind: 'monteCarlo', shardIndex:
 * 0, n: 130 }))` (src/runtime.ts).
 */
import { isMainThread } from 'node:worker_threads';
import { join } from 'node:path';
import type { KernelTable, ShardTask } from '../../src/engine/dispatch.js';
import { packageRoot } from '../../src/engine/package_root.js';

/** The shard to crash on: its kind, index, and input size `n` (so only one candidate's shard matches). */
export interface CrashSpec {
  kind: string;
  shardIndex: number;
  n: number;
}

/** The compiled crash worker (`npm run build`). */
export function crashWorkerFile(): string {
  return join(packageRoot(), 'dist', 'test', 'helpers', 'crash_worker.js');
}

/**
 * Pool options for a pool on the crash worker: the spec reaches the threads as workerData, and
 * minPoolWork 0 makes even a small job use the threads (where the crash happens).
 */
export function crashPoolOptions(crash: CrashSpec): { filename: string; workerData: { crash: CrashSpec }; minPoolWork: number } {
  return { filename: crashWorkerFile(), workerData: { crash }, minPoolWork: 0 };
}

/** `kernels` with the kernel of spec.kind ending its worker thread (exit code 70) on the matching shard. */
export function crashingKernels(kernels: KernelTable, spec: CrashSpec): KernelTable {
  const k = kernels[spec.kind];
  const matches = (t: ShardTask): boolean => t.shardIndex === spec.shardIndex && (t as { n?: number }).n === spec.n;
  return {
    ...kernels,
    [spec.kind]: {
      run: (t: ShardTask) => {
        if (matches(t)) {
          // On the main thread process.exit would end the test run itself, not a worker.
          if (isMainThread) throw new Error('crash injection runs on worker threads only');
          process.exit(70);
        }
        return k.run(t);
      },
      work: (t: ShardTask) => k.work(t),
    },
  };
}
