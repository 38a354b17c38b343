import { describe, it, expect } from 'vitest';
import seedrandom from 'seedrandom';
import { monteCarloShard, type MonteCarloShardTask, type MonteCarloMethod, type BreachRuleName } from '../../src/kernels/drawdown_paths.js';
import { monteCarloShardReference, resamplePathIndices } from '../twins/drawdown_paths_reference.js';
import { walkEquityPath } from '../../src/kernels/equity_path.js';
import { makeTrades, type TradeUnit } from '../../src/io/types.js';
import { tycheiNext } from '../../src/rng/tychei.js';
import { shardRngState, shardRngWords, shardSeedString } from '../../src/rng/streams.js';
import { quantileSorted } from '../../src/stats/quantile.js';
import { evenSample } from '../../src/stats/even_sample.js';

function randomTrades(seed: string, n: number, unit: TradeUnit): Float64Array {
  const rng = seedrandom(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // Slightly positive drift, fat-ish tails; return trades stay well above -1.
    const z = (rng() - 0.45) * (rng() < 0.1 ? 0.3 : 0.08);
    out[i] = unit === 'return' ? z : z * 10_000;
  }
  return out;
}

function task(over: Partial<MonteCarloShardTask> & { values: Float64Array; unit: TradeUnit }): MonteCarloShardTask {
  const t = makeTrades(over.values, over.unit);
  const shardIndex = over.shardIndex ?? 3;
  return {
    kind: 'monteCarlo',
    shardIndex,
    // The gate derives each shard's generator state this way (src/gates/monte_carlo/gate.ts).
    rng: over.rng ?? shardRngWords(7, 'monteCarlo', shardIndex),
    trades: t.buffer,
    n: t.n,
    unit: over.unit,
    method: over.method ?? 'iid',
    paths: over.paths ?? 200,
    horizon: over.horizon ?? t.n,
    blockLength: over.blockLength ?? 1,
    startEquity: over.startEquity ?? (over.unit === 'pnl' ? 100_000 : 1),
    rule: over.rule ?? 'drawdown',
    limit: over.limit ?? 0.2,
    ...(over.recordSteps ? { recordSteps: over.recordSteps, recordPaths: over.recordPaths ?? 0 } : {}),
  };
}

function relClose(a: number, b: number, tol: number): boolean {
  return a === b || Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b));
}

