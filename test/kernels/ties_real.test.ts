/**
 * Exact ties on real strategy grids: the fine SMA-crossover grids the fixture builder makes
 * from Brent, WTI and VIX (fixtures/tie-grids/, fixtures/lib/tie_grids.ts; long/flat and
 * long/short, 800 x 44, columns identical over long stretches and exactly 0 on flat days).
 * The PBO gate's per-combination n*, OOS rank and logit equal the reference twin's (which
 * recomputes every half from rows) bit for bit, for sharpe, mean and sortino at S = 8, 10 (every
 * combination) and 16 (a fixed stride of the 12,870, to keep the suite fast);
 * walk-forward selections equal the twin's for rolling, anchored and gap > 0.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pboGate } from '../../src/gates/pbo/gate.js';
import { pboOptionsSchema } from '../../src/gates/pbo/options.js';
import { walkForwardGate, type WalkForwardDetails } from '../../src/gates/walk_forward/gate.js';
import { walkForwardOptionsSchema } from '../../src/gates/walk_forward/options.js';
import { cscvReference } from '../twins/cscv_reference.js';
import { walkForwardReference } from '../twins/walk_forward_reference.js';
import { InProcessExecutor } from '../../src/runtime.js';
import { makeReturnsMatrix, type ReturnsMatrix } from '../../src/io/types.js';
import { GauntletError } from '../../src/errors.js';

const dir = fileURLToPath(new URL('../../fixtures/tie-grids/', import.meta.url));
const GRIDS = ['brent-long-flat', 'brent-long-short', 'wti-long-flat', 'wti-long-short', 'vix-long-flat', 'vix-long-short'];
const ctx = { executor: new InProcessExecutor(), seed: 42 };

function load(name: string): ReturnsMatrix {
  const lines = readFileSync(`${dir}${name}.csv`, 'utf8').trim().split('\n');
  const columns = lines[0].split(',').slice(1);
  const rows = lines.slice(1).map((l) => l.split(',').slice(1).map(Number));
  return makeReturnsMatrix(rows, { columns, dates: lines.slice(1).map((l) => l.slice(0, 10)), file: name });
}

/** Every `stride`-th combination (all when 1): the gate's results there must equal the twin's. */
async function comparePbo(m: ReturnsMatrix, S: number, metric: 'sharpe' | 'mean' | 'sortino', ties: 'first' | 'average', stride: number): Promise<number> {
  const res = await pboGate(m, pboOptionsSchema.parse({ S, metric, ties }), ctx, { logits: true }).catch((e: unknown) => e);
  const layout = { data: m.data, N: m.N, rowOffset: 0, S, blockRows: m.T / S, metric };
  if (res instanceof GauntletError) {
    expect(res.code).toBe('E_PBO_ZERO_VARIANCE');
    const C = Number((res.message.match(/combination (\d+)/) ?? [])[1]);
    expect(() => cscvReference(layout, [C], ties)).toThrow(/blocks/);
    return 0;
  }
  const d = (res as { details: any }).details;
  const C: number = d.combinations;
  const ranks = Array.from({ length: Math.ceil(C / stride) }, (_, i) => i * stride);
  const ref = cscvReference(layout, ranks, ties);
  const pick = (a: number[]) => ranks.map((r) => a[r]);
  expect(pick(d.perCombination.nStar)).toEqual(Array.from(ref.nStar));
  expect(pick(d.perCombination.oosRank)).toEqual(Array.from(ref.oosRank));
  expect(pick(d.perCombination.logit)).toEqual(Array.from(ref.logit));
  if (stride === 1) expect(d.tiedSelections).toBe(Array.from(ref.tieCount).filter((k) => k > 1).length);
  return d.tiedSelections;
}

describe('PBO on real tie-rich SMA grids = the from-rows reference, per combination', () => {
  for (const name of GRIDS) {
    it(`${name}: S = 8, 10 (every combination, every metric), S = 16 (every 5th / 13th), ties average`, async () => {
      const m = load(name);
      let tied = 0;
      for (const metric of ['sharpe', 'mean', 'sortino'] as const) {
        for (const S of [8, 10]) tied += await comparePbo(m, S, metric, 'first', 1);
        tied += await comparePbo(m, 16, metric, 'first', metric === 'sharpe' ? 5 : 13);
      }
      await comparePbo(m, 10, 'sharpe', 'average', 1);
      await comparePbo(m, 16, 'mean', 'average', 17);
      // Real grids are tie-rich: otherwise this test would prove nothing about ties.
      if (!name.startsWith('wti')) expect(tied).toBeGreaterThan(0);
    });
  }
});

describe('walk-forward on real tie-rich SMA grids = the from-rows reference, per fold', () => {
  const layouts = [
    { folds: 6, isOosRatio: 4, gap: 0, scheme: 'rolling' as const },
    { folds: 10, isOosRatio: 2, gap: 5, scheme: 'anchored' as const },
    { folds: 10, isOosRatio: 2, gap: 5, scheme: 'rolling' as const },
    { folds: 8, isOosRatio: 3, gap: 0, scheme: 'anchored' as const },
  ];
  for (const name of GRIDS) {
    it(`${name}: rolling, anchored, gap 5; sharpe and mean; ties first and average`, async () => {
      const m = load(name);
      let tiedFolds = 0;
      for (const lay of layouts) {
        for (const metric of ['sharpe', 'mean'] as const) {
          for (const ties of ['first', 'average'] as const) {
            const o = { ...lay, metric, ties };
            const ref = walkForwardReference(m, o);
            const res = await walkForwardGate(m, walkForwardOptionsSchema.parse(o), ctx, { periodsPerYear: 252 });
            const d = res.details as WalkForwardDetails;
            expect(d.foldResults.map((f) => f.selectedIndex)).toEqual(ref.folds.map((f) => f.selectedIndex));
            expect(d.foldResults.map((f) => f.tiedColumns)).toEqual(ref.folds.map((f) => f.tied.length));
            d.foldResults.forEach((f, k) => {
              expect(f.isAnnualisedReturn).toBe(ref.folds[k].isMean * 252);
              expect(f.oosAnnualisedReturn).toBe(ref.folds[k].oosMean * 252);
            });
            if (ref.wfer === null) expect(res.reason).toBe('IS_NONPOSITIVE');
            else expect(Math.abs((res.value as number) - ref.wfer)).toBeLessThanOrEqual(1e-12 * Math.abs(ref.wfer));
            tiedFolds += d.tiedSelections;
          }
        }
      }
      if (!name.startsWith('wti')) expect(tiedFolds).toBeGreaterThan(0);
    });
  }
});
