import { z } from 'zod';
import { DEFAULTS } from '../../config/defaults.js';

/** Policy block for the win-rate gate (docs/formats.md, "Policy"; docs/methodology.md, "Win rate"). */
export const winRateOptionsSchema = z.strictObject({
  enabled: z.boolean().default(DEFAULTS.winRate.enabled),
  threshold: z.number().min(0).max(1).default(DEFAULTS.winRate.threshold),
});
export type WinRateOptions = z.infer<typeof winRateOptionsSchema> & { strict: boolean };
