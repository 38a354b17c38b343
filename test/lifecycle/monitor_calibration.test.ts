/**
 * The monitor's checks are calibrated (docs/lifecycle.md, "Monitoring"): live trades drawn from
 * the backtest distribution itself raise each statistical check at its nominal rate, and
 * trades with a lower mean are flagged with the power printed here.
 *
 * The backtest pool is the real cycle candidate's 89 trades (fixtures/cycle/candidate: skewed,
 * heavy-tailed). Each replication draws H = 30 live trades i.i.d. from the pool with its own
 * seed, and runs the checks with its own run seed (so the Monte Carlo thresholds vary too, and
 * the rates are of the whole procedure):
 * - win rate: the exact binomial test is conservative by construction; its false alarm rate is
 *   compared with its exact size sum_{k <= k*} P(X = k) (closed form), k* the largest count whose
 *   lower tail is <= alpha;
 * - drawdown (iid resampling, the live trades' own law): > p95 at about 5%, > p99 at about 1%;
 * - mean shift: the Monte Carlo test's size floor(alpha (P + 1)) / (P + 1);
 * each within 3 standard errors of the rate over the replications.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../src/io/policy.js';
import { makeTrades } from '../../src/io/types.js';
import { ageCheck, drawdownCheck, meanShiftCheck, winRateCheck } from '../../src/lifecycle/monitor.js';
import { binomialLowerTail } from '../../src/stats/binomial_lower_tail.js';
import { tycheiNext, tycheiState, uniformIndex } from '../../src/rng/tychei.js';
import { executor } from '../helpers/registry.js';

const pool = readFileSync('fixtures/cycle/candidate/trades.csv', 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[4]));
const backtest = makeTrades(pool);
const H = 30;
const ALPHA = 0.05;
const PATHS = 1000;
const policy = resolvePolicy({ gates: { monteCarlo: { method: 'iid' } }, monitor: { alpha: ALPHA, paths: PATHS } }, 'calibration.json').policy;
const mean = pool.reduce((s, v) => s + v, 0) / pool.length;
const sd = Math.sqrt(pool.reduce((s, v) => s + (v - mean) ** 2, 0) / (pool.length - 1));

function draw(seed: string, shift: number): Float64Array {
  const rng = tycheiState(seed);
  return Float64Array.from({ length: H }, () => pool[uniformIndex(tycheiNext(rng), pool.length)] + shift);
}

function within3se(rate: number, p: number, R: number, what: string): void {
  const se = Math.sqrt((p * (1 - p)) / R);
  expect(Math.abs(rate - p), `${what}: rate ${rate.toFixed(4)} vs ${p.toFixed(4)} (3 SE = ${(3 * se).toFixed(4)})`).toBeLessThanOrEqual(3 * se);
}

describe('false alarm rates on trades drawn from the backtest distribution', () => {
  it('win rate (exact binomial): the false alarm rate is the test exact size, within 3 SE', () => {
    const R = 4000;
    const p0 = pool.filter((v) => v > 0).length / pool.length;
    let kStar = -1;
    while (binomialLowerTail(kStar + 1, H, p0) <= ALPHA) kStar++;
    const size = kStar < 0 ? 0 : binomialLowerTail(kStar, H, p0);
    let alarms = 0;
    for (let r = 0; r < R; r++) if (winRateCheck(backtest, makeTrades(draw(`wr-${r}`, 0)), ALPHA).status === 'DEGRADED') alarms++;
    console.log(`win rate: p0 ${p0.toFixed(4)}, k* ${kStar}, exact size ${size.toFixed(4)} (alpha ${ALPHA}), false alarm rate ${(alarms / R).toFixed(4)} over ${R}`);
    expect(size).toBeLessThanOrEqual(ALPHA);
    within3se(alarms / R, size, R, 'win rate');
  });

  it('mean shift (CUSUM, Monte Carlo critical value): the false alarm rate is floor(alpha (P + 1)) / (P + 1), within 3 SE', () => {
    const R = 2000;
    let alarms = 0;
    for (let r = 0; r < R; r++) if (meanShiftCheck(backtest, makeTrades(draw(`ms-${r}`, 0)), policy, r).status === 'DEGRADED') alarms++;
    const size = Math.floor(ALPHA * (PATHS + 1)) / (PATHS + 1);
    console.log(`mean shift: nominal ${size.toFixed(4)}, false alarm rate ${(alarms / R).toFixed(4)} over ${R}`);
    within3se(alarms / R, size, R, 'mean shift');
  });

  it('drawdown (iid resampling of the pool): above p95 about 5% of the time, above p99 about 1%, within 3 SE', async () => {
    const R = 1000;
    let watch = 0, degraded = 0;
    for (let r = 0; r < R; r++) {
      const c = await drawdownCheck({ backtest, live: makeTrades(draw(`dd-${r}`, 0)), initialEquity: null, createdAt: new Date(0), asOf: new Date(0), policy, seed: r, executor });
      if (c.status !== 'HEALTHY') watch++;
      if (c.status === 'DEGRADED') degraded++;
    }
    console.log(`drawdown: above p95 ${(watch / R).toFixed(4)}, above p99 ${(degraded / R).toFixed(4)} over ${R}`);
    within3se(watch / R, 0.05, R, 'drawdown > p95');
    within3se(degraded / R, 0.01, R, 'drawdown > p99');
  });
});

describe('power against a lower mean (reported)', () => {
  it('shifts of 0.5 and 1 backtest standard deviation per trade are flagged more often than false alarms, and more for the larger shift', async () => {
    const R = 400;
    const power: Record<string, Record<string, number>> = {};
    for (const k of [0.5, 1]) {
      const shift = -k * sd;
      const hits = { winRate: 0, drawdown: 0, meanShift: 0, any: 0 };
      for (let r = 0; r < R; r++) {
        const live = makeTrades(draw(`pw-${k}-${r}`, shift));
        const w = winRateCheck(backtest, live, ALPHA).status === 'DEGRADED';
        const d = (await drawdownCheck({ backtest, live, initialEquity: null, createdAt: new Date(0), asOf: new Date(0), policy, seed: r, executor })).status === 'DEGRADED';
        const m = meanShiftCheck(backtest, live, policy, r).status === 'DEGRADED';
        hits.winRate += +w;
        hits.drawdown += +d;
        hits.meanShift += +m;
        hits.any += +(w || d || m);
      }
      power[`${k} sd`] = Object.fromEntries(Object.entries(hits).map(([c, h]) => [c, h / R]));
    }
    console.log(`power over ${R} replications of H = ${H} trades (shift in backtest sd ${sd.toFixed(4)} per trade): ${JSON.stringify(power)}`);
    for (const c of ['meanShift', 'any']) {
      expect(power['0.5 sd'][c], c).toBeGreaterThan(2 * ALPHA);
      expect(power['1 sd'][c], c).toBeGreaterThan(power['0.5 sd'][c]);
    }
    expect(power['1 sd'].meanShift).toBeGreaterThan(0.8);
  });
});

describe('age against the schedule (closed form)', () => {
  it('RETRAIN_DUE exactly when more than maxAgeDays have passed; no schedule skips the check', () => {
    const created = new Date('2016-12-31T00:00:00Z');
    expect(ageCheck(created, new Date('2019-12-31T00:00:00Z'), 1095)).toMatchObject({ status: 'HEALTHY', value: 1095 });
    expect(ageCheck(created, new Date('2019-12-31T00:00:01Z'), 1095).status).toBe('RETRAIN_DUE');
    expect(ageCheck(created, new Date('2020-06-30T00:00:00Z'), null).status).toBe('SKIPPED');
  });
});