describe('fast kernel vs reference twin (parity)', () => {
  const methods: MonteCarloMethod[] = ['iid', 'stationary', 'permutation'];
  const units: TradeUnit[] = ['return', 'pnl'];
  const rules: BreachRuleName[] = ['drawdown', 'static', 'trailing'];
  // Candidate limits, smallest first: each case uses the first one under which some but not
  // all reference paths breach, since parity on all-or-nothing breaches would prove little.
  const limitGrid = (rule: BreachRuleName, unit: TradeUnit): number[] => {
    const fractions = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9];
    if (rule !== 'trailing') return fractions;
    return fractions.map((x) => x * (unit === 'pnl' ? 100_000 : 1));
  };
  for (const method of methods)
    for (const unit of units)
      for (const rule of rules) {
        it(`${method} / ${unit} / ${rule}: identical breaches, per-path values to 1e-12`, () => {
          const values = randomTrades(`${method}-${unit}-${rule}`, 157, unit);
          const base = task({
            values,
            unit,
            method,
            rule,
            horizon: method === 'permutation' ? 157 : 120,
            blockLength: 4.3,
            startEquity: unit === 'pnl' ? 100_000 : 1,
          });
          // The fan chart's data: the first 150 of 200 paths at 17 evenly spaced steps.
          const H = method === 'permutation' ? 157 : 120;
          base.recordSteps = evenSample(H, 17).map((i) => i + 1);
          base.recordPaths = 150;
          let t: MonteCarloShardTask | null = null;
          let ref = null;
          for (const limit of limitGrid(rule, unit)) {
            const candidate = { ...base, limit };
            const r = monteCarloShardReference(candidate);
            if (r.breaches > 0 && r.breaches < candidate.paths) {
              t = candidate;
              ref = r;
              break;
            }
          }
          if (t === null || ref === null) throw new Error('no limit gives a mixed breach count');
          const fast = monteCarloShard(t);
          expect(fast.breaches).toBe(ref.breaches);
          for (let p = 0; p < t.paths; p++) {
            expect(relClose(fast.maxDrawdown[p], ref.maxDrawdown[p], 1e-12)).toBe(true);
            expect(relClose(fast.finalEquity[p], ref.finalEquity[p], 1e-12)).toBe(true);
          }
          expect(fast.equityAtSteps.length).toBe(150 * 17);
          expect(ref.equityAtSteps.length).toBe(150 * 17);
          for (let i = 0; i < fast.equityAtSteps.length; i++) expect(relClose(fast.equityAtSteps[i], ref.equityAtSteps[i], 1e-12)).toBe(true);
          // The last recorded step is the horizon: each recorded row ends at the path's final equity.
          for (let p = 0; p < 150; p++) expect(fast.equityAtSteps[p * 17 + 16]).toBe(fast.finalEquity[p]);
        });
      }

  it('stationary with b = 1 (always restart) and a large b (long blocks) agree too', () => {
    const values = randomTrades('blocks', 64, 'return');
    for (const blockLength of [1, 40]) {
      const t = task({ values, unit: 'return', method: 'stationary', blockLength, horizon: 300, limit: 0.3 });
      const fast = monteCarloShard(t);
      const ref = monteCarloShardReference(t);
      expect(fast.breaches).toBe(ref.breaches);
      expect(Array.from(fast.finalEquity).every((x, i) => relClose(x, ref.finalEquity[i], 1e-12))).toBe(true);
    }
  });

  it('recording equity at sampled steps changes nothing else (same breaches, drawdowns, finals, bit for bit)', () => {
    const values = randomTrades('record', 90, 'return');
    for (const method of ['iid', 'stationary', 'permutation'] as const) {
      const plain = monteCarloShard(task({ values, unit: 'return', method, blockLength: 3, horizon: 90, paths: 64 }));
      const recorded = monteCarloShard(task({ values, unit: 'return', method, blockLength: 3, horizon: 90, paths: 64, recordSteps: [1, 2, 45, 90], recordPaths: 10 }));
      expect(plain.equityAtSteps.length).toBe(0);
      expect(recorded.breaches).toBe(plain.breaches);
      expect(Array.from(recorded.maxDrawdown)).toEqual(Array.from(plain.maxDrawdown));
      expect(Array.from(recorded.finalEquity)).toEqual(Array.from(plain.finalEquity));
      // Step 1 of path 0 is start x (1 + its first trade): a value of the trades, compounded once.
      expect(Array.from(values).some((r) => Math.abs(recorded.equityAtSteps[0] - (1 + r)) < 1e-15)).toBe(true);
    }
  });

  it('record steps must increase and end at the horizon', () => {
    const values = randomTrades('record-bad', 20, 'return');
    expect(() => monteCarloShard(task({ values, unit: 'return', recordSteps: [5, 5, 20], recordPaths: 1 }))).toThrow(/not increasing/);
    expect(() => monteCarloShard(task({ values, unit: 'return', recordSteps: [5, 10], recordPaths: 1 }))).toThrow(/last record step/);
  });

  it('a different shard index gives a different stream', () => {
    const values = randomTrades('shards', 100, 'return');
    const a = monteCarloShard(task({ values, unit: 'return', shardIndex: 0 }));
    const b = monteCarloShard(task({ values, unit: 'return', shardIndex: 1 }));
    expect(Array.from(a.finalEquity)).not.toEqual(Array.from(b.finalEquity));
  });
});

