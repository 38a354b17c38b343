/**
 * Sample moments of a series: mean, standard deviation (ddof 1), and the bias-corrected
 * skewness G1 and excess kurtosis G2 (Joanes & Gill 1998, "Comparing measures of sample
 * skewness and kurtosis", The Statistician 47(1); the estimators of pandas' `Series.skew` and
 * `Series.kurtosis`, SAS and Excel):
 *   m_k = sum((x - mean)^k) / n,  g1 = m3 / m2^(3/2),  g2 = m4 / m2^2 - 3 (computed as the
 *   mean of z^3 and z^4 for z = (x - mean) / sqrt(m2), the same numbers without underflow),
 *   G1 = g1 sqrt(n (n - 1)) / (n - 2),  G2 = ((n + 1) g2 + 6) (n - 1) / ((n - 2) (n - 3)).
 * A series whose values are all equal has m2 = 0: its skewness and kurtosis are undefined
 * (null), as is G1 for n < 3 and G2 for n < 4. Three passes in order. O(n).
 */
export interface SampleMoments {
  n: number;
  mean: number;
  /** Sample standard deviation, ddof 1. */
  sd: number;
  /** Whether every value is equal (sd 0, higher moments undefined). */
  constant: boolean;
  /** Bias-corrected skewness G1, or null when undefined. */
  skewness: number | null;
  /** Bias-corrected excess kurtosis G2, or null when undefined. */
  excessKurtosis: number | null;
}

/** Moments of x[start], x[start + stride], ... (count values): a column of a row-major matrix with stride N. */
export function sampleMoments(x: ArrayLike<number>, start = 0, count = x.length, stride = 1): SampleMoments {
  const n = count;
  let sum = 0, lo = Infinity, hi = -Infinity;
  for (let i = 0, j = start; i < n; i++, j += stride) {
    const v = x[j];
    sum += v;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const mean = sum / n;
  let s2 = 0;
  for (let i = 0, j = start; i < n; i++, j += stride) {
    const d = x[j] - mean;
    s2 += d * d;
  }
  const constant = lo === hi;
  const sd = Math.sqrt(s2 / (n - 1));
  if (constant) return { n, mean, sd: 0, constant, skewness: null, excessKurtosis: null };
  // The third and fourth moments on standardised deviations z = d / sqrt(m2): g1 = mean(z^3)
  // and g2 = mean(z^4) - 3 exactly, and z^3, z^4 stay near 1 whatever the data's scale (raw
  // d^3 underflows for returns around 1e-140).
  const rm2 = Math.sqrt(s2 / n);
  let s3 = 0, s4 = 0;
  for (let i = 0, j = start; i < n; i++, j += stride) {
    const z = (x[j] - mean) / rm2;
    const z2 = z * z;
    s3 += z2 * z;
    s4 += z2 * z2;
  }
  const g1 = s3 / n;
  const g2 = s4 / n - 3;
  return {
    n, mean, sd, constant,
    skewness: n >= 3 ? (g1 * Math.sqrt(n * (n - 1))) / (n - 2) : null,
    excessKurtosis: n >= 4 ? (((n + 1) * g2 + 6) * (n - 1)) / ((n - 2) * (n - 3)) : null,
  };
}
