import { z } from 'zod';
import { DEFAULTS } from '../../config/defaults.js';
import { familyInputsShape } from '../sharpe_family/details.js';

const d = DEFAULTS.probabilisticSharpe;

/** Policy block: advisory unless enabled; passes when PSR(0) > threshold. */
export const probabilisticSharpeOptionsSchema = z.strictObject({
  enabled: z.boolean().default(d.enabled),
  threshold: z.number().min(0).max(1).default(d.threshold),
});
export type ProbabilisticSharpeOptions = z.infer<typeof probabilisticSharpeOptionsSchema>;

export const probabilisticSharpeDetailsSchema = z.strictObject({
  ...familyInputsShape,
  /** The benchmark Sharpe SR* (0: the probability that the true Sharpe is positive). */
  benchmarkSharpe: z.number(),
});
export type ProbabilisticSharpeDetails = z.infer<typeof probabilisticSharpeDetailsSchema>;
