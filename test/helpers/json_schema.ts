/**
 * Validation against the published JSON Schemas (schema/*.json) with an independent
 * validator (ajv, draft 2020-12): the schemas are generated from the zod schemas, so checking
 * reports with ajv tests the published files themselves, not zod against zod. runCli and
 * runCliAsync pass every report a test prints through here.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020Module from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';

// ajv is CommonJS: under NodeNext its class is the module's default export's `default`.
const Ajv2020 = (Ajv2020Module as unknown as { default: typeof Ajv2020Module.default }).default ?? Ajv2020Module;

const ajv = new Ajv2020({ strict: false, allErrors: false });
const compiled = new Map<string, ValidateFunction>();

export function schemaValidator(name: 'report' | 'policy' | 'candidate' | 'journal' | 'champion'): ValidateFunction {
  const known = compiled.get(name);
  if (known) return known;
  const file = fileURLToPath(new URL(`../../schema/${name}.json`, import.meta.url));
  const v = ajv.compile(JSON.parse(readFileSync(file, 'utf8')));
  compiled.set(name, v);
  return v;
}

/** Throws naming the first violation when `value` does not match the named schema. */
export function assertMatchesSchema(name: Parameters<typeof schemaValidator>[0], value: unknown): void {
  const v = schemaValidator(name);
  if (!v(value)) throw new Error(`${name} does not match schema/${name}.json: ${ajv.errorsText(v.errors)}`);
}

/** When a CLI's stdout is a validate report, it must match schema/report.json. */
export function checkCliStdout(stdout: string): void {
  if (!stdout.startsWith('{')) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return;
  }
  if (parsed && typeof parsed === 'object' && 'schemaVersion' in parsed && 'gates' in parsed) assertMatchesSchema('report', parsed);
}
