/**
 * Exact ties (docs/methodology.md, "Exact ties"): on tie-rich generated matrices (columns
 * duplicated on random stretches, shared flat or constant stretches, repeated values, exact
 * power-of-two multiples, one-ulp near twins) the fast kernels decide exactly as the
 * reference twins that recompute everything from rows: per combination n*, OOS rank, logit
 * (bit for bit) and the number of tied maxima for PBO, and per fold the selection and the
 * selection's moments for walk-forward; under ties 'average' the results do not depend on
 * the column order. Property tests (fast-check) with fixed seeds: replayable, and a failure
 * shrinks to a minimal matrix.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { binomial } from '../../src/kernels/combinations.js';
import { computeBlockMoments, pboShard, tieUnit, type PboMetric, type PboShardResult, type PboShardTask, type TieRule } from '../../src/kernels/cscv.js';
import { cscvReference } from '../twins/cscv_reference.js';
import { exactBlockMetric, exactWindowMetric } from '../../src/kernels/exact_metric.js';
import { walkForwardReference } from '../twins/walk_forward_reference.js';
import { walkForwardGate, type WalkForwardDetails } from '../../src/gates/walk_forward/gate.js';
import { walkForwardOptionsSchema } from '../../src/gates/walk_forward/options.js';
import { pboGate } from '../../src/gates/pbo/gate.js';
import { pboOptionsSchema } from '../../src/gates/pbo/options.js';
import { InProcessExecutor } from '../../src/runtime.js';
import { GauntletError } from '../../src/errors.js';
import { makeReturnsMatrix } from '../../src/io/types.js';
import { nextUp, tieRichArb, tieRichMatrix, type TieRichSpec } from '../helpers/tie_rich.js';

const FC_SEED = 20261128;

function shardTask(data: Float64Array, T: number, N: number, S: number, metric: PboMetric, ties: TieRule, pairStart: number, pairCount: number): PboShardTask {
  const rowOffset = T % S, L = (T - rowOffset) / S;
  const returns = new SharedArrayBuffer(data.length * 8);
  new Float64Array(returns).set(data);
  const moments = computeBlockMoments(data, N, rowOffset, S, L);
  return {
    kind: 'pbo', shardIndex: 0, returns, moments, T, N, rowOffset, S, blockRows: L, metric, ties,
    tieUnit: tieUnit(new Float64Array(moments), S, N, L, metric), pairStart, pairCount, pairs: null,
    gridLo: -1, gridInvWidth: 10, gridBins: 20,
  };
}

function attempt<T>(f: () => T): T | GauntletError {
  try {
    return f();
  } catch (e) {
    if (e instanceof GauntletError) return e;
    throw e;
  }
}

/** Runs the fast kernel (as one shard and as two) and the reference on every combination; asserts they agree. */
function checkPbo(spec: TieRichSpec & { S: number }, metric: PboMetric, ties: TieRule): void {
  const { T, N, S } = spec;
  const data = tieRichMatrix(spec);
  const P = binomial(S, S / 2) / 2;
  const whole = attempt(() => pboShard(shardTask(data, T, N, S, metric, ties, 0, P)));
  const rowOffset = T % S;
  const layout = { data, N, rowOffset, S, blockRows: (T - rowOffset) / S, metric };
  const allRanks = Array.from({ length: 2 * P }, (_, r) => r);
  if (whole instanceof GauntletError) {
    // An undefined metric on some half: the reference must refuse the same matrix.
    expect(whole.code).toBe('E_PBO_ZERO_VARIANCE');
    expect(() => cscvReference(layout, allRanks, ties)).toThrow(/blocks/);
    return;
  }
  const ref = cscvReference(layout, Array.from(whole.rank), ties);
  expect(Array.from(whole.nStar)).toEqual(Array.from(ref.nStar));
  expect(Array.from(whole.tieCount)).toEqual(Array.from(ref.tieCount));
  expect(Array.from(whole.oosRank)).toEqual(Array.from(ref.oosRank));
  // Bit for bit: toEqual treats -0 and 0, NaN and NaN as Object.is does.
  expect(Array.from(whole.logit)).toEqual(Array.from(ref.logit));
  // Shard boundaries never change a decision.
  const cut = Math.max(1, Math.floor(P / 3));
  if (cut < P) {
    const a = pboShard(shardTask(data, T, N, S, metric, ties, 0, cut)) as PboShardResult;
    const b = pboShard(shardTask(data, T, N, S, metric, ties, cut, P - cut)) as PboShardResult;
    expect([...a.logit, ...b.logit]).toEqual(Array.from(whole.logit));
    expect([...a.nStar, ...b.nStar]).toEqual(Array.from(whole.nStar));
  }
}

const sAny = fc.constantFrom(2, 4, 6, 8, 10).chain((S) => tieRichArb(S));

