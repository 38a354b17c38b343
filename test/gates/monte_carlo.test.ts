import { describe, it, expect, afterAll } from 'vitest';
import seedrandom from 'seedrandom';
import { monteCarloGate, minimumPaths, type MonteCarloDetails } from '../../src/gates/monte_carlo/gate.js';
import { monteCarloOptionsSchema, type MonteCarloOptions } from '../../src/gates/monte_carlo/options.js';
import { createExecutor, InProcessExecutor, type ShardExecutor } from '../../src/runtime.js';
import { monteCarloShard } from '../../src/kernels/drawdown_paths.js';
import { makeTrades, type Trades } from '../../src/io/types.js';
import { clopperPearsonInterval } from '../../src/stats/intervals.js';
import { GauntletError } from '../../src/errors.js';
import type { GateContext } from '../../src/gates/context.js';
import { shardRngWords } from '../../src/rng/streams.js';
import { roundSignificant } from '../../src/stats/round_significant.js';
import { CHART_DATA } from '../../src/config/defaults.js';

const inProcess: GateContext = { executor: new InProcessExecutor(), seed: 42 };

function opts(over: Record<string, unknown> = {}, strict = false): MonteCarloOptions {
  return { ...monteCarloOptionsSchema.parse(over), strict };
}

function randomReturns(seed: string, n: number): Trades {
  const rng = seedrandom(seed);
  return makeTrades(Float64Array.from({ length: n }, () => (rng() - 0.46) * 0.06), 'return', 'trades.csv');
}

async function expectError(p: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GauntletError);
  const g = err as GauntletError;
  expect(g.code).toBe(code);
  expect(g.exitCode).toBe(2);
  expect(g.message).toMatch(pattern);
  expect(g.message.includes('\n')).toBe(false);
}

