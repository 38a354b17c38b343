/**
 * The policy (SPEC 1.4): thresholds and gate options, from `--policy FILE` or the defaults.
 * Raw JSON -> resolved policy in one place; every gate's block is the zod schema beside
 * that gate. Unknown keys are errors, so a typo never silently keeps a default.
 */
import { z } from 'zod';
import { inputError } from '../errors.js';
import { DEFAULTS } from '../config/defaults.js';
import { winRateOptionsSchema } from '../gates/win_rate/options.js';
import { walkForwardOptionsSchema } from '../gates/walk_forward/options.js';
import { pboOptionsSchema } from '../gates/pbo/options.js';
import { monteCarloOptionsSchema } from '../gates/monte_carlo/options.js';
import { FILE_LIMITS } from '../config/limits.js';
import { sha256Hex } from './hash.js';
import { readInput } from './input_file.js';
import { parseJsonStrict } from './json.js';
import { zodOneLine } from './zod_message.js';

export const policySchema = z.strictObject({
  strict: z.boolean().default(DEFAULTS.strict),
  gates: z
    .strictObject({
      winRate: winRateOptionsSchema.prefault({}),
      walkForward: walkForwardOptionsSchema.prefault({}),
      pbo: pboOptionsSchema.prefault({}),
      monteCarlo: monteCarloOptionsSchema.prefault({}),
    })
    .prefault({}),
});

export type Policy = z.infer<typeof policySchema>;

export interface LoadedPolicy {
  policy: Policy;
  /** Where it came from: the file path, or 'defaults'. */
  source: string;
  /** SHA-256 of the resolved policy's canonical JSON: equal policies hash equal whatever their layout. */
  sha256: string;
}

export function resolvePolicy(raw: unknown, source: string): LoadedPolicy {
  const parsed = policySchema.safeParse(raw);
  if (!parsed.success) throw inputError('E_SCHEMA', { file: source }, `invalid policy: ${zodOneLine(parsed.error)}`);
  const policy = parsed.data;
  return { policy, source, sha256: sha256Hex(JSON.stringify(policy)) };
}

/** A JSON input file (regular file, size limit from fstat, strict JSON: no duplicate keys). */
export function readJsonFile(file: string, limit: number = FILE_LIMITS.json): unknown {
  const { bytes } = readInput(file, { limit, limitName: limit === FILE_LIMITS.json ? 'JSON inputs' : 'champion manifests' });
  return parseJsonStrict(file, bytes);
}

export function loadPolicy(file: string | undefined): LoadedPolicy {
  if (file === undefined) return resolvePolicy({}, 'defaults');
  return resolvePolicy(readJsonFile(file), file);
}
