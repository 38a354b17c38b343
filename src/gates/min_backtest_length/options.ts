import { z } from 'zod';
import { DEFAULTS } from '../../config/defaults.js';
import { familyInputsShape } from '../sharpe_family/details.js';

const d = DEFAULTS.minBacktestLength;

/** Policy block: advisory unless enabled; passes when years available / MinBTL > threshold (default 1). */
export const minBacktestLengthOptionsSchema = z.strictObject({
  enabled: z.boolean().default(d.enabled),
  threshold: z.number().min(0).max(1000).default(d.threshold),
});
export type MinBacktestLengthOptions = z.infer<typeof minBacktestLengthOptionsSchema>;

export const minBacktestLengthDetailsSchema = z.strictObject({
  ...familyInputsShape,
  periodsPerYear: z.number().positive(),
  /** Minimum backtest length in years, (E[max_N] / SR_annual)^2 (null where undefined). */
  minBacktestYears: z.number().nullable(),
  /** Its upper bound 2 ln N / SR_annual^2. */
  upperBoundYears: z.number().nullable(),
  /** Years available: T / periodsPerYear. */
  availableYears: z.number().positive(),
});
export type MinBacktestLengthDetails = z.infer<typeof minBacktestLengthDetailsSchema>;
