/** Count, mean and M2 (sum of squared deviations from the mean) of a sample. */
export interface Moments {
  n: number;
  mean: number;
  m2: number;
}

/**
 * The moments of the union of two samples from theirs (Chan, Golub & LeVeque, "Updating
 * formulae and a pairwise algorithm for computing sample variances", 1979):
 *   n = n_a + n_b,  delta = mean_b - mean_a,
 *   mean = mean_a + delta n_b / n,  M2 = M2_a + M2_b + delta^2 n_a n_b / n.
 * Folded left in a fixed order (the walk-forward gate combines its folds in fold order) the
 * result does not depend on which thread computed which part. Start from { n: 0, mean: 0,
 * m2: 0 }; both samples empty is undefined (0 / 0).
 *
 * O(1).
 */
export function combineMoments(a: Moments, b: Moments): Moments {
  const n = a.n + b.n;
  const delta = b.mean - a.mean;
  return { n, mean: a.mean + (delta * b.n) / n, m2: a.m2 + (b.m2 + (delta * delta * a.n * b.n) / n) };
}
