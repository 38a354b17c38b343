/**
 * The deflated-Sharpe family against pypbo / pandas on the Brent SMA grid
 * (test/reference/stats/sharpe-brent-ma-grid.json) and the DSR paper's worked example, plus the
 * undefined cases (a named reason, never NaN).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expectedMaxStandardNormal, minBacktestLength, minTrackRecordLength, probabilisticSharpe } from '../../src/stats/deflated_sharpe.js';
import { sampleMoments } from '../../src/stats/sample_moments.js';

const ref = JSON.parse(readFileSync(fileURLToPath(new URL('../reference/stats/sharpe-brent-ma-grid.json', import.meta.url)), 'utf8'));
const lines = readFileSync(fileURLToPath(new URL('../reference/pbo/brent-ma-grid.csv', import.meta.url)), 'utf8').trim().split('\n');
const columns = lines[0].split(',').slice(1);
const T = lines.length - 1, N = columns.length;
const data = Float64Array.from(lines.slice(1).flatMap((l) => l.split(',').slice(1).map(Number)));
const close = (a: number | null, b: number, tol = 1e-9) => expect(Math.abs((a as number) - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));

describe('deflated Sharpe family = pypbo on the Brent grid', () => {
  const sel = columns.indexOf(ref.selected);
  const m = sampleMoments(data, sel, T, N);
  const sr = m.mean / m.sd;
  const sharpes = Array.from({ length: N }, (_, n) => { const c = sampleMoments(data, n, T, N); return c.mean / c.sd; });
  const srStd = sampleMoments(sharpes).sd;
  const kurt = (m.excessKurtosis as number) + 3;
  const emax = expectedMaxStandardNormal(N).value as number;

  it('inputs: T, N, per-period Sharpe, its spread across trials, skewness, kurtosis, E[max]', () => {
    expect([T, N]).toEqual([ref.T, ref.N]);
    close(sr, ref.sharpePerPeriod);
    close(srStd, ref.sharpeStdAcrossTrials);
    close(m.skewness, ref.skewness);
    close(kurt, ref.kurtosis);
    close(emax, ref.expectedMaxZ);
    close(srStd * emax, ref.sr0PerPeriod);
  });

  it('PSR(0), DSR, MinTRL(0.95), MinBTL and its upper bound', () => {
    close(probabilisticSharpe(sr, 0, T, m.skewness as number, kurt).value, ref.psr0);
    close(probabilisticSharpe(sr, srStd * emax, T, m.skewness as number, kurt).value, ref.dsr);
    close(minTrackRecordLength(sr, 0, m.skewness as number, kurt).value, ref.minTRL95);
    const btl = minBacktestLength(sr * Math.sqrt(252), N);
    expect(btl.reason).toBeNull();
    close(btl.value, ref.minBTLYears_at252[0]);
    close((btl as { upperBound: number }).upperBound, ref.minBTLYears_at252[1]);
  });

  it("the DSR paper's example: annualised SR 2.5, T 1,250 at 250/yr, N 100, skew -3, kurtosis 10, V[SR] 0.5 => 0.9004", () => {
    const ex = ref.paperExample;
    close(expectedMaxStandardNormal(100).value, ex.expectedMaxZ_N100);
    const srp = 2.5 / Math.sqrt(250);
    const sr0 = Math.sqrt(0.5 / 250) * (expectedMaxStandardNormal(100).value as number);
    const dsr = probabilisticSharpe(srp, sr0, 1250, -3, 10).value as number;
    close(dsr, ex.dsr);
    expect(dsr.toFixed(4)).toBe('0.9004');
  });
});

describe('undefined cases carry a reason, never NaN', () => {
  it('N < 2, a non-positive radicand, SR <= SR*, SR_annual <= 0, T < 2', () => {
    expect(expectedMaxStandardNormal(1)).toEqual({ value: null, reason: 'TOO_FEW_TRIALS' });
    // 1 - skew SR + (kurt - 1)/4 SR^2 with skew 10, SR 0.5, kurt 1: 1 - 5 + 0 < 0
    expect(probabilisticSharpe(0.5, 0, 100, 10, 1)).toEqual({ value: null, reason: 'RADICAND_NONPOSITIVE' });
    expect(probabilisticSharpe(0.1, 0, 1, 0, 3)).toEqual({ value: null, reason: 'TOO_FEW_OBSERVATIONS' });
    expect(minTrackRecordLength(-0.1, 0, 0, 3)).toEqual({ value: null, reason: 'SHARPE_NOT_ABOVE_BENCHMARK' });
    expect(minTrackRecordLength(0.5, 0, 10, 1)).toEqual({ value: null, reason: 'RADICAND_NONPOSITIVE' });
    expect(minBacktestLength(0, 10)).toEqual({ value: null, reason: 'SHARPE_NOT_POSITIVE' });
    expect(minBacktestLength(1, 1)).toEqual({ value: null, reason: 'TOO_FEW_TRIALS' });
  });

  it('sample moments: a constant series has no skewness or kurtosis; closed form on a small series', () => {
    expect(sampleMoments([2, 2, 2, 2])).toMatchObject({ constant: true, sd: 0, skewness: null, excessKurtosis: null });
    // x = 1..5: symmetric, so G1 = 0; G2 = -1.2 (scipy.stats.kurtosis(x, bias=False))
    const m = sampleMoments([1, 2, 3, 4, 5]);
    expect(m.skewness).toBe(0);
    close(m.excessKurtosis, -1.2, 1e-14);
    close(m.sd, Math.sqrt(2.5), 1e-15);
    // scipy.stats.skew([1, 2, 10], bias=False) (pandas' estimator) == 1.6523167403329908
    close(sampleMoments([1, 2, 10]).skewness, 1.6523167403329906, 1e-14);
  });
});
