import type { ShardExecutor } from '../engine/executor.js';

/** What a heavy gate needs besides its data and options: where to run shards, and the run seed. */
export interface GateContext {
  executor: ShardExecutor;
  seed: number;
}
