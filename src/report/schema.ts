/**
 * The validate report (docs/formats.md, "Report"): decision + provenance + every gate's result,
 * one block per gate of the registry, each with its own typed `details`. Validated with its
 * zod schema before it is written, and checked for non-finite numbers, so a NaN can never slip
 * into a report as `null`. `gauntlet schema report` prints the JSON Schema of this module's
 * schema (committed under schema/).
 *
 * Versioning (`schemaVersion`): any change to the report's shape bumps it. A reader accepts
 * every version in SUPPORTED_REPORT_VERSIONS, upgrading older ones to what it needs
 * (storedReport), and refuses others with "report schemaVersion X is not supported". Additive
 * changes (a new gate, a new optional field) keep older versions readable; a change of
 * meaning keeps them readable only through an explicit upgrade, or drops them from the list.
 *   1: the first engine (no schemaVersion field; four gates; details untyped).
 *   2: schemaVersion; the gate registry (the deflated-Sharpe family, `advisory`); typed details;
 *      exact ties (`ties`, `tiedSelections`), walk-forward `isTStat`, PBO sampling SE.
 *   3: chart data in the details (the HTML report draws from it; docs/formats.md, "Chart
 *      data"): Monte Carlo `fan`, `originalPath`, `maxDrawdownHistogram`; PBO
 *      `degradationPoints`, `dominanceCdf`; walk-forward `stitchedOosEquity`. Additive: a
 *      version 2 report is read as it is (without them: CHART_FIELDS).
 */
import { z } from 'zod';
import { GauntletError, internalError } from '../errors.js';
import { DEFAULT_GATES } from '../gates/index.js';
import type { AnyGateDefinition, GateRegistry } from '../gates/registry.js';

export const REPORT_SCHEMA_VERSION = 3 as const;
export const SUPPORTED_REPORT_VERSIONS: readonly number[] = [1, 2, 3];

/** The details fields version 3 added, per gate: a version 2 report has none of them. */
export const CHART_FIELDS: Readonly<Record<string, readonly string[]>> = {
  monteCarlo: ['fan', 'originalPath', 'maxDrawdownHistogram'],
  pbo: ['degradationPoints', 'dominanceCdf'],
  walkForward: ['stitchedOosEquity'],
};

/** A gate's details schema as report `version` has it (version 2: without the chart fields). */
function detailsSchemaFor(def: AnyGateDefinition, version: number): z.ZodType {
  const fields = CHART_FIELDS[def.name];
  if (version >= 3 || !fields || !(def.detailsSchema instanceof z.ZodObject)) return def.detailsSchema;
  return def.detailsSchema.omit(Object.fromEntries(fields.map((f) => [f, true])) as never);
}

const finiteOrNull = z.number().finite().nullable();

/** One gate's result, its details typed by the gate's own schema ({} when a decision gate is disabled). */
export function gateResultSchema(def: AnyGateDefinition, version: number = REPORT_SCHEMA_VERSION) {
  return z.strictObject({
    gate: z.literal(def.name),
    enabled: z.boolean(),
    advisory: z.boolean(),
    value: finiteOrNull,
    gatedValue: finiteOrNull,
    gatedOn: z.enum(['point', 'wilson95Lower', 'clopperPearson95Upper']),
    threshold: z.number().finite(),
    comparison: z.literal(def.comparison),
    pass: z.boolean(),
    reason: z.string().nullable(),
    details: z.union([detailsSchemaFor(def, version), z.strictObject({})]),
    warnings: z.array(z.string()),
  });
}

export const inputRecordSchema = z.strictObject({
  role: z.enum(['candidate', 'returns', 'trades', 'model']),
  path: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  rows: z.number().int().optional(),
  columns: z.number().int().optional(),
  verified: z.boolean().optional(),
});

