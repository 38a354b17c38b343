/**
 * Shard streams (docs/methodology.md, "Determinism"): each shard's generator is seeded from
 * (run seed, gate name, shard index) through seedrandom, so a shard draws the same numbers
 * whichever worker runs it and however many workers there are. The coordinator (the gate)
 * derives a shard's starting state here and puts it in the shard's task; kernels only step it.
 */
import { tycheiState } from './tychei.js';

/** The generator's name, beside the seed scheme: together they say how a run's streams were made. */
export { GENERATOR } from './tychei.js';

/** Bumped when the mapping seed -> shard streams changes, so old reports are not replayed wrongly. */
export const SEED_SCHEME = 'gauntlet/v1';

/** The seed string of one shard's stream: "gauntlet/v1/<run seed>/<gate>/<shard index>". O(1). */
export function shardSeedString(runSeed: number, gate: string, shardIndex: number): string {
  return `${SEED_SCHEME}/${runSeed}/${gate}/${shardIndex}`;
}

/** The tychei state a shard starts from: tycheiState(shardSeedString(...)). O(1). */
export function shardRngState(runSeed: number, gate: string, shardIndex: number): Int32Array {
  return tycheiState(shardSeedString(runSeed, gate, shardIndex));
}

/** The same state as plain numbers, for a shard task (plain, serialisable data). O(1). */
export function shardRngWords(runSeed: number, gate: string, shardIndex: number): number[] {
  return Array.from(shardRngState(runSeed, gate, shardIndex));
}
