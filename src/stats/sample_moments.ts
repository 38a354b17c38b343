/**
 * Sample moments of a series: mean, standard deviation (ddof 1), and the bias-corrected
 * skewness G1 and excess kurtosis G2 (Joanes & Gill 1998, "Comparing measures of sample
 * skewness and kurtosis", The Statistician 47(1); the estimators of pandas' `Series.skew` and
 * `Series.kurtosis`, SAS and Excel):
 *   m_k = sum((x - mean)^k) / n,  g1 = m3 / m2^(3/2),  g2 = m4 / m2^2 - 3,
 *   G1 = g1 sqrt(n (n - 1)) / (n - 2),  G2 = ((n + 1) g2 + 6) (n - 1) / ((n - 2) (n - 3)).
 * A series whose values are all equal has m2 = 0: its skewness and kurtosis are undefined
 * (null), as is G1 for n < 3 and G2 for n < 4. Two passes in order. O(n).
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
  let s2 = 0, s3 = 0, s4 = 0;
  for (let i = 0, j = start; i < n; i++, j += stride) {
    const d = x[j] - mean;
    const d2 = d * d;
    s2 += d2;
    s3 += d2 * d;
    s4 += d2 * d2;
  }
  const constant = lo === hi;
  const sd = Math.sqrt(s2 / (n - 1));
  if (constant) return { n, mean, sd: 0, constant, skewness: null, excessKurtosis: null };
  const m2 = s2 / n, m3 = s3 / n, m4 = s4 / n;
  const g1 = m3 / Math.pow(m2, 1.5);
  const g2 = m4 / (m2 * m2) - 3;
  return {
    n, mean, sd, constant,
    skewness: n >= 3 ? (g1 * Math.sqrt(n * (n - 1))) / (n - 2) : null,
    excessKurtosis: n >= 4 ? (((n + 1) * g2 + 6) * (n - 1)) / ((n - 2) * (n - 3)) : null,
  };
}
