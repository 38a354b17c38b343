/**
 * PBO (CSCV) gate benchmark (README, "Benchmarks").
 *   1. T = 2,520, N = 1,000, S = 16 (12,870 combinations): the whole gate in-process (fast
 *      kernel: block moments, revolving-door walk, complement pairs) against the reference
 *      kernel (recompute both halves of every column from rows) in the same run. The
 *      reference needs ~45 s for all combinations, so it is timed on a fixed subset (the
 *      first combinations in lexicographic order) and compared per combination; the ratio
 *      is (reference time per combination x 12,870) / fast gate time. Target >= 300x.
 *   2. N = 10,000, T = 1,000, S = 20 (184,756 combinations) on the bench's worker counts:
 *      speed-up of 2 workers over 1 (target >= 1.8x) and peak RSS growth during the gate
 *      run relative to the matrix size (target < 4x), sampled every 10 ms on the main thread.
 * Throughput unit: combinations x strategies per second.
 */
import type { BenchOptions, BenchSection } from './types.js';
import { pboGate } from '../src/gates/pbo/gate.js';
import { pboOptionsSchema } from '../src/gates/pbo/options.js';
import { cscvReference } from '../test/twins/cscv_reference.js';
import { binomial } from '../src/kernels/combinations.js';
import { InProcessExecutor, createExecutor, type ShardExecutor } from '../src/runtime.js';
import { benchMatrix, medianMs, minOf } from './util.js';

const medianMsW = (name: string, fn: () => unknown, time: number, iterations: number) => medianMs(name, fn, time, iterations, iterations > 3 ? 2 : 1);


/** Runs fn while sampling RSS every 10 ms; returns the peak RSS seen (bytes). */
async function peakRss<T>(fn: () => Promise<T>): Promise<{ value: T; peak: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 10);
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, peak };
  } finally {
    clearInterval(timer);
  }
}

