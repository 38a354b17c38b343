import { z } from 'zod';

/** `gates.pbo.details` (docs/methodology.md, "PBO"). */
export const pboDetailsSchema = z.strictObject({
  S: z.number().int().positive(),
  blockSize: z.number().int().positive(),
  truncatedRows: z.number().int().nonnegative(),
  /** Combinations evaluated (all of them unless sampled). */
  combinations: z.number().int().positive(),
  combinationsTotal: z.number().int().positive(),
  sampled: z.boolean(),
  sampling: z
    .strictObject({
      method: z.string(),
      pairs: z.number().int().positive(),
      pairsTotal: z.number().int().positive(),
      seed: z.number().int(),
      generator: z.string(),
      stream: z.string(),
      /** Standard error of the sampled PBO (pairs as the unit, finite-population corrected); null below 2 pairs. */
      standardError: z.number().nullable(),
    })
    .optional(),
  metric: z.enum(['sharpe', 'mean', 'sortino']),
  rankConvention: z.string(),
  ties: z.enum(['first', 'average']),
  /** Combinations in which two or more columns tied exactly for the best IS metric. */
  tiedSelections: z.number().int().nonnegative(),
  logitHistogram: z.strictObject({
    bins: z.number().int().positive(),
    range: z.tuple([z.number(), z.number()]),
    edges: z.array(z.number()),
    counts: z.array(z.number().int().nonnegative()),
  }),
  degradation: z.strictObject({ slope: z.number().nullable(), intercept: z.number().nullable(), r2: z.number().nullable() }),
  probabilityOfLoss: z.number().min(0).max(1),
  dominance: z.strictObject({
    grid: z.strictObject({ bins: z.number().int().positive(), lo: z.number(), hi: z.number() }),
    firstOrder: z.boolean(),
    secondOrder: z.boolean(),
    minIntegral: z.number(),
    minIntegralAt: z.number(),
  }),
  /**
   * Degradation scatter (schemaVersion 3): the selected configuration's (n*'s) IS and OOS
   * metric in `is[i]`, `oos[i]`, for every combination up to CHART_DATA.pboScatterPoints, evenly
   * spaced in lexicographic order above it (`sampled`; `combinations` evaluated in all).
   */
  degradationPoints: z.strictObject({
    combinations: z.number().int().positive(),
    sampled: z.boolean(),
    is: z.array(z.number()),
    oos: z.array(z.number()),
  }),
  /**
   * The dominance check's two empirical CDFs (schemaVersion 3) at evenly spaced edges of its
   * grid of `gridBins` bins: F_opt (`selected`) and F_all (`pooled`) at each `x`, the first
   * point F = 0, the last F = 1.
   */
  dominanceCdf: z.strictObject({
    x: z.array(z.number()),
    selected: z.array(z.number().min(0).max(1)),
    pooled: z.array(z.number().min(0).max(1)),
    gridBins: z.number().int().positive(),
  }),
  shardSize: z.number().int().positive(),
  shards: z.number().int().positive(),
  /** With --logits: every combination's n*, OOS rank and logit in lexicographic order (and its rank when sampled). */
  perCombination: z
    .strictObject({
      rank: z.array(z.number().int()).optional(),
      nStar: z.array(z.number().int()),
      oosRank: z.array(z.number()),
      logit: z.array(z.number()),
    })
    .optional(),
});
export type PboDetails = z.infer<typeof pboDetailsSchema>;
