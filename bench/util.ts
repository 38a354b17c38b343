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