describe('monteCarloGate: semantics', () => {
  it('permutation of return trades: every path ends at the same final equity', async () => {
    const trades = randomReturns('perm', 120);
    const r = await monteCarloGate(trades, opts({ method: 'permutation', paths: 2000 }), inProcess, { initialEquity: 1000 });
    const d = r.details as unknown as MonteCarloDetails;
    const q = d.finalEquityQuantiles;
    const expected = d.originalSequence.finalEquity;
    for (const v of [q.p5, q.p50, q.p95, q.p99]) expect(Math.abs(v - expected) / expected).toBeLessThan(1e-9);
    // ... and per path, straight from the kernel, with the drawdowns differing between paths.
    const shard = monteCarloShard({
      kind: 'monteCarlo', shardIndex: 0, rng: shardRngWords(1, 'monteCarlo', 0), trades: trades.buffer, n: trades.n, unit: 'return',
      method: 'permutation', paths: 500, horizon: trades.n, blockLength: 1, startEquity: 1000, rule: 'drawdown', limit: 0.2,
    });
    for (const v of shard.finalEquity) expect(Math.abs(v - expected) / expected).toBeLessThan(1e-9);
    expect(Math.max(...shard.maxDrawdown)).toBeGreaterThan(Math.min(...shard.maxDrawdown));
  });

  it('iid breach probability of an enumerable case lies in the Clopper-Pearson 95% interval', async () => {
    // Trades +10%, +10%, -15%: each step is up with p = 2/3. H = 10, drawdown limit 0.25.
    // Exact: enumerate all 2^10 up/down sequences with their probabilities.
    const up = 0.1, down = -0.15, H = 10, limit = 0.25;
    let exact = 0;
    for (let mask = 0; mask < 1 << H; mask++) {
      let eq = 1, peak = 1, breached = false, ups = 0;
      for (let h = 0; h < H; h++) {
        const isUp = (mask >> h) & 1;
        ups += isUp;
        eq *= 1 + (isUp ? up : down);
        peak = Math.max(peak, eq);
        if (eq <= (1 - limit) * peak) breached = true;
      }
      if (breached) exact += (2 / 3) ** ups * (1 / 3) ** (H - ups);
    }
    expect(exact).toBeGreaterThan(0.05);
    expect(exact).toBeLessThan(0.95);
    const trades = makeTrades([up, up, down], 'return');
    const r = await monteCarloGate(trades, opts({ method: 'iid', paths: 20_000, horizon: H, breach: { rule: 'drawdown', limit } }), inProcess, { initialEquity: null });
    const d = r.details as unknown as MonteCarloDetails;
    expect(r.value).toBe(d.breaches / 20_000);
    expect(d.clopperPearson95[0]).toBeLessThanOrEqual(exact);
    expect(d.clopperPearson95[1]).toBeGreaterThanOrEqual(exact);
  });

  it('static and trailing rules on the same enumerable case match their exact probabilities', async () => {
    const up = 0.1, down = -0.15, H = 8;
    const exactFor = (hit: (eq: number, peak: number) => boolean): number => {
      let p = 0;
      for (let mask = 0; mask < 1 << H; mask++) {
        let eq = 100, peak = 100, breached = false, ups = 0;
        for (let h = 0; h < H; h++) {
          const isUp = (mask >> h) & 1;
          ups += isUp;
          eq *= 1 + (isUp ? up : down);
          peak = Math.max(peak, eq);
          if (hit(eq, peak)) breached = true;
        }
        if (breached) p += (2 / 3) ** ups * (1 / 3) ** (H - ups);
      }
      return p;
    };
    const trades = makeTrades([up, up, down], 'return');
    const cases = [
      { breach: { rule: 'static', limit: 0.1 }, exact: exactFor((eq) => eq <= 90) },
      { breach: { rule: 'trailing', limit: 20 }, exact: exactFor((eq, peak) => peak - eq >= 20) },
    ];
    for (const c of cases) {
      const r = await monteCarloGate(trades, opts({ method: 'iid', paths: 10_000, horizon: H, breach: c.breach }), inProcess, { initialEquity: 100 });
      const [lo, hi] = (r.details as unknown as MonteCarloDetails).clopperPearson95;
      expect(c.exact).toBeGreaterThan(0.02);
      expect(lo).toBeLessThanOrEqual(c.exact);
      expect(hi).toBeGreaterThanOrEqual(c.exact);
    }
  });

  it('pnl trades add to the initial equity', async () => {
    const trades = makeTrades([500, -300, 200, -400], 'pnl');
    const r = await monteCarloGate(trades, opts({ method: 'permutation', paths: 200 }), inProcess, { initialEquity: 10_000 });
    const d = r.details as unknown as MonteCarloDetails;
    expect(d.originalSequence.finalEquity).toBe(10_000);
    expect(d.finalEquityQuantiles.p50).toBe(10_000);
    expect(d.originalSequence.maxDrawdown).toBeCloseTo(500 / 10_500, 14);
  });

  it('report shape: details, quantile order, strict mode gates on the one-sided upper bound', async () => {
    const trades = randomReturns('shape', 300);
    const loose = await monteCarloGate(trades, opts({ paths: 3000, breach: { rule: 'drawdown', limit: 0.3 } }), inProcess, { initialEquity: null });
    const strict = await monteCarloGate(trades, opts({ paths: 3000, breach: { rule: 'drawdown', limit: 0.3 } }, true), inProcess, { initialEquity: null });
    const d = loose.details as unknown as MonteCarloDetails;
    expect(d.method).toBe('stationary');
    expect(d.blockLength.auto).toBe(true);
    expect(d.blockLength.value).toBeGreaterThanOrEqual(1);
    expect(d.horizon).toBe(300);
    expect(d.shardSize).toBe(1024);
    expect(d.shards).toBe(3);
    expect(d.generator).toBe('seedrandom.tychei');
    const q = d.maxDrawdownQuantiles;
    expect(q.p5).toBeLessThanOrEqual(q.p50);
    expect(q.p50).toBeLessThanOrEqual(q.p95);
    expect(q.p95).toBeLessThanOrEqual(q.p99);
    expect(loose.gatedOn).toBe('point');
    expect(loose.gatedValue).toBe(loose.value);
    expect(loose.comparison).toBe('<');
    expect(strict.gatedOn).toBe('clopperPearson95Upper');
    expect(strict.value).toBe(loose.value);
    expect(strict.gatedValue).toBe(d.clopperPearson95UpperOneSided);
    expect(strict.gatedValue!).toBeGreaterThan(loose.value!);
    expect(loose.pass).toBe(loose.value! < 0.03);
    // JSON-plain: survives a round trip unchanged (no typed arrays, NaN or Infinity).
    expect(JSON.parse(JSON.stringify(loose))).toEqual(loose);
  });

  it('a fixed block length is reported as not auto; iid reports no block length', async () => {
    const trades = randomReturns('fixed', 100);
    const fixed = await monteCarloGate(trades, opts({ paths: 200, blockLength: 5 }), inProcess, { initialEquity: null });
    expect((fixed.details as unknown as MonteCarloDetails).blockLength).toEqual({ value: 5, auto: false, politisWhite: null });
    const iid = await monteCarloGate(trades, opts({ paths: 200, method: 'iid' }), inProcess, { initialEquity: null });
    expect((iid.details as unknown as MonteCarloDetails).blockLength.value).toBeNull();
  });

  it('disabled gate', async () => {
    const r = await monteCarloGate(makeTrades([], 'return'), opts({ enabled: false }), inProcess, { initialEquity: null });
    expect(r).toMatchObject({ enabled: false, value: null, gatedValue: null, pass: true, reason: 'DISABLED' });
  });

  it('convergence: the estimate at 4x the paths lies in the Clopper-Pearson interval of the first', async () => {
    const trades = randomReturns('conv', 200);
    const o = { method: 'iid', breach: { rule: 'drawdown', limit: 0.15 } };
    const small = await monteCarloGate(trades, opts({ ...o, paths: 4000 }), inProcess, { initialEquity: null });
    const large = await monteCarloGate(trades, opts({ ...o, paths: 16_000 }), inProcess, { initialEquity: null });
    const [lo, hi] = (small.details as unknown as MonteCarloDetails).clopperPearson95;
    expect(small.value!).toBeGreaterThan(0.05);
    expect(large.value!).toBeGreaterThanOrEqual(lo);
    expect(large.value!).toBeLessThanOrEqual(hi);
    const [lo4, hi4] = clopperPearsonInterval((large.details as unknown as MonteCarloDetails).breaches, 16_000, 0.95);
    expect(hi4 - lo4).toBeLessThan(hi - lo); // 4x the paths: about half the width
  });
});

