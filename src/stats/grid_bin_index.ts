/**
 * Bin of a value on a grid of `bins` equal bins from `lo` with 1 / width = `invWidth`:
 * floor((x - lo) x invWidth), values below the grid in bin 0 and above it in the last bin.
 * The CSCV kernel (src/kernels/cscv.ts) inlines this exact expression to count the pooled
 * OOS values; `stochasticDominance` bins the selected ones with it. O(1).
 */
export function gridBinIndex(x: number, lo: number, invWidth: number, bins: number): number {
  const u = (x - lo) * invWidth;
  return u < 0 ? 0 : u >= bins ? bins - 1 : Math.floor(u);
}
