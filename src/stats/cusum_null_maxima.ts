/**
 * The null distribution of the lower CUSUM's maximum over a finite horizon, by resampling:
 * what calibrates the mean-shift check of `gauntlet monitor` (docs/lifecycle.md, "Monitoring").
 */
import { tycheiNext, uniformIndex } from '../rng/tychei.js';

/**
 * For each of `paths` paths, draw `horizon` values i.i.d. (with replacement, uniformly) from
 * `standardised` (the in-control trades, already (x - mean) / sd) and return
 * max_t C_t of the lower CUSUM C_t = max(0, C_{t-1} - z_t - k), C_0 = 0 (as `lowerCusum`).
 *
 * Source: the i.i.d. bootstrap (Efron 1979) of the in-control distribution: no normality is
 * assumed, so the heavy tails and skew of real trade returns set the threshold, and for
 * trades drawn from the backtest the false alarm rate is the nominal alpha up to Monte Carlo
 * error (tested). Draws come from the tychei state `rng` (stepped in place; one 32-bit draw per
 * value, index floor(u x n / 2^32)), so the result is a pure function of the inputs and the
 * starting state. O(paths x horizon) time, O(paths) memory.
 */
export function cusumNullMaxima(standardised: Float64Array, horizon: number, k: number, paths: number, rng: Int32Array): Float64Array {
  const n = standardised.length;
  if (n === 0) throw new RangeError('cusumNullMaxima: no values to resample');
  if (!Number.isInteger(horizon) || horizon < 1) throw new RangeError(`cusumNullMaxima: horizon must be an integer >= 1, got ${horizon}`);
  if (!Number.isInteger(paths) || paths < 1) throw new RangeError(`cusumNullMaxima: paths must be an integer >= 1, got ${paths}`);
  const out = new Float64Array(paths);
  for (let p = 0; p < paths; p++) {
    let c = 0;
    let max = 0;
    for (let t = 0; t < horizon; t++) {
      c = c - standardised[uniformIndex(tycheiNext(rng), n)] - k;
      if (c < 0) c = 0;
      if (c > max) max = c;
    }
    out[p] = max;
  }
  return out;
}