describe('monteCarloGate: determinism across executors (needs `npx tsc -p .` for the pool)', () => {
  const pools: ShardExecutor[] = [];
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  it('chart data: fan quantiles at evenly sampled steps, the unshuffled path, the drawdown histogram', async () => {
    const trades = randomReturns('fan', 250);
    // 2,000 paths (under the fan's 2,048): every path recorded, and the last shard only in part.
    const r = await monteCarloGate(trades, opts({ paths: 2000, breach: { rule: 'drawdown', limit: 0.2 } }), inProcess, { initialEquity: null });
    const d = r.details as unknown as MonteCarloDetails;
    const fan = d.fan;
    // 250 steps > 200: evenly sampled, ending at the horizon.
    expect(fan).toMatchObject({ horizon: 250, sampled: true, paths: 2000 });
    expect(fan.steps).toHaveLength(CHART_DATA.mcFanSteps);
    expect(fan.steps[fan.steps.length - 1]).toBe(250);
    for (const band of [fan.p5, fan.p25, fan.p50, fan.p75, fan.p95]) expect(band).toHaveLength(fan.steps.length);
    for (let s = 0; s < fan.steps.length; s++) {
      expect(fan.p5[s]).toBeLessThanOrEqual(fan.p25[s]);
      expect(fan.p25[s]).toBeLessThanOrEqual(fan.p50[s]);
      expect(fan.p50[s]).toBeLessThanOrEqual(fan.p75[s]);
      expect(fan.p75[s]).toBeLessThanOrEqual(fan.p95[s]);
    }
    // At the horizon the fan is the final-equity distribution the gate reports (same paths).
    const last = fan.steps.length - 1;
    expect(fan.p5[last]).toBe(roundSignificant(d.finalEquityQuantiles.p5));
    expect(fan.p50[last]).toBe(roundSignificant(d.finalEquityQuantiles.p50));
    expect(fan.p95[last]).toBe(roundSignificant(d.finalEquityQuantiles.p95));
    // The unshuffled sequence, walked by hand at its sampled steps.
    let eq = 1;
    const byHand: number[] = [];
    trades.values.forEach((v, i) => {
      eq *= 1 + v;
      if (d.originalPath.steps.includes(i + 1)) byHand.push(roundSignificant(eq));
    });
    expect(d.originalPath).toMatchObject({ trades: 250, sampled: true });
    expect(d.originalPath.equity).toEqual(byHand);
    expect(d.originalPath.equity[d.originalPath.equity.length - 1]).toBe(roundSignificant(d.originalSequence.finalEquity));
    // Every path's max drawdown is counted; the bins from the limit's edge hold the breaches.
    const h = d.maxDrawdownHistogram;
    expect(h.limitOnEdge).toBe(true);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(2000);
    const at = h.edges.indexOf(0.2);
    expect(at).toBeGreaterThan(0);
    expect(h.counts.slice(at).reduce((a, b) => a + b, 0)).toBe(d.breaches);
    expect(d.breaches).toBeGreaterThan(0);
    expect(d.breaches).toBeLessThan(2000);
  });

  it('in-process, 1 worker and 2 workers give byte-identical results; another seed differs', async () => {
    const trades = randomReturns('det', 250);
    // 5,000 paths: the fan records the first 2,048 (two of the five shards).
    const o = opts({ paths: 5000, breach: { rule: 'drawdown', limit: 0.2 } });
    const one = createExecutor(1);
    const two = createExecutor(2);
    pools.push(one, two);
    const a = JSON.stringify(await monteCarloGate(trades, o, { executor: new InProcessExecutor(), seed: 7 }, { initialEquity: null }));
    const b = JSON.stringify(await monteCarloGate(trades, o, { executor: one, seed: 7 }, { initialEquity: null }));
    const c = JSON.stringify(await monteCarloGate(trades, o, { executor: two, seed: 7 }, { initialEquity: null }));
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(JSON.parse(a).details.fan.paths).toBe(CHART_DATA.mcFanPaths);
    const other = await monteCarloGate(trades, o, { executor: two, seed: 8 }, { initialEquity: null });
    expect(other.value).not.toBe(JSON.parse(a).value);
  });
});

