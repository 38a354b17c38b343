/**
 * Walk-forward gate benchmark (README, "Benchmarks"): T = 5,000, N = 1,000, K = 10 (r = 4,
 * rolling, Sharpe selection). The segment/prefix kernels (gate in-process) against the
 * brute-force reference (slice rows, recompute every column per fold) in the same run; the
 * issue asks for at least 20x. Then folds/s over the bench's worker counts.
 */
import type { BenchOptions, BenchSection } from './types.js';
import { walkForwardGate, type WalkForwardDetails } from '../src/gates/walk_forward/gate.js';
import { walkForwardOptionsSchema } from '../src/gates/walk_forward/options.js';
import { walkForwardReference } from '../test/twins/walk_forward_reference.js';
import { InProcessExecutor, createExecutor, type ShardExecutor } from '../src/runtime.js';
import { benchMatrix, interleavedMs, medianMs, minOf } from './util.js';

const medianMsW = (name: string, fn: () => unknown, time: number, iterations: number) => medianMs(name, fn, time, iterations, iterations > 5 ? 5 : 1);


export async function run(opts: BenchOptions): Promise<BenchSection> {
  const T = opts.quick ? 1_000 : 5_000;
  const N = opts.quick ? 300 : 1_000;
  const K = 10;
  const options = walkForwardOptionsSchema.parse({ folds: K });
  const m = benchMatrix(T, N, 'bench/walk-forward');
  const ppy = { periodsPerYear: 252 };

  // Same answer first: a benchmark of a wrong kernel is worthless.
  const inProcess = { executor: new InProcessExecutor() as ShardExecutor, seed: 42 };
  const fastResult = await walkForwardGate(m, options, inProcess, ppy);
  const ref = walkForwardReference(m, options);
  const fastSelected = (fastResult.details as WalkForwardDetails).foldResults.map((f) => f.selectedIndex);
  const refSelected = ref.folds.map((f) => f.selectedIndex);
  if (fastSelected.join() !== refSelected.join()) throw new Error(`walk-forward bench: fast ${fastSelected} != reference ${refSelected}`);

  // Fast and brute force timed in alternating rounds after a warm-up, best run of each: a
  // burst of outside load then hits both alike instead of one side's whole measurement.
  for (let i = 0; i < 5; i++) await walkForwardGate(m, options, inProcess, ppy);
  walkForwardReference(m, options);
  const rounds = opts.quick ? 3 : 9;
  const times = await interleavedMs(
    [
      { key: 0, run: () => walkForwardGate(m, options, inProcess, ppy) },
      { key: 1, run: () => walkForwardReference(m, options) },
    ],
    rounds,
  );
  const fastMs = minOf(times.get(0)!);
  const refMs = minOf(times.get(1)!);
  const speedup = refMs / fastMs;

  const scaling: { workers: number; ms: number | null; foldsPerSecond: number | null; error?: string }[] = [];
  for (const workers of opts.workerCounts) {
    let executor: ShardExecutor | null = null;
    try {
      executor = createExecutor(workers);
      const ctx = { executor, seed: 42 };
      const pooled = await walkForwardGate(m, options, ctx, ppy); // also starts the threads
      if (JSON.stringify(pooled) !== JSON.stringify(fastResult)) throw new Error(`${workers} workers gave a different report`);
      const ms = await medianMsW(`${workers} workers`, () => walkForwardGate(m, options, ctx, ppy), opts.quick ? 300 : 1_500, 10);
      scaling.push({ workers, ms, foldsPerSecond: (K * 1000) / ms });
    } catch (e) {
      scaling.push({ workers, ms: null, foldsPerSecond: null, error: e instanceof Error ? e.message : String(e) });
    } finally {
      await executor?.close();
    }
  }

  const f = (x: number, d = 2) => x.toFixed(d);
  const markdown = [
    `Sizes: T = ${T.toLocaleString('en-US')} rows, N = ${N.toLocaleString('en-US')} columns, K = ${K} folds, IS:OOS 4:1, rolling, Sharpe selection${opts.quick ? ' (quick)' : ''}.`,
    '',
    `Fast and brute force timed in ${rounds} alternating rounds after a warm-up; best run of each.`,
    '',
    '| implementation | best ms per gate run | folds/s |',
    '| --- | ---: | ---: |',
    `| segment moments + prefix sums (in-process) | ${f(fastMs)} | ${f((K * 1000) / fastMs, 0)} |`,
    `| brute force (slice rows, recompute per fold) | ${f(refMs)} | ${f((K * 1000) / refMs, 1)} |`,
    '',
    `Speed-up over brute force: **${f(speedup, 1)}x** (target >= 20x).`,
    '',
    '| workers | median ms per gate run | folds/s |',
    '| ---: | ---: | ---: |',
    ...scaling.map((s) => (s.ms === null ? `| ${s.workers} | failed: ${s.error} | |` : `| ${s.workers} | ${f(s.ms)} | ${f(s.foldsPerSecond!, 0)} |`)),
  ].join('\n');
  return {
    title: 'Walk-forward efficiency gate',
    markdown,
    json: { T, N, K, isOosRatio: 4, scheme: 'rolling', statistic: 'best of interleaved rounds', fastMs, bruteForceMs: refMs, speedup, foldsPerSecond: (K * 1000) / fastMs, scaling },
  };
}
