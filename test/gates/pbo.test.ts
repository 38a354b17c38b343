import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import { pboGate } from '../../src/gates/pbo/gate.js';
import { pboOptionsSchema, type PboOptions } from '../../src/gates/pbo/options.js';
import { makeReturnsMatrix, type ReturnsMatrix } from '../../src/io/types.js';
import { InProcessExecutor, createExecutor } from '../../src/runtime.js';
import { GauntletError } from '../../src/errors.js';
import type { GateContext } from '../../src/gates/context.js';
import { linearRegression } from '../../src/stats/linear_regression.js';

const refDir = fileURLToPath(new URL('../reference/pbo/', import.meta.url));

/** Tiny reader for the reference matrices: header `date,<names>`, numeric cells. */
function readReturnsCsv(path: string): ReturnsMatrix {
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const columns = lines[0].split(',').slice(1);
  const dates: string[] = [];
  const flat: number[] = [];
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    dates.push(cells[0]);
    for (let i = 1; i < cells.length; i++) flat.push(Number(cells[i]));
  }
  return makeReturnsMatrix(Float64Array.from(flat), { T: dates.length, N: columns.length, columns, dates, file: path });
}

const opts = (o: Partial<PboOptions> = {}): PboOptions => pboOptionsSchema.parse(o);
const inProcess: GateContext = { executor: new InProcessExecutor(), seed: 42 };

function gaussian(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}
function noise(T: number, N: number, seed: string, sd = 0.01): ReturnsMatrix {
  const rng = seedrandom(seed);
  const a = new Float64Array(T * N);
  for (let i = 0; i < a.length; i++) a[i] = sd * gaussian(rng);
  return makeReturnsMatrix(a, { T, N });
}

interface RefCase {
  pbo: number; probability_of_loss: number; combinations: number;
  degradation_oos_on_is: { slope: number; intercept: number; rvalue: number };
  n_star: number[]; oos_rank: number[]; logit: number[];
}

describe('pbo gate against R pbo / pypbo reference values', () => {
  for (const name of ['brent-ma-grid', 'noise-odd-n']) {
    const ref = JSON.parse(readFileSync(refDir + name + '.json', 'utf8')) as { cases: Record<string, RefCase> };
    const returns = readReturnsCsv(refDir + name + '.csv');
    for (const S of [8, 16]) {
      it(`${name}, S = ${S}: every combination's n*, OOS rank and logit; PBO, loss, regression`, async () => {
        const want = ref.cases[`S${S}`];
        const res = await pboGate(returns, opts({ S }), inProcess, { logits: true });
        const d = res.details as any;
        expect(d.combinations).toBe(want.combinations);
        expect(d.sampled).toBe(false);
        expect(d.perCombination.nStar).toEqual(want.n_star);
        expect(d.perCombination.oosRank).toEqual(want.oos_rank);
        const maxLogitDiff = Math.max(...d.perCombination.logit.map((l: number, i: number) => Math.abs(l - want.logit[i])));
        expect(maxLogitDiff).toBeLessThan(1e-9);
        expect(Math.abs((res.value as number) - want.pbo)).toBeLessThan(1e-9);
        expect(Math.abs(d.probabilityOfLoss - want.probability_of_loss)).toBeLessThan(1e-9);
        expect(Math.abs(d.degradation.slope - want.degradation_oos_on_is.slope)).toBeLessThan(1e-9);
        expect(Math.abs(d.degradation.intercept - want.degradation_oos_on_is.intercept)).toBeLessThan(1e-9);
        expect(Math.abs(d.degradation.r2 - want.degradation_oos_on_is.rvalue ** 2)).toBeLessThan(1e-9);
        expect(res.pass).toBe((res.value as number) < 0.15);
        const hist = d.logitHistogram;
        expect(hist.counts.reduce((a: number, b: number) => a + b, 0)).toBe(want.combinations);
        expect(hist.edges.length).toBe(hist.bins + 1);
        expect(JSON.stringify(res)).not.toMatch(/NaN|Infinity|null,"intercept"/);
      });
    }
  }

  it('noise-odd-n proves the N + 1 convention (R pbo divides by N and gets a different PBO)', async () => {
    const ref = JSON.parse(readFileSync(refDir + 'noise-odd-n.json', 'utf8')) as { cases: Record<string, RefCase & { pbo_if_rank_divided_by_N: number }> };
    const returns = readReturnsCsv(refDir + 'noise-odd-n.csv');
    const res = await pboGate(returns, opts({ S: 16 }), inProcess);
    expect(Math.abs((res.value as number) - ref.cases.S16.pbo)).toBeLessThan(1e-12);
    expect(Math.abs((res.value as number) - ref.cases.S16.pbo_if_rank_divided_by_N)).toBeGreaterThan(0.01);
  });
});

