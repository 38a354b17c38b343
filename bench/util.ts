/** Shared bench helpers: a seeded strategy matrix and a tinybench median. */
import seedrandom from 'seedrandom';
import { Bench } from 'tinybench';
import { makeReturnsMatrix, type ReturnsMatrix } from '../src/io/types.js';

/** Returns with per-column drift and scale, from a seeded generator (same matrix every run). */
export function benchMatrix(T: number, N: number, seed: string): ReturnsMatrix {
  const rng = seedrandom(seed);
  const flat = new Float64Array(T * N);
  const drift = Array.from({ length: N }, () => (rng() - 0.45) * 0.002);
  const scale = Array.from({ length: N }, () => 0.005 + rng() * 0.02);
  for (let t = 0; t < T; t++) for (let n = 0; n < N; n++) flat[t * N + n] = drift[n] + scale[n] * (rng() + rng() - 1);
  return makeReturnsMatrix(flat, { T, N });
}

/** Median latency in ms of `fn` under tinybench (the median: the bench machine is shared and noisy). */
export async function medianMs(name: string, fn: () => unknown, time: number, iterations: number, warmupIterations: number): Promise<number> {
  const bench = new Bench({ name, time, iterations, warmupIterations, throws: true });
  bench.add(name, fn);
  await bench.run();
  const r = bench.tasks[0].result;
  if (r.state !== 'completed') throw new Error(`bench task ${name} did not complete (${r.state})`);
  return r.latency.p50;
}

/**
 * Scaling comparisons on a shared, noisy machine: run every variant once per round, in
 * turn (1, 2, ..., 1, 2, ...), so a burst of outside load hits all of them alike rather
 * than one variant's whole measurement. Returns each variant's timings in ms; callers report
 * the minimum (the least disturbed run, the usual estimator of uncontended time) and say so.
 */
export async function interleavedMs(variants: { key: number; run: () => unknown }[], rounds: number): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>(variants.map((v) => [v.key, []]));
  for (let r = 0; r < rounds; r++) {
    for (const v of variants) {
      const t0 = performance.now();
      await v.run();
      out.get(v.key)!.push(performance.now() - t0);
    }
  }
  return out;
}

export const minOf = (xs: number[]): number => Math.min(...xs);
