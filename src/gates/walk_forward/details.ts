import { z } from 'zod';

const rowRange = z.tuple([z.number().int(), z.number().int()]);

export const walkForwardFoldSchema = z.strictObject({
  fold: z.number().int().positive(),
  isRows: rowRange,
  oosRows: rowRange,
  isDates: z.tuple([z.string(), z.string()]),
  oosDates: z.tuple([z.string(), z.string()]),
  selected: z.string(),
  selectedIndex: z.number().int().nonnegative(),
  isAnnualisedReturn: z.number(),
  oosAnnualisedReturn: z.number(),
  isSharpe: z.number().nullable(),
  oosSharpe: z.number().nullable(),
  /** oosAnnualisedReturn / isAnnualisedReturn, null when the fold's IS return is <= 0. */
  ratio: z.number().nullable(),
  /** Columns exactly tied for the best IS metric (1 = no tie). */
  tiedColumns: z.number().int().positive(),
  /** Under ties 'average' with a tie: the tied columns whose row-wise average the fold's results are. */
  averagedOver: z.array(z.string()).optional(),
});

/** `gates.walkForward.details` (docs/methodology.md, "Walk-forward"). */
export const walkForwardDetailsSchema = z.strictObject({
  metric: z.enum(['sharpe', 'mean']),
  periodsPerYear: z.number().positive(),
  folds: z.number().int().positive(),
  foldResults: z.array(walkForwardFoldSchema),
  aggregateIsAnnualisedReturn: z.number(),
  aggregateOosAnnualisedReturn: z.number(),
  medianFoldRatio: z.number().nullable(),
  foldsInMedian: z.number().int().nonnegative(),
  profitableOosFolds: z.number().min(0).max(1),
  stitchedOosSharpe: z.number().nullable(),
  /**
   * The stitched OOS equity curve (schemaVersion 3): the folds' selections' OOS returns in fold
   * order, compounded from 1, at most CHART_DATA.wfEquityPoints points evenly spaced over the
   * `rows` stitched rows (`sampled`), each with its row's date; `complete` false when the
   * compounded equity overflowed float64 and the points stop before it.
   */
  stitchedOosEquity: z.strictObject({
    rows: z.number().int().positive(),
    sampled: z.boolean(),
    complete: z.boolean(),
    dates: z.array(z.string()),
    equity: z.array(z.number()),
  }),
  /** t-statistic of the pooled IS returns of the selected columns (null when they are all equal). */
  isTStat: z.number().nullable(),
  ties: z.enum(['first', 'average']),
  /** Folds in which two or more columns tied exactly for the best IS metric. */
  tiedSelections: z.number().int().nonnegative(),
  unusedRows: z.number().int().nonnegative(),
  scheme: z.enum(['rolling', 'anchored']),
  isOosRatio: z.number().int().positive(),
  gap: z.number().int().nonnegative(),
  oosLength: z.number().int().positive(),
  rowSegments: z.number().int().positive(),
  shardSize: z.number().int().positive(),
  shards: z.number().int().positive(),
});
export type WalkForwardFoldDetails = z.infer<typeof walkForwardFoldSchema>;
export type WalkForwardDetails = z.infer<typeof walkForwardDetailsSchema>;