describe('closed cases (reference README)', () => {
  it('a constant positive column among noise, metric mean: PBO = 0 and every logit = ln N', async () => {
    const T = 160, N = 9;
    const m = noise(T, N, 'const-col', 0.01);
    for (let t = 0; t < T; t++) m.data[t * N + 4] = 0.05;
    const res = await pboGate(m, opts({ S: 8, metric: 'mean' }), inProcess, { logits: true });
    const d = res.details as any;
    expect(res.value).toBe(0);
    expect(d.perCombination.nStar.every((n: number) => n === 4)).toBe(true);
    for (const l of d.perCombination.logit) expect(Math.abs(l - Math.log(N))).toBeLessThan(1e-12);
    expect(d.logitHistogram.counts[d.logitHistogram.bins - 1]).toBe(70);
    expect(d.probabilityOfLoss).toBe(0);
    expect(d.dominance.firstOrder).toBe(true);
    expect(d.dominance.secondOrder).toBe(true);
    expect(res.pass).toBe(true);
  });

  it('S = 2 mirror columns, metric mean: every split picks the worst OOS column, PBO = 1', async () => {
    const T = 10;
    const rows = Array.from({ length: T }, (_, t) => (t < T / 2 ? [1, -1, 0] : [-1, 1, 0]));
    const res = await pboGate(makeReturnsMatrix(rows), opts({ S: 2, metric: 'mean' }), inProcess, { logits: true });
    const d = res.details as any;
    expect(res.value).toBe(1);
    expect(d.perCombination.nStar).toEqual([0, 1]);
    expect(d.perCombination.oosRank).toEqual([1, 1]);
    expect(d.probabilityOfLoss).toBe(1);
    expect(d.dominance.firstOrder).toBe(false);
    expect(d.dominance.secondOrder).toBe(false);
    expect(d.dominance.minIntegral).toBeLessThan(0);
    expect(res.pass).toBe(false);
  });

  for (const N of [5, 6]) {
    it(`mean PBO over 240 pure-noise matrices is within 3 standard errors of floor((N+1)/2)/N, N = ${N}`, async () => {
      const M = 240;
      const values: number[] = [];
      for (let i = 0; i < M; i++) {
        const r = await pboGate(noise(48, N, `noise-${N}-${i}`), opts({ S: 6 }), inProcess);
        values.push(r.value as number);
      }
      const mean = values.reduce((a, b) => a + b, 0) / M;
      const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (M - 1));
      const expected = Math.floor((N + 1) / 2) / N;
      expect(sd).toBeGreaterThan(0);
      expect(Math.abs(mean - expected)).toBeLessThan((3 * sd) / Math.sqrt(M));
    });
  }
});

