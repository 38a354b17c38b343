/**
 * Putting a model version into the registry (docs/lifecycle.md, "Models"): its identity (the
 * model hash), the next version number of its id, and its folder assembled under a staging
 * name (a copy of every file the validation read, hashed while copied, and its manifest), ready
 * to be moved into place once its audit line is written.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, type Dirent } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, posix, relative, sep } from 'node:path';
import { GauntletError, inputError } from '../errors.js';
import { sha256Hex } from '../io/hash.js';
import { withInput } from '../io/input_file.js';
import { writeAll, writeError } from '../io/atomic.js';
import { FILE_LIMITS } from '../config/limits.js';
import type { Candidate, InputRecord } from '../io/candidate.js';
import { fsyncDir, manifestSchema, modelDirName, REGISTRY_FILES, type Manifest, type Registration, type RegistryState, type Stage } from './registry.js';

/**
 * The model's identity: the SHA-256 of its artifact when the bundle declares one (the bytes
 * that are deployed), else the SHA-256 of "<role> <sha256>\n" over its candidate.json,
 * returns.csv and trades.csv (the configuration and the evidence that define it). O(inputs).
 */
export function modelIdentity(inputs: readonly InputRecord[]): { modelSha256: string; modelHash: 'artifact' | 'inputs' } {
  const model = inputs.find((i) => i.role === 'model');
  if (model) return { modelSha256: model.sha256, modelHash: 'artifact' };
  const text = ['candidate', 'returns', 'trades'].map((role) => `${role} ${inputs.find((i) => i.role === role)?.sha256 ?? '-'}\n`).join('');
  return { modelSha256: sha256Hex(text), modelHash: 'inputs' };
}

/** The next version of `id`: one more than the highest registered (1 for a new id). */
export function nextVersion(state: RegistryState | null, id: string): number {
  let v = 0;
  if (state) for (const r of state.models.values()) if (r.id === id && r.version > v) v = r.version;
  return v + 1;
}

/** Copy one input into the staging bundle, hashing the bytes copied; they must be the bytes validated. */
function copyInput(input: InputRecord, target: string): void {
  mkdirSync(dirname(target), { recursive: true });
  let out: number;
  try {
    out = openSync(target, 'wx', 0o644);
  } catch (err) {
    throw writeError(target, err, 'cannot create the registry copy');
  }
  try {
    const got = withInput(input.path, { limit: FILE_LIMITS.artifact, limitName: 'bundle files' }, (src) => {
      const chunk = Buffer.allocUnsafe(1 << 20);
      for (;;) {
        const n = src.read(chunk, 0, chunk.length);
        if (n === 0) break;
        try {
          writeAll(out, chunk.subarray(0, n));
        } catch (err) {
          throw writeError(target, err, 'cannot write the registry copy');
        }
      }
      return src.finish();
    });
    if (got.sha256 !== input.sha256) throw inputError('E_FILE_CHANGED', { file: input.path }, 'changed between its validation and its copy into the registry');
    fsyncSync(out);
  } finally {
    closeSync(out);
  }
}

export interface StagedModel {
  registration: Registration;
  manifest: Manifest;
}

/**
 * Assemble a model version's folder under `<registry>/models/.staging-<random>/`: bundle/ with
 * a copy of every input (same relative paths as in the original bundle), and manifest.json.
 * Everything fsync'd. `dir` is the registry folder (for init: the folder being built).
 */
export function stageModel(
  dir: string,
  candidate: Candidate,
  fields: { version: number; report: Record<string, unknown>; evidence: 'validated' | 'report'; stage: Stage; now: Date; validatedAt: Date },
): StagedModel {
  const id = candidate.manifest.id;
  const { modelSha256, modelHash } = modelIdentity(candidate.inputs);
  const stagingRel = posix.join(REGISTRY_FILES.models, `.staging-${randomBytes(8).toString('hex')}`);
  const staging = join(dir, stagingRel);
  mkdirSync(join(staging, 'bundle'), { recursive: true });
  const files: Record<string, string> = {};
  for (const input of candidate.inputs) {
    const rel = relative(candidate.dir, input.path).split(sep).join('/');
    copyInput(input, join(staging, 'bundle', ...rel.split('/')));
    files[rel] = input.sha256;
  }
  const manifest: Manifest = manifestSchema.parse({
    format: 'gauntlet-model',
    formatVersion: 1,
    id,
    version: fields.version,
    modelSha256,
    modelHash,
    createdAt: candidate.manifest.createdAt,
    registeredAt: fields.now.toISOString(),
    validatedAt: fields.validatedAt.toISOString(),
    promoted: { to: fields.stage, at: fields.now.toISOString() },
    source: candidate.dir,
    evidence: fields.evidence,
    files,
    report: fields.report,
  });
  const text = JSON.stringify(manifest, null, 2) + '\n';
  const manifestFile = join(staging, 'manifest.json');
  let fd: number;
  try {
    fd = openSync(manifestFile, 'wx', 0o644);
  } catch (err) {
    throw writeError(manifestFile, err, 'cannot create the manifest');
  }
  try {
    writeAll(fd, Buffer.from(text, 'utf8'));
    fsyncSync(fd);
  } catch (err) {
    throw err instanceof GauntletError ? err : writeError(manifestFile, err, 'cannot write the manifest');
  } finally {
    closeSync(fd);
  }
  fsyncTree(staging);
  fsyncDir(join(dir, REGISTRY_FILES.models));
  const path = posix.join(REGISTRY_FILES.models, modelDirName(id), String(fields.version));
  return {
    registration: { id, version: fields.version, modelSha256, path, staging: stagingRel, manifestSha256: sha256Hex(text) },
    manifest,
  };
}

/** fsync every folder of a freshly written tree, deepest first, so its entries are durable. */
function fsyncTree(root: string): void {
  const walk = (d: string) => {
    for (const e of readdirOrEmpty(d)) if (e.isDirectory()) walk(join(d, e.name));
    fsyncDir(d);
  };
  walk(root);
}

function readdirOrEmpty(d: string): Dirent[] {
  try {
    return readdirSync(d, { withFileTypes: true });
  } catch {
    return [];
  }
}
