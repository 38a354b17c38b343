import { z } from 'zod';
import { DEFAULTS } from '../../config/defaults.js';
import { tieRuleSchema } from '../ties.js';

const d = DEFAULTS.walkForward;

/** Policy block for the walk-forward efficiency gate (docs/formats.md, "Policy"; docs/methodology.md, "Walk-forward"). */
export const walkForwardOptionsSchema = z.strictObject({
  enabled: z.boolean().default(d.enabled),
  // WFER is a ratio of annualised returns, not a probability: a threshold above 1 is legal
  // (demanding OOS beat IS), but beyond 10 no candidate could pass and it is surely a typo.
  threshold: z.number().min(0).max(10).default(d.threshold),
  folds: z.number().int().min(1).max(10_000).default(d.folds),
  isOosRatio: z.number().int().min(1).max(1000).default(d.isOosRatio),
  scheme: z.enum(['rolling', 'anchored']).default(d.scheme),
  gap: z.number().int().min(0).default(d.gap),
  metric: z.enum(['sharpe', 'mean']).default(d.metric),
  ties: tieRuleSchema.default(d.ties),
});
export type WalkForwardOptions = z.infer<typeof walkForwardOptionsSchema>;
