/**
 * Standard error of a PBO estimated on m of the P complementary pairs of combinations drawn
 * without replacement (docs/methodology.md, "PBO"): the pair is the sampling unit, with
 * y_i = (overfit combinations in pair i) / 2 from `pairOverfit[i]` in {0, 1, 2}, and
 *   SE = sqrt((1 - m / P) s^2 / m),
 * s^2 the sample variance of y (ddof 1) and (1 - m / P) the finite-population correction of
 * the mean of a simple random sample without replacement (Cochran, Sampling Techniques, 3rd
 * ed., 1977, 2.9). Null when m < 2 (no variance estimate); 0 for a census (m = P).
 *
 * O(m) time (two passes), O(1) memory.
 */
export function sampledStandardError(pairOverfit: Uint8Array, P: number): number | null {
  const m = pairOverfit.length;
  if (m < 2) return null;
  let sum = 0;
  for (let i = 0; i < m; i++) sum += pairOverfit[i] / 2;
  const mean = sum / m;
  let ss = 0;
  for (let i = 0; i < m; i++) {
    const d = pairOverfit[i] / 2 - mean;
    ss += d * d;
  }
  return Math.sqrt(((1 - m / P) * (ss / (m - 1))) / m);
}
