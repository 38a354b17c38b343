import { describe, it, expect } from 'vitest';
import seedrandom from 'seedrandom';
import { makeReturnsMatrix, type ReturnsMatrix } from '../../src/io/types.js';
import { walkForwardGate, type WalkForwardDetails } from '../../src/gates/walk_forward/gate.js';
import { walkForwardOptionsSchema, type WalkForwardOptions } from '../../src/gates/walk_forward/options.js';
import { InProcessExecutor, createExecutor, type ShardExecutor } from '../../src/runtime.js';
import { GauntletError } from '../../src/errors.js';
import { stitchedOosEquity } from '../../src/gates/walk_forward/stitched_equity.js';

const inProcess = { executor: new InProcessExecutor(), seed: 42 };
const ppy = { periodsPerYear: 252 };

function options(o: Partial<WalkForwardOptions>): WalkForwardOptions {
  return walkForwardOptionsSchema.parse(o);
}

async function gateError(m: ReturnsMatrix, o: Partial<WalkForwardOptions>, extra = ppy): Promise<GauntletError> {
  try {
    await walkForwardGate(m, options(o), inProcess, extra);
  } catch (e) {
    expect(e).toBeInstanceOf(GauntletError);
    const g = e as GauntletError;
    expect(g.exitCode).toBe(2);
    expect(g.message).not.toContain('\n');
    return g;
  }
  throw new Error('expected the gate to throw');
}

/**
 * K = 3, r = 1, T = 16: L = 4, fold k's IS is block k-1 and its OOS block k (blocks of 4 rows).
 * Columns 0..3 are each the "hero" of one block (rows 0.02, 0.01, ...: mean 0.015, Sharpe
 * 2.60), the block's "follower" in the next block (0.01, 0, ...: mean 0.005, Sharpe 0.866) and
 * flat noise elsewhere (0.01, -0.01, ...: mean 0). Column 4 is a decoy with the highest mean
 * (0.10, -0.06, ...: mean 0.02) but a tiny Sharpe (0.216).
 */
function heroMatrix(): ReturnsMatrix {
  const rows: number[][] = [];
  for (let b = 0; b < 4; b++) {
    for (let i = 0; i < 4; i++) {
      const row: number[] = [];
      for (let c = 0; c < 4; c++) {
        if (c === b) row.push(i % 2 ? 0.01 : 0.02);
        else if (c === b - 1) row.push(i % 2 ? 0 : 0.01);
        else row.push(i % 2 ? -0.01 : 0.01);
      }
      row.push(i % 2 ? -0.06 : 0.1);
      rows.push(row);
    }
  }
  return makeReturnsMatrix(rows, { columns: ['a', 'b', 'c', 'd', 'decoy'] });
}

