/**
 * A test ShardExecutor that models a pool's arbitrary completion order on one thread.
 *
 * Each `run` executes its tasks in a seeded random order (Fisher-Yates over the task
 * indices with seedrandom's tychei, seeded from (seed, call number)), yielding to the event
 * loop a seeded random number of times before each task, so the shards of concurrently
 * running gates (validateCandidate runs the four gates under one Promise.all) interleave
 * as they would on a pool. Results are structured-cloned, as the thread hop would clone
 * them, and returned in task order; a failed shard rethrows its GauntletError with the code,
 * message and exit code intact, the error of the lowest failing task index winning, as in
 * the real executors. Every task goes through `runShardSafe` with the kernel table, as in the
 * in-process executor and the worker.
 *
 * `executionOrders` records each call's execution order so tests can check that the order
 * really differed from task order. Cost: O(tasks) bookkeeping per run beyond the shards.
 */
import seedrandom from 'seedrandom';
import { GauntletError } from '../../src/errors.js';
import type { ShardExecutor } from '../../src/engine/executor.js';
import { runShardSafe, type KernelTable, type ShardReply, type ShardTask } from '../../src/engine/dispatch.js';
import { KERNELS } from '../../src/kernels/registry.js';

export interface ShuffledExecutorOptions {
  /** Most event-loop turns to yield before a task (seeded count in [0, maxYields]). Default 2. */
  maxYields?: number;
  /** Structured-clone each result, as a worker's reply is cloned. Default true. */
  cloneResults?: boolean;
  /** The kernel table (default: Gauntlet's, src/kernels/registry.ts). */
  kernels?: KernelTable;
}

/** A seeded permutation of 0..n-1 (Fisher-Yates, Durstenfeld's in-place form). O(n). */
export function seededPermutation(n: number, rng: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class ShuffledExecutor implements ShardExecutor {
  readonly workers = 0;
  /** Execution order of every `run` call so far, in call order. */
  readonly executionOrders: number[][] = [];
  private calls = 0;
  private readonly maxYields: number;
  private readonly cloneResults: boolean;
  private readonly kernels: KernelTable;

  constructor(
    readonly seed: string,
    options: ShuffledExecutorOptions = {},
  ) {
    this.maxYields = options.maxYields ?? 2;
    this.cloneResults = options.cloneResults ?? true;
    this.kernels = options.kernels ?? KERNELS;
  }

  async run<R>(tasks: readonly ShardTask[]): Promise<R[]> {
    const rng = seedrandom.tychei(`${this.seed}/${this.calls++}`);
    const order = seededPermutation(tasks.length, rng);
    this.executionOrders.push(order);
    const replies = new Array<ShardReply>(tasks.length);
    for (const i of order) {
      const turns = Math.floor(rng() * (this.maxYields + 1));
      for (let y = 0; y < turns; y++) await nextTurn();
      const reply = runShardSafe(this.kernels, tasks[i]);
      replies[i] = this.cloneResults ? structuredClone(reply) : reply;
    }
    return replies.map((reply) => {
      if (reply.ok) return reply.result as R;
      throw new GauntletError(reply.error.code, reply.error.message, reply.error.exitCode);
    });
  }

  async close(): Promise<void> {}
}
