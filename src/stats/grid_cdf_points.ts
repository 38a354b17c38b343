import { gridBinIndex } from './grid_bin_index.js';

/**
 * The two empirical CDFs of the PBO stochastic-dominance check (`stochasticDominance`), at
 * `points` evenly spaced edges of its grid, for a chart: F_opt, the share of the selected
 * configurations' OOS values below x, and F_all, the share of all columns' OOS values below x.
 * Counted on the same grid (B equal bins over [lo, hi], 1 / width = invWidth, values outside
 * clamped into the end bins) from the same exact integer counts, so every plotted value is one
 * the dominance check itself compares:
 *   x_0 = min(lo, poolMin) with F = 0; x_j = lo + e_j (hi - lo) / B at the interior edges
 *   e_j = round(j B / points), j = 1 .. points - 1; x_points = max(hi, poolMax) with F = 1.
 * (Bailey, Borwein, Lopez de Prado & Zhu 2017, section on stochastic dominance.)
 *
 * O(C + B) time, O(B) memory.
 */
export function gridCdfPoints(
  opt: ArrayLike<number>, poolCounts: ArrayLike<number>, N: number, lo: number, hi: number, invWidth: number, poolMin: number, poolMax: number, points: number,
): { x: number[]; selected: number[]; pooled: number[] } {
  const B = poolCounts.length;
  const C = opt.length;
  if (!Number.isInteger(points) || points < 1) throw new RangeError(`gridCdfPoints: points ${points} is not a whole number >= 1`);
  const m = Math.min(points, B);
  const optCounts = new Float64Array(B);
  for (let i = 0; i < C; i++) optCounts[gridBinIndex(opt[i], lo, invWidth, B)]++;
  const poolTotal = C * N;
  const x = [Math.min(lo, poolMin)], selected = [0], pooled = [0];
  let cumAll = 0, cumOpt = 0, edge = 0;
  for (let j = 1; j <= m; j++) {
    const e = j === m ? B : Math.round((j * B) / m);
    for (; edge < e; edge++) { cumAll += poolCounts[edge]; cumOpt += optCounts[edge]; }
    x.push(j === m ? Math.max(hi, poolMax) : lo + (e * (hi - lo)) / B);
    selected.push(j === m ? 1 : cumOpt / C);
    pooled.push(j === m ? 1 : cumAll / poolTotal);
  }
  return { x, selected, pooled };
}