describe('PBO: fast kernel = reference twin on tie-rich matrices (property)', () => {
  for (const metric of ['sharpe', 'mean', 'sortino'] as const) {
    for (const ties of ['first', 'average'] as const) {
      it(`${metric}, ties ${ties}: n*, OOS rank, logit and tie count per combination`, () => {
        fc.assert(fc.property(sAny, (spec) => checkPbo(spec, metric, ties)), { seed: FC_SEED, numRuns: 70 });
      });
    }
  }

  it('S = 16 (12,870 combinations): sharpe and sortino, ties first and average', () => {
    const s16 = tieRichArb(16).map((spec) => ({ ...spec, N: Math.min(spec.N, 6), T: 16 * 3 + (spec.T % 16 % 3) }));
    for (const metric of ['sharpe', 'sortino'] as const) {
      for (const ties of ['first', 'average'] as const) {
        fc.assert(fc.property(s16, (spec) => checkPbo(spec, metric, ties)), { seed: FC_SEED, numRuns: 4 });
      }
    }
  });

  it('the generator does produce exact ties (the property is not vacuous)', () => {
    let tied = 0, combos = 0;
    fc.assert(
      fc.property(sAny, (spec) => {
        const data = tieRichMatrix(spec);
        const P = binomial(spec.S, spec.S / 2) / 2;
        const r = attempt(() => pboShard(shardTask(data, spec.T, spec.N, spec.S, 'sharpe', 'first', 0, P)));
        if (r instanceof GauntletError) return;
        combos += r.tieCount.length;
        tied += r.tieCount.filter((k) => k > 1).length;
      }),
      { seed: FC_SEED, numRuns: 70 },
    );
    expect(tied).toBeGreaterThan(combos / 20);
  });
});

describe('exact metrics: a function of the values alone', () => {
  it('columns identical on a half get bitwise identical metrics, whatever the other rows hold', () => {
    fc.assert(
      fc.property(tieRichArb(8), fc.nat(), (spec, m) => {
        const data = tieRichMatrix({ ...spec, N: Math.max(2, spec.N) });
        const N = Math.max(2, spec.N), T = spec.T, S = 8, rowOffset = T % S, L = (T - rowOffset) / S;
        // Column N-1 becomes a copy of column 0 on the half `mask` only.
        const mask = (m % 254) + 1;
        for (let b = 0; b < S; b++) {
          if (((mask >>> b) & 1) === 0) continue;
          for (let t = rowOffset + b * L; t < rowOffset + (b + 1) * L; t++) data[t * N + N - 1] = data[t * N];
        }
        const rows = { data, N, rowOffset, S, blockRows: L };
        for (const metric of ['sharpe', 'mean', 'sortino'] as const) {
          expect(exactBlockMetric(rows, metric, mask, N - 1)).toEqual(exactBlockMetric(rows, metric, mask, 0));
        }
      }),
      { seed: FC_SEED, numRuns: 100 },
    );
  });

  it('zero dispersion is decided from the values: an all-equal half has no Sharpe, a one-ulp change does', () => {
    const N = 1, T = 40;
    const data = new Float64Array(T).fill(0.1); // 0.1 x 20 / 20 is not 0.1: a rounded variance would not be 0
    expect(Number.isNaN(exactWindowMetric(data, N, 0, 20, 0, 'sharpe'))).toBe(true);
    expect(Number.isNaN(exactBlockMetric({ data, N, rowOffset: 0, S: 4, blockRows: 10 }, 'sharpe', 0b0011, 0))).toBe(true);
    data[7] = nextUp(0.1);
    expect(exactWindowMetric(data, N, 0, 20, 0, 'sharpe')).toBeGreaterThan(1e10);
    expect(Number.isNaN(exactWindowMetric(new Float64Array(20), N, 0, 20, 0, 'sharpe'))).toBe(true);
  });
});

/** A walk-forward layout that fits T rows: K folds, IS:OOS r, gap g. */
const wfLayoutArb = fc.record({
  folds: fc.integer({ min: 1, max: 5 }),
  isOosRatio: fc.integer({ min: 1, max: 4 }),
  gap: fc.integer({ min: 0, max: 3 }),
  scheme: fc.constantFrom<'rolling' | 'anchored'>('rolling', 'anchored'),
  L: fc.integer({ min: 2, max: 12 }),
  unused: fc.integer({ min: 0, max: 5 }),
});

type WfLayout = { folds: number; isOosRatio: number; gap: number; scheme: 'rolling' | 'anchored'; L: number; unused: number };

