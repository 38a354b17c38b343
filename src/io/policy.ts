/**
 * The policy (docs/formats.md, "Policy"): thresholds and gate options, from `--policy FILE` or
 * the defaults. Raw JSON -> resolved policy in one place; every gate's block is the zod schema
 * of that gate's registry definition. Unknown keys are errors, so a typo never silently keeps
 * a default.
 */
import { z } from 'zod';
import { inputError } from '../errors.js';
import { DEFAULTS } from '../config/defaults.js';
import { FILE_LIMITS } from '../config/limits.js';
import { DEFAULT_GATES } from '../gates/index.js';
import type { BaseGateOptions, GateRegistry } from '../gates/registry.js';
import { sha256Hex } from './hash.js';
import { readInput } from './input_file.js';
import { parseJsonStrict } from './json.js';
import { zodOneLine } from './zod_message.js';
import { monitorSchema, promotionSchemaFor, retrainSchema, type MonitorPolicy, type PromotionPolicy, type RetrainPolicy } from '../lifecycle/policy.js';

/**
 * The policy schema for a registry: `strict`, one block per gate, each defaulted by its own
 * schema, and the lifecycle blocks (promotion, retrain, monitor: docs/lifecycle.md).
 */
export function policySchemaFor(registry: GateRegistry) {
  return z.strictObject({
    strict: z.boolean().default(DEFAULTS.strict),
    gates: z.strictObject(Object.fromEntries(registry.gates.map((g) => [g.name, g.optionsSchema.prefault({})]))).prefault({}),
    promotion: promotionSchemaFor(registry).prefault({}),
    retrain: retrainSchema.prefault({}),
    monitor: monitorSchema.prefault({}),
  });
}

export const policySchema = policySchemaFor(DEFAULT_GATES);

/** A resolved policy: every gate's block with its defaults filled in. */
export interface Policy {
  strict: boolean;
  gates: Record<string, BaseGateOptions & Record<string, unknown>>;
  promotion: PromotionPolicy;
  retrain: RetrainPolicy;
  monitor: MonitorPolicy;
}

export interface LoadedPolicy {
  policy: Policy;
  /** Where it came from: the file path, or 'defaults'. */
  source: string;
  /** SHA-256 of the resolved policy's canonical JSON: equal policies hash equal whatever their layout. */
  sha256: string;
}

export function resolvePolicy(raw: unknown, source: string, registry: GateRegistry = DEFAULT_GATES): LoadedPolicy {
  const parsed = (registry === DEFAULT_GATES ? policySchema : policySchemaFor(registry)).safeParse(raw);
  if (!parsed.success) throw inputError('E_SCHEMA', { file: source }, `invalid policy: ${zodOneLine(parsed.error)}`);
  const policy = parsed.data as Policy;
  return { policy, source, sha256: sha256Hex(JSON.stringify(policy)) };
}

/** A JSON input file (regular file, size limit from fstat, strict JSON: no duplicate keys). */
export function readJsonFile(file: string, limit: number = FILE_LIMITS.json): unknown {
  const { bytes } = readInput(file, { limit, limitName: limit === FILE_LIMITS.json ? 'JSON inputs' : 'champion manifests' });
  return parseJsonStrict(file, bytes);
}

export function loadPolicy(file: string | undefined, registry: GateRegistry = DEFAULT_GATES): LoadedPolicy {
  if (file === undefined) return resolvePolicy({}, 'defaults', registry);
  return resolvePolicy(readJsonFile(file), file, registry);
}
