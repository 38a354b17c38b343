/**
 * Shard dispatch: the single function both the in-process executor and a Piscina worker call.
 * The engine knows no kernel: it is handed a table from task kind to kernel (Gauntlet's own is
 * src/kernels/registry.ts) and looks each task up there. Kernels throw GauntletErrors for bad
 * input discovered mid-shard (e.g. a zero-variance half in CSCV); they come back as a plain
 * reply so code and exit code survive the thread hop.
 */
import { internalError, toGauntletError, type ErrorCode } from '../errors.js';

/**
 * What the engine reads of a shard task: the kind (its kernel) and its index in the gate's
 * shard order. The rest is the kernel's business: plain, structured-cloneable data plus
 * SharedArrayBuffers of read-only inputs.
 */
export interface ShardTask {
  readonly kind: string;
  readonly shardIndex: number;
}

/**
 * One kernel as the engine sees it. `run` computes a shard and returns its result as a value
 * (never by writing into a shared buffer). `work` is the shard's rough cost in inner-loop
 * element operations (path-steps, matrix cells, column evaluations), O(1): what an executor
 * needs to judge whether starting threads pays.
 */
export interface Kernel<T extends ShardTask = ShardTask> {
  run(task: T): unknown;
  work(task: T): number;
}

/** Task kind -> kernel. */
export type KernelTable = Readonly<Record<string, Kernel>>;

export type ShardReply =
  | { ok: true; result: unknown }
  | { ok: false; error: { code: ErrorCode; message: string; exitCode: number } };

function kernelFor(kernels: KernelTable, task: ShardTask): Kernel {
  const k = Object.hasOwn(kernels, task.kind) ? kernels[task.kind] : undefined;
  if (k === undefined) throw internalError(`no kernel for shard kind '${task.kind}'`);
  return k;
}

/** The shard's work estimate from its kernel. O(1). */
export function shardWork(kernels: KernelTable, task: ShardTask): number {
  return kernelFor(kernels, task).work(task);
}

/** Runs one shard on the calling thread; throws what the kernel throws. */
export function runShard(kernels: KernelTable, task: ShardTask): unknown {
  return kernelFor(kernels, task).run(task);
}

/** Runs one shard and turns a thrown error into a plain reply (what crosses the thread hop). */
export function runShardSafe(kernels: KernelTable, task: ShardTask): ShardReply {
  try {
    return { ok: true, result: runShard(kernels, task) };
  } catch (err) {
    const e = toGauntletError(err);
    return { ok: false, error: { code: e.code, message: e.message, exitCode: e.exitCode } };
  }
}
