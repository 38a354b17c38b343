import { z } from 'zod';
import { DEFAULTS } from '../../config/defaults.js';
import { familyInputsShape } from '../sharpe_family/details.js';

const d = DEFAULTS.minTrackRecord;

/** Policy block: advisory unless enabled; passes when T / MinTRL > threshold (default 1: T > MinTRL). */
export const minTrackRecordOptionsSchema = z.strictObject({
  enabled: z.boolean().default(d.enabled),
  threshold: z.number().min(0).max(1000).default(d.threshold),
  /** PSR level the track record must reach (MinTRL's confidence). */
  confidence: z.number().gt(0.5).lt(1).default(d.confidence),
});
export type MinTrackRecordOptions = z.infer<typeof minTrackRecordOptionsSchema>;

export const minTrackRecordDetailsSchema = z.strictObject({
  ...familyInputsShape,
  confidence: z.number(),
  /** Minimum track record length in periods (null where undefined). */
  minTrackRecordLength: z.number().nullable(),
  /** Periods available: T. */
  availablePeriods: z.number().int().positive(),
});
export type MinTrackRecordDetails = z.infer<typeof minTrackRecordDetailsSchema>;
