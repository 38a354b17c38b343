/**
 * m distinct integers drawn uniformly without replacement from [0, P), returned sorted:
 * Floyd's algorithm (Bentley & Floyd, "A sample of brilliance", CACM 30(9), 1987). For
 * j = P - m .. P - 1: t = floor(u (j + 1)) with u uniform in [0, 1); take t, or j when t is
 * already taken. Every m-subset is equally likely, and the draws number exactly m.
 *
 * `uniform` supplies the u's (the PBO gate passes `uniform53` over its tychei stream,
 * src/rng/tychei.ts), so the sample is a function of that stream alone.
 *
 * O(m) draws and expected O(m) set operations, plus an O(m log m) sort; O(m) memory.
 */
export function floydSample(P: number, m: number, uniform: () => number): number[] {
  const chosen = new Set<number>();
  for (let j = P - m; j < P; j++) {
    const t = Math.floor(uniform() * (j + 1));
    chosen.add(chosen.has(t) ? j : t);
  }
  return Array.from(chosen).sort((x, y) => x - y);
}