describe('walkForwardGate: hand-computable cases', () => {
  it('picks the known best IS column per fold under the Sharpe metric', async () => {
    const res = await walkForwardGate(heroMatrix(), options({ folds: 3, isOosRatio: 1, threshold: 0.3 }), inProcess, ppy);
    const d = res.details as WalkForwardDetails;
    expect(d.foldResults.map((f) => f.selected)).toEqual(['a', 'b', 'c']);
    expect(d.foldResults.map((f) => f.selectedIndex)).toEqual([0, 1, 2]);
    expect(d.foldResults[0]).toMatchObject({
      fold: 1,
      isRows: [0, 4],
      oosRows: [4, 8],
      isDates: ['2000-01-01', '2000-01-04'],
      oosDates: ['2000-01-05', '2000-01-08'],
    });
    const sd = 0.005 * Math.sqrt(4 / 3); // sample sd of 0.02, 0.01, 0.02, 0.01 (and of 0.01, 0, 0.01, 0)
    for (const f of d.foldResults) {
      expect(f.isAnnualisedReturn).toBeCloseTo(0.015 * 252, 12);
      expect(f.oosAnnualisedReturn).toBeCloseTo(0.005 * 252, 12);
      expect(f.isSharpe!).toBeCloseTo((0.015 / sd) * Math.sqrt(252), 9);
      expect(f.oosSharpe!).toBeCloseTo((0.005 / sd) * Math.sqrt(252), 9);
      expect(f.ratio!).toBeCloseTo(1 / 3, 12);
    }
    expect(res.value!).toBeCloseTo(1 / 3, 12);
    expect(res.gatedValue).toBe(res.value);
    expect(res.pass).toBe(true); // 1/3 > 0.3
    expect(res.reason).toBeNull();
    expect(d.aggregateIsAnnualisedReturn).toBeCloseTo(0.015 * 252, 12);
    expect(d.aggregateOosAnnualisedReturn).toBeCloseTo(0.005 * 252, 12);
    expect(d.medianFoldRatio!).toBeCloseTo(1 / 3, 12);
    expect(d.profitableOosFolds).toBe(1);
    // Stitched OOS: 0.01, 0 repeated over 12 rows: mean 0.005, sample sd 0.005 sqrt(12/11).
    expect(d.stitchedOosSharpe!).toBeCloseTo(Math.sqrt(11 / 12) * Math.sqrt(252), 9);
    expect(d).toMatchObject({ unusedRows: 0, scheme: 'rolling', folds: 3, isOosRatio: 1, gap: 0, oosLength: 4, shardSize: 1, shards: 3 });
    expect(JSON.parse(JSON.stringify(res))).toEqual(res); // JSON-plain
  });

  it('picks the decoy under the mean metric, and fails a threshold it does not beat', async () => {
    const res = await walkForwardGate(heroMatrix(), options({ folds: 3, isOosRatio: 1, metric: 'mean', threshold: 1 }), inProcess, ppy);
    const d = res.details as WalkForwardDetails;
    expect(d.foldResults.map((f) => f.selected)).toEqual(['decoy', 'decoy', 'decoy']);
    expect(res.value!).toBeCloseTo(1, 12);
    expect(res.pass).toBe(res.value! > 1);
    expect(res.reason).toBeNull();
  });

  it('N = 1: no selection, WFER = pooled OOS mean / pooled IS mean of the one column', async () => {
    // x_t = t / 1000, T = 20, K = 2, r = 3, g = 1: L = floor(19 / 5) = 3, unused = 20 - 15 - 1 = 4.
    // Fold 1: IS [4, 13), OOS [14, 17); fold 2: IS [7, 16), OOS [17, 20).
    // OOS rows 14..19: mean 16.5 / 1000. IS rows 4..12 (mean 8) and 7..15 (mean 11), 9 each:
    // pooled mean 9.5 / 1000 (rows 7..12 count twice). WFER = 16.5 / 9.5 = 33 / 19.
    const m = makeReturnsMatrix(Array.from({ length: 20 }, (_, t) => [t / 1000]), { columns: ['only'] });
    const res = await walkForwardGate(m, options({ folds: 2, isOosRatio: 3, gap: 1 }), inProcess, ppy);
    const d = res.details as WalkForwardDetails;
    expect(d.unusedRows).toBe(4);
    expect(d.foldResults.map((f) => [f.isRows, f.oosRows])).toEqual([
      [[4, 13], [14, 17]],
      [[7, 16], [17, 20]],
    ]);
    expect(d.foldResults.map((f) => f.selected)).toEqual(['only', 'only']);
    expect(res.value!).toBeCloseTo(33 / 19, 12);
    expect(d.aggregateIsAnnualisedReturn).toBeCloseTo(0.0095 * 252, 12);
    expect(d.aggregateOosAnnualisedReturn).toBeCloseTo(0.0165 * 252, 12);
    // Per-fold ratios 15/8 and 18/11: the median of two is their mean, not the aggregate ratio.
    expect(d.medianFoldRatio!).toBeCloseTo((15 / 8 + 18 / 11) / 2, 12);
    expect(res.pass).toBe(true);
  });

  it('anchored vs rolling: exact row ranges with a gap, and the same OOS windows', async () => {
    const m = makeReturnsMatrix(Array.from({ length: 30 }, (_, t) => [0.001 * (t % 3), 0.002 * (t % 2) - 0.0005]));
    const rolling = (await walkForwardGate(m, options({ folds: 3, isOosRatio: 2, gap: 2 }), inProcess, ppy)).details as WalkForwardDetails;
    const anchored = (await walkForwardGate(m, options({ folds: 3, isOosRatio: 2, gap: 2, scheme: 'anchored' }), inProcess, ppy)).details as WalkForwardDetails;
    expect(rolling.foldResults.map((f) => [f.isRows, f.oosRows])).toEqual([
      [[3, 13], [15, 20]],
      [[8, 18], [20, 25]],
      [[13, 23], [25, 30]],
    ]);
    expect(anchored.foldResults.map((f) => [f.isRows, f.oosRows])).toEqual([
      [[3, 13], [15, 20]],
      [[3, 18], [20, 25]],
      [[3, 23], [25, 30]],
    ]);
    expect(rolling.unusedRows).toBe(3);
    expect(anchored.unusedRows).toBe(3);
    expect(anchored.scheme).toBe('anchored');
    expect(anchored.foldResults[2].isDates).toEqual(['2000-01-04', '2000-01-23']);
  });

  it('IS_NONPOSITIVE: aggregate IS return <= 0 fails with no value', async () => {
    const m = makeReturnsMatrix(Array.from({ length: 40 }, (_, t) => [t % 2 ? -0.015 : -0.005, t % 2 ? -0.03 : 0.01]));
    const res = await walkForwardGate(m, options({ folds: 4, isOosRatio: 4 }), inProcess, ppy);
    const d = res.details as WalkForwardDetails;
    expect(res.value).toBeNull();
    expect(res.gatedValue).toBeNull();
    expect(res.pass).toBe(false);
    expect(res.reason).toBe('IS_NONPOSITIVE');
    expect(d.aggregateIsAnnualisedReturn).toBeLessThanOrEqual(0);
    expect(d.foldResults.every((f) => f.ratio === null)).toBe(true);
    expect(d.medianFoldRatio).toBeNull();
    expect(d.foldsInMedian).toBe(0);
  });

  it('a disabled gate passes with no value', async () => {
    const res = await walkForwardGate(heroMatrix(), options({ enabled: false }), inProcess, ppy);
    expect(res).toMatchObject({ gate: 'walkForward', enabled: false, value: null, gatedValue: null, pass: true, reason: 'DISABLED', details: {}, comparison: '>' });
  });

  it('zero-variance columns cannot be selected under Sharpe (warned), and may be under mean', async () => {
    const m = makeReturnsMatrix(Array.from({ length: 20 }, (_, t) => [0.05, t % 2 ? 0.02 : 0]), { columns: ['flat', 'noisy'] });
    const sharpe = await walkForwardGate(m, options({ folds: 2, isOosRatio: 3 }), inProcess, ppy);
    expect((sharpe.details as WalkForwardDetails).foldResults.map((f) => f.selected)).toEqual(['noisy', 'noisy']);
    expect(sharpe.warnings).toHaveLength(2);
    expect(sharpe.warnings[0]).toMatch(/fold 1: 1 of 2 columns have constant IS returns/);
    const mean = await walkForwardGate(m, options({ folds: 2, isOosRatio: 3, metric: 'mean' }), inProcess, ppy);
    const f = (mean.details as WalkForwardDetails).foldResults[0];
    expect(f.selected).toBe('flat');
    expect(f.isSharpe).toBeNull();
    expect(f.oosSharpe).toBeNull();
    expect((mean.details as WalkForwardDetails).stitchedOosSharpe).toBeNull();
    expect(mean.value!).toBeCloseTo(1, 12);
  });
});

