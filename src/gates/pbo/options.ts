import { z } from 'zod';
import { DEFAULTS } from '../../config/defaults.js';
import { tieRuleSchema } from '../ties.js';

const d = DEFAULTS.pbo;

/** Policy block for the PBO gate (docs/formats.md, "Policy"; docs/methodology.md, "PBO"). */
export const pboOptionsSchema = z.strictObject({
  enabled: z.boolean().default(d.enabled),
  threshold: z.number().min(0).max(1).default(d.threshold),
  S: z
    .number()
    .int()
    .min(2)
    .max(32)
    .refine((s) => s % 2 === 0, { message: 'S must be even' })
    .default(d.S),
  metric: z.enum(['sharpe', 'mean', 'sortino']).default(d.metric),
  truncate: z.enum(['none', 'oldest']).default(d.truncate),
  maxCombinations: z.number().int().min(1).default(d.maxCombinations),
  histogramBins: z.number().int().min(2).max(1000).default(d.histogramBins),
  ties: tieRuleSchema.default(d.ties),
});
export type PboOptions = z.infer<typeof pboOptionsSchema>;