export const comparisonSchema = z.strictObject({
  champion: z.strictObject({ id: z.string(), modelSha256: z.string().nullable(), decision: z.string().nullable() }),
  gates: z.record(
    z.string(),
    z.strictObject({ champion: finiteOrNull, candidate: finiteOrNull, better: z.enum(['candidate', 'champion', 'equal', 'n/a']) }),
  ),
});
export type ChampionComparison = z.infer<typeof comparisonSchema>;

/** The report schema for a registry's gates (the default one: `reportSchema`), as written now or as an older `version` (2 or later) had it. */
export function reportSchemaFor(registry: GateRegistry, version: typeof REPORT_SCHEMA_VERSION | 2 = REPORT_SCHEMA_VERSION) {
  return z.strictObject({
    schemaVersion: z.literal(version),
    engine: z.strictObject({ name: z.literal('gauntlet'), version: z.string() }),
    decision: z.enum(['APPROVED', 'REJECTED']),
    /** Decision gates that failed, in registry order (advisory gates never appear). */
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
    /** The resolved policy the gates ran under. */
    policy: z.record(z.string(), z.unknown()),
    gates: z.strictObject(Object.fromEntries(registry.gates.map((g) => [g.name, gateResultSchema(g, version)]))),
    comparison: comparisonSchema.optional(),
    warnings: z.array(z.string()),
  });
}

export const reportSchema = reportSchemaFor(DEFAULT_GATES);
export type Report = z.infer<typeof reportSchema>;
export type GateResultJson = z.infer<ReturnType<typeof gateResultSchema>>;

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

/** Validate and serialise: the one way a report becomes JSON. */
export function reportJson(report: unknown, registry: GateRegistry = DEFAULT_GATES): string {
  assertFinite(report);
  const schema = registry === DEFAULT_GATES ? reportSchema : reportSchemaFor(registry);
  const parsed = schema.safeParse(report);
  if (!parsed.success) throw internalError(`report does not match its schema: ${z.prettifyError(parsed.error)}`);
  return JSON.stringify(report, null, 2) + '\n';
}

/** Validate and serialise one gate result (the per-gate commands print what `gates.<name>` holds). */
export function gateJson(result: { gate: string }, registry: GateRegistry = DEFAULT_GATES): string {
  assertFinite(result);
  const def = registry.get(result.gate);
  if (!def) throw internalError(`gate result for unknown gate '${result.gate}'`);
  const parsed = gateResultSchema(def).safeParse(result);
  if (!parsed.success) throw internalError(`gate result does not match its schema: ${z.prettifyError(parsed.error)}`);
  return JSON.stringify(result, null, 2) + '\n';
}

/**
 * What a stored report (a champion's, a registry manifest's) must still tell whatever its
 * version: the decision, the candidate, the provenance, and each gate's value and pass.
 */
export interface StoredReport {
  schemaVersion: number;
  engineVersion: string;
  decision: 'APPROVED' | 'REJECTED';
  candidateId: string;
  /** The bundle folder the report was made from, as it was named then (null when a version-1 report has none). */
  bundle: string | null;
  seed: number;
  policySha256: string;
  inputs: z.infer<typeof inputRecordSchema>[];
  gates: Record<string, { value: number | null; pass: boolean; comparison: '>' | '<'; enabled: boolean; advisory: boolean }>;
}

/** Version 1 (no schemaVersion): the first engine's report, read loosely (its details were untyped). */
export const reportV1Schema = z.looseObject({
  engine: z.looseObject({ name: z.literal('gauntlet'), version: z.string() }),
  decision: z.enum(['APPROVED', 'REJECTED']),
  candidate: z.looseObject({ id: z.string(), bundle: z.string().optional() }),
  provenance: z.looseObject({ seed: z.number().int(), policySha256: z.string().regex(/^[0-9a-f]{64}$/), inputs: z.array(inputRecordSchema) }),
  gates: z.record(z.string(), z.looseObject({ value: finiteOrNull, pass: z.boolean(), comparison: z.enum(['>', '<']), enabled: z.boolean() })),
});