describe('walkForwardGate: the stitched OOS equity curve (chart data)', () => {
  it("compounds each fold's selected column over its OOS rows, in fold order, from 1", async () => {
    const m = heroMatrix();
    const res = await walkForwardGate(m, options({ folds: 3, isOosRatio: 1, threshold: 0.3 }), inProcess, ppy);
    const e = (res.details as WalkForwardDetails).stitchedOosEquity;
    // Each fold's selection is the previous block's hero; over its OOS block it follows
    // (0.01, 0, 0.01, 0): x 1.0201 per fold.
    expect(e).toMatchObject({ rows: 12, sampled: false, complete: true });
    expect(e.equity).toEqual([1.01, 1.01, 1.0201, 1.0201, 1.0303, 1.0303, 1.0406, 1.0406, 1.05101, 1.05101, 1.06152, 1.06152]);
    expect(e.dates).toEqual(m.dates.slice(4, 16));
  });
  it('samples at most maxPoints rows evenly (the last one kept), averages tied columns, stops at an overflow', () => {
    const T = 50, N = 2;
    const data = new Float64Array(T * N);
    for (let t = 0; t < T; t++) { data[t * N] = 0.01; data[t * N + 1] = 0.03; }
    const dates = Array.from({ length: T }, (_, t) => `d${t}`);
    const e = stitchedOosEquity(data, N, dates, [{ oosStart: 10, oosEnd: 30, selection: [0] }, { oosStart: 30, oosEnd: 50, selection: [0, 1] }], 4);
    expect(e).toMatchObject({ rows: 40, sampled: true, complete: true, dates: ['d19', 'd29', 'd39', 'd49'] });
    // 20 rows at 1% then 20 at the average 2%.
    expect(e.equity[1]).toBeCloseTo(1.01 ** 20, 5);
    expect(e.equity[3]).toBeCloseTo(1.01 ** 20 * 1.02 ** 20, 4);
    // 1,000^103 > 1.8e308: the curve stops after its 102nd row.
    const huge = new Float64Array(150).fill(999);
    const o = stitchedOosEquity(huge, 1, Array.from({ length: 150 }, (_, t) => `d${t}`), [{ oosStart: 0, oosEnd: 150, selection: [0] }], 200);
    expect(o.complete).toBe(false);
    expect(o.equity).toHaveLength(102);
    expect(o.equity.every(Number.isFinite)).toBe(true);
  });
});

