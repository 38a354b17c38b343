/**
 * Simple linear regression by ordinary least squares, y = intercept + slope x, with the
 * coefficient of determination (e.g. Freedman, Pisani & Purves, Statistics, ch. 10-12;
 * Wasserman, All of Statistics, 13.1). Two passes: the means first, then the centred sums
 *   Sxx = sum (x - mx)^2,  Sxy = sum (x - mx)(y - my),  Syy = sum (y - my)^2,
 * in index order; slope = Sxy / Sxx, intercept = my - slope x mx, r2 = Sxy^2 / (Sxx Syy).
 * A zero Sxx (or Syy, for r2) leaves the quantity null rather than NaN. The PBO gate's
 * performance degradation (docs/methodology.md, "PBO") is this fit of the selected
 * configuration's OOS metric on its IS metric.
 *
 * O(n) time, O(1) memory.
 */
export function linearRegression(x: ArrayLike<number>, y: ArrayLike<number>): { slope: number | null; intercept: number | null; r2: number | null } {
  const n = x.length;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
  mx /= n; my /= n;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx, dy = y[i] - my;
    sxx += dx * dx; sxy += dx * dy; syy += dy * dy;
  }
  if (!(sxx > 0)) return { slope: null, intercept: null, r2: null };
  const slope = sxy / sxx;
  // On tiny values (e.g. the mean of 1e-160 returns) sxx * syy underflows to 0: the ratio
  // form then keeps r2 finite instead of 0 / 0.
  const den = sxx * syy;
  return { slope, intercept: my - slope * mx, r2: syy > 0 ? (den > 0 && den < Infinity ? (sxy * sxy) / den : (sxy / sxx) * (sxy / syy)) : null };
}
