/**
 * The engine wired to Gauntlet's own kernels (src/kernels/registry.ts) and worker
 * (workers/shard_worker.ts): what the CLI, batch, the benchmarks and most tests use. The
 * engine itself (src/engine) imports no kernel; a caller with other kernels or another
 * worker file builds its executors from src/engine/executor.ts directly.
 */
import { join } from 'node:path';
import {
  InProcessExecutor as EngineInProcessExecutor,
  PoolExecutor as EnginePoolExecutor,
  createExecutor as engineCreateExecutor,
  packageRoot,
  type PoolOptions,
  type ShardExecutor,
} from './engine/executor.js';
import { KERNELS } from './kernels/registry.js';

export { KERNELS, type KernelTask } from './kernels/registry.js';
export { defaultWorkers, packageRoot, type ShardExecutor } from './engine/executor.js';

/** Pool options with Gauntlet's defaults: its kernel table and its compiled worker. */
export type RuntimePoolOptions = Partial<PoolOptions>;

/** Gauntlet's compiled worker entry (`npm run build` makes it); the pool checks it exists when it starts. */
export function workerFile(): string {
  return join(packageRoot(), 'dist', 'workers', 'shard_worker.js');
}

function withDefaults(opts: RuntimePoolOptions): PoolOptions {
  return { ...opts, kernels: opts.kernels ?? KERNELS, filename: opts.filename ?? workerFile() };
}

/** In-process executor running Gauntlet's kernels. */
export class InProcessExecutor extends EngineInProcessExecutor {
  constructor(opts: { signal?: AbortSignal } = {}) {
    super(KERNELS, opts);
  }
}

/** Piscina pool running Gauntlet's kernels on its worker (or the `filename` given, with its `kernels`). */
export class PoolExecutor extends EnginePoolExecutor {
  constructor(workers: number, opts: RuntimePoolOptions = {}) {
    super(workers, withDefaults(opts));
  }
}

/** `workers` 0 = in-process; N >= 1 = a pool of N threads; Gauntlet's kernels and worker unless given. */
export function createExecutor(workers: number, opts: RuntimePoolOptions = {}): ShardExecutor {
  return engineCreateExecutor(workers, withDefaults(opts));
}
