import { z } from 'zod';

/** The inputs every family gate reports (sharpe_family/inputs.ts). */
export const familyInputsShape = {
  T: z.number().int().positive(),
  N: z.number().int().positive(),
  /** Selected column's per-period Sharpe (mean / std, ddof 1), null when its returns are constant. */
  sharpe: z.number().nullable(),
  sharpeAnnualised: z.number().nullable(),
  /** Bias-corrected skewness (G1). */
  skewness: z.number().nullable(),
  /** Non-excess kurtosis (G2 + 3). */
  kurtosis: z.number().nullable(),
};
