/**
 * Tie-rich returns matrices for the exact-ties property tests (fast-check): seeded noise
 * (optionally quantised to a grid, so values repeat), then a list of edits that make columns
 * identical on some rows, flat (0 or a constant) on shared stretches, exact power-of-two
 * multiples of each other (their Sharpe and Sortino are then bitwise equal although the
 * values are not), or differ from another column by one ulp somewhere (near ties that must
 * NOT be called ties). Every edit is a plain record, so fast-check shrinks a failing case
 * to the fewest edits, rows and columns that still fail.
 */
import fc from 'fast-check';
import seedrandom from 'seedrandom';

export type TieEditKind = 'dup' | 'dupRows' | 'flat' | 'const' | 'scale' | 'ulp';

export interface TieEdit {
  kind: TieEditKind;
  /** Target and source columns (taken modulo N; the target is never column 0's source itself). */
  dst: number;
  src: number;
  /** Row range [a, b) (modulo T, ordered). */
  a: number;
  b: number;
}

export interface TieRichSpec {
  T: number;
  N: number;
  seed: number;
  /** Quantise the noise to multiples of 0.001 (repeated values). */
  quantised: boolean;
  edits: TieEdit[];
}

/** The next float64 above x (one ulp). */
export function nextUp(x: number): number {
  const f = new Float64Array([x]);
  const i = new BigInt64Array(f.buffer);
  if (x === 0) return Number.MIN_VALUE;
  i[0] += x > 0 ? 1n : -1n;
  return f[0];
}

/** Builds the T x N row-major matrix a spec describes. O(T x N x edits). */
export function tieRichMatrix(spec: TieRichSpec): Float64Array {
  const { T, N } = spec;
  const rng = seedrandom.tychei(`tie-rich-${spec.seed}`);
  const m = new Float64Array(T * N);
  for (let i = 0; i < m.length; i++) {
    const x = (rng() - 0.47) * 0.02;
    m[i] = spec.quantised ? Math.round(x * 1000) / 1000 : x;
  }
  for (const e of spec.edits) {
    const dst = e.dst % N;
    const src = e.src % N;
    if (dst === src && e.kind !== 'flat' && e.kind !== 'const') continue;
    const lo = Math.min(e.a % T, e.b % T);
    const hi = Math.max(e.a % T, e.b % T) + 1;
    switch (e.kind) {
      case 'dup':
        for (let t = 0; t < T; t++) m[t * N + dst] = m[t * N + src];
        break;
      case 'dupRows':
        for (let t = lo; t < hi; t++) m[t * N + dst] = m[t * N + src];
        break;
      case 'flat':
        for (let t = lo; t < hi; t++) m[t * N + dst] = 0;
        break;
      case 'const':
        for (let t = lo; t < hi; t++) m[t * N + dst] = 0.0015;
        break;
      case 'scale':
        for (let t = 0; t < T; t++) m[t * N + dst] = 2 * m[t * N + src];
        break;
      case 'ulp':
        for (let t = 0; t < T; t++) m[t * N + dst] = m[t * N + src];
        m[lo * N + dst] = nextUp(m[lo * N + dst]);
        break;
    }
  }
  return m;
}

export const tieEditArb: fc.Arbitrary<TieEdit> = fc.record({
  kind: fc.constantFrom<TieEditKind>('dup', 'dupRows', 'dupRows', 'flat', 'const', 'scale', 'ulp'),
  dst: fc.nat({ max: 63 }),
  src: fc.nat({ max: 63 }),
  a: fc.nat({ max: 1023 }),
  b: fc.nat({ max: 1023 }),
});

/** Matrices of T = S x L (+ 0..3 leading rows to drop), 2..12 columns, up to 16 edits. */
export function tieRichArb(S: number): fc.Arbitrary<TieRichSpec & { S: number }> {
  return fc
    .record({
      L: fc.integer({ min: 2, max: 8 }),
      extra: fc.integer({ min: 0, max: 3 }),
      N: fc.integer({ min: 2, max: 12 }),
      seed: fc.nat(),
      quantised: fc.boolean(),
      edits: fc.array(tieEditArb, { maxLength: 16 }),
    })
    .map(({ L, extra, N, seed, quantised, edits }) => ({ S, T: S * L + extra, N, seed, quantised, edits }));
}