describe('details and sampling', () => {
  it('chart data: every (IS, OOS) pair of n* up to the cap, evenly sampled above it; both dominance CDFs', async () => {
    const returns = readReturnsCsv(refDir + 'brent-ma-grid.csv');
    const small = (await pboGate(returns, opts({ S: 8 }), inProcess)).details as any;
    expect(small.degradationPoints).toMatchObject({ combinations: 70, sampled: false });
    expect(small.degradationPoints.is).toHaveLength(70);
    // The regression through the stored (rounded) points is the reported one, to rounding.
    const fit = linearRegression(small.degradationPoints.is, small.degradationPoints.oos);
    expect(fit.slope!).toBeCloseTo(small.degradation.slope, 3);
    const big = (await pboGate(returns, opts({ S: 16 }), inProcess)).details as any;
    expect(big.degradationPoints).toMatchObject({ combinations: 12870, sampled: true });
    expect(big.degradationPoints.is).toHaveLength(1000);
    expect(big.degradationPoints.oos).toHaveLength(1000);
    for (const d of [small, big]) {
      const c = d.dominanceCdf;
      expect(c.gridBins).toBe(d.dominance.grid.bins);
      expect(c.x).toHaveLength(129);
      expect([c.selected[0], c.pooled[0], c.selected[128], c.pooled[128]]).toEqual([0, 0, 1, 1]);
      for (let j = 1; j < c.x.length; j++) {
        expect(c.x[j]).toBeGreaterThan(c.x[j - 1]);
        expect(c.selected[j]).toBeGreaterThanOrEqual(c.selected[j - 1]);
        expect(c.pooled[j]).toBeGreaterThanOrEqual(c.pooled[j - 1]);
      }
      // First-order dominance holds on the whole grid exactly when F_opt <= F_all there; the
      // plotted edges are some of those points.
      if (d.dominance.firstOrder) for (let j = 0; j < c.x.length; j++) expect(c.selected[j]).toBeLessThanOrEqual(c.pooled[j]);
    }
    // The overfit grid's selected OOS values sit below the pool somewhere: F_opt > F_all.
    expect(big.dominance.firstOrder).toBe(false);
    expect(big.dominanceCdf.selected.some((f: number, j: number) => f > big.dominanceCdf.pooled[j])).toBe(true);
  });

  it('reports the documented details; disabled gate passes with value null', async () => {
    const m = noise(130, 7, 'details');
    const res = await pboGate(m, opts({ S: 8, truncate: 'oldest', histogramBins: 10 }), inProcess);
    const d = res.details as any;
    expect(d.truncatedRows).toBe(2);
    expect(d.blockSize).toBe(16);
    expect(d.combinations).toBe(70);
    expect(d.combinationsTotal).toBe(70);
    expect(d.shards).toBe(1);
    expect(d.shardSize).toBe(2048);
    expect(d.logitHistogram.edges[0]).toBeCloseTo(-Math.log(7), 12);
    expect(d.logitHistogram.edges[10]).toBe(Math.log(7));
    expect(res.warnings.join(' ')).toMatch(/oldest 2 rows/);
    expect(d.perCombination).toBeUndefined();
    const off = await pboGate(m, opts({ enabled: false }), inProcess);
    expect(off).toMatchObject({ enabled: false, value: null, gatedValue: null, pass: true, reason: 'DISABLED', details: {} });
  });

  it('above maxCombinations it samples complementary pairs with the run seed, reproducibly', async () => {
    const m = noise(160, 6, 'sample');
    const full = await pboGate(m, opts({ S: 16 }), inProcess, { logits: true });
    const s1 = await pboGate(m, opts({ S: 16, maxCombinations: 1000 }), inProcess, { logits: true });
    const s2 = await pboGate(m, opts({ S: 16, maxCombinations: 1000 }), inProcess, { logits: true });
    const s3 = await pboGate(m, opts({ S: 16, maxCombinations: 1000 }), { ...inProcess, seed: 7 }, { logits: true });
    const d = s1.details as any;
    expect(d.sampled).toBe(true);
    expect(d.combinations).toBe(1000);
    expect(d.combinationsTotal).toBe(12870);
    expect(d.sampling.seed).toBe(42);
    expect(s1.warnings[0]).toMatch(/sampled/);
    expect(JSON.stringify(s1)).toBe(JSON.stringify(s2));
    expect(JSON.stringify((s3.details as any).perCombination.rank)).not.toBe(JSON.stringify(d.perCombination.rank));
    const ranks: number[] = d.perCombination.rank;
    expect(new Set(ranks).size).toBe(1000);
    expect(ranks.every((r, i) => i === 0 || r > ranks[i - 1])).toBe(true);
    const f = (full.details as any).perCombination;
    ranks.forEach((r, i) => {
      expect(d.perCombination.nStar[i]).toBe(f.nStar[r]);
      expect(d.perCombination.oosRank[i]).toBe(f.oosRank[r]);
    });
  });
});

