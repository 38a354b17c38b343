/**
 * The PBO gate's companions: stochastic dominance against the exact empirical CDFs, the
 * standard error of a sampled PBO, and the exact-tie report (tiedSelections and its warning).
 * The statistics' own unit tests are in test/stats (stochastic_dominance, sampled_standard_error).
 */
import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { pboGate } from '../../src/gates/pbo/gate.js';
import { pboOptionsSchema, type PboOptions } from '../../src/gates/pbo/options.js';
import { halfMetrics } from '../twins/cscv_reference.js';
import { binomial, fullMask, lexUnrank } from '../../src/kernels/combinations.js';
import { InProcessExecutor } from '../../src/runtime.js';
import { makeReturnsMatrix } from '../../src/io/types.js';
import { gateLines } from '../../src/report/text.js';

const opts = (o: Partial<PboOptions> = {}): PboOptions => pboOptionsSchema.parse(o);
const inProcess = { executor: new InProcessExecutor(), seed: 42 };

/**
 * Exact first- and second-order dominance of the selected OOS metrics over the pooled ones:
 * every combination's OOS vector from the reference twin, then one sorted merge of the two
 * empirical CDFs. FSD: F_opt(x) <= F_all(x) at every value; SSD: the integral of
 * F_all - F_opt from the left is >= 0 at every breakpoint (step functions, so exact).
 */
function exactDominance(data: Float64Array, T: number, N: number, S: number, metric: 'sharpe' | 'mean' | 'sortino'): { fsd: boolean; ssd: boolean } {
  const k = S / 2, C = binomial(S, k), full = fullMask(S);
  const layout = { data, N, rowOffset: 0, S, blockRows: T / S, metric };
  const R = new Float64Array(N), Rbar = new Float64Array(N);
  const pool: number[] = [], opt: number[] = [];
  for (let c = 0; c < C; c++) {
    const mask = lexUnrank(c, S, k);
    halfMetrics(layout, mask, R);
    halfMetrics(layout, (~mask & full) >>> 0, Rbar);
    let n = 0;
    for (let j = 1; j < N; j++) if (R[j] > R[n]) n = j;
    opt.push(Rbar[n]);
    for (let j = 0; j < N; j++) pool.push(Rbar[j]);
  }
  const xs = Array.from(new Set([...pool, ...opt])).sort((a, b) => a - b);
  const ps = Float64Array.from(pool).sort(), os = Float64Array.from(opt).sort();
  let i = 0, j = 0, fsd = true, integral = 0, minIntegral = 0, prev = xs[0], fAll = 0, fOpt = 0;
  for (const x of xs) {
    integral += (x - prev) * (fAll - fOpt);
    if (integral < minIntegral) minIntegral = integral;
    while (i < ps.length && ps[i] <= x) i++;
    while (j < os.length && os[j] <= x) j++;
    fAll = i / ps.length;
    fOpt = j / os.length;
    if (j * ps.length > i * os.length) fsd = false; // F_opt(x) > F_all(x), on exact counts
    prev = x;
  }
  return { fsd, ssd: minIntegral >= 0 };
}

describe('stochastic dominance = the exact empirical CDFs', () => {
  it('noise, a growing edge and a column with one near-zero downside block, for every metric', async () => {
    const T = 160, N = 10, S = 8;
    const seen = new Set<string>();
    for (const metric of ['sortino', 'sharpe', 'mean'] as const) {
      for (let s = 0; s < 24; s++) {
        const rng = seedrandom(`dominance-${s}`);
        const data = new Float64Array(T * N);
        for (let q = 0; q < data.length; q++) data[q] = (rng() - 0.5) * 0.02;
        for (let t = 0; t < T; t++) data[t * N + 2] += (s % 6) * 0.0008; // column 2: an edge from 0 to 0.4% a period
        if (s % 2) {
          // column 3: block 0 has a single tiny loss, so its single-block Sortino is ~1e5: a grid
          // spanning single-block metrics (the old choice) left every OOS value in two bins.
          for (let t = 0; t < 20; t++) data[t * N + 3] = Math.abs(data[t * N + 3]) + 0.001;
          data[5 * N + 3] = -1e-7;
        }
        const want = exactDominance(data, T, N, S, metric);
        const got = ((await pboGate(makeReturnsMatrix(data, { T, N }), opts({ S, metric }), inProcess)).details as any).dominance;
        expect([got.firstOrder, got.secondOrder], `${metric} case ${s}`).toEqual([want.fsd, want.ssd]);
        seen.add(`${want.fsd}/${want.ssd}`);
      }
    }
    // Every outcome occurs, so the comparison cannot pass by always answering the same.
    expect([...seen].sort()).toEqual(['false/false', 'false/true', 'true/true']);
  });
});

