/**
 * The validate report (SPEC 4): decision + provenance + every gate's result. Validated with
 * its own zod schema before it is written, and checked for non-finite numbers, so a NaN can
 * never slip into a report as `null`.
 */
import { z } from 'zod';
import { GauntletError, internalError } from '../errors.js';

const finiteOrNull = z.number().finite().nullable();

export const gateResultSchema = z.strictObject({
  gate: z.enum(['winRate', 'walkForward', 'pbo', 'monteCarlo']),
  enabled: z.boolean(),
  value: finiteOrNull,
  gatedValue: finiteOrNull,
  gatedOn: z.string(),
  threshold: z.number().finite(),
  comparison: z.enum(['>', '<']),
  pass: z.boolean(),
  reason: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  warnings: z.array(z.string()),
});

export const inputRecordSchema = z.strictObject({
  role: z.enum(['candidate', 'returns', 'trades', 'model']),
  path: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  rows: z.number().int().optional(),
  columns: z.number().int().optional(),
  verified: z.boolean().optional(),
});

export const reportSchema = z.strictObject({
  engine: z.strictObject({ name: z.literal('gauntlet'), version: z.string() }),
  decision: z.enum(['APPROVED', 'REJECTED']),
  failedGates: z.array(z.string()),
  candidate: z.strictObject({
    id: z.string(),
    createdAt: z.string(),
    bundle: z.string(),
    selected: z.string(),
    periodsPerYear: z.number(),
    tradeUnit: z.enum(['return', 'pnl']),
    initialEquity: z.number().nullable(),
  }),
  provenance: z.strictObject({
    seed: z.number().int(),
    generator: z.string(),
    seedScheme: z.string(),
    shardSizes: z.record(z.string(), z.number().int().positive()),
    policySource: z.string(),
    policySha256: z.string().regex(/^[0-9a-f]{64}$/),
    inputs: z.array(inputRecordSchema),
  }),
  policy: z.record(z.string(), z.unknown()),
  gates: z.strictObject({
    winRate: gateResultSchema,
    walkForward: gateResultSchema,
    pbo: gateResultSchema,
    monteCarlo: gateResultSchema,
  }),
  comparison: z.unknown().optional(),
  warnings: z.array(z.string()),
});

export type Report = z.infer<typeof reportSchema>;

/**
 * Throws E_NON_FINITE (exit 2) naming the JSON path of the first NaN or Infinity found: the
 * inputs and options are range-checked where they are read, so a non-finite result means
 * data beyond what float64 can carry through the statistic; it is never written as null.
 */
export function assertFinite(value: unknown, path = '$'): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new GauntletError('E_NON_FINITE', `a result is not a finite number (${value} at ${path}): the input values are beyond what this statistic can compute in float64`);
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => assertFinite(v, `${path}[${i}]`));
  } else if (value && typeof value === 'object') {
    if (ArrayBuffer.isView(value)) throw internalError(`typed array at ${path} in a result (results must be JSON-plain)`);
    for (const [k, v] of Object.entries(value)) assertFinite(v, `${path}.${k}`);
  }
}

/** Validate and serialise: the one way a report or gate result becomes JSON. */
export function reportJson(report: Report): string {
  assertFinite(report);
  const parsed = reportSchema.safeParse(report);
  if (!parsed.success) throw internalError(`report does not match its schema: ${z.prettifyError(parsed.error)}`);
  return JSON.stringify(report, null, 2) + '\n';
}

export function gateJson(result: unknown): string {
  assertFinite(result);
  const parsed = gateResultSchema.safeParse(result);
  if (!parsed.success) throw internalError(`gate result does not match its schema: ${z.prettifyError(parsed.error)}`);
  return JSON.stringify(result, null, 2) + '\n';
}
