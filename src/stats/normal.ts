/**
 * Standard normal distribution: quantile (inverse CDF) and CDF, both to full double precision.
 * Used for the Wilson score interval's critical value (docs/methodology.md, "Win rate", and strict mode).
 */
import { internalError } from '../errors.js';

/**
 * Standard normal quantile z with Phi(z) = p.
 *
 * Source: M. J. Wichura (1988), "Algorithm AS 241: The Percentage Points of the Normal
 * Distribution", Applied Statistics 37(3), 477-484, PPND16 (relative accuracy about 1e-16).
 * Coefficients as printed in the paper (and in CPython's `statistics` module).
 * p = 0 gives -Infinity and p = 1 gives +Infinity (the limits); p outside [0, 1] or NaN throws.
 * O(1).
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw internalError(`normalQuantile: p must be in [0, 1], got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    // Central region, 0.075 <= p <= 0.925: rational function in r = 0.425^2 - q^2.
    const r = 0.180625 - q * q;
    const num =
      (((((((2.5090809287301226727e3 * r + 3.3430575583588128105e4) * r + 6.7265770927008700853e4) * r +
        4.5921953931549871457e4) * r + 1.3731693765509461125e4) * r + 1.9715909503065514427e3) * r +
        1.3314166789178437745e2) * r + 3.387132872796366608) * q;
    const den =
      (((((((5.226495278852854561e3 * r + 2.8729085735721942674e4) * r + 3.930789580009271061e4) * r +
        2.1213794301586595867e4) * r + 5.3941960214247511077e3) * r + 6.871870074920579083e2) * r +
        4.2313330701600911252e1) * r + 1.0);
    return num / den;
  }
  // Tails: work with the smaller tail probability so 1 - p never loses digits twice.
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let x: number;
  if (r <= 5) {
    r -= 1.6;
    const num =
      (((((((7.7454501427834140764e-4 * r + 2.27238449892691845833e-2) * r + 2.4178072517745061177e-1) * r +
        1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r +
        4.6303378461565452959) * r + 1.42343711074968357734);
    const den =
      (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 1.51986665636164571966e-2) * r +
        1.4810397642748007459e-1) * r + 6.8976733498510000455e-1) * r + 1.6763848301838038494) * r +
        2.05319162663775882187) * r + 1.0);
    x = num / den;
  } else {
    // Far tail, p < exp(-25) ~ 1.4e-11.
    r -= 5;
    const num =
      (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 1.2426609473880784386e-3) * r +
        2.6532189526576123093e-2) * r + 2.9656057182850489123e-1) * r + 1.7848265399172913358) * r +
        5.4637849111641143699) * r + 6.6579046435011037772);
    const den =
      (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
        7.868691311456132591e-4) * r + 1.4875361290850615025e-2) * r + 1.3692988092273580531e-1) * r +
        5.9983220655588793769e-1) * r + 1.0);
    x = num / den;
  }
  return q < 0 ? -x : x;
}

const SQRT_PI = 1.772453850905516027298167483341145182798;

/**
 * erf(z) for |z| < 1.5 by the all-positive series erf(z) = 2z exp(-z^2)/sqrt(pi) *
 * sum_k (2z^2)^k / (1*3*...*(2k+1)) (Abramowitz & Stegun 7.1.6), summed backwards in Horner
 * form with 25 terms, as CPython's math.erf does. No cancellation: every term is positive.
 */
function erfSeries(z: number): number {
  const z2 = z * z;
  let acc = 0;
  let fk = 25 + 0.5;
  for (let i = 0; i < 25; i++) {
    acc = 2 + (z2 * acc) / fk;
    fk -= 1;
  }
  return (acc * z * Math.exp(-z2)) / SQRT_PI;
}

/**
 * erfc(z) for z >= 1.5 by the Laplace continued fraction (A&S 7.1.14), 50 terms evaluated by
 * the forward recurrence (CPython's math.erfc design); it underflows to 0 past z = 30.
 */
function erfcContinuedFraction(z: number): number {
  if (z >= 30) return 0;
  const z2 = z * z;
  let a = 0;
  let da = 0.5;
  let p = 1;
  let pLast = 0;
  let q = da + z2;
  let qLast = 1;
  for (let i = 0; i < 50; i++) {
    a += da;
    da += 2;
    const b = da + z2;
    const pNext = b * p - a * pLast;
    pLast = p;
    p = pNext;
    const qNext = b * q - a * qLast;
    qLast = q;
    q = qNext;
  }
  return ((p / q) * z * Math.exp(-z2)) / SQRT_PI;
}

/**
 * Standard normal CDF Phi(x) = erfc(-x / sqrt 2) / 2, with erfc from the series for small
 * arguments and the continued fraction in the tails, so the lower tail keeps its relative
 * precision (no 1 - (something near 1)). Accurate to a few ulps. O(1) (at most 50 terms).
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) throw internalError('normalCdf: x is NaN');
  if (x === Infinity) return 1;
  if (x === -Infinity) return 0;
  const z = -x / Math.SQRT2;
  if (Math.abs(z) < 1.5) return 0.5 * (1 - erfSeries(z));
  const tail = erfcContinuedFraction(Math.abs(z));
  return 0.5 * (z > 0 ? tail : 2 - tail);
}