describe('sampled PBO: standard error with the finite-population correction', () => {
  it('matches the formula on the sampled pairs, is printed, and is honest across seeds', async () => {
    const T = 160, N = 6;
    const rng = seedrandom('se');
    const data = new Float64Array(T * N).map(() => (rng() - 0.5) * 0.02);
    const m = makeReturnsMatrix(data, { T, N });
    const full = await pboGate(m, opts({ S: 16 }), inProcess);
    const estimates: number[] = [];
    const ses: number[] = [];
    for (let seed = 1; seed <= 30; seed++) {
      const r = await pboGate(m, opts({ S: 16, maxCombinations: 600 }), { ...inProcess, seed }, { logits: true });
      const d = r.details as any;
      // Recompute: pair i = combinations rank and C - 1 - rank (complements), y = overfit share.
      const C = d.combinationsTotal as number;
      const byRank = new Map<number, number>(d.perCombination.rank.map((rk: number, i: number) => [rk, d.perCombination.logit[i] <= 0 ? 1 : 0]));
      const ys: number[] = [];
      for (const [rk, o] of byRank) if (rk < C / 2) ys.push((o + byRank.get(C - 1 - rk)!) / 2);
      expect(ys.length).toBe(300);
      const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
      const s2 = ys.reduce((a, b) => a + (b - mean) ** 2, 0) / (ys.length - 1);
      const want = Math.sqrt((1 - 300 / (C / 2)) * s2 / 300);
      expect(Math.abs(d.sampling.standardError - want)).toBeLessThan(1e-12);
      expect(gateLines(r).join('\n')).toMatch(new RegExp(`standard error ${d.sampling.standardError.toFixed(4)}`));
      estimates.push(r.value as number);
      ses.push(d.sampling.standardError);
    }
    // The sampled estimates scatter around the full PBO about as the reported SE says.
    const meanSe = ses.reduce((a, b) => a + b, 0) / ses.length;
    const rmse = Math.sqrt(estimates.reduce((a, e) => a + (e - (full.value as number)) ** 2, 0) / estimates.length);
    expect(rmse).toBeGreaterThan(0.5 * meanSe);
    expect(rmse).toBeLessThan(1.6 * meanSe);
  });
});

describe('exact ties are reported', () => {
  it('tiedSelections counts combinations with several tied maxima, with a warning naming the rule', async () => {
    const T = 64, N = 5;
    const rng = seedrandom('dup');
    const data = new Float64Array(T * N).map(() => (rng() - 0.5) * 0.02);
    for (let t = 0; t < T; t++) data[t * N + 4] = data[t * N + 1]; // column 4 duplicates column 1
    const m = makeReturnsMatrix(data, { T, N });
    const first = await pboGate(m, opts({ S: 8 }), inProcess, { logits: true });
    const d = first.details as any;
    const picks = d.perCombination.nStar.filter((n: number) => n === 1).length;
    expect(d.tiedSelections).toBe(picks); // column 1 is best exactly when its twin is too
    expect(d.tiedSelections).toBeGreaterThan(0);
    expect(d.perCombination.nStar).not.toContain(4); // the lowest index wins
    expect(first.warnings.join('\n')).toMatch(new RegExp(`${picks} of 70 combinations had several configurations tied for best in sample.*ties: first`));
    const avg = await pboGate(m, opts({ S: 8, ties: 'average' }), inProcess);
    expect((avg.details as any).ties).toBe('average');
    // Identical twins have identical OOS ranks, so averaging changes nothing here.
    expect(avg.value).toBe(first.value);
    const clean = await pboGate(makeReturnsMatrix(data.map((x, i) => (i % N === 4 ? x + (rng() - 0.5) * 1e-3 : x)), { T, N }), opts({ S: 8 }), inProcess);
    expect((clean.details as any).tiedSelections).toBe(0);
    expect(clean.warnings).toEqual([]);
  });
});
