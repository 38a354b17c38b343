// Scaffold owned by the pbo gate's author: replace with the real shard kernel.
import { internalError } from '../errors.js';

export interface PboShardTask {
  kind: 'pbo';
  shardIndex: number;
}
export type PboShardResult = Record<string, unknown>;

export function pboShard(task: PboShardTask): PboShardResult {
  throw internalError(`${task.kind} shard kernel missing`);
}