export async function run(opts: BenchOptions): Promise<BenchSection> {
  // Part 1: fast vs reference kernel.
  const T1 = opts.quick ? 1_008 : 2_520, N1 = opts.quick ? 300 : 1_000, S1 = opts.quick ? 12 : 16;
  const m1 = benchMatrix(T1, N1, 'bench/pbo/1');
  const o1 = pboOptionsSchema.parse({ S: S1, truncate: 'oldest' }); // 2,520 = 16 x 157 + 8: the oldest 8 rows are dropped
  const C1 = binomial(S1, S1 / 2);
  const inProcess = { executor: new InProcessExecutor() as ShardExecutor, seed: 42 };
  const fast = await pboGate(m1, o1, inProcess, { logits: true });
  const subset = Array.from({ length: opts.quick ? 8 : 48 }, (_, i) => i);
  const L1 = Math.floor(T1 / S1);
  const layout = { data: m1.data, N: N1, rowOffset: T1 - S1 * L1, S: S1, blockRows: L1, metric: 'sharpe' as const };
  const ref = cscvReference(layout, subset);
  const per = (fast.details as { perCombination: { nStar: number[]; oosRank: number[] } }).perCombination;
  subset.forEach((r, i) => {
    if (per.nStar[r] !== ref.nStar[i] || per.oosRank[r] !== ref.oosRank[i]) throw new Error(`pbo bench: fast and reference disagree at combination ${r}`);
  });
  const fastMs = await medianMsW('fast gate, in-process', () => pboGate(m1, o1, inProcess), opts.quick ? 500 : 3_000, 5);
  const refSubsetMs = await medianMsW('reference kernel, subset', () => cscvReference(layout, subset), 0, opts.quick ? 2 : 3);
  const refPerComb = refSubsetMs / subset.length;
  const refAllMs = refPerComb * C1;
  const speedup = refAllMs / fastMs;
  const fastThroughput = (C1 * N1) / (fastMs / 1000);
  const refThroughput = (subset.length * N1) / (refSubsetMs / 1000);

  // Part 2: worker scaling and memory on a large grid.
  const T2 = opts.quick ? 512 : 1_000, N2 = opts.quick ? 2_000 : 10_000, S2 = opts.quick ? 16 : 20;
  const C2 = binomial(S2, S2 / 2);
  const m2 = benchMatrix(T2, N2, 'bench/pbo/2');
  const o2 = pboOptionsSchema.parse({ S: S2 });
  const matrixBytes = T2 * N2 * 8;
  const scaling: { workers: number; ms: number | null; throughput: number | null; peakRssGrowthBytes?: number; peakOverMatrix?: number; error?: string }[] = [];
  // Warm every pool (threads started, kernels optimised; reports must agree), then time the
  // worker counts interleaved round by round and keep each one's best run (bench/util.ts).
  // Peak RSS growth is sampled around each timed run against the RSS before the rounds.
  const rounds = opts.quick ? 2 : 3;
  const executors = new Map<number, ShardExecutor>();
  const timesBy = new Map<number, number[]>();
  const peakBy = new Map<number, number>();
  try {
    let baselineJson: string | null = null;
    for (const workers of opts.workerCounts) {
      const executor = createExecutor(workers);
      executors.set(workers, executor);
      const report = JSON.stringify(await pboGate(m2, o2, { executor, seed: 42 }));
      if (baselineJson === null) baselineJson = report;
      else if (report !== baselineJson) throw new Error(`${workers} workers gave a different report`);
      timesBy.set(workers, []);
      peakBy.set(workers, 0);
    }
    const before = process.memoryUsage.rss();
    for (let r = 0; r < rounds; r++) {
      for (const workers of opts.workerCounts) {
        const executor = executors.get(workers)!;
        const t0 = performance.now();
        const { peak } = await peakRss(() => pboGate(m2, o2, { executor, seed: 42 }));
        timesBy.get(workers)!.push(performance.now() - t0);
        peakBy.set(workers, Math.max(peakBy.get(workers)!, peak - before));
      }
    }
    for (const workers of opts.workerCounts) {
      const ms = minOf(timesBy.get(workers)!);
      const growth = peakBy.get(workers)!;
      scaling.push({ workers, ms, throughput: (C2 * N2) / (ms / 1000), peakRssGrowthBytes: growth, peakOverMatrix: growth / matrixBytes });
    }
  } catch (e) {
    scaling.push({ workers: -1, ms: null, throughput: null, error: e instanceof Error ? e.message : String(e) });
  } finally {
    for (const ex of executors.values()) await ex.close();
  }
  const one = scaling.find((s) => s.workers === 1)?.ms;
  const two = scaling.find((s) => s.workers === 2)?.ms;
  const workerSpeedup = one && two ? one / two : null;

  const f = (x: number, d = 2) => x.toFixed(d);
  const g = (x: number) => x.toExponential(3);
  const markdown = [
    `Part 1: T = ${T1.toLocaleString('en-US')}, N = ${N1.toLocaleString('en-US')}, S = ${S1} (${C1.toLocaleString('en-US')} combinations), Sharpe${opts.quick ? ' (quick)' : ''}.`,
    `The reference kernel is timed on the first ${subset.length} combinations (lexicographic) and scaled per combination to all ${C1.toLocaleString('en-US')}; both kernels agree on n* and OOS rank there.`,
    '',
    '| implementation | median ms | combinations x strategies / s |',
    '| --- | ---: | ---: |',
    `| fast gate, in-process (all combinations) | ${f(fastMs)} | ${g(fastThroughput)} |`,
    `| reference kernel (${subset.length} combinations) | ${f(refSubsetMs)} (≈ ${f(refAllMs / 1000, 1)} s for all) | ${g(refThroughput)} |`,
    '',
    `Speed-up over the reference kernel: **${f(speedup, 0)}x** (target >= 300x).`,
    '',
    `Part 2: T = ${T2.toLocaleString('en-US')}, N = ${N2.toLocaleString('en-US')}, S = ${S2} (${C2.toLocaleString('en-US')} combinations); matrix ${f(matrixBytes / 2 ** 20, 1)} MiB. Worker counts timed interleaved after a warm-up run each, best of ${rounds} runs; peak RSS growth = highest RSS sampled during the timed runs minus RSS before them (the matrix itself already counted in the baseline).`,
    '',
    '| workers | best ms per gate run | combinations x strategies / s | peak RSS growth (x matrix) |',
    '| ---: | ---: | ---: | ---: |',
    ...scaling.map((s) => (s.ms === null ? `| ${s.workers} | failed: ${s.error} | | |` : `| ${s.workers} | ${f(s.ms)} | ${g(s.throughput!)} | ${f(s.peakRssGrowthBytes! / 2 ** 20, 1)} MiB (${f(s.peakOverMatrix!)}x) |`)),
    '',
    workerSpeedup === null ? '2-worker speed-up: not measured.' : `2 workers over 1: **${f(workerSpeedup)}x** (target >= 1.8x).`,
  ].join('\n');
  return {
    title: 'PBO (CSCV) gate',
    markdown,
    json: {
      part1: { T: T1, N: N1, S: S1, combinations: C1, fastMs, referenceSubset: subset.length, referenceSubsetMs: refSubsetMs, referencePerCombinationMs: refPerComb, referenceAllEstimatedMs: refAllMs, speedup, fastThroughput, referenceThroughput: refThroughput },
      part2: { T: T2, N: N2, S: S2, combinations: C2, matrixBytes, scaling, workerSpeedup },
      unit: 'combinations x strategies per second',
      statistic: 'median',
    },
  };
}
