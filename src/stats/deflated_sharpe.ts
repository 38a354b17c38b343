/**
 * The deflated-Sharpe family (docs/methodology.md, "Deflated Sharpe"):
 *   Bailey & Lopez de Prado (2012), "The Sharpe Ratio Efficient Frontier", J. of Risk 15(2):
 *     PSR and MinTRL;
 *   Bailey & Lopez de Prado (2014), "The Deflated Sharpe Ratio", J. of Portfolio Management
 *     40(5): DSR and the expected maximum of N standard normals;
 *   Bailey, Borwein, Lopez de Prado & Zhu (2014), "Pseudo-Mathematics and Financial
 *     Charlatanism", Notices of the AMS 61(5): MinBTL.
 * Conventions (pypbo's): SR is the per-period Sharpe ratio (mean / std, ddof 1), skew the
 * bias-corrected skewness, kurt the NON-excess kurtosis (excess + 3). Every function is O(1)
 * and returns a named reason instead of a number where the formula is undefined, never NaN.
 */
import { normalCdf, normalQuantile } from './normal.js';

/** The Euler-Mascheroni constant. */
export const EULER_GAMMA = 0.5772156649015329;

export type Undefined<R extends string> = { value: null; reason: R };
export type Defined = { value: number; reason: null };

/**
 * E[max of N independent standard normals] ~ (1 - gamma) Zinv(1 - 1/N) + gamma Zinv(1 - 1/(N e))
 * (Bailey & Lopez de Prado 2014, eq. 5 after Embrechts et al.). Defined for N >= 2.
 */
export function expectedMaxStandardNormal(N: number): Defined | Undefined<'TOO_FEW_TRIALS'> {
  if (!(N >= 2)) return { value: null, reason: 'TOO_FEW_TRIALS' };
  return { value: (1 - EULER_GAMMA) * normalQuantile(1 - 1 / N) + EULER_GAMMA * normalQuantile(1 - 1 / (N * Math.E)), reason: null };
}

/** 1 - skew SR + (kurt - 1) / 4 SR^2: the variance factor of the Sharpe estimator under non-normal returns. */
export function sharpeVarianceFactor(sr: number, skew: number, kurt: number): number {
  return 1 - skew * sr + ((kurt - 1) / 4) * sr * sr;
}

/**
 * Probabilistic Sharpe ratio PSR(SR*) = Z((SR - SR*) sqrt(T - 1) / sqrt(1 - skew SR + (kurt - 1)/4 SR^2)):
 * the probability that the true Sharpe exceeds SR* given T observations. Undefined when the
 * radicand is <= 0 or T < 2.
 */
export function probabilisticSharpe(sr: number, srStar: number, T: number, skew: number, kurt: number): Defined | Undefined<'RADICAND_NONPOSITIVE' | 'TOO_FEW_OBSERVATIONS'> {
  if (!(T >= 2)) return { value: null, reason: 'TOO_FEW_OBSERVATIONS' };
  const v = sharpeVarianceFactor(sr, skew, kurt);
  if (!(v > 0)) return { value: null, reason: 'RADICAND_NONPOSITIVE' };
  return { value: normalCdf(((sr - srStar) * Math.sqrt(T - 1)) / Math.sqrt(v)), reason: null };
}

/**
 * Minimum track record length MinTRL(SR*, p) = 1 + (1 - skew SR + (kurt - 1)/4 SR^2) (Zinv(p) / (SR - SR*))^2
 * periods: how many observations make PSR(SR*) reach p. Undefined when SR <= SR* or the radicand is <= 0.
 */
export function minTrackRecordLength(sr: number, srStar: number, skew: number, kurt: number, confidence = 0.95): Defined | Undefined<'SHARPE_NOT_ABOVE_BENCHMARK' | 'RADICAND_NONPOSITIVE'> {
  if (!(sr > srStar)) return { value: null, reason: 'SHARPE_NOT_ABOVE_BENCHMARK' };
  const v = sharpeVarianceFactor(sr, skew, kurt);
  if (!(v > 0)) return { value: null, reason: 'RADICAND_NONPOSITIVE' };
  const z = normalQuantile(confidence) / (sr - srStar);
  return { value: 1 + v * z * z, reason: null };
}

/**
 * Minimum backtest length MinBTL = (E[max_N] / SR_annual)^2 years, with its upper bound
 * 2 ln N / SR_annual^2: the years of data below which N trials are expected to produce an
 * annualised in-sample Sharpe of SR_annual from pure noise. Undefined when SR_annual <= 0 or N < 2.
 */
export function minBacktestLength(srAnnual: number, N: number): (Defined & { upperBound: number }) | Undefined<'SHARPE_NOT_POSITIVE' | 'TOO_FEW_TRIALS'> {
  if (!(srAnnual > 0)) return { value: null, reason: 'SHARPE_NOT_POSITIVE' };
  const e = expectedMaxStandardNormal(N);
  if (e.value === null) return e;
  return { value: (e.value / srAnnual) ** 2, upperBound: (2 * Math.log(N)) / (srAnnual * srAnnual), reason: null };
}
