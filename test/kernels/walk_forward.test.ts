import { describe, it, expect } from 'vitest';
import seedrandom from 'seedrandom';
import { makeReturnsMatrix, type ReturnsMatrix } from '../../src/io/types.js';
import { walkForwardWindows, windowEdges } from '../../src/gates/walk_forward/windows.js';
import { segmentMoments, prefixMoments, prefixMomentsLength, windowMoments } from '../../src/kernels/prefix_moments.js';
import { walkForwardReference } from '../twins/walk_forward_reference.js';
import { walkForwardGate, type WalkForwardDetails } from '../../src/gates/walk_forward/gate.js';
import { InProcessExecutor } from '../../src/runtime.js';
import { walkForwardSegmentShard, type WalkForwardSegmentTask } from '../../src/kernels/walk_forward_folds.js';
import { walkForwardOptionsSchema } from '../../src/gates/walk_forward/options.js';

/** T x N Gaussian-ish returns (sum of uniforms), each column with its own drift and scale. */
function randomMatrix(rng: () => number, T: number, N: number, offset = 0): ReturnsMatrix {
  const drift = Array.from({ length: N }, () => (rng() - 0.45) * 0.002);
  const scale = Array.from({ length: N }, () => 0.005 + rng() * 0.02);
  const flat = new Float64Array(T * N);
  for (let t = 0; t < T; t++) {
    for (let n = 0; n < N; n++) flat[t * N + n] = offset + drift[n] + scale[n] * (rng() + rng() + rng() - 1.5);
  }
  return makeReturnsMatrix(flat, { T, N });
}

function twoPass(m: ReturnsMatrix, start: number, end: number, n: number): { mean: number; m2: number } {
  let s = 0;
  for (let t = start; t < end; t++) s += m.data[t * m.N + n];
  const mean = s / (end - start);
  let m2 = 0;
  for (let t = start; t < end; t++) m2 += (m.data[t * m.N + n] - mean) ** 2;
  return { mean, m2 };
}

function rel(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);
}

describe('walkForwardWindows', () => {
  it('rolling windows follow the window formulas exactly, with the gap and unused rows', () => {
    // T = 30, K = 3, r = 2, g = 2: L = floor(28 / 5) = 5, unused = 30 - 25 - 2 = 3.
    const p = walkForwardWindows(30, 3, 2, 2, 'rolling');
    expect(p.oosLength).toBe(5);
    expect(p.unusedRows).toBe(3);
    expect(p.windows).toEqual([
      { fold: 1, isStart: 3, isEnd: 13, oosStart: 15, oosEnd: 20 },
      { fold: 2, isStart: 8, isEnd: 18, oosStart: 20, oosEnd: 25 },
      { fold: 3, isStart: 13, isEnd: 23, oosStart: 25, oosEnd: 30 },
    ]);
    expect(windowEdges(p)).toEqual([3, 8, 13, 15, 18, 20, 23, 25, 30]);
  });

  it('anchored windows share the first row and grow', () => {
    const p = walkForwardWindows(30, 3, 2, 2, 'anchored');
    expect(p.windows.map((w) => [w.isStart, w.isEnd, w.oosStart, w.oosEnd])).toEqual([
      [3, 13, 15, 20],
      [3, 18, 20, 25],
      [3, 23, 25, 30],
    ]);
  });

  it('the last OOS window ends at T and OOS windows tile [T - K L, T)', () => {
    const p = walkForwardWindows(1003, 7, 4, 0, 'rolling');
    expect(p.windows[p.windows.length - 1].oosEnd).toBe(1003);
    for (let i = 1; i < p.windows.length; i++) expect(p.windows[i].oosStart).toBe(p.windows[i - 1].oosEnd);
    expect(p.windows[0].oosStart).toBe(1003 - 7 * p.oosLength);
    expect(p.windows[0].isStart).toBe(p.unusedRows);
  });

  it('rejects K < 1, too few rows for K folds, and windows shorter than 2 rows', () => {
    expect(() => walkForwardWindows(100, 0, 4, 0, 'rolling')).toThrow(/folds K must be an integer >= 1/);
    expect(() => walkForwardWindows(9, 6, 4, 0, 'rolling')).toThrow(/fewer than 6 full folds fit/);
    expect(() => walkForwardWindows(12, 6, 4, 3, 'rolling')).toThrow(/fewer than 6 full folds fit/);
    expect(() => walkForwardWindows(19, 6, 4, 0, 'rolling')).toThrow(/shorter than 2 rows/);
    expect(() => walkForwardWindows(20, 6, 4, 0, 'rolling')).not.toThrow();
    expect(() => walkForwardWindows(100, 2, 4, -1, 'rolling')).toThrow(/gap must be an integer >= 0/);
  });
});

