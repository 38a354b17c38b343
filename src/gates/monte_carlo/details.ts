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
  shardSize: z.number().int().positive(),
  shards: z.number().int().positive(),
  generator: z.string(),
});
export type MonteCarloDetails = z.infer<typeof monteCarloDetailsSchema>;
