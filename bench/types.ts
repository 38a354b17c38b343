/**
 * Every bench suite module exports `run(opts) => Promise<BenchSection>`; bench/run.ts runs
 * them in one process, prints them and writes bench/RESULTS.md and bench/results.json.
 */
export interface BenchOptions {
  /** `--quick`: small sizes so the whole suite finishes in under a minute (CI smoke use). */
  quick: boolean;
  /** Worker counts to measure scaling with (1..available cores). */
  workerCounts: number[];
}

export interface BenchSection {
  /** e.g. 'Monte Carlo breach gate'. */
  title: string;
  /** Markdown body: sizes, throughput in the gate's natural unit, ratio to the naive baseline, scaling table. */
  markdown: string;
  /** The same numbers, machine-readable. */
  json: Record<string, unknown>;
}
