/**
 * Runs a gate's shards, in-process or on a Piscina pool, and returns their results in
 * shard order whatever order they complete in (docs/methodology.md, "Determinism and
 * sharding": merge in shard-index order).
 *
 * Gates build the shard tasks (fixed sizes, never derived from the worker count) and merge
 * the results; the executor only moves them. It imports no kernel: the kernel table it runs
 * tasks with (and the worker file, whose own table must match) are handed in. src/runtime.ts
 * builds executors with Gauntlet's kernels and worker.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import type { Piscina as PiscinaPool } from 'piscina';
import { ExitCode, internalError, toGauntletError, workerCrash, GauntletError } from '../errors.js';
import { runShardSafe, shardWork, type KernelTable, type ShardTask, type ShardReply } from './dispatch.js';
import { packageRoot } from './package_root.js';

export { packageRoot };
export type { Kernel, KernelTable, ShardTask, ShardReply } from './dispatch.js';

export interface ShardExecutor {
  /** 0 = in-process (no pool); otherwise the number of pool threads. */
  readonly workers: number;
  run<R>(tasks: readonly ShardTask[]): Promise<R[]>;
  close(): Promise<void>;
}

function unwrap<R>(reply: ShardReply): R {
  if (reply.ok) return reply.result as R;
  throw new GauntletError(reply.error.code, reply.error.message, reply.error.exitCode);
}

/** Thrown at the next shard boundary once the run's abort signal fires (exit 130). */
function interrupted(): GauntletError {
  return new GauntletError('E_INTERRUPTED', 'interrupted', ExitCode.interrupted);
}

/**
 * Shards on the calling thread, one after the other. With an abort signal (batch runs), it
 * yields to the event loop between shards and stops at the next boundary once aborted: a
 * run on the main thread would otherwise block the event loop, and SIGINT/SIGTERM handlers
 * would only run after the whole candidate. Results are the same either way.
 */
async function runInProcess<R>(kernels: KernelTable, tasks: readonly ShardTask[], signal: AbortSignal | undefined): Promise<R[]> {
  if (!signal) return tasks.map((t) => unwrap<R>(runShardSafe(kernels, t)));
  const out: R[] = [];
  for (const t of tasks) {
    if (signal.aborted) throw interrupted();
    out.push(unwrap<R>(runShardSafe(kernels, t)));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (signal.aborted) throw interrupted();
  return out;
}

/** Runs every shard on the calling thread, one after the other, with the given kernels. */
export class InProcessExecutor implements ShardExecutor {
  readonly workers = 0;
  constructor(readonly kernels: KernelTable, private readonly opts: { signal?: AbortSignal } = {}) {}
  async run<R>(tasks: readonly ShardTask[]): Promise<R[]> {
    return runInProcess<R>(this.kernels, tasks, this.opts.signal);
  }
  async close(): Promise<void> {}
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

export interface PoolOptions {
  /**
   * The worker entry file (compiled JavaScript). Its default export takes a shard task and
   * returns a ShardReply, running the same kernels as `kernels` (see workers/shard_worker.ts);
   * other named exports serve `runNamed`.
   */
  filename: string;
  /** The kernels: for the work estimates, and for the runs that stay in-process (minPoolWork). */
  kernels: KernelTable;
  /**
   * Configuration for a custom worker file, handed to every thread as its
   * `worker_threads.workerData` (Piscina's `workerData` option). Gauntlet's worker ignores it.
   */
  workerData?: unknown;
  /**
   * Start the threads only for a run whose total shard work (`shardWork`) reaches this; a
   * smaller run before the pool exists goes in-process, since starting and warming threads
   * would cost more than it saves. 0 (the library default) always uses the pool; the CLI
   * passes SMALL_JOB_WORK. Once started, the pool takes every run. Results are identical
   * either way, so this changes speed only.
   */
  minPoolWork?: number;
  /** Aborts runs made on the calling thread between shards (see InProcessExecutor). */
  signal?: AbortSignal;
}

/** A fixed-size Piscina pool, started on first use and reused across gates and candidates. */
export class PoolExecutor implements ShardExecutor {
  readonly workers: number;
  private pool: PiscinaPool | null = null;
  private readonly minPoolWork: number;
  private readonly signal: AbortSignal | undefined;
  private readonly filename: string;
  private readonly workerData: unknown;
  readonly kernels: KernelTable;
  constructor(workers: number, opts: PoolOptions) {
    this.workers = workers;
    this.filename = opts.filename;
    this.workerData = opts.workerData;
    this.kernels = opts.kernels;
    this.minPoolWork = opts.minPoolWork ?? 0;
    this.signal = opts.signal;
    if (this.minPoolWork <= 0) this.start();
  }
  /** Whether the threads have been started. */
  get started(): boolean {
    return this.pool !== null;
  }
  private start(): PiscinaPool {
    if (this.pool) return this.pool;
    // Loaded on first use: an in-process run (--workers 0) never pays for importing it.
    const { Piscina } = createRequire(import.meta.url)('piscina') as typeof import('piscina');
    if (!existsSync(this.filename)) throw internalError(`worker file ${this.filename} is missing: run 'npm run build'`);
    this.pool = new Piscina({
      filename: this.filename,
      workerData: this.workerData,
      minThreads: this.workers,
      maxThreads: this.workers,
      // Keep threads alive across gates and batch candidates: their typed-array views are cached.
      idleTimeout: 60_000,
      // No maxQueue: Piscina's default queue is unbounded, and a gate submits all its shards
      // at once (many times the thread count); 'auto' would refuse past threads^2 tasks.
    });
    return this.pool;
  }
  async run<R>(tasks: readonly ShardTask[]): Promise<R[]> {
    if (this.pool === null) {
      let work = 0;
      for (const t of tasks) work += shardWork(this.kernels, t);
      if (work < this.minPoolWork) return runInProcess<R>(this.kernels, tasks, this.signal);
    }
    const pool = this.start();
    const replies = await Promise.all(
      tasks.map((t) =>
        pool.run(t).catch((err: unknown) => {
          // A task rejected by Piscina itself means the worker died (process.exit, OOM, ...).
          const e = toGauntletError(err);
          throw e.code === 'E_INTERNAL' ? workerCrash(`shard ${t.kind}#${t.shardIndex}: ${e.message}`) : e;
        }),
      ),
    );
    return replies.map((r) => unwrap<R>(r as ShardReply));
  }
  /**
   * Run one task on a named export of the worker file (e.g. a whole batch candidate); a
   * rejection here means the worker died, as for shards.
   */
  async runNamed<R>(name: string, task: unknown): Promise<R> {
    try {
      return (await this.start().run(task, { name })) as R;
    } catch (err) {
      const e = toGauntletError(err);
      throw e.code === 'E_INTERNAL' ? workerCrash(`${name} task: ${e.message}`) : e;
    }
  }
  async close(): Promise<void> {
    await this.pool?.destroy();
  }
}

/** `workers` 0 = in-process; N >= 1 = a pool of N threads. */
export function createExecutor(workers: number, opts: PoolOptions): ShardExecutor {
  return workers === 0 ? new InProcessExecutor(opts.kernels, { signal: opts.signal }) : new PoolExecutor(workers, opts);
}
