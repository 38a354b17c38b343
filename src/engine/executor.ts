/**
 * Runs a gate's shards, in-process or on a Piscina pool, and returns their results in
 * shard order whatever order they complete in (SPEC 3: merge in shard-index order).
 *
 * Gates build the shard tasks (fixed sizes, never derived from the worker count) and merge
 * the results; the executor only moves them. The same `runShard` runs in both paths.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { internalError, toGauntletError, workerCrash, GauntletError } from '../errors.js';
import { runShardSafe, type ShardTask, type ShardReply } from './dispatch.js';

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

/** Runs every shard on the calling thread, one after the other. */
export class InProcessExecutor implements ShardExecutor {
  readonly workers = 0;
  async run<R>(tasks: readonly ShardTask[]): Promise<R[]> {
    return tasks.map((t) => unwrap<R>(runShardSafe(t)));
  }
  async close(): Promise<void> {}
}

/** The package root: the nearest folder above this module holding our package.json. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        if (JSON.parse(readFileSync(pj, 'utf8')).name === 'gauntlet') return dir;
      } catch {
        /* keep walking */
      }
    }
    const up = dirname(dir);
    if (up === dir) throw internalError('cannot find the gauntlet package root');
    dir = up;
  }
}

/** The compiled worker entry. Tests and the CLI both use the compiled file (`npm run build`). */
export function workerFile(): string {
  const file = join(packageRoot(), 'dist', 'workers', 'shard_worker.js');
  if (!existsSync(file)) throw internalError(`worker file ${file} is missing: run 'npm run build'`);
  return file;
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** A fixed-size Piscina pool; created once and reused across gates and candidates. */
export class PoolExecutor implements ShardExecutor {
  readonly workers: number;
  private readonly pool: Piscina;
  constructor(workers: number) {
    this.workers = workers;
    this.pool = new Piscina({
      filename: workerFile(),
      minThreads: workers,
      maxThreads: workers,
      // Keep threads alive across gates and batch candidates: their typed-array views are cached.
      idleTimeout: 60_000,
      // No maxQueue: Piscina's default queue is unbounded, and a gate submits all its shards
      // at once (many times the thread count); 'auto' would refuse past threads^2 tasks.
    });
  }
  async run<R>(tasks: readonly ShardTask[]): Promise<R[]> {
    const replies = await Promise.all(
      tasks.map((t) =>
        this.pool.run(t).catch((err: unknown) => {
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
      return (await this.pool.run(task, { name })) as R;
    } catch (err) {
      const e = toGauntletError(err);
      throw e.code === 'E_INTERNAL' ? workerCrash(`${name} task: ${e.message}`) : e;
    }
  }
  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

/** `workers` 0 = in-process; N >= 1 = a pool of N threads. */
export function createExecutor(workers: number): ShardExecutor {
  return workers === 0 ? new InProcessExecutor() : new PoolExecutor(workers);
}
