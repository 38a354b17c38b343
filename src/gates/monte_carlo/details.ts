import { z } from 'zod';

const quantileSummary = z.strictObject({ p5: z.number(), p50: z.number(), p95: z.number(), p99: z.number() });

/** `gates.monteCarlo.details` (docs/methodology.md, "Monte Carlo"). */
export const monteCarloDetailsSchema = z.strictObject({
  method: z.enum(['stationary', 'iid', 'permutation']),
  unit: z.enum(['return', 'pnl']),
  paths: z.number().int().positive(),
  horizon: z.number().int().positive(),
  /** Mean block length b of the stationary bootstrap (value null for iid / permutation). */
  blockLength: z.strictObject({
    value: z.number().nullable(),
    auto: z.boolean(),
    politisWhite: z.strictObject({ raw: z.number().nullable(), max: z.number(), mHat: z.number().int(), M: z.number().int() }).nullable(),
  }),
  breach: z.strictObject({ rule: z.enum(['drawdown', 'static', 'trailing']), limit: z.number() }),
  /** Equity each path starts from (initialEquity, or 1 in return mode without one). */
  startEquity: z.number(),
  breaches: z.number().int().nonnegative(),
  clopperPearson95: z.tuple([z.number(), z.number()]),
  clopperPearson95UpperOneSided: z.number(),
  maxDrawdownQuantiles: quantileSummary,
  finalEquityQuantiles: quantileSummary,
  /** The unshuffled trade sequence, as a separate fact (not part of the estimate). */
  originalSequence: z.strictObject({ breached: z.boolean(), maxDrawdown: z.number(), finalEquity: z.number() }),
  /**
   * Fan chart (schemaVersion 3): equity quantiles after each of `steps` trades (at most
   * CHART_DATA.mcFanSteps, evenly spaced over the horizon, the last = the horizon; `sampled`
   * when fewer than every step) over the first `paths` paths (at most CHART_DATA.mcFanPaths).
   */
  fan: z.strictObject({
    steps: z.array(z.number().int().positive()),
    horizon: z.number().int().positive(),
    sampled: z.boolean(),
    paths: z.number().int().positive(),
    p5: z.array(z.number()),
    p25: z.array(z.number()),
    p50: z.array(z.number()),
    p75: z.array(z.number()),
    p95: z.array(z.number()),
  }),
  /** The unshuffled trade sequence's equity after each of `steps` of its `trades` trades (evenly sampled the same way). */
  originalPath: z.strictObject({
    steps: z.array(z.number().int().positive()),
    equity: z.array(z.number()),
    trades: z.number().int().positive(),
    sampled: z.boolean(),
  }),
  /**
   * Every path's maximum drawdown, counted on equal bins from 0 (edges.length = counts.length + 1);
   * under the drawdown rule the limit is exactly one of the edges (`limitOnEdge`), so the bins
   * from it on hold exactly the drawdowns >= limit.
   */
  maxDrawdownHistogram: z.strictObject({
    edges: z.array(z.number()),
    counts: z.array(z.number().int().nonnegative()),
    limitOnEdge: z.boolean(),
  }),
  shardSize: z.number().int().positive(),
  shards: z.number().int().positive(),
  generator: z.string(),
});
export type MonteCarloDetails = z.infer<typeof monteCarloDetailsSchema>;
