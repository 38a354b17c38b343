/**
 * Binomial coefficients C(n, k), exact in float64 for n <= 52, from a Pascal triangle built
 * once (n <= 64). Used for CSCV's combination counts and combinadic ranks
 * (src/kernels/combinations.ts) and the PBO resource plan (src/engine/budget.ts).
 */

const MAX_N = 64;
let pascal: Float64Array | null = null;

function pascalTable(): Float64Array {
  if (pascal === null) {
    pascal = new Float64Array((MAX_N + 1) * (MAX_N + 1));
    for (let n = 0; n <= MAX_N; n++) {
      pascal[n * (MAX_N + 1)] = 1;
      for (let k = 1; k <= n; k++) {
        pascal[n * (MAX_N + 1) + k] = pascal[(n - 1) * (MAX_N + 1) + k - 1] + (k <= n - 1 ? pascal[(n - 1) * (MAX_N + 1) + k] : 0);
      }
    }
  }
  return pascal;
}

/**
 * Binomial coefficient C(n, k) from Pascal's triangle, exact in float64 for n <= 52
 * (C(52, 26) < 2^53); 0 when k < 0 or k > n. O(1) after the table is built.
 */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n || n < 0) return 0;
  if (n > MAX_N) throw new RangeError(`binomial: n = ${n} exceeds ${MAX_N}`);
  return pascalTable()[n * (MAX_N + 1) + k];
}