describe('reference building blocks', () => {
  it('the inlined tychei step equals seedrandom.tychei int32()', () => {
    const s = shardRngState(42, 'monteCarlo', 5);
    const prng = seedrandom.tychei(shardSeedString(42, 'monteCarlo', 5));
    for (let i = 0; i < 1000; i++) expect(tycheiNext(s)).toBe(prng.int32());
  });

  it('walkEquityPath: hand-computed compounding, drawdown and breach', () => {
    // 1 -> 1.1 -> 0.88 -> 0.968 -> 0.7744: peak 1.1, max drawdown 1 - 0.7744/1.1 = 0.296.
    const v = [0.1, -0.2, 0.1, -0.2];
    const out = walkEquityPath(v, [0, 1, 2, 3], 'return', 1, 'drawdown', 0.25);
    expect(out.finalEquity).toBeCloseTo(0.7744, 14);
    expect(out.maxDrawdown).toBeCloseTo(0.296, 14);
    expect(out.breached).toBe(true);
    expect(walkEquityPath(v, [0, 1, 2, 3], 'return', 1, 'drawdown', 0.3).breached).toBe(false);
    // static: floor 0.8 x start; 0.7744 <= 0.8 breaches, 0.75 floor does not.
    expect(walkEquityPath(v, [0, 1, 2, 3], 'return', 1, 'static', 0.2).breached).toBe(true);
    expect(walkEquityPath(v, [0, 1, 2, 3], 'return', 1, 'static', 0.25).breached).toBe(false);
    // trailing in currency: start 1000, peak 1100, trough 774.4 -> drop 325.6.
    expect(walkEquityPath(v, [0, 1, 2, 3], 'return', 1000, 'trailing', 325).breached).toBe(true);
    expect(walkEquityPath(v, [0, 1, 2, 3], 'return', 1000, 'trailing', 326).breached).toBe(false);
  });

  it('walkEquityPath: pnl adds to the initial equity and the peak includes the start', () => {
    const out = walkEquityPath([-50, 20, -10], [0, 1, 2], 'pnl', 1000, 'drawdown', 0.2);
    expect(out.finalEquity).toBe(960);
    expect(out.maxDrawdown).toBeCloseTo(0.05, 15); // trough 950 below the starting peak 1000
    expect(out.breached).toBe(false);
  });

  it('permutation indices are a permutation; stationary indices run in blocks', () => {
    const prng = seedrandom.tychei('idx');
    const next = (): number => prng.int32();
    const perm = resamplePathIndices(next, 'permutation', 50, 50, 1);
    expect(Array.from(perm).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const st = resamplePathIndices(next, 'stationary', 50, 2000, 10);
    let continued = 0;
    for (let h = 1; h < st.length; h++) if (st[h] === (st[h - 1] + 1) % 50) continued++;
    // P(continue) = 1 - 1/b = 0.9 (plus 1/50 chance a restart lands on the next index).
    expect(continued / (st.length - 1)).toBeGreaterThan(0.86);
    expect(continued / (st.length - 1)).toBeLessThan(0.94);
  });
});

describe('quantileSorted (numpy linear)', () => {
  it('matches numpy.quantile values', () => {
    const x = Float64Array.from([1, 2, 4, 8, 16]);
    // np.quantile([1,2,4,8,16], [0, .05, .5, .95, .99, 1]) = [1, 1.2, 4, 14.4, 15.68, 16]
    expect(quantileSorted(x, 0)).toBe(1);
    expect(quantileSorted(x, 0.05)).toBeCloseTo(1.2, 14);
    expect(quantileSorted(x, 0.5)).toBe(4);
    expect(quantileSorted(x, 0.95)).toBeCloseTo(14.4, 13);
    expect(quantileSorted(x, 0.99)).toBeCloseTo(15.68, 13);
    expect(quantileSorted(x, 1)).toBe(16);
    expect(quantileSorted(Float64Array.of(3), 0.7)).toBe(3);
    expect(() => quantileSorted(new Float64Array(0), 0.5)).toThrow();
    expect(() => quantileSorted(x, 1.5)).toThrow();
  });
});