describe('prefix moments', () => {
  it('window moments from segment prefixes match a two-pass recomputation', () => {
    const m = randomMatrix(seedrandom('prefix'), 240, 7);
    const p = walkForwardWindows(240, 5, 3, 4, 'anchored');
    const edges = windowEdges(p);
    const segs = edges.length - 1;
    const stats = new Float64Array(2 * segs * m.N);
    for (let s = 0; s < segs; s++) expect(segmentMoments(m.data, m.N, edges[s], edges[s + 1], stats, s)).toBe(-1);
    const prefix = new Float64Array(prefixMomentsLength(segs, m.N));
    prefixMoments(stats, edges.slice(1).map((e, s) => e - edges[s]), m.N, prefix);
    for (let a = 0; a < edges.length; a++) {
      for (let b = a + 1; b < edges.length; b++) {
        for (let n = 0; n < m.N; n++) {
          const fast = windowMoments(prefix, segs, m.N, a, b, edges[b] - edges[a], n);
          const ref = twoPass(m, edges[a], edges[b], n);
          expect(rel(fast.mean, ref.mean)).toBeLessThan(1e-11);
          expect(rel(fast.m2, ref.m2)).toBeLessThan(1e-9);
        }
      }
    }
  });

  it('keeps the variance of a column whose mean dwarfs its spread (shifted sums)', () => {
    // Level 1e6, spread 1e-3: raw sums of squares would be ~1e12 per row and cancel to noise.
    const m = randomMatrix(seedrandom('offset'), 120, 2, 1e6);
    const edges = [0, 30, 75, 120];
    const stats = new Float64Array(2 * 3 * 2);
    for (let s = 0; s < 3; s++) segmentMoments(m.data, 2, edges[s], edges[s + 1], stats, s);
    const prefix = new Float64Array(prefixMomentsLength(3, 2));
    prefixMoments(stats, [30, 45, 45], 2, prefix);
    for (const [a, b] of [[0, 3], [1, 3], [0, 2], [2, 3]]) {
      const fast = windowMoments(prefix, 3, 2, a, b, edges[b] - edges[a], 1);
      const ref = twoPass(m, edges[a], edges[b], 1);
      expect(ref.m2).toBeGreaterThan(0);
      expect(rel(fast.m2, ref.m2)).toBeLessThan(1e-5);
    }
  });

  it('flags the first column whose moments are not finite', () => {
    const m = makeReturnsMatrix([[0.1, 0.2, 0.3], [0.1, NaN, Infinity], [0.2, 0.1, 0.1]]);
    const stats = new Float64Array(6);
    expect(segmentMoments(m.data, 3, 0, 3, stats, 0)).toBe(1);
  });

  it('a segment shard returns its moments as a value and writes into no shared buffer', () => {
    const m = randomMatrix(seedrandom('segment-value'), 90, 5);
    const before = Float64Array.from(m.data);
    const task: WalkForwardSegmentTask = { kind: 'walkForward', phase: 'segment', shardIndex: 2, returns: m.buffer, N: m.N, rowStart: 30, rowEnd: 71 };
    // Plain data plus the read-only returns buffer: nothing else shared, nothing to write into.
    expect(Object.values(task).filter((v) => v instanceof SharedArrayBuffer)).toEqual([m.buffer]);
    const r = walkForwardSegmentShard(task);
    const slot = new Float64Array(2 * m.N);
    segmentMoments(m.data, m.N, 30, 71, slot, 0);
    expect(r.segment).toBe(2);
    expect(Array.from(r.moments)).toEqual(Array.from(slot));
    expect(r.moments.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(m.data)).toEqual(Array.from(before));
    for (let n = 0; n < m.N; n++) {
      const ref = twoPass(m, 30, 71, n);
      expect(rel(r.moments[n], ref.mean)).toBeLessThan(1e-12);
      expect(rel(r.moments[m.N + n], ref.m2)).toBeLessThan(1e-9);
    }
  });
});

