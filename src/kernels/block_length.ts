/**
 * Automatic mean block length for the stationary bootstrap: Politis & White (2004),
 * "Automatic Block-Length Selection for the Dependent Bootstrap", with the correction of
 * Patton, Politis & White (2009), exactly as written in docs/methodology.md, "Block length".
 *
 * On the demeaned series e = x - mean(x) of length n:
 *   b_max = ceil(min(3 sqrt(n), n / 3));  K = max(5, floor(log10 n));
 *   m_max = ceil(sqrt(n)) + K;            c = 2 sqrt(log10(n) / n)
 *   R(k)   = sum_t e[t] e[t+k] / n
 *   rho(k) = |sum_t e[t] e[t+k]| / sqrt(sum_{t>=k} e^2 * sum_{t<n-k} e^2)
 *   m_hat  = smallest m >= 0 with |rho(m+1)|..|rho(m+K)| < c (lags > m_max insignificant)
 *   M      = min(2 max(m_hat, 1), m_max)
 *   lam(t) = 1 (t <= 1/2), 2 (1 - t) (1/2 < t <= 1)          (flat-top window)
 *   G  = sum_{k=1..M} 2 lam(k/M) k R(k);  g0 = R(0) + sum_{k=1..M} 2 lam(k/M) R(k)
 *   b  = (2 G^2 / (2 g0^2))^(1/3) n^(1/3), capped at b_max, floored at 1.
 *
 * O(n m_max) = O(n^1.5) time, O(m_max) extra memory.
 */

export interface PolitisWhiteBlockLength {
  /** The mean block length b used by the stationary bootstrap (1 <= b <= max(1, b_max)). */
  b: number;
  /** The unclamped estimate (G^2 / g0^2)^(1/3) n^(1/3); may be < 1, > b_max or Infinity when g0 = 0. */
  bRaw: number;
  bMax: number;
  mHat: number;
  M: number;
  mMax: number;
  K: number;
  /** Significance bound c for |rho(k)|. */
  critical: number;
}

/** Flat-top lag window of Politis & Romano (1995) used by Politis-White. */
export function flatTopWindow(t: number): number {
  const a = Math.abs(t);
  if (a <= 0.5) return 1;
  if (a <= 1) return 2 * (1 - a);
  return 0;
}

export function politisWhiteBlockLength(x: ArrayLike<number>): PolitisWhiteBlockLength {
  const n = x.length;
  if (n < 1) throw new RangeError('politisWhiteBlockLength: empty series');
  const bMax = Math.max(1, Math.ceil(Math.min(3 * Math.sqrt(n), n / 3)));
  const K = Math.max(5, Math.floor(Math.log10(n)));
  const mMax = Math.ceil(Math.sqrt(n)) + K;
  const critical = 2 * Math.sqrt(Math.log10(n) / n);

  let mean = 0;
  for (let t = 0; t < n; t++) mean += x[t];
  mean /= n;
  const e = new Float64Array(n);
  for (let t = 0; t < n; t++) e[t] = x[t] - mean;

  // Prefix sums of e^2 give sum_{t>=k} e^2 and sum_{t<n-k} e^2 in O(1) per lag.
  const sq = new Float64Array(n + 1);
  for (let t = 0; t < n; t++) sq[t + 1] = sq[t] + e[t] * e[t];
  const total = sq[n];

  // A constant series has no dependence to preserve: every resample is the same sequence.
  if (total === 0) return { b: 1, bRaw: 0, bMax, mHat: 0, M: 0, mMax, K, critical };

  // cross[k] = sum_{t=0}^{n-1-k} e[t] e[t+k] for k = 0..m_max (0 once k >= n).
  const cross = new Float64Array(mMax + 1);
  for (let k = 0; k <= mMax && k < n; k++) {
    let s = 0;
    for (let t = 0; t + k < n; t++) s += e[t] * e[t + k];
    cross[k] = s;
  }
  const absRho = (k: number): number => {
    if (k > mMax || k >= n) return 0; // beyond m_max: insignificant by definition
    const den = Math.sqrt((total - sq[k]) * sq[n - k]);
    // A zero denominator means one side of the lag is all zeros: no evidence of correlation.
    return den > 0 ? Math.abs(cross[k]) / den : 0;
  };

  let mHat = 0;
  for (let m = 0; m <= mMax; m++) {
    let allSmall = true;
    for (let j = 1; j <= K; j++) {
      if (!(absRho(m + j) < critical)) {
        allSmall = false;
        break;
      }
    }
    if (allSmall) {
      mHat = m;
      break;
    }
  }
  const M = Math.min(2 * Math.max(mHat, 1), mMax);

  const R = (k: number): number => cross[k] / n;
  let G = 0;
  let g0 = R(0);
  for (let k = 1; k <= M; k++) {
    const w = 2 * flatTopWindow(k / M) * R(k);
    G += w * k;
    g0 += w;
  }
  const ratio = g0 === 0 ? (G === 0 ? 0 : Infinity) : (2 * G * G) / (2 * g0 * g0);
  const bRaw = Math.cbrt(ratio) * Math.cbrt(n);
  const b = Math.min(bMax, Math.max(1, bRaw));
  return { b, bRaw, bMax, mHat, M, mMax, K, critical };
}
