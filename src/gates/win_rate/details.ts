import { z } from 'zod';

/** `gates.winRate.details` (docs/methodology.md, "Win rate"). */
export const winRateDetailsSchema = z.strictObject({
  n: z.number().int().nonnegative(),
  wins: z.number().int().nonnegative(),
  losses: z.number().int().nonnegative(),
  breakevens: z.number().int().nonnegative(),
  /** Two-sided 95% Wilson score interval for the win probability. */
  wilson95: z.tuple([z.number(), z.number()]),
  /** One-sided 95% Wilson lower bound (what strict mode gates on). */
  wilson95LowerOneSided: z.number(),
  /** Exact one-sided p-value of H0: p <= threshold, = P(X >= wins | n, threshold). */
  binomialPValue: z.number().min(0).max(1),
});
export type WinRateDetails = z.infer<typeof winRateDetailsSchema>;