describe('determinism across executors', () => {
  it('in-process, 1 worker and 2 workers give byte-identical JSON (run `npx tsc -p .` first)', async () => {
    const m = noise(320, 30, 'determinism');
    for (let t = 0; t < 320; t++) m.data[t * 30 + 3] = m.data[t * 30 + 7]; // a tie
    const o = opts({ S: 16 });
    const a = JSON.stringify(await pboGate(m, o, inProcess, { logits: true }));
    const e1 = createExecutor(1), e2 = createExecutor(2);
    try {
      const b = JSON.stringify(await pboGate(m, o, { executor: e1, seed: 42 }, { logits: true }));
      const c = JSON.stringify(await pboGate(m, o, { executor: e2, seed: 42 }, { logits: true }));
      expect(b).toBe(a);
      expect(c).toBe(a);
    } finally {
      await e1.close();
      await e2.close();
    }
  }, 20_000);
});

describe('errors (exit 2, one line)', () => {
  async function fails(m: ReturnsMatrix, o: Partial<PboOptions>, code: string, re: RegExp): Promise<void> {
    const err = await pboGate(m, { ...opts(), ...o } as PboOptions, inProcess).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(GauntletError);
    expect((err as GauntletError).code).toBe(code);
    expect((err as GauntletError).exitCode).toBe(2);
    expect((err as GauntletError).message).not.toMatch(/\n/);
    expect((err as GauntletError).message).toMatch(re);
  }
  const m = noise(64, 4, 'errors');
  it('S odd or < 2', async () => {
    await fails(m, { S: 7 }, 'E_PBO_INPUT', /S = 7/);
    await fails(m, { S: 0 }, 'E_PBO_INPUT', /S = 0/);
  });
  it('T mod S != 0 without truncate names the rows truncate would drop', async () => {
    await fails(noise(67, 4, 'x'), { S: 16 }, 'E_PBO_INPUT', /T = 67 .*drop the oldest 3 rows/);
  });
  it('T / S < 2', async () => {
    await fails(noise(16, 4, 'x'), { S: 16 }, 'E_PBO_INPUT', /1 row per block/);
  });
  it('N < 2', async () => {
    await fails(noise(64, 1, 'x'), { S: 4 }, 'E_PBO_INPUT', /N = 1/);
  });
  it('non-finite values name row and column', async () => {
    const bad = noise(64, 4, 'nf');
    bad.data[10 * 4 + 2] = NaN;
    await fails(bad, { S: 4 }, 'E_NON_FINITE', /line 12, column 'c2'/);
    bad.data[10 * 4 + 2] = Infinity;
    await fails(bad, { S: 4 }, 'E_NON_FINITE', /line 12, column 'c2'/);
  });
  it('a zero-variance half names the column and the combination', async () => {
    const z = noise(64, 4, 'zv');
    for (let t = 32; t < 64; t++) z.data[t * 4 + 1] = 0; // blocks 2,3 of S = 4 are all zero
    await fails(z, { S: 4 }, 'E_PBO_ZERO_VARIANCE', /column 'c1': standard deviation is 0 on the out-of-sample half of combination 0 \(IS blocks \{0,1\}, OOS blocks \{2,3\}\)/);
    // the mean metric is defined on a constant half
    const ok = await pboGate(z, opts({ S: 4, metric: 'mean' }), inProcess);
    expect(ok.value).not.toBeNull();
    // Sortino: a half without negative returns
    const p = noise(64, 4, 'sortino');
    for (let t = 0; t < 32; t++) p.data[t * 4 + 3] = Math.abs(p.data[t * 4 + 3]);
    await fails(p, { S: 4, metric: 'sortino' }, 'E_PBO_ZERO_VARIANCE', /column 'c3': there is no negative return .*in-sample half of combination 0/);
  });
});
