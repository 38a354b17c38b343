import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { tycheiNext, tycheiState, uniform53, uniformIndex } from '../../src/rng/tychei.js';
import { shardRngState, shardRngWords, shardSeedString } from '../../src/rng/streams.js';

describe('shard seeding', () => {
  it('the inlined tychei step reproduces seedrandom.tychei exactly', () => {
    for (const seed of ['a', 'gauntlet/v1/42/monteCarlo/0', 'x'.repeat(100)]) {
      const ref = seedrandom.tychei(seed);
      const state = tycheiState(seed);
      for (let i = 0; i < 5000; i++) expect(tycheiNext(state)).toBe(ref.int32());
    }
  });

  it('a generator restored from a shard state continues the same stream (what the twins do)', () => {
    const words = shardRngWords(42, 'monteCarlo', 3);
    const [a, b, c, d] = words;
    const restored = seedrandom.tychei('', { state: { a, b, c, d } });
    const ref = seedrandom.tychei(shardSeedString(42, 'monteCarlo', 3));
    for (let i = 0; i < 1000; i++) expect(restored.int32()).toBe(ref.int32());
  });

  it('derives distinct streams per run seed, gate and shard index', () => {
    const first = (seed: number, gate: string, shard: number) => tycheiNext(shardRngState(seed, gate, shard));
    const draws = new Set([first(1, 'monteCarlo', 0), first(2, 'monteCarlo', 0), first(1, 'pbo', 0), first(1, 'monteCarlo', 1)]);
    expect(draws.size).toBe(4);
    expect(shardSeedString(7, 'pbo', 3)).toBe('gauntlet/v1/7/pbo/3');
  });

  it('is a pure function of its inputs (no global state)', () => {
    const a = shardRngState(42, 'monteCarlo', 5);
    tycheiNext(shardRngState(1, 'x', 0));
    expect(Array.from(shardRngState(42, 'monteCarlo', 5))).toEqual(Array.from(a));
    expect(shardRngWords(42, 'monteCarlo', 5)).toEqual(Array.from(a));
  });

  it('uniformIndex covers [0, n) and matches floor(u * n)', () => {
    expect(uniformIndex(0, 10)).toBe(0);
    expect(uniformIndex(-1, 10)).toBe(9); // 0xffffffff
    const ref = seedrandom.tychei('u');
    const s = tycheiState('u');
    for (let i = 0; i < 1000; i++) {
      const u = ref(); // (int32 >>> 0) / 2^32
      expect(uniformIndex(tycheiNext(s), 37)).toBe(Math.floor(u * 37));
    }
  });

  it('uniform53 takes two draws: 27 + 26 high bits, in [0, 1), on the 2^-53 grid', () => {
    const s = tycheiState('d');
    const ref = seedrandom.tychei('d');
    let lo = 1, hi = 0;
    for (let i = 0; i < 20_000; i++) {
      const u1 = ref.int32() >>> 0, u2 = ref.int32() >>> 0;
      const x = uniform53(s);
      expect(x).toBe((Math.floor(u1 / 32) * 2 ** 26 + Math.floor(u2 / 64)) / 2 ** 53);
      expect(Number.isInteger(x * 2 ** 53)).toBe(true);
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(lo).toBeLessThan(0.001);
    expect(hi).toBeLessThan(1);
    expect(hi).toBeGreaterThan(0.999);
  });
});
