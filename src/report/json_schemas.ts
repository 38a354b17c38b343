/**
 * The published JSON Schemas (draft 2020-12) of Gauntlet's files, generated from the zod
 * schemas the code validates with (zod 4's z.toJSONSchema), so they cannot drift from the
 * code: `gauntlet schema <name>` prints one, schema/<name>.json holds the committed copy, and a
 * test fails when the two differ. Refinements zod cannot express in JSON Schema (S even, `pnl`
 * needs initialEquity) are checked by the engine, not by the schema.
 */
import { z } from 'zod';
import { candidateSchema } from '../io/candidate.js';
import { policySchema } from '../io/policy.js';
import { championSchema } from '../pipeline/champion.js';
import { journalEntrySchema } from './journal_schema.js';
import { reportSchema, reportV1Schema, REPORT_SCHEMA_VERSION } from './schema.js';

export const SCHEMA_NAMES = ['report', 'policy', 'candidate', 'journal', 'champion'] as const;
export type SchemaName = (typeof SCHEMA_NAMES)[number];

const TITLES: Record<SchemaName, string> = {
  report: `Gauntlet validate report (schemaVersion ${REPORT_SCHEMA_VERSION})`,
  policy: 'Gauntlet policy (thresholds and gate options; every key optional)',
  candidate: 'Gauntlet candidate bundle manifest (candidate.json)',
  journal: `Gauntlet batch journal line (schemaVersion ${REPORT_SCHEMA_VERSION})`,
  champion: 'Gauntlet champion manifest (--against): id, model hash and a stored report of any supported version',
};

function zodSchema(name: SchemaName): z.ZodType {
  switch (name) {
    case 'report':
      return reportSchema;
    case 'policy':
      return policySchema;
    case 'candidate':
      return candidateSchema;
    case 'journal':
      return journalEntrySchema;
    case 'champion':
      return championSchema.extend({ report: z.union([reportSchema, reportV1Schema]) });
  }
}

/** The JSON Schema of one file format, as an object. Inputs (policy, candidate) describe what may be written, defaults included. */
export function jsonSchema(name: SchemaName): Record<string, unknown> {
  const io = name === 'policy' || name === 'candidate' ? 'input' : 'output';
  const generated = z.toJSONSchema(zodSchema(name), { io, unrepresentable: 'any' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return { $schema, $id: `urn:gauntlet:schema:${name}`, title: TITLES[name], ...rest };
}

/** The committed text of schema/<name>.json: two-space JSON and a final newline. */
export function jsonSchemaText(name: SchemaName): string {
  return JSON.stringify(jsonSchema(name), null, 2) + '\n';
}
