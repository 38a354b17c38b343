/**
 * Confidence intervals for a binomial proportion k / n: Wilson score (win rate, docs/methodology.md, "Win rate") and
 * Clopper-Pearson exact (Monte Carlo breach probability, docs/methodology.md, "Monte Carlo"). One-sided bounds (strict
 * mode, docs/formats.md, "Policy") are the matching end of the two-sided interval at level 1 - 2(1 - confidence).
 */
import { internalError } from '../errors.js';
import { betaQuantile } from './beta.js';
import { normalQuantile } from './normal.js';

function checkCounts(fn: string, k: number, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw internalError(`${fn}: n must be an integer >= 0, got ${n}`);
  if (n === 0) throw internalError(`${fn}: n = 0, a proportion of no trials has no interval`);
  if (!Number.isInteger(k) || k < 0 || k > n) throw internalError(`${fn}: k must be an integer in [0, n = ${n}], got ${k}`);
}

/** Probability in each excluded tail: (1 - c)/2 two-sided, 1 - c one-sided (which needs c > 1/2). */
function tailProbability(fn: string, confidence: number, sides: 1 | 2): number {
  const lowest = sides === 1 ? 0.5 : 0;
  if (!(confidence > lowest && confidence < 1)) {
    throw internalError(`${fn}: confidence must be in (${lowest}, 1), got ${confidence}`);
  }
  return (1 - confidence) / sides;
}

/**
 * Wilson score bounds for critical value z (Wilson 1927; Agresti & Coull 1998 eq. 2):
 * (p + z^2/2n -/+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n), p = k/n, the same arithmetic as
 * statsmodels' proportion_confint(method='wilson'). k = 0 and k = n give exactly 0 and 1 at the
 * closed end (mathematically exact; the formula only reaches them up to rounding). O(1).
 */
function wilsonBounds(k: number, n: number, z: number): [number, number] {
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  const lower = k === 0 ? 0 : Math.max(0, center - half);
  const upper = k === n ? 1 : Math.min(1, center + half);
  return [lower, upper];
}

/** Two-sided Wilson score interval for k successes in n trials at `confidence`. O(1). */
export function wilsonInterval(k: number, n: number, confidence = 0.95): [number, number] {
  checkCounts('wilsonInterval', k, n);
  // -Phi^-1(tail) rather than Phi^-1(1 - tail): the small tail is represented exactly.
  const z = -normalQuantile(tailProbability('wilsonInterval', confidence, 2));
  return wilsonBounds(k, n, z);
}

/**
 * One-sided Wilson lower bound at `confidence`: the lower end of the two-sided interval at
 * level 1 - 2(1 - confidence), i.e. critical value z = Phi^-1(confidence). O(1).
 */
export function wilsonLowerBound(k: number, n: number, confidence = 0.95): number {
  checkCounts('wilsonLowerBound', k, n);
  const z = -normalQuantile(tailProbability('wilsonLowerBound', confidence, 1));
  return wilsonBounds(k, n, z)[0];
}

/**
 * Clopper-Pearson bounds with `tail` probability excluded on each side (Clopper & Pearson 1934,
 * in the beta form of e.g. Brown, Cai & DasGupta 2001): lower = B^-1(tail; k, n - k + 1),
 * upper = B^-1(1 - tail; k + 1, n - k); k = 0 gives lower 0, k = n gives upper 1.
 */
function clopperPearsonBounds(k: number, n: number, tail: number): [number, number] {
  const lower = k === 0 ? 0 : betaQuantile(tail, k, n - k + 1);
  const upper = k === n ? 1 : betaQuantile(1 - tail, k + 1, n - k);
  return [lower, upper];
}

/** Two-sided Clopper-Pearson (exact) interval for k successes in n trials. O(sqrt(n)) per bound. */
export function clopperPearsonInterval(k: number, n: number, confidence = 0.95): [number, number] {
  checkCounts('clopperPearsonInterval', k, n);
  return clopperPearsonBounds(k, n, tailProbability('clopperPearsonInterval', confidence, 2));
}

/**
 * One-sided Clopper-Pearson upper bound at `confidence`: B^-1(confidence; k + 1, n - k), the
 * upper end of the two-sided interval at level 1 - 2(1 - confidence); 1 when k = n. O(sqrt(n)).
 */
export function clopperPearsonUpperBound(k: number, n: number, confidence = 0.95): number {
  checkCounts('clopperPearsonUpperBound', k, n);
  return clopperPearsonBounds(k, n, tailProbability('clopperPearsonUpperBound', confidence, 1))[1];
}
