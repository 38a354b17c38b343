// Scaffold owned by the monteCarlo gate's author: replace with the real shard kernel.
import { internalError } from '../errors.js';

export interface MonteCarloShardTask {
  kind: 'monteCarlo';
  shardIndex: number;
}
export type MonteCarloShardResult = Record<string, unknown>;

export function monteCarloShard(task: MonteCarloShardTask): MonteCarloShardResult {
  throw internalError(`${task.kind} shard kernel missing`);
}
