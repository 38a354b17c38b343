/**
 * The one defaults object (piscina style): every default a user can change lives here, and
 * the zod schemas beside each gate read from it. The README's option tables quote these.
 */
export const DEFAULTS = {
  seed: 42,
  strict: false,
  winRate: { enabled: true, threshold: 0.57 },
  walkForward: {
    enabled: true,
    threshold: 0.85,
    folds: 6,
    isOosRatio: 4,
    scheme: 'rolling' as 'rolling' | 'anchored',
    gap: 0,
    metric: 'sharpe' as 'sharpe' | 'mean',
    ties: 'first' as 'first' | 'average',
  },
  pbo: {
    enabled: true,
    threshold: 0.15,
    S: 16,
    metric: 'sharpe' as 'sharpe' | 'mean' | 'sortino',
    truncate: 'none' as 'none' | 'oldest',
    maxCombinations: 2_000_000,
    histogramBins: 20,
    ties: 'first' as 'first' | 'average',
  },
  // The deflated-Sharpe family (docs/methodology.md, "Deflated Sharpe"): advisory unless a
  // policy enables them, so the four-gate decision is unchanged by default.
  probabilisticSharpe: { enabled: false, threshold: 0.95 },
  deflatedSharpe: { enabled: false, threshold: 0.95 },
  /** Passes when the available periods exceed MinTRL x threshold (coverage > threshold). */
  minTrackRecord: { enabled: false, threshold: 1, confidence: 0.95 },
  /** Passes when the available years exceed MinBTL x threshold (coverage > threshold). */
  minBacktestLength: { enabled: false, threshold: 1 },
  monteCarlo: {
    enabled: true,
    threshold: 0.03,
    paths: 10_000,
    horizon: null as number | null, // null = number of trades
    method: 'stationary' as 'stationary' | 'iid' | 'permutation',
    blockLength: 'auto' as 'auto' | number,
    breach: { rule: 'drawdown' as 'drawdown' | 'static' | 'trailing', limit: 0.2 },
  },
  // The retraining lifecycle (docs/lifecycle.md): promotion rules, the retraining schedule and
  // live monitoring. None of them changes a validate decision.
  /** No minimum improvement over the champion unless a policy sets one per gate. */
  promotion: { minShadowTrades: 30 },
  /** A model older than this (days since its candidate.json createdAt) is due for retraining; null: no schedule. */
  retrain: { maxAgeDays: 365 as number | null },
  monitor: {
    /** Level of the win-rate and mean-shift tests. */
    alpha: 0.05,
    /** Resampled paths for the drawdown distribution and the CUSUM threshold. */
    paths: 10_000,
    /** The mean shift the CUSUM is tuned to, in backtest standard deviations per trade (reference value k = shift / 2). */
    cusumShift: 1,
  },
} as const;

/**
 * Fixed shard sizes (docs/methodology.md, "Determinism and sharding"): they never depend on the worker count, and the report records
 * them. MC: paths per shard (>= 1,024 so per-task overhead is negligible next to 1,024 x H
 * path-steps). PBO: combinations per shard. WF: one fold per shard.
 */
export const SHARD_SIZES = {
  monteCarloPaths: 1024,
  pboCombinations: 2048,
  walkForwardFolds: 1,
} as const;

/**
 * The CLI starts its worker threads only for a gate run of at least this much shard work
 * (path-steps / cells / column evaluations, see `shardWork`): about 0.1-0.2 s on one core
 * here, less than starting and warming two threads costs on a small machine. Below it the
 * run is in-process; the output is identical.
 */
export const SMALL_JOB_WORK = 50_000_000;

/**
 * Periods per year when none is given: trading days (the `walkforward` command's
 * --periods-per-year default; candidate.json always states its own).
 */
export const DEFAULT_PERIODS_PER_YEAR = 252;

/**
 * Fixed conventions, each defined once (not options):
 * strict mode gates on one-sided bounds at this confidence (the win rate's Wilson lower bound,
 * the breach probability's Clopper-Pearson upper bound; docs/methodology.md);
 */
export const STRICT_CONFIDENCE = 0.95;
/** fewer trades than this are allowed but warned about (the loader and the win-rate gate). */
export const FEW_TRADES_WARNING_BELOW = 100;

/**
 * How much chart data a report carries (report schemaVersion 3; docs/formats.md, "Chart data"):
 * fixed bounds, so the report and the HTML page stay small whatever the run's size, and
 * fixed rules for what is kept, so the same run gives the same bytes.
 * - mcFanSteps: Monte Carlo fan quantiles at most this many steps (evenly sampled above it);
 * - mcFanPaths: ... taken over the first this many paths (two shards; the paths are
 *   exchangeable, so the first ones are a uniform sample). Recording costs the kernel about one
 *   step's work per recorded step of a recorded path (bench/monte_carlo.bench.ts records as the
 *   gate does): 2,048 of the default 10,000 paths keeps that near 4% at 1,000 trades, while
 *   quantiles of 2,048 paths are drawn well within a pixel of the bands' width;
 * - mcDrawdownBins: bins of the max-drawdown histogram up to the breach limit's scale;
 * - pboScatterPoints: the selected configuration's IS/OOS pairs (evenly sampled above it);
 * - pboCdfPoints: points of each stochastic-dominance CDF;
 * - wfEquityPoints: points of the stitched out-of-sample equity curve.
 */
export const CHART_DATA = {
  mcFanSteps: 200,
  mcFanPaths: 2048,
  mcDrawdownBins: 40,
  pboScatterPoints: 1000,
  pboCdfPoints: 128,
  wfEquityPoints: 200,
} as const;
