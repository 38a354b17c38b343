/**
 * Per-column first and second moments over row windows of a T x N row-major matrix, built
 * so that any window whose edges are among a fixed, sorted list of row edges costs O(N).
 *
 * Two steps (the walk-forward gate's O(T N + K N) plan):
 * 1. `segmentMoments`: for one segment [edge_s, edge_s+1) of rows, each column's mean and
 *    sum of squared deviations M2, in one row-major pass accumulating deviations from the
 *    segment's first row (a per-column shift, so no catastrophic cancellation when a column's
 *    mean is large next to its spread). O(rows x N); segments are independent, so they shard.
 * 2. `prefixMoments`: per column, a global shift mu (the mean over all segments) and prefix
 *    sums over segments of S_s = n_s (mean_s - mu) and Q_s = M2_s + n_s (mean_s - mu)^2,
 *    i.e. of sum(x - mu) and sum((x - mu)^2) (the parallel-variance identity of Chan, Golub
 *    and LeVeque 1979). O(segments x N).
 * Then a window [edge_a, edge_b) with n rows has, per column, S = PS[b] - PS[a],
 * Q = PQ[b] - PQ[a], mean = mu + S / n and M2 = Q - S^2 / n (`windowMoments`, O(1) per column).
 * Because the prefixes hold deviations from the column's own mean, Q - S^2/n loses only
 * about log10(prefix Q / window M2) digits, which is small unless a column's variance
 * changes by many orders of magnitude over time.
 */

/** Offsets in a segment-moments buffer: segment s keeps means at [2sN, 2sN + N), M2 at [(2s+1)N, (2s+2)N). */
export function segmentMeanOffset(segment: number, N: number): number {
  return 2 * segment * N;
}
export function segmentM2Offset(segment: number, N: number): number {
  return (2 * segment + 1) * N;
}

/**
 * Mean and M2 of every column over rows [rowStart, rowEnd), written to `stats` at segment
 * `segment`'s offsets. Returns the index of the first column whose result is not finite
 * (a NaN/Inf input or an overflowing sum), else -1. O((rowEnd - rowStart) N), no allocation.
 */
export function segmentMoments(data: Float64Array, N: number, rowStart: number, rowEnd: number, stats: Float64Array, segment: number): number {
  const mo = segmentMeanOffset(segment, N);
  const qo = segmentM2Offset(segment, N);
  const shiftRow = rowStart * N;
  // The mean and M2 slots hold the running S = sum(x - x0) and Q = sum((x - x0)^2) during the pass.
  for (let n = 0; n < N; n++) {
    stats[mo + n] = 0;
    stats[qo + n] = 0;
  }
  // Four rows per sweep: the accumulators are read and written once per four values, which
  // more than halves the memory traffic of this memory-bound loop (measured 2.5x at N = 1,000).
  let t = rowStart + 1;
  for (; t + 3 < rowEnd; t += 4) {
    const b0 = t * N;
    const b1 = b0 + N;
    const b2 = b1 + N;
    const b3 = b2 + N;
    for (let n = 0; n < N; n++) {
      const x0 = data[shiftRow + n];
      const d0 = data[b0 + n] - x0;
      const d1 = data[b1 + n] - x0;
      const d2 = data[b2 + n] - x0;
      const d3 = data[b3 + n] - x0;
      stats[mo + n] += d0 + d1 + (d2 + d3);
      stats[qo + n] += d0 * d0 + d1 * d1 + (d2 * d2 + d3 * d3);
    }
  }
  for (; t < rowEnd; t++) {
    const base = t * N;
    for (let n = 0; n < N; n++) {
      const d = data[base + n] - data[shiftRow + n];
      stats[mo + n] += d;
      stats[qo + n] += d * d;
    }
  }
  const rows = rowEnd - rowStart;
  let bad = -1;
  for (let n = 0; n < N; n++) {
    const S = stats[mo + n];
    const Q = stats[qo + n];
    const mean = data[shiftRow + n] + S / rows;
    const m2 = Q - (S * S) / rows;
    stats[mo + n] = mean;
    stats[qo + n] = m2 > 0 ? m2 : 0;
    if (bad < 0 && !(Number.isFinite(mean) && Number.isFinite(m2))) bad = n;
  }
  return bad;
}

/** The first non-finite cell in rows [rowStart, rowEnd), row-major order, or null. O(rows x N) worst case. */
export function firstNonFiniteCell(data: Float64Array, N: number, rowStart: number, rowEnd: number): { row: number; column: number } | null {
  for (let t = rowStart; t < rowEnd; t++) {
    const base = t * N;
    for (let n = 0; n < N; n++) if (!Number.isFinite(data[base + n])) return { row: t, column: n };
  }
  return null;
}

/** Offsets in a prefix-moments buffer of `segments` segments: [mu: N][PS: (segments+1) N][PQ: (segments+1) N]. */
export function prefixMomentsLength(segments: number, N: number): number {
  return N + 2 * (segments + 1) * N;
}
export function prefixSumOffset(edgeIndex: number, N: number): number {
  return N + edgeIndex * N;
}
export function prefixSquareOffset(edgeIndex: number, segments: number, N: number): number {
  return N + (segments + 1) * N + edgeIndex * N;
}

/**
 * Fills `prefix` (layout above) from the segment moments of segments 0..segments-1 whose
 * row counts are `segmentRows`. Summation runs in segment order, so the result does not
 * depend on which thread computed which segment. O(segments x N).
 */
export function prefixMoments(stats: Float64Array, segmentRows: readonly number[], N: number, prefix: Float64Array): void {
  const segments = segmentRows.length;
  let total = 0;
  for (let s = 0; s < segments; s++) total += segmentRows[s];
  for (let n = 0; n < N; n++) prefix[n] = 0;
  for (let s = 0; s < segments; s++) {
    const mo = segmentMeanOffset(s, N);
    const w = segmentRows[s] / total;
    for (let n = 0; n < N; n++) prefix[n] += w * stats[mo + n];
  }
  const ps0 = prefixSumOffset(0, N);
  const pq0 = prefixSquareOffset(0, segments, N);
  for (let n = 0; n < N; n++) {
    prefix[ps0 + n] = 0;
    prefix[pq0 + n] = 0;
  }
  for (let s = 0; s < segments; s++) {
    const rows = segmentRows[s];
    const mo = segmentMeanOffset(s, N);
    const qo = segmentM2Offset(s, N);
    const psFrom = prefixSumOffset(s, N);
    const psTo = prefixSumOffset(s + 1, N);
    const pqFrom = prefixSquareOffset(s, segments, N);
    const pqTo = prefixSquareOffset(s + 1, segments, N);
    for (let n = 0; n < N; n++) {
      const dm = stats[mo + n] - prefix[n];
      prefix[psTo + n] = prefix[psFrom + n] + rows * dm;
      prefix[pqTo + n] = prefix[pqFrom + n] + stats[qo + n] + rows * dm * dm;
    }
  }
}

/** Mean and M2 of column n over the window from edge `from` to edge `to` (`rows` rows). O(1). */
export function windowMoments(prefix: Float64Array, segments: number, N: number, from: number, to: number, rows: number, n: number): { mean: number; m2: number } {
  const S = prefix[prefixSumOffset(to, N) + n] - prefix[prefixSumOffset(from, N) + n];
  const Q = prefix[prefixSquareOffset(to, segments, N) + n] - prefix[prefixSquareOffset(from, segments, N) + n];
  const m2 = Q - (S * S) / rows;
  return { mean: prefix[n] + S / rows, m2: m2 > 0 ? m2 : 0 };
}
