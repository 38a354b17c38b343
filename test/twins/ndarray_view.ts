/**
 * ndarray views over a returns matrix (shape [T, N], strides [N, 1], no copy). Used where
 * clarity beats speed: the walk-forward twin reads rows and columns through them,
 * independently of the fast kernels' hand-written index arithmetic on `.data`. Test and
 * bench only; production code does not load ndarray.
 */
import ndarray from 'ndarray';
import type { ReturnsMatrix } from '../../src/io/types.js';

export function returnsView(m: ReturnsMatrix): ndarray.NdArray<Float64Array> {
  return ndarray(m.data, [m.T, m.N], [m.N, 1], 0);
}
