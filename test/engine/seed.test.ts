import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { shardRngState, shardSeedString, tycheiNext, tycheiState, uniformIndex } from '../../src/engine/seed.js';

describe('shard seeding', () => {
  it('the inlined tychei step reproduces seedrandom.tychei exactly', () => {
    for (const seed of ['a', 'gauntlet/v1/42/monteCarlo/0', 'x'.repeat(100)]) {
      const ref = seedrandom.tychei(seed);
      const state = tycheiState(seed);
      for (let i = 0; i < 5000; i++) expect(tycheiNext(state)).toBe(ref.int32());
    }
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
});
