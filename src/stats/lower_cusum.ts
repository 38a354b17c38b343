/**
 * One-sided lower CUSUM: the mean-shift check of `gauntlet monitor` (docs/lifecycle.md,
 * "Monitoring"), watching per-trade returns for a fall of their mean below the backtest's.
 */

export interface LowerCusum {
  /** max over t of C_t (0 when the sum never rises above 0). */
  max: number;
  /** First index t (0-based) where C_t reaches `max`; -1 when max is 0. */
  at: number;
  /** C_n, the statistic after the last value. */
  last: number;
}

/**
 * Page's tabular CUSUM for a downward shift, on values standardised by the in-control mean
 * and standard deviation:
 *
 *   z_t = (x_t - mean) / sd,   C_0 = 0,   C_t = max(0, C_{t-1} - z_t - k)
 *
 * Source: E. S. Page (1954), "Continuous inspection schemes", Biometrika 41; the tabular form
 * and the reference value k = delta / 2 for a shift of delta standard deviations are
 * Montgomery, "Introduction to Statistical Quality Control", section 9.1. Returns the largest
 * C_t (the statistic an alarm threshold h is compared with over a finite horizon), where it
 * was first reached, and the last C_t. O(n) time, O(1) memory.
 */
export function lowerCusum(x: ArrayLike<number>, mean: number, sd: number, k: number): LowerCusum {
  if (!(sd > 0) || !Number.isFinite(sd)) throw new RangeError(`lowerCusum: sd must be a finite number > 0, got ${sd}`);
  if (!(k >= 0) || !Number.isFinite(k)) throw new RangeError(`lowerCusum: k must be a finite number >= 0, got ${k}`);
  let c = 0;
  let max = 0;
  let at = -1;
  for (let t = 0; t < x.length; t++) {
    c = c - (x[t] - mean) / sd - k;
    if (c < 0) c = 0;
    if (c > max) {
      max = c;
      at = t;
    }
  }
  return { max, at, last: c };
}
