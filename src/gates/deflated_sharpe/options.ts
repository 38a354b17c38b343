import { z } from 'zod';
import { DEFAULTS } from '../../config/defaults.js';
import { familyInputsShape } from '../sharpe_family/details.js';

const d = DEFAULTS.deflatedSharpe;

/** Policy block: advisory unless enabled; passes when DSR > threshold. */
export const deflatedSharpeOptionsSchema = z.strictObject({
  enabled: z.boolean().default(d.enabled),
  threshold: z.number().min(0).max(1).default(d.threshold),
});
export type DeflatedSharpeOptions = z.infer<typeof deflatedSharpeOptionsSchema>;

export const deflatedSharpeDetailsSchema = z.strictObject({
  ...familyInputsShape,
  /** Standard deviation (ddof 1) of the per-period Sharpes of the configurations tried. */
  sharpeStdAcrossTrials: z.number().nullable(),
  /** E[max of N standard normals]. */
  expectedMaxZ: z.number().nullable(),
  /** The deflated benchmark SR0 = sharpeStdAcrossTrials x expectedMaxZ (per period). */
  benchmarkSharpe: z.number().nullable(),
  /** Configurations whose returns are all equal (no Sharpe), left out of the spread. */
  constantColumns: z.number().int().nonnegative(),
});
export type DeflatedSharpeDetails = z.infer<typeof deflatedSharpeDetailsSchema>;
