/**
 * The lifecycle blocks of the policy (docs/lifecycle.md, "Policy additions"): `promotion`
 * (per-gate minimum improvement over the champion, shadow trades needed before production),
 * `retrain` (the retraining schedule) and `monitor` (the live checks). Each is optional with
 * defaults (src/config/defaults.ts), validated strictly like the gate blocks, and part of the
 * resolved policy, so the policy hash covers them.
 */
import { z } from 'zod';
import { DEFAULTS } from '../config/defaults.js';
import { OPTION_LIMITS } from '../config/limits.js';
import type { GateRegistry } from '../gates/registry.js';

/**
 * A minimum improvement of the candidate over the champion on one gate, in the gate's better
 * direction (MLflow's MetricThreshold min_absolute_change / min_relative_change): `absolute`
 * in the gate's units, `relative` as a fraction of the champion's |value|. Both given: both
 * must hold.
 */
export const improvementSchema = z
  .strictObject({
    absolute: z.number().min(0).max(1e6).optional(),
    relative: z.number().min(0).max(1e6).optional(),
  })
  .refine((o) => o.absolute !== undefined || o.relative !== undefined, { message: 'give absolute, relative or both' });
export type Improvement = z.infer<typeof improvementSchema>;

/** `promotion`: keys of minImprovement are the registry's gate names (a typo is an error). */
export function promotionSchemaFor(registry: GateRegistry) {
  return z.strictObject({
    minImprovement: z.strictObject(Object.fromEntries(registry.gates.map((g) => [g.name, improvementSchema.optional()]))).prefault({}),
    minShadowTrades: z.number().int().min(1).max(1e9).default(DEFAULTS.promotion.minShadowTrades),
  });
}

export const retrainSchema = z.strictObject({
  maxAgeDays: z.number().positive().max(36_500).nullable().default(DEFAULTS.retrain.maxAgeDays),
});

const m = DEFAULTS.monitor;
export const monitorSchema = z
  .strictObject({
    alpha: z.number().gt(0).lt(1).default(m.alpha),
    paths: z.number().int().min(100).max(OPTION_LIMITS.paths).default(m.paths),
    cusumShift: z.number().positive().max(10).default(m.cusumShift),
  })
  // A Monte Carlo test of level alpha needs (paths + 1) x alpha >= 1 to ever reject: fewer paths
  // would make the mean-shift check silently unable to alarm.
  .refine((o) => (o.paths + 1) * o.alpha >= 1, { message: 'monitor.paths must be at least 1 / alpha - 1, or the mean-shift test can never reach alpha', path: ['paths'] });

export interface PromotionPolicy {
  minImprovement: Record<string, Improvement | undefined>;
  minShadowTrades: number;
}
export type RetrainPolicy = z.infer<typeof retrainSchema>;
export type MonitorPolicy = z.infer<typeof monitorSchema>;
