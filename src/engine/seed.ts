/**
 * Shard seeding (SPEC 3). Each shard's generator is seeded from (run seed, gate name,
 * shard index) through seedrandom, so a shard draws the same numbers whichever worker runs
 * it and however many workers there are.
 *
 * The generator is seedrandom's `tychei` (Neves & Araujo's Tyche-i, 128-bit state). The
 * fast kernels do not call the seedrandom closure per draw (a function call per draw caps
 * throughput far below the brief's 200 M path-steps/s); they take the seeded 4-word state
 * from `tycheiState()` and step it inline with the exact same arithmetic. The reference
 * twins call `seedrandom.tychei(seed).int32()` instead, and the parity tests prove both
 * produce the same stream.
 */
// The generator module alone: the package index would load all seven of seedrandom's generators.
import tychei from 'seedrandom/lib/tychei.js';
import type { GateName } from '../gates/types.js';

export const GENERATOR = 'seedrandom.tychei';
/** Bumped when the mapping seed -> shard streams changes, so old reports are not replayed wrongly. */
export const SEED_SCHEME = 'gauntlet/v1';

export function shardSeedString(runSeed: number, gate: GateName | string, shardIndex: number): string {
  return `${SEED_SCHEME}/${runSeed}/${gate}/${shardIndex}`;
}

/** The tychei state [a, b, c, d] after seeding with `seed`, as seedrandom computes it. */
export function tycheiState(seed: string): Int32Array {
  const prng = tychei(seed, { state: true });
  const s = prng.state();
  return Int32Array.of(s.a | 0, s.b | 0, s.c | 0, s.d | 0);
}

export function shardRngState(runSeed: number, gate: GateName | string, shardIndex: number): Int32Array {
  return tycheiState(shardSeedString(runSeed, gate, shardIndex));
}

/**
 * One tychei step on a state array, returning the next int32. Identical to seedrandom's
 * `tychei` `next()`; hot loops inline this body on local variables instead of calling it.
 */
export function tycheiNext(s: Int32Array): number {
  let a = s[0], b = s[1], c = s[2], d = s[3];
  b = (b << 25) ^ (b >>> 7) ^ c;
  c = (c - d) | 0;
  d = (d << 24) ^ (d >>> 8) ^ a;
  a = (a - b) | 0;
  b = (b << 20) ^ (b >>> 12) ^ c;
  c = (c - d) | 0;
  d = (d << 16) ^ (c >>> 16) ^ a;
  a = (a - b) | 0;
  s[0] = a; s[1] = b; s[2] = c; s[3] = d;
  return a;
}

/** 2^-32: maps an unsigned 32-bit draw to [0, 1) exactly as seedrandom's prng() does. */
export const INV_2_32 = 2.3283064365386963e-10;

/**
 * Uniform index in [0, n) from one 32-bit draw: floor(u32 * n / 2^32). Exact in float64
 * for n < 2^21; the bias is at most n / 2^32 (below 5e-4 relative for n = 2^21), far under
 * any Monte Carlo error here. Hot loops inline the same expression.
 */
export function uniformIndex(int32: number, n: number): number {
  return Math.floor((int32 >>> 0) * n * INV_2_32);
}
