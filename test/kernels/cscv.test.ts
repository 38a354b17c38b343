import { describe, it, expect } from 'vitest';
import seedrandom from 'seedrandom';
import { computeBlockMoments, pboShard, PRECISION_GUARD, tieUnit, type PboShardTask } from '../../src/kernels/cscv.js';
import { cscvReference, type PboMetric } from '../twins/cscv_reference.js';
import { binomial } from '../../src/kernels/combinations.js';
import { averageRanks, averageRankOf } from '../../src/stats/rank.js';

interface Case { data: Float64Array; T: number; N: number; S: number; metric: PboMetric }

/** Noise with ties: duplicate columns, power-of-two scaled copies, zero-return stretches. */
function randomCase(seed: string, metric: PboMetric): Case {
  const rng = seedrandom(seed);
  const S = [2, 4, 6, 8, 10][Math.floor(rng() * 5)];
  const L = 2 + Math.floor(rng() * 8);
  const T = S * L + (rng() < 0.5 ? 0 : 3); // sometimes rows to skip at the start
  const N = 2 + Math.floor(rng() * 12);
  const data = new Float64Array(T * N);
  for (let i = 0; i < data.length; i++) data[i] = (rng() - 0.48) * 0.02;
  for (let n = 1; n < N; n++) {
    const kind = rng();
    const src = Math.floor(rng() * n);
    if (kind < 0.2) for (let t = 0; t < T; t++) data[t * N + n] = data[t * N + src];
    else if (kind < 0.35 && metric !== 'mean') for (let t = 0; t < T; t++) data[t * N + n] = 4 * data[t * N + src];
    else if (kind < 0.6) {
      const a = Math.floor(rng() * T), len = Math.floor(rng() * L * 1.5);
      for (let t = a; t < Math.min(T, a + len); t++) data[t * N + n] = 0;
    }
  }
  return { data, T, N, S, metric };
}

function task(c: Case, pairStart: number, pairCount: number, pairs: number[] | null = null): PboShardTask {
  const rowOffset = c.T % c.S, L = (c.T - rowOffset) / c.S;
  const returns = new SharedArrayBuffer(c.data.length * 8);
  new Float64Array(returns).set(c.data);
  const moments = computeBlockMoments(c.data, c.N, rowOffset, c.S, L);
  return {
    kind: 'pbo', shardIndex: 0, returns, moments, T: c.T, N: c.N,
    rowOffset, S: c.S, blockRows: L, metric: c.metric, ties: 'first', tieUnit: tieUnit(new Float64Array(moments), c.S, c.N, L, c.metric),
    pairStart, pairCount, pairs, gridLo: -1, gridInvWidth: 10, gridBins: 20,
  };
}

function reference(c: Case, ranks: number[]) {
  const rowOffset = c.T % c.S;
  return cscvReference({ data: c.data, N: c.N, rowOffset, S: c.S, blockRows: (c.T - rowOffset) / c.S, metric: c.metric }, ranks);
}

describe('average ranks', () => {
  it('averages ties like scipy.stats.rankdata', () => {
    expect(Array.from(averageRanks([3, 1, 4, 1, 5, 9, 2, 6, 5]))).toEqual([4, 1.5, 5, 1.5, 6.5, 9, 3, 8, 6.5]);
    expect(averageRankOf([3, 1, 4, 1, 5, 9, 2, 6, 5], 4)).toBe(6.5);
    expect(averageRankOf([0, -0, 0], 1)).toBe(2);
  });
});

describe('fast CSCV kernel = reference kernel', () => {
  for (const metric of ['sharpe', 'mean', 'sortino'] as const) {
    it(`identical n*, OOS ranks and PBO on 150 random matrices with ties and zero stretches (${metric})`, () => {
      let tried = 0;
      for (let i = 0; tried < 150; i++) {
        const c = randomCase(`parity-${metric}-${i}`, metric);
        const P = binomial(c.S, c.S / 2) / 2;
        let fast;
        try {
          fast = pboShard(task(c, 0, P));
        } catch (e) {
          // undefined metric on a half (zero stretch): the reference must refuse the same matrix
          expect(() => reference(c, Array.from({ length: 2 * P }, (_, r) => r))).toThrow(/blocks/);
          continue;
        }
        tried++;
        const ref = reference(c, Array.from(fast.rank));
        expect(Array.from(fast.nStar)).toEqual(Array.from(ref.nStar));
        expect(Array.from(fast.oosRank)).toEqual(Array.from(ref.oosRank));
        for (let j = 0; j < fast.rank.length; j++) {
          expect(Math.abs(fast.isMetric[j] - ref.isMetric[j])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(ref.isMetric[j])));
          expect(Math.abs(fast.oosMetric[j] - ref.oosMetric[j])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(ref.oosMetric[j])));
        }
        const pbo = (r: ArrayLike<number>) => Array.from(r).filter((x) => Math.log(x / (c.N + 1) / (1 - x / (c.N + 1))) <= 0).length;
        expect(pbo(fast.oosRank)).toBe(pbo(ref.oosRank));
        expect(new Set(fast.rank).size).toBe(2 * P); // every combination exactly once
      }
    });
  }

  it('a half whose mean sits far from the column mean takes the guarded path and still matches', () => {
    const T = 64, N = 4, S = 8, L = 8;
    const rng = seedrandom('guard');
    const data = new Float64Array(T * N);
    for (let t = 0; t < T; t++) for (let n = 0; n < N; n++) data[t * N + n] = (rng() - 0.5) * 0.01;
    // column 2: first half near +1 with a tiny spread, second half near -1: sum d^2 >> half variance
    for (let t = 0; t < T; t++) data[t * N + 2] = (t < 32 ? 1 : -1) + (rng() - 0.5) * 1e-5;
    const c: Case = { data, T, N, S, metric: 'sharpe' };
    const v = (1e-5 ** 2) / 12, s2 = 1; // per-row variance vs squared distance to the column mean
    expect(v / s2).toBeLessThan(PRECISION_GUARD);
    const fast = pboShard(task(c, 0, binomial(S, S / 2) / 2));
    const ref = reference(c, Array.from(fast.rank));
    expect(Array.from(fast.nStar)).toEqual(Array.from(ref.nStar));
    expect(Array.from(fast.oosRank)).toEqual(Array.from(ref.oosRank));
    expect(L).toBe(8);
  });

  it('shards that start mid-walk and sampled pair lists give the same answers as one walk', () => {
    const c = randomCase('shards', 'sharpe');
    const big: Case = { ...c, S: 12, T: 12 * 6, N: 9, data: new Float64Array(72 * 9).map((_, i) => Math.sin(i * 12.9898) * 0.01) };
    const P = binomial(12, 6) / 2;
    const whole = pboShard(task(big, 0, P));
    const a = pboShard(task(big, 0, 100)), b = pboShard(task(big, 100, P - 100));
    expect([...a.nStar, ...b.nStar]).toEqual(Array.from(whole.nStar));
    expect([...a.oosRank, ...b.oosRank]).toEqual(Array.from(whole.oosRank));
    const picks = [3, 4, 90, 91, 200, 461];
    const s = pboShard(task(big, 0, picks.length, picks));
    picks.forEach((p, i) => {
      expect(s.nStar[2 * i]).toBe(whole.nStar[2 * p]);
      expect(s.oosRank[2 * i + 1]).toBe(whole.oosRank[2 * p + 1]);
    });
    expect(whole.poolCounts.reduce((x, y) => x + y, 0)).toBe(2 * P * big.N);
  });
});
