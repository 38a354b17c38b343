import { gridBinIndex } from './grid_bin_index.js';

/**
 * First- and second-order stochastic dominance of a sample F_opt over a pooled distribution
 * F_all, both counted on one fixed grid (Bailey, Borwein, Lopez de Prado & Zhu 2017, "The
 * Probability of Backtest Overfitting", section on stochastic dominance; Hadar & Russell 1969
 * for the orders; docs/methodology.md, "PBO"). The grid has poolCounts.length = B equal bins
 * over [lo, hi] (1 / width = invWidth); values outside are clamped into the end bins
 * (`gridBinIndex`), and the pool's exact extremes poolMin / poolMax are kept. `opt` holds the
 * sample (C values); `poolCounts` the pool's counts per bin, C x N values in all.
 *
 * The CDFs are exact at the points x_0 = min(lo, poolMin) (F = 0), the interior bin edges
 * x_j = lo + j (hi - lo) / B (F = share of values below x_j), and x_B = max(hi, poolMax) (F = 1).
 *   firstOrder:  F_opt(x_j) <= F_all(x_j) at every point, compared on exact integer counts.
 *   secondOrder: I(x_j) = integral from x_0 to x_j of (F_all - F_opt), by the trapezoid rule
 *                between points, is >= 0 at every point; minIntegral = min_j I(x_j) (0 at
 *                x_0) and minIntegralAt = that x_j.
 *
 * O(C + B) time, O(B) memory.
 */
export function stochasticDominance(
  opt: Float64Array, poolCounts: Float64Array, N: number, lo: number, hi: number, invWidth: number, poolMin: number, poolMax: number,
): { grid: { bins: number; lo: number; hi: number }; firstOrder: boolean; secondOrder: boolean; minIntegral: number; minIntegralAt: number } {
  const B = poolCounts.length;
  const C = opt.length;
  const optCounts = new Float64Array(B);
  for (let i = 0; i < C; i++) optCounts[gridBinIndex(opt[i], lo, invWidth, B)]++;
  const poolTotal = C * N;
  let cumAll = 0, cumOpt = 0;
  let first = true;
  let integral = 0, minIntegral = 0, minAt = Math.min(lo, poolMin);
  let prevX = Math.min(lo, poolMin), prevD = 0;
  for (let j = 1; j <= B; j++) {
    cumAll += poolCounts[j - 1];
    cumOpt += optCounts[j - 1];
    const x = j === B ? Math.max(hi, poolMax) : lo + (j * (hi - lo)) / B;
    const d = j === B ? 0 : cumAll / poolTotal - cumOpt / C;
    if (cumOpt * N > cumAll) first = false; // F_opt > F_all, compared on exact integer counts
    integral += ((x - prevX) * (prevD + d)) / 2;
    if (integral < minIntegral) { minIntegral = integral; minAt = x; }
    prevX = x; prevD = d;
  }
  return { grid: { bins: B, lo, hi }, firstOrder: first, secondOrder: minIntegral >= 0, minIntegral, minIntegralAt: minAt };
}