describe('fast walk-forward kernels vs brute-force reference', () => {
  const cases = [
    { T: 400, N: 30, folds: 6, isOosRatio: 4, gap: 0, scheme: 'rolling' as const, metric: 'sharpe' as const },
    { T: 523, N: 41, folds: 5, isOosRatio: 3, gap: 7, scheme: 'rolling' as const, metric: 'sharpe' as const },
    { T: 389, N: 17, folds: 4, isOosRatio: 2, gap: 3, scheme: 'anchored' as const, metric: 'sharpe' as const },
    { T: 300, N: 25, folds: 10, isOosRatio: 1, gap: 0, scheme: 'anchored' as const, metric: 'mean' as const },
    { T: 611, N: 9, folds: 3, isOosRatio: 5, gap: 11, scheme: 'rolling' as const, metric: 'mean' as const },
  ];
  cases.forEach((c, i) => {
    it(`agrees on random matrix ${i} (${c.scheme}, ${c.metric}, gap ${c.gap})`, async () => {
      const m = randomMatrix(seedrandom(`wf-${i}`), c.T, c.N);
      const ref = walkForwardReference(m, c);
      const { T: _T, N: _N, ...gateOptions } = c;
      const opts = walkForwardOptionsSchema.parse({ ...gateOptions, threshold: 0.5 });
      const res = await walkForwardGate(m, opts, { executor: new InProcessExecutor(), seed: 1 }, { periodsPerYear: 252 });
      const d = res.details as WalkForwardDetails;
      expect(d.unusedRows).toBe(ref.unusedRows);
      expect(d.oosLength).toBe(ref.oosLength);
      expect(d.foldResults.map((f) => f.selectedIndex)).toEqual(ref.folds.map((f) => f.selectedIndex));
      d.foldResults.forEach((f, k) => {
        const r = ref.folds[k];
        expect([f.isRows, f.oosRows]).toEqual([[r.isStart, r.isEnd], [r.oosStart, r.oosEnd]]);
        expect(rel(f.isAnnualisedReturn, r.isMean * 252)).toBeLessThan(1e-9);
        expect(rel(f.oosAnnualisedReturn, r.oosMean * 252)).toBeLessThan(1e-9);
        expect(rel(f.isSharpe!, (r.isMean / r.isSd) * Math.sqrt(252))).toBeLessThan(1e-9);
        expect(rel(f.oosSharpe!, (r.oosMean / r.oosSd) * Math.sqrt(252))).toBeLessThan(1e-9);
      });
      expect(rel(d.aggregateIsAnnualisedReturn, ref.aggregateIsMean * 252)).toBeLessThan(1e-9);
      expect(rel(d.aggregateOosAnnualisedReturn, ref.aggregateOosMean * 252)).toBeLessThan(1e-9);
      expect(rel(d.stitchedOosSharpe!, (ref.stitchedMean / ref.stitchedSd) * Math.sqrt(252))).toBeLessThan(1e-9);
      if (ref.wfer === null) {
        expect(res.value).toBeNull();
        expect(res.reason).toBe('IS_NONPOSITIVE');
      } else {
        expect(rel(res.value!, ref.wfer)).toBeLessThan(1e-9);
      }
    });
  });
});