describe('walkForwardGate: errors (exit 2, one line)', () => {
  const m = heroMatrix();
  it('K < 1', async () => {
    // The policy schema already refuses folds 0; the gate refuses it too when called directly.
    const bad = await walkForwardGate(m, { ...options({}), folds: 0 }, inProcess, ppy).catch((x: unknown) => x);
    expect(bad).toBeInstanceOf(GauntletError);
    expect((bad as GauntletError).code).toBe('E_WF_INPUT');
    expect((bad as GauntletError).exitCode).toBe(2);
    expect((bad as GauntletError).message).toMatch(/folds K must be an integer >= 1, got 0/);
  });
  it('fewer than K full folds fit', async () => {
    const e = await gateError(m, { folds: 13, isOosRatio: 4 });
    expect(e.code).toBe('E_WF_INPUT');
    expect(e.message).toMatch(/fewer than 13 full folds fit: 16 rows/);
  });
  it('a window shorter than 2 rows', async () => {
    const e = await gateError(m, { folds: 6, isOosRatio: 4 });
    expect(e.code).toBe('E_WF_INPUT');
    expect(e.message).toMatch(/shorter than 2 rows/);
  });
  it('non-finite values name the file, row and column, in used and unused rows', async () => {
    const rows = Array.from({ length: 21 }, (_, t) => [0.01 * (t % 3), 0.02 * (t % 2)]);
    rows[15][1] = NaN;
    const nan = await gateError(makeReturnsMatrix(rows, { columns: ['x', 'y'], file: 'r.csv' }), { folds: 2, isOosRatio: 3 });
    expect(nan.code).toBe('E_NON_FINITE');
    expect(nan.message).toBe("r.csv, line 17, column 'y': value NaN is not a finite number");
    rows[15][1] = 0;
    rows[0][0] = Infinity; // row 0 is unused (T = 21, L = 4, unused 1)
    const inf = await gateError(makeReturnsMatrix(rows, { columns: ['x', 'y'], file: 'r.csv' }), { folds: 2, isOosRatio: 3 });
    expect(inf.code).toBe('E_NON_FINITE');
    expect(inf.message).toBe("r.csv, line 2, column 'x': value Infinity is not a finite number");
  });
  it('a fold where every column has zero IS variance', async () => {
    const flat = makeReturnsMatrix(Array.from({ length: 20 }, (_, t) => (t < 12 ? [0.01, 0] : [0.01 * (t % 2), 0.02 * (t % 2)])));
    const e = await gateError(flat, { folds: 2, isOosRatio: 3 });
    expect(e.code).toBe('E_WF_INPUT');
    expect(e.message).toMatch(/fold 1: every column's IS returns are constant/);
  });
  it('periodsPerYear must be positive', async () => {
    const e = await gateError(m, { folds: 2, isOosRatio: 1 }, { periodsPerYear: 0 });
    expect(e.code).toBe('E_OPTION');
  });
});

describe('walkForwardGate: determinism across executors', () => {
  it('in-process, 1 worker and 2 workers give byte-identical JSON (and the same errors)', async () => {
    const rng = seedrandom('wf-determinism');
    const T = 640;
    const N = 420;
    const flat = new Float64Array(T * N);
    for (let i = 0; i < flat.length; i++) flat[i] = 0.0003 + 0.01 * (rng() + rng() - 1);
    const m = makeReturnsMatrix(flat, { T, N });
    const o = options({ folds: 7, isOosRatio: 3, gap: 2, scheme: 'anchored' });
    const bad = makeReturnsMatrix(flat.map((x, i) => (i === 500 * N + 17 ? NaN : x)), { T, N });
    const outputs: string[] = [];
    for (const workers of [0, 1, 2]) {
      const executor: ShardExecutor = createExecutor(workers);
      try {
        outputs.push(JSON.stringify(await walkForwardGate(m, o, { executor, seed: 42 }, ppy)));
        const err = await walkForwardGate(bad, o, { executor, seed: 42 }, ppy).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(GauntletError);
        expect((err as GauntletError).message).toBe("<memory>, line 502, column 'c17': value NaN is not a finite number");
      } finally {
        await executor.close();
      }
    }
    expect(outputs[1]).toBe(outputs[0]);
    expect(outputs[2]).toBe(outputs[0]);
    expect(JSON.parse(outputs[0]).details.foldResults).toHaveLength(7);
  });
});

describe('walkForwardGate: stability of the ratio (isTStat)', () => {
  /** Folds of 40 rows: column 0 with IS drift `mu` plus noise, column 1 pure noise (sharper columns win). */
  function drift(mu: number, seed: string): ReturnsMatrix {
    const rng = seedrandom(seed);
    return makeReturnsMatrix(Array.from({ length: 200 }, () => [mu + (rng() - 0.5) * 0.02, (rng() - 0.5) * 0.02]));
  }

  it('isTStat is the t-statistic of the pooled IS returns of the selected columns', async () => {
    const m = drift(0.004, 'tstat');
    const res = await walkForwardGate(m, options({ folds: 3, isOosRatio: 2 }), inProcess, ppy);
    const d = res.details as WalkForwardDetails;
    const pooled: number[] = [];
    for (const f of d.foldResults) for (let t = f.isRows[0]; t < f.isRows[1]; t++) pooled.push(m.data[t * 2 + f.selectedIndex]);
    const mean = pooled.reduce((a, b) => a + b, 0) / pooled.length;
    const sd = Math.sqrt(pooled.reduce((a, b) => a + (b - mean) ** 2, 0) / (pooled.length - 1));
    expect(Math.abs((d.isTStat as number) - mean / (sd / Math.sqrt(pooled.length)))).toBeLessThan(1e-9);
    expect(d.isTStat).toBeGreaterThan(1);
    expect(res.warnings.join('\n')).not.toMatch(/not distinguishable/);
  });

  it('a positive IS aggregate with t < 1 warns; strict mode fails the gate with IS_NOT_SIGNIFICANT', async () => {
    // Search a few seeds of pure noise for an IS aggregate that is positive but insignificant.
    for (let s = 0; s < 50; s++) {
      const m = drift(0, `weak-${s}`);
      const loose = await walkForwardGate(m, options({ folds: 3, isOosRatio: 2, threshold: 0 }), inProcess, ppy);
      const d = loose.details as WalkForwardDetails;
      if (!(d.aggregateIsAnnualisedReturn > 0 && (d.isTStat as number) < 1)) continue;
      expect(loose.warnings.join('\n')).toMatch(/aggregate IS return is not distinguishable from 0 \(t = \d\.\d\d < 1\)/);
      expect(loose.reason).toBeNull();
      const strict = await walkForwardGate(m, options({ folds: 3, isOosRatio: 2, threshold: 0 }), inProcess, { ...ppy, strict: true });
      expect(strict).toMatchObject({ pass: false, reason: 'IS_NOT_SIGNIFICANT', value: loose.value });
      return;
    }
    throw new Error('no insignificant case found');
  });

  it('reports exact ties per fold and counts them, with a warning', async () => {
    const rng = seedrandom('wf-ties');
    const rows = Array.from({ length: 60 }, () => [(rng() - 0.3) * 0.02, 0, (rng() - 0.5) * 0.02]);
    for (const r of rows) r[1] = r[0]; // column 1 = column 0 everywhere
    const res = await walkForwardGate(makeReturnsMatrix(rows, { columns: ['a', 'b', 'c'] }), options({ folds: 3, isOosRatio: 2 }), inProcess, ppy);
    const d = res.details as WalkForwardDetails;
    const tied = d.foldResults.filter((f) => f.selected === 'a').length;
    expect(d.tiedSelections).toBe(tied);
    expect(d.foldResults.every((f) => f.selected !== 'b')).toBe(true);
    expect(tied).toBeGreaterThan(0);
    expect(res.warnings.join('\n')).toMatch(new RegExp(`${tied} of 3 folds had several configurations tied`));
    const avg = await walkForwardGate(makeReturnsMatrix(rows, { columns: ['a', 'b', 'c'] }), options({ folds: 3, isOosRatio: 2, ties: 'average' }), inProcess, ppy);
    const ad = avg.details as WalkForwardDetails;
    ad.foldResults.forEach((f) => { if (f.tiedColumns > 1) expect(f.averagedOver).toEqual(['a', 'b']); });
    expect(avg.value).toBe(res.value); // identical twins: the average is the same series
  });
});
