/**
 * One line of the batch journal (docs/formats.md, "Batch journal"), as a zod schema: the batch
 * validates every line it writes against it, and `gauntlet schema journal` prints its JSON
 * Schema. A line carries the same `schemaVersion` as the report it summarises.
 */
import { z } from 'zod';
import { REPORT_SCHEMA_VERSION } from './schema.js';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const journalGateSchema = z.strictObject({
  enabled: z.boolean(),
  /** Computed and reported, not part of the decision (an advisory gate the policy did not enable). */
  advisory: z.boolean(),
  value: z.number().finite().nullable(),
  gatedValue: z.number().finite().nullable(),
  pass: z.boolean(),
  reason: z.string().nullable(),
});

export const journalEntrySchema = z.strictObject({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  /** Bundle folder, relative to the batch directory (posix separators). */
  bundle: z.string(),
  /** SHA-256 over (bundle, files, policy hash, seed, engine version): what --resume matches. */
  key: sha256,
  id: z.string().nullable(),
  seed: z.number().int(),
  policySha256: sha256,
  engineVersion: z.string(),
  /** SHA-256 of every file in the bundle, by relative path. */
  files: z.record(z.string(), sha256),
  decision: z.enum(['APPROVED', 'REJECTED', 'ERROR']),
  failedGates: z.array(z.string()),
  gates: z.record(z.string(), journalGateSchema).nullable(),
  error: z.strictObject({ code: z.string(), message: z.string(), exitCode: z.number().int() }).nullable(),
});
export type JournalGate = z.infer<typeof journalGateSchema>;
export type JournalEntry = z.infer<typeof journalEntrySchema>;
