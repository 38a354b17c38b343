import { z } from 'zod';
import { DEFAULTS } from '../../config/defaults.js';
import { OPTION_LIMITS } from '../../config/limits.js';

const d = DEFAULTS.monteCarlo;

/**
 * Breach rule (docs/methodology.md, "Monte Carlo"). drawdown/static: `limit` is a fraction in (0, 1).
 * trailing: `limit` is a currency amount below the high-water mark (> 0).
 */
export const breachSchema = z
  .strictObject({
    rule: z.enum(['drawdown', 'static', 'trailing']).default(d.breach.rule),
    limit: z.number().positive().default(d.breach.limit),
  })
  .refine((b) => b.rule === 'trailing' || b.limit < 1, {
    message: 'a drawdown or static limit is a fraction of equity and must be in (0, 1)',
    path: ['limit'],
  });

/** Policy block for the Monte Carlo breach gate (docs/formats.md, "Policy"; docs/methodology.md, "Monte Carlo"). */
export const monteCarloOptionsSchema = z.strictObject({
  enabled: z.boolean().default(d.enabled),
  threshold: z.number().gt(0).max(1).default(d.threshold),
  paths: z.number().int().min(1).max(OPTION_LIMITS.paths).default(d.paths),
  horizon: z.number().int().min(1).max(OPTION_LIMITS.horizon).nullable().default(d.horizon),
  method: z.enum(['stationary', 'iid', 'permutation']).default(d.method),
  blockLength: z.union([z.literal('auto'), z.number().positive().max(OPTION_LIMITS.blockLength)]).default(d.blockLength),
  breach: breachSchema.default({ rule: d.breach.rule, limit: d.breach.limit }),
});
export type MonteCarloOptions = z.infer<typeof monteCarloOptionsSchema> & { strict: boolean };
export type BreachRule = z.infer<typeof breachSchema>;
