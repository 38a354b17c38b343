import { describe, expect, it } from 'vitest';
import { GauntletError } from '../../src/errors.js';
import { winRateGate } from '../../src/gates/win_rate/gate.js';
import { winRateOptionsSchema, type WinRateOptions } from '../../src/gates/win_rate/options.js';
import { makeTrades } from '../../src/io/types.js';

function options(over: Partial<WinRateOptions> = {}): WinRateOptions {
  return { ...winRateOptionsSchema.parse({}), strict: false, ...over };
}

/** `wins` trades of +1%, `losses` of -1% and `breakevens` of 0, interleaved so order cannot matter. */
function tradeValues(wins: number, losses: number, breakevens = 0): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.max(wins, losses, breakevens); i++) {
    if (i < wins) out.push(0.01);
    if (i < losses) out.push(-0.01);
    if (i < breakevens) out.push(0);
  }
  return out;
}

describe('winRateGate', () => {
  it('counts breakevens (0 and -0) as non-wins, separately from losses', () => {
    const trades = makeTrades([0.02, -0.01, 0, -0, 0.005, 1e-12, -3e-9]);
    const r = winRateGate(trades, options({ threshold: 0.4 }));
    expect(r.details).toMatchObject({ n: 7, wins: 3, losses: 2, breakevens: 2 });
    expect(r.value).toBeCloseTo(3 / 7, 15);
    expect(r.gatedValue).toBe(r.value);
    expect(r.gatedOn).toBe('point');
    expect(r.pass).toBe(true); // 0.4286 > 0.4
    expect(winRateGate(trades, options({ threshold: 0.43 })).pass).toBe(false);
  });

  it('reports the seed default threshold, strict ">" comparison and the documented details', () => {
    const r = winRateGate(makeTrades(tradeValues(592, 408)), options());
    expect(r.gate).toBe('winRate');
    expect(r.enabled).toBe(true);
    expect(r.threshold).toBe(0.57);
    expect(r.comparison).toBe('>');
    expect(r.reason).toBeNull();
    expect(r.value).toBe(0.592);
    expect(r.pass).toBe(true);
    expect(r.warnings).toEqual([]);
    const d = r.details as Record<string, unknown>;
    expect(Object.keys(d).sort()).toEqual(['binomialPValue', 'breakevens', 'losses', 'n', 'wilson95', 'wilson95LowerOneSided', 'wins']);
    // test/reference/intervals.json, k = 592, n = 1000 (statsmodels / scipy).
    const [lo, hi] = d.wilson95 as [number, number];
    expect(lo).toBeCloseTo(0.5612435983142355, 12);
    expect(hi).toBeCloseTo(0.6220522781244223, 12);
    expect(d.wilson95LowerOneSided as number).toBeCloseTo(0.5662216910883313, 12);
    expect(d.binomialPValue as number).toBeCloseTo(0.08460620669887856, 12);
  });

  it('strict mode gates on the one-sided Wilson lower bound and flips a marginal pass to a fail', () => {
    const trades = makeTrades(tradeValues(592, 408));
    const point = winRateGate(trades, options());
    const strict = winRateGate(trades, options({ strict: true }));
    expect(point.pass).toBe(true); // 0.592 > 0.57
    expect(strict.pass).toBe(false); // 0.5662 is not > 0.57
    expect(strict.gatedOn).toBe('wilson95Lower');
    expect(strict.value).toBe(0.592); // the point estimate is still reported
    expect(strict.gatedValue).toBeCloseTo(0.5662216910883313, 12);
    expect(strict.details).toEqual(point.details);
    // With ten times the trades the same rate is certain enough to pass strict mode too.
    expect(winRateGate(makeTrades(tradeValues(5920, 4080)), options({ strict: true })).pass).toBe(true);
  });

  it('the exact p-value is P(X >= wins) under p = threshold and follows the policy threshold', () => {
    const trades = makeTrades(tradeValues(57, 43));
    // test/reference/intervals.json, k = 57, n = 100, H0: p <= 0.57.
    expect(winRateGate(trades, options()).details.binomialPValue as number).toBeCloseTo(0.5420479603528259, 12);
    const p40 = winRateGate(trades, options({ threshold: 0.4 })).details.binomialPValue as number;
    expect(p40).toBeLessThan(0.001);
  });

  it('a win rate exactly at the threshold fails (value must exceed it)', () => {
    const r = winRateGate(makeTrades(tradeValues(57, 43)), options());
    expect(r.value).toBe(0.57);
    expect(r.pass).toBe(false);
    expect(r.reason).toBeNull();
  });

  it('warns under 100 trades and not at 100', () => {
    const few = winRateGate(makeTrades(tradeValues(60, 39)), options());
    expect(few.warnings).toHaveLength(1);
    expect(few.warnings[0]).toMatch(/only 99 trades \(fewer than 100\)/);
    expect(winRateGate(makeTrades(tradeValues(60, 40)), options()).warnings).toEqual([]);
    const one = winRateGate(makeTrades([0.3]), options());
    expect(one.value).toBe(1);
    expect(one.warnings).toHaveLength(1);
  });

  it('a disabled gate passes with no value and says so', () => {
    const r = winRateGate(makeTrades(tradeValues(1, 99)), options({ enabled: false }));
    expect(r).toEqual({
      gate: 'winRate',
      enabled: false,
      value: null,
      gatedValue: null,
      gatedOn: 'point',
      threshold: 0.57,
      comparison: '>',
      pass: true,
      reason: 'DISABLED',
      details: {},
      warnings: [],
    });
  });

  it('no trades is a GauntletError (exit 2), not NaN', () => {
    let caught: unknown;
    try {
      winRateGate(makeTrades([]), options());
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(GauntletError);
    expect((caught as GauntletError).exitCode).toBe(2);
  });

  it('a non-finite trade value is bad input naming the file and row', () => {
    const trades = makeTrades([0.1, Number.NaN, -0.1], 'return', 'trades.csv');
    expect(() => winRateGate(trades, options())).toThrow(/trades\.csv, (line|row) 3, column 'return'/);
  });

  it('all wins and all losses give the closed-end intervals and a JSON-plain result', () => {
    const allWins = winRateGate(makeTrades(tradeValues(150, 0)), options());
    expect(allWins.value).toBe(1);
    expect((allWins.details.wilson95 as number[])[1]).toBe(1);
    const allLosses = winRateGate(makeTrades(tradeValues(0, 150)), options({ strict: true }));
    expect(allLosses.value).toBe(0);
    expect(allLosses.gatedValue).toBe(0);
    expect(allLosses.details.binomialPValue).toBe(1);
    expect(allLosses.pass).toBe(false);
    for (const r of [allWins, allLosses]) expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('pnl trades are classified by sign the same way', () => {
    const r = winRateGate(makeTrades([250, -100, 0, 75], 'pnl'), options({ threshold: 0.5 }));
    expect(r.details).toMatchObject({ wins: 2, losses: 1, breakevens: 1 });
    expect(r.pass).toBe(false); // 0.5 is not > 0.5
  });
});