describe('monteCarloGate: errors (exit 2, one line)', () => {
  const trades = randomReturns('err', 50);
  it('paths below ceil(3 / threshold) names the minimum', async () => {
    expect(minimumPaths(0.03)).toBe(100);
    await expectError(monteCarloGate(trades, opts({ paths: 99 }), inProcess, { initialEquity: null }), 'E_OPTION', /cannot certify the threshold 0\.03.*100 paths/);
    await expectError(monteCarloGate(trades, opts({ paths: 299, threshold: 0.01 }), inProcess, { initialEquity: null }), 'E_OPTION', /300 paths/);
  });
  it('empty trades', async () => {
    await expectError(monteCarloGate(makeTrades([], 'return', 'trades.csv'), opts(), inProcess, { initialEquity: null }), 'E_TOO_FEW_ROWS', /trades\.csv: no trades/);
  });
  it('return <= -1 names the trade row', async () => {
    await expectError(monteCarloGate(makeTrades([0.1, 0.2, -1, 0.1], 'return', 'trades.csv'), opts(), inProcess, { initialEquity: null }), 'E_TRADE_VALUE', /trades\.csv, (row|line) 4, column 'return': return -1 <= -1/);
    await expectError(monteCarloGate(makeTrades([0.1, -1.5], 'return', 'trades.csv'), opts(), inProcess, { initialEquity: null }), 'E_TRADE_VALUE', /(row|line) 3/);
  });
  it('a non-finite trade value', async () => {
    await expectError(monteCarloGate(makeTrades([0.1, Number.NaN], 'return', 'trades.csv'), opts(), inProcess, { initialEquity: null }), 'E_TRADE_VALUE', /(row|line) 3.*not a finite number/);
  });
  it('block length <= 0 (and below 1)', async () => {
    await expectError(monteCarloGate(trades, { ...opts(), blockLength: 0 }, inProcess, { initialEquity: null }), 'E_OPTION', /blockLength/);
    await expectError(monteCarloGate(trades, { ...opts(), blockLength: -2 }, inProcess, { initialEquity: null }), 'E_OPTION', /blockLength/);
    await expectError(monteCarloGate(trades, opts({ blockLength: 0.5 }), inProcess, { initialEquity: null }), 'E_OPTION', /below 1/);
  });
  it('horizon < 1, and a permutation horizon other than n', async () => {
    await expectError(monteCarloGate(trades, { ...opts(), horizon: 0 }, inProcess, { initialEquity: null }), 'E_OPTION', /horizon: 0 must be an integer >= 1/);
    await expectError(monteCarloGate(trades, opts({ method: 'permutation', horizon: 20 }), inProcess, { initialEquity: null }), 'E_OPTION', /horizon must be 50/);
  });
  it('pnl without initialEquity; trailing in return mode without initialEquity; bad initialEquity', async () => {
    await expectError(monteCarloGate(makeTrades([10, -5], 'pnl'), opts(), inProcess, { initialEquity: null }), 'E_OPTION', /option initialEquity/);
    await expectError(monteCarloGate(trades, opts({ breach: { rule: 'trailing', limit: 100 } }), inProcess, { initialEquity: null }), 'E_OPTION', /option initialEquity.*currency/);
    await expectError(monteCarloGate(trades, opts(), inProcess, { initialEquity: -5 }), 'E_OPTION', /initialEquity: -5/);
  });
  it('equity overflow is reported, not returned as Infinity', async () => {
    const huge = makeTrades(Array.from({ length: 40 }, () => 1e30), 'return', 'trades.csv');
    await expectError(monteCarloGate(huge, opts({ method: 'iid', paths: 100 }), inProcess, { initialEquity: null }), 'E_NON_FINITE', /overflowed/);
  });
});
