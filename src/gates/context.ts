import type { ShardExecutor } from '../engine/executor.js';

/** What a heavy gate needs besides its data and options: where to run shards, and the run seed. */
export interface GateContext {
  executor: ShardExecutor;
  seed: number;
  /** Memory budget in bytes the gate's plan is checked against before it allocates (default: half the machine's memory). */
  maxMemory?: number;
}