async function checkWalkForward(spec: TieRichSpec, lay: WfLayout, metric: 'sharpe' | 'mean', ties: TieRule): Promise<void> {
  const T = (lay.folds + lay.isOosRatio) * lay.L + lay.gap + lay.unused;
  const data = tieRichMatrix({ ...spec, T });
  const m = makeReturnsMatrix(data, { T, N: spec.N });
  const o = { folds: lay.folds, isOosRatio: lay.isOosRatio, gap: lay.gap, scheme: lay.scheme, metric, ties };
  let ref: ReturnType<typeof walkForwardReference> | Error;
  try {
    ref = walkForwardReference(m, o);
  } catch (e) {
    ref = e as Error;
  }
  const res = await walkForwardGate(m, walkForwardOptionsSchema.parse({ ...o, threshold: 0.5 }), { executor: new InProcessExecutor(), seed: 1 }, { periodsPerYear: 252 }).catch((e: unknown) => e);
  if (ref instanceof Error) {
    // No column selectable in some fold (all constant in sample): exit 2, as the reference refuses.
    expect(res).toBeInstanceOf(GauntletError);
    expect((res as GauntletError).code).toBe('E_WF_INPUT');
    expect((res as GauntletError).exitCode).toBe(2);
    return;
  }
  if (res instanceof Error) throw res;
  const d = (res as { details: WalkForwardDetails }).details;
  expect(d.foldResults.map((f) => f.selectedIndex)).toEqual(ref.folds.map((f) => f.selectedIndex));
  expect(d.foldResults.map((f) => f.tiedColumns)).toEqual(ref.folds.map((f) => f.tied.length));
  d.foldResults.forEach((f, k) => {
    // The selection's moments are exact (from rows): bit for bit the twin's.
    expect(f.isAnnualisedReturn).toBe(ref.folds[k].isMean * 252);
    expect(f.oosAnnualisedReturn).toBe(ref.folds[k].oosMean * 252);
  });
}

describe('walk-forward: fast selection = reference twin on tie-rich matrices (property)', () => {
  for (const metric of ['sharpe', 'mean'] as const) {
    for (const ties of ['first', 'average'] as const) {
      it(`${metric}, ties ${ties}: rolling, anchored, gap`, async () => {
        await fc.assert(
          fc.asyncProperty(tieRichArb(2), wfLayoutArb, (spec, lay) => checkWalkForward(spec, lay, metric, ties)),
          { seed: FC_SEED, numRuns: 80 },
        );
      });
    }
  }
});

describe("ties 'average' does not depend on the column order", () => {
  /** The matrix with its columns in the order `perm`. */
  function permute(data: Float64Array, T: number, N: number, perm: number[]): Float64Array {
    const out = new Float64Array(T * N);
    for (let t = 0; t < T; t++) for (let n = 0; n < N; n++) out[t * N + n] = data[t * N + perm[n]];
    return out;
  }
  const permArb = (N: number) => fc.shuffledSubarray(Array.from({ length: N }, (_, i) => i), { minLength: N, maxLength: N });

  it('PBO: the same value, logits and ranks for any permutation of the columns', async () => {
    await fc.assert(
      fc.asyncProperty(tieRichArb(8).chain((spec) => fc.tuple(fc.constant(spec), permArb(spec.N))), async ([spec, perm]) => {
        const data = tieRichMatrix(spec);
        const o = pboOptionsSchema.parse({ S: 8, ties: 'average', truncate: 'oldest', metric: 'mean' });
        const ctx = { executor: new InProcessExecutor(), seed: 1 };
        const a = await pboGate(makeReturnsMatrix(data, { T: spec.T, N: spec.N }), o, ctx, { logits: true });
        const b = await pboGate(makeReturnsMatrix(permute(data, spec.T, spec.N, perm), { T: spec.T, N: spec.N }), o, ctx, { logits: true });
        const strip = (r: typeof a) => {
          const d = { ...(r.details as Record<string, any>) };
          d.perCombination = { ...d.perCombination, nStar: undefined };
          return JSON.stringify({ ...r, details: d });
        };
        expect(strip(b)).toBe(strip(a));
      }),
      { seed: FC_SEED, numRuns: 40 },
    );
  });

  it('walk-forward: the same WFER and fold results for any permutation of the columns', async () => {
    await fc.assert(
      fc.asyncProperty(tieRichArb(2).chain((spec) => fc.tuple(fc.constant(spec), permArb(spec.N))), async ([spec, perm]) => {
        const T = 60;
        const data = tieRichMatrix({ ...spec, T });
        const o = walkForwardOptionsSchema.parse({ folds: 3, isOosRatio: 2, ties: 'average', metric: 'mean' });
        const run = (d: Float64Array) => walkForwardGate(makeReturnsMatrix(d, { T, N: spec.N }), o, { executor: new InProcessExecutor(), seed: 1 }, { periodsPerYear: 252 });
        const a = await run(data);
        const b = await run(permute(data, T, spec.N, perm));
        const strip = (r: typeof a) => (r.details as WalkForwardDetails).foldResults.map(({ selected: _s, selectedIndex: _i, averagedOver, ...rest }) => ({ ...rest, averagedOver: averagedOver?.length }));
        expect(b.value).toBe(a.value);
        expect(strip(b)).toEqual(strip(a));
      }),
      { seed: FC_SEED, numRuns: 60 },
    );
  });
});
