/**
 * The generator: seedrandom's `tychei` (Neves & Araujo's Tyche-i, 128-bit state), as a
 * 4-word state the coordinator derives once per shard and a kernel steps (docs/methodology.md,
 * "Determinism"). Kernels never seed: a shard task carries its starting state
 * (`shardRngState` in ./streams.ts), and the kernel copies it and steps the copy.
 *
 * The fast kernels do not call the seedrandom closure per draw (a function call per draw caps
 * throughput far below 200 M path-steps/s); they step the state inline on local variables with
 * exactly the arithmetic of `tycheiNext`. The reference twins call seedrandom's own `int32()`
 * on a generator restored from the same state, and the parity tests prove both give the same
 * stream.
 */
// The generator module alone: the package index would load all seven of seedrandom's generators.
import tychei from 'seedrandom/lib/tychei.js';

/** The generator's name as reports record it. */
export const GENERATOR = 'seedrandom.tychei';

/** The tychei state [a, b, c, d] after seeding with `seed`, as seedrandom computes it. O(1). */
export function tycheiState(seed: string): Int32Array {
  const prng = tychei(seed, { state: true });
  const s = prng.state();
  return Int32Array.of(s.a | 0, s.b | 0, s.c | 0, s.d | 0);
}

/**
 * One tychei step on a state array, returning the next int32. Identical to seedrandom's
 * `tychei` `next()`; hot loops inline this body on local variables instead of calling it. O(1).
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
 * any Monte Carlo error here. Hot loops inline the same expression. O(1).
 */
export function uniformIndex(int32: number, n: number): number {
  return Math.floor((int32 >>> 0) * n * INV_2_32);
}

/**
 * A uniform double in [0, 1) with 53 random bits from two steps of `state`:
 * ((u1 >>> 5) x 2^26 + (u2 >>> 6)) / 2^53 for consecutive draws u1, u2, the construction of
 * MT19937's genrand_res53 (Matsumoto & Nishimura 1998). Not seedrandom's `double()`, which
 * combines its two draws differently. Every multiple of 2^-53 in [0, 1) is equally likely. O(1).
 */
export function uniform53(state: Int32Array): number {
  const a = tycheiNext(state) >>> 5;
  const b = tycheiNext(state) >>> 6;
  return (a * 67108864 + b) / 9007199254740992;
}
