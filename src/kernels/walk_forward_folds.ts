// Scaffold owned by the walkForward gate's author: replace with the real shard kernel.
import { internalError } from '../errors.js';

export interface WalkForwardShardTask {
  kind: 'walkForward';
  shardIndex: number;
}
export type WalkForwardShardResult = Record<string, unknown>;

export function walkForwardShard(task: WalkForwardShardTask): WalkForwardShardResult {
  throw internalError(`${task.kind} shard kernel missing`);
}