/**
 * Reads a stored report of any supported version into a StoredReport; an unsupported version
 * is a GauntletError naming it (`source` names the file for messages). O(size).
 */
export function storedReport(raw: unknown, source: string, registry: GateRegistry = DEFAULT_GATES): StoredReport {
  const version = raw && typeof raw === 'object' && 'schemaVersion' in raw ? (raw as { schemaVersion: unknown }).schemaVersion : 1;
  if (typeof version !== 'number' || !SUPPORTED_REPORT_VERSIONS.includes(version)) {
    throw new GauntletError('E_SCHEMA', `${source}: report schemaVersion ${JSON.stringify(version)} is not supported (this engine reads ${SUPPORTED_REPORT_VERSIONS.join(', ')})`);
  }
  const fail = (e: z.ZodError): never => {
    throw new GauntletError('E_SCHEMA', `${source}: not a valid version ${version} report: ${z.prettifyError(e).replace(/\s+/g, ' ')}`);
  };
  if (version === 1) {
    const p = reportV1Schema.safeParse(raw);
    if (!p.success) fail(p.error);
    const r = p.data!;
    return {
      schemaVersion: 1, engineVersion: r.engine.version, decision: r.decision, candidateId: r.candidate.id, bundle: r.candidate.bundle ?? null, seed: r.provenance.seed,
      policySha256: r.provenance.policySha256, inputs: r.provenance.inputs,
      gates: Object.fromEntries(Object.entries(r.gates).map(([k, g]) => [k, { ...g, advisory: false }])),
    };
  }
  const p = (registry === DEFAULT_GATES && version === REPORT_SCHEMA_VERSION ? reportSchema : reportSchemaFor(registry, version as 2 | 3)).safeParse(raw);
  if (!p.success) fail(p.error);
  const r = p.data! as unknown as Report;
  return {
    schemaVersion: r.schemaVersion, engineVersion: r.engine.version, decision: r.decision, candidateId: r.candidate.id, bundle: r.candidate.bundle, seed: r.provenance.seed,
    policySha256: r.provenance.policySha256, inputs: r.provenance.inputs,
    gates: Object.fromEntries(Object.entries(r.gates).map(([k, g]) => [k, { value: g.value, pass: g.pass, comparison: g.comparison, enabled: g.enabled, advisory: g.advisory }])),
  };
}

/**
 * A saved report of version 2 or later, read whole for rendering (`gauntlet report`): checked
 * against its own version's schema. A version 2 report lacks the chart fields (CHART_FIELDS),
 * which readers must treat as absent. Version 1 (untyped details) and unknown versions are
 * refused with a message naming the file and the version. O(size).
 */
export type AnyVersionReport = Omit<Report, 'schemaVersion'> & { schemaVersion: 2 | 3 };

export function fullReport(raw: unknown, source: string, registry: GateRegistry = DEFAULT_GATES): AnyVersionReport {
  const version = raw && typeof raw === 'object' && 'schemaVersion' in raw ? (raw as { schemaVersion: unknown }).schemaVersion : 1;
  if (typeof version !== 'number' || !SUPPORTED_REPORT_VERSIONS.includes(version)) {
    throw new GauntletError('E_SCHEMA', `${source}: report schemaVersion ${JSON.stringify(version)} is not supported (this engine reads ${SUPPORTED_REPORT_VERSIONS.join(', ')})`);
  }
  if (version < 2) {
    throw new GauntletError('E_SCHEMA', `${source}: a version 1 report (engine 0.1.0, no schemaVersion) has untyped details and cannot be rendered; validate the candidate again with this engine`);
  }
  const p = reportSchemaFor(registry, version as 2 | 3).safeParse(raw);
  if (!p.success) {
    throw new GauntletError('E_SCHEMA', `${source}: not a valid version ${version} report: ${z.prettifyError(p.error).replace(/\s+/g, ' ')}`);
  }
  return raw as AnyVersionReport;
}
