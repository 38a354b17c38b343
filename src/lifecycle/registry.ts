/**
 * The model registry (docs/lifecycle.md): a folder holding the registry's policy, one
 * manifest and bundle copy per model version, the stage pointers and the audit log.
 *
 *   registry.json     format, seed, the policy's hashes, creation time and engine
 *   policy.json       the policy every validation for promotion runs under (bytes as given at init)
 *   stages.json       production, shadow and the production history (for rollback)
 *   audit.jsonl       the hash-chained event log (src/lifecycle/audit.ts), the source of truth
 *   head.json         the log's line count and last hash (anchors its tail)
 *   models/<id>/<version>/manifest.json, models/<id>/<version>/bundle/...
 *   registry.lock     while a command changes the registry (src/io/lock.ts)
 *
 * Every file is zod-validated when read and written atomically (temp + fsync + rename +
 * folder fsync); the log is appended to. A change is committed by its audit line: the effects
 * (a staged model folder moved into place, stages.json, head.json) are applied after it, in
 * that order, and are all recorded in the line, so a command killed at any point leaves either
 * the old state (no line: a staging folder at most, ignored and removed later) or the new one
 * (the line, with its effects applied or still to apply: the next locked command applies them,
 * `verify` accepts both). Anything else (an edited, removed or reordered line, a manifest,
 * bundle file, stages.json, registry.json or policy.json that does not match the log) is
 * tampering: `verify` names the first bad line or file and every command refuses the registry.
 */
import { closeSync, constants, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { z } from 'zod';
import { GauntletError, registryError, usageError } from '../errors.js';
import { sha256Hex } from '../io/hash.js';
import { parseJsonStrict } from '../io/json.js';
import { resolvePolicy, type LoadedPolicy } from '../io/policy.js';
import { writeFileAtomic, errnoText } from '../io/atomic.js';
import { ExclusiveLock } from '../io/lock.js';
import { hashInput } from '../io/input_file.js';
import { FILE_LIMITS } from '../config/limits.js';
import { zodOneLine } from '../io/zod_message.js';
import { actor, appendAuditLine, auditLineText, checkChain, GENESIS, headSchema, headText, isChainProblem, truncateLog, type AuditEvent, type AuditLine } from './audit.js';

const HEX64 = /^[0-9a-f]{64}$/;
const iso = z.iso.datetime({ offset: true });

export const STAGES = ['production', 'shadow'] as const;
export type Stage = (typeof STAGES)[number];

export const registryFileSchema = z.strictObject({
  format: z.literal('gauntlet-registry'),
  formatVersion: z.literal(1),
  createdAt: iso,
  engineVersion: z.string(),
  seed: z.number().int().min(0).max(2 ** 32 - 1),
  /** SHA-256 of the resolved policy (what reports record as provenance.policySha256). */
  policySha256: z.string().regex(HEX64),
  /** SHA-256 of policy.json's bytes. */
  policyFileSha256: z.string().regex(HEX64),
});
export type RegistryFile = z.infer<typeof registryFileSchema>;

export const modelRefSchema = z.strictObject({
  id: z.string().min(1),
  version: z.number().int().min(1),
  modelSha256: z.string().regex(HEX64),
  since: iso,
});
export type ModelRef = z.infer<typeof modelRefSchema>;

export const stagesSchema = z.strictObject({
  production: modelRefSchema.nullable(),
  shadow: modelRefSchema.nullable(),
  /** Earlier production models, oldest first: rollback restores the last one. */
  history: z.array(modelRefSchema.extend({ until: iso })),
});
export type Stages = z.infer<typeof stagesSchema>;

export const stagesFileSchema = stagesSchema.extend({
  format: z.literal('gauntlet-stages'),
  formatVersion: z.literal(1),
  /** The audit line whose event set these pointers. */
  seq: z.number().int().min(1),
});

/** A model version entering the registry, as its audit line records it. */
export const registrationSchema = z.strictObject({
  id: z.string().min(1),
  version: z.number().int().min(1),
  modelSha256: z.string().regex(HEX64),
  /** Registry-relative folder of the version (posix). */
  path: z.string(),
  /** Where it was assembled before the line was written (moved to `path` after). */
  staging: z.string(),
  manifestSha256: z.string().regex(HEX64),
});
export type Registration = z.infer<typeof registrationSchema>;

export const manifestSchema = z.strictObject({
  format: z.literal('gauntlet-model'),
  formatVersion: z.literal(1),
  id: z.string().min(1),
  version: z.number().int().min(1),
  /** The model artifact's SHA-256, or (no artifact) the SHA-256 of the bundle's input hashes (`modelHash`). */
  modelSha256: z.string().regex(HEX64),
  modelHash: z.enum(['artifact', 'inputs']),
  /** The candidate's createdAt (when it was trained): the model's age counts from here. */
  createdAt: iso,
  registeredAt: iso,
  validatedAt: iso,
  promoted: z.strictObject({ to: z.enum(STAGES), at: iso }),
  /** The bundle folder it was registered from, as given. */
  source: z.string(),
  evidence: z.enum(['validated', 'report']),
  /** SHA-256 of every file of the bundle copy (bundle/<path>). */
  files: z.record(z.string(), z.string().regex(HEX64)),
  /** The validate report it was registered on (any supported version; read with storedReport). */
  report: z.record(z.string(), z.unknown()),
});
export type Manifest = z.infer<typeof manifestSchema>;

export const REGISTRY_FILES = {
  registry: 'registry.json',
  policy: 'policy.json',
  stages: 'stages.json',
  audit: 'audit.jsonl',
  head: 'head.json',
  lock: 'registry.lock',
  models: 'models',
} as const;

/** Largest registry metadata file read whole (manifests embed a report). */
const META_LIMIT = FILE_LIMITS.champion;

/** The events that move stage pointers carry the whole new `stages` in their data. */
export function stagesOf(line: AuditLine): Stages | null {
  const s = (line.data as { stages?: unknown }).stages;
  if (s === undefined) return null;
  const p = stagesSchema.safeParse(s);
  return p.success ? p.data : null;
}

export function registrationsOf(line: AuditLine): Registration[] {
  const r = (line.data as { registered?: unknown }).registered;
  if (!Array.isArray(r)) return [];
  return r.map((x) => registrationSchema.parse(x));
}

/** A folder name for a model id: the id itself when it is plain, else a hash of it (ids are untrusted text). */
export function modelDirName(id: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(id) ? id : `id-${sha256Hex(id).slice(0, 24)}`;
}

export const EMPTY_STAGES: Stages = { production: null, shadow: null, history: [] };

/** The registry a command works on: `--registry DIR`, else GAUNTLET_REGISTRY. */
export function registryDir(flag: string | undefined): string {
  const dir = flag ?? process.env.GAUNTLET_REGISTRY;
  if (dir === undefined || dir === '') throw usageError('no registry: give --registry DIR or set GAUNTLET_REGISTRY');
  return dir;
}

/** Read a registry metadata file: regular file, size-limited, strict JSON, its schema. */
function readMeta<T>(dir: string, rel: string, schema: z.ZodType<T>, what: string): { value: T; sha256: string; bytes: Buffer } {
  const file = join(dir, rel);
  let bytes: Buffer;
  try {
    const st = lstatSync(file);
    if (!st.isFile()) throw registryError('E_REGISTRY_INVALID', `${file}: is not a regular file (a registry's ${what} must be one)`);
    if (st.size > META_LIMIT) throw registryError('E_REGISTRY_INVALID', `${file}: is ${st.size} bytes, above the ${META_LIMIT}-byte limit for registry files`);
    bytes = readFileSync(file);
  } catch (err) {
    if (err instanceof GauntletError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw registryError('E_AUDIT_TAMPERED', `${file}: missing (the registry's ${what})`);
    throw registryError('E_REGISTRY_INVALID', `${file}: cannot read (${errnoText(err)})`);
  }
  let raw: unknown;
  try {
    raw = parseJsonStrict(file, bytes);
  } catch (err) {
    throw registryError('E_AUDIT_TAMPERED', (err as Error).message);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw registryError('E_AUDIT_TAMPERED', `${file}: not a valid ${what}: ${zodOneLine(parsed.error)}`);
  return { value: parsed.data, sha256: sha256Hex(bytes), bytes };
}

/** The registry folder must exist and hold registry.json; anything else is not a registry (exit 2). */
function checkIsRegistry(dir: string): void {
  let st;
  try {
    st = statSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw registryError('E_REGISTRY_MISSING', `${dir}: no registry here (folder not found; create one with gauntlet registry init ${dir})`);
    throw registryError('E_REGISTRY_MISSING', `${dir}: cannot read the registry folder (${errnoText(err)})`);
  }
  if (!st.isDirectory()) throw registryError('E_REGISTRY_MISSING', `${dir}: is not a folder, so not a registry`);
  if (!existsSync(join(dir, REGISTRY_FILES.registry))) throw registryError('E_REGISTRY_MISSING', `${dir}: is not a registry (no ${REGISTRY_FILES.registry}; create one with gauntlet registry init)`);
}

/** An audit event waiting for its effects: committed (its line is written) but not yet applied. */
export interface Pending {
  line: AuditLine;
  /** Effects still missing, in the order they are applied. */
  move: Registration[];
  stages: boolean;
  head: boolean;
}

export interface RegistryState {
  dir: string;
  meta: RegistryFile;
  policy: LoadedPolicy;
  lines: AuditLine[];
  texts: string[];
  /** Committed stage pointers (the last stage event's). */
  stages: Stages;
  /** Every registered version by `id@version`. */
  models: Map<string, Registration & { line: number }>;
  pending: Pending | null;
  /** An append cut short (bytes after the last newline), with where the complete lines end. */
  torn: { bytes: number; completeBytes: number } | null;
  /** Staging folders no committed event refers to (a command killed before its commit). */
  orphans: string[];
  /** One-line notes for stderr (an interrupted command's state found and how it was read). */
  notes: string[];
}

function tamper(file: string, problem: string): GauntletError {
  return registryError('E_AUDIT_TAMPERED', `${file}: ${problem}`);
}

export interface ReadOptions {
  /**
   * Which models' bundle files to hash against their manifests: all (audit verify), those in
   * a stage or in the production history (what a command may act on: every command's default),
   * none, or the models named.
   */
  hashBundles: 'all' | 'staged' | 'none' | string[];
}

/**
 * Read and check a registry: registry.json and policy.json against the init event, the
 * audit chain, head.json, stages.json, and every manifest against the line that registered it
 * (bundle files as `opts` says). Read-only: a committed event whose effects are missing is
 * reported as `pending`, never an error. Throws E_REGISTRY_MISSING / E_REGISTRY_INVALID /
 * E_AUDIT_TAMPERED naming the first bad line or file. O(registry metadata + hashed bundles).
 */
export function readRegistry(dir: string, opts: ReadOptions = { hashBundles: 'staged' }): RegistryState {
  checkIsRegistry(dir);
  const auditFile = join(dir, REGISTRY_FILES.audit);
  let logBytes: Buffer;
  try {
    const st = lstatSync(auditFile);
    if (!st.isFile()) throw tamper(auditFile, 'is not a regular file');
    logBytes = readFileSync(auditFile);
  } catch (err) {
    if (err instanceof GauntletError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw tamper(auditFile, 'missing: the registry has no audit log');
    throw registryError('E_REGISTRY_INVALID', `${auditFile}: cannot read (${errnoText(err)})`);
  }
  const chain = checkChain(logBytes);
  if (isChainProblem(chain)) throw tamper(`${auditFile}, line ${chain.line}`, chain.problem);
  const { lines, texts } = chain;
  const notes: string[] = [];
  const torn = chain.tornTail === '' ? null : { bytes: Buffer.byteLength(chain.tornTail), completeBytes: chain.completeBytes };
  if (lines.length === 0) throw tamper(auditFile, 'holds no complete event (a registry starts with its init line)');
  if (lines[0].event !== 'init') throw tamper(`${auditFile}, line 1`, `is a '${lines[0].event}' event; the first line must be the registry's init`);
  for (let i = 1; i < lines.length; i++) if (lines[i].event === 'init') throw tamper(`${auditFile}, line ${i + 1}`, 'a second init event');

  // head.json: as long as the log, or exactly one line behind (the last event's effects pending).
  const headFile = join(dir, REGISTRY_FILES.head);
  const head = readMeta(dir, REGISTRY_FILES.head, headSchema, 'audit head').value;
  const L = lines.length;
  if (head.lines > L) throw tamper(auditFile, `has ${L} complete line${L === 1 ? '' : 's'} but ${REGISTRY_FILES.head} records ${head.lines}: lines were removed from the end`);
  if (head.lines < L - 1) throw tamper(`${auditFile}, line ${head.lines + 2}`, `${REGISTRY_FILES.head} records ${head.lines} lines: lines ${head.lines + 1}-${L} were appended outside a registry command`);
  if (lines[head.lines - 1].hash !== head.sha256) throw tamper(headFile, `records the hash of line ${head.lines} as ${head.sha256.slice(0, 12)}..., but that line's hash is ${lines[head.lines - 1].hash.slice(0, 12)}...`);
  const lastPending = head.lines === L - 1;

  // registry.json and policy.json: the bytes the init event recorded.
  const init = lines[0].data as { registryFileSha256?: unknown; policyFileSha256?: unknown };
  const metaRead = readMeta(dir, REGISTRY_FILES.registry, registryFileSchema, 'registry file');
  if (metaRead.sha256 !== init.registryFileSha256) throw tamper(join(dir, REGISTRY_FILES.registry), `SHA-256 ${metaRead.sha256.slice(0, 12)}... differs from the one recorded at ${REGISTRY_FILES.audit} line 1`);
  const meta = metaRead.value;
  const policyFile = join(dir, REGISTRY_FILES.policy);
  let policyBytes: Buffer;
  try {
    policyBytes = readFileSync(policyFile);
  } catch (err) {
    throw tamper(policyFile, `cannot be read (${errnoText(err)})`);
  }
  const policyFileSha = sha256Hex(policyBytes);
  if (policyFileSha !== meta.policyFileSha256 || policyFileSha !== init.policyFileSha256) throw tamper(policyFile, `SHA-256 ${policyFileSha.slice(0, 12)}... differs from the one recorded at ${REGISTRY_FILES.audit} line 1`);
  const policy = resolvePolicy(parseJsonStrict(policyFile, policyBytes), policyFile);
  // An engine that resolves the same file differently (a new option's default) validates under
  // the new resolution: champion reports made under the old one no longer match and are re-run.
  if (policy.sha256 !== meta.policySha256) notes.push(`${policyFile} resolves to policy ${policy.sha256.slice(0, 12)}... under this engine (${meta.policySha256.slice(0, 12)}... under engine ${meta.engineVersion}, which made the registry)`);

  // Models and stage pointers, replayed from the log.
  const models = new Map<string, Registration & { line: number }>();
  let stages: Stages = EMPTY_STAGES;
  let stagesLine = 0;
  let prevStages: Stages = EMPTY_STAGES;
  let prevStagesLine = 0;
  for (let i = 0; i < L; i++) {
    let regs: Registration[];
    try {
      regs = registrationsOf(lines[i]);
    } catch (err) {
      throw tamper(`${auditFile}, line ${i + 1}`, `a registration does not match its schema (${err instanceof z.ZodError ? zodOneLine(err) : String(err)})`);
    }
    for (const r of regs) {
      const key = `${r.id}@${r.version}`;
      if (models.has(key)) throw tamper(`${auditFile}, line ${i + 1}`, `registers ${key} a second time`);
      models.set(key, { ...r, line: i + 1 });
    }
    const s = (lines[i].data as { stages?: unknown }).stages;
    if (s !== undefined) {
      const st = stagesOf(lines[i]);
      if (st === null) throw tamper(`${auditFile}, line ${i + 1}`, 'its stages do not match their schema');
      prevStages = stages;
      prevStagesLine = stagesLine;
      stages = st;
      stagesLine = i + 1;
    }
  }

  // stages.json: the last stage event's, or (its effects pending) the one before.
  const stagesRead = readMeta(dir, REGISTRY_FILES.stages, stagesFileSchema, 'stage pointers');
  const { format: _f, formatVersion: _v, seq, ...onDisk } = stagesRead.value;
  const same = (a: Stages, b: Stages) => JSON.stringify(a) === JSON.stringify(b);
  let stagesApplied = true;
  if (!(seq === stagesLine && same(onDisk, stages))) {
    if (lastPending && stagesLine === L && seq === prevStagesLine && same(onDisk, prevStages)) stagesApplied = false;
    else throw tamper(join(dir, REGISTRY_FILES.stages), `does not match the stages recorded at ${REGISTRY_FILES.audit} line ${stagesLine}`);
  }

  // Manifests: each at its path with the hash its line recorded (the last line's may still be staged).
  const inStages = new Set([stages.production, stages.shadow, ...stages.history, prevStages.production, prevStages.shadow, ...prevStages.history].filter((r) => r !== null).map((r) => `${r!.id}@${r!.version}`));
  const hashThis = (key: string) => opts.hashBundles === 'all' || (opts.hashBundles === 'staged' && inStages.has(key)) || (Array.isArray(opts.hashBundles) && opts.hashBundles.includes(key));
  const move: Registration[] = [];
  const referencedStaging = new Set<string>();
  for (const r of models.values()) {
    const final = join(dir, r.path);
    const pendingHere = lastPending && r.line === L;
    if (pendingHere) referencedStaging.add(r.staging);
    const manifestAt = (folder: string) => join(dir, folder, 'manifest.json');
    if (!existsSync(manifestAt(r.path)) && pendingHere && existsSync(manifestAt(r.staging))) {
      checkManifest(dir, r.staging, r, hashThis(`${r.id}@${r.version}`));
      move.push(r);
      continue;
    }
    if (!existsSync(final)) throw tamper(final, `missing: ${r.id}@${r.version} was registered at ${REGISTRY_FILES.audit} line ${r.line}`);
    checkManifest(dir, r.path, r, hashThis(`${r.id}@${r.version}`));
  }

  // Every model folder on disk must be one the log registered; staging folders are leftovers.
  const known = new Set([...models.values()].map((r) => r.path));
  const orphans: string[] = [];
  const modelsDir = join(dir, REGISTRY_FILES.models);
  for (const name of safeList(modelsDir)) {
    if (name.startsWith('.staging-')) {
      const rel = posix.join(REGISTRY_FILES.models, name);
      if (!referencedStaging.has(rel)) orphans.push(rel);
      continue;
    }
    for (const version of safeList(join(modelsDir, name))) {
      const rel = posix.join(REGISTRY_FILES.models, name, version);
      if (!known.has(rel)) throw tamper(join(dir, rel), 'is a model folder no audit line registered');
    }
  }

  const pending = lastPending ? { line: lines[L - 1], move, stages: !stagesApplied, head: true } : null;
  if (!lastPending && move.length) throw new Error('unreachable: staged model without a pending event');
  if (pending) notes.push(`${REGISTRY_FILES.audit} line ${L} (${lines[L - 1].event}) is committed but its effects were not all applied (a command was interrupted); the next registry command completes it`);
  if (torn) notes.push(`${REGISTRY_FILES.audit} ends with ${torn.bytes} bytes of an append that never completed (not an event); the next registry command removes them`);
  return { dir, meta, policy, lines, texts, stages, models, pending, torn, orphans, notes };
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw registryError('E_REGISTRY_INVALID', `${dir}: cannot list (${errnoText(err)})`);
  }
}

/** A manifest's hash against its registration, and optionally each bundle file against the manifest. */
function checkManifest(dir: string, folder: string, r: Registration & { line: number }, hashBundle: boolean): Manifest {
  const rel = posix.join(folder, 'manifest.json');
  const read = readMeta(dir, rel, manifestSchema, 'model manifest');
  if (read.sha256 !== r.manifestSha256) throw tamper(join(dir, rel), `SHA-256 ${read.sha256.slice(0, 12)}... differs from the one recorded at ${REGISTRY_FILES.audit} line ${r.line}`);
  const m = read.value;
  if (m.id !== r.id || m.version !== r.version || m.modelSha256 !== r.modelSha256) throw tamper(join(dir, rel), `names ${m.id}@${m.version}, registered as ${r.id}@${r.version}`);
  if (hashBundle) {
    const bundleDir = join(dir, folder, 'bundle');
    for (const [f, sha] of Object.entries(m.files)) {
      const file = join(bundleDir, f);
      let got: string;
      try {
        got = hashInput(file, { limit: FILE_LIMITS.artifact, limitName: 'bundle files' }).sha256;
      } catch (err) {
        throw tamper(file, `cannot be read as the bundle file its manifest lists (${(err as Error).message})`);
      }
      if (got !== sha) throw tamper(file, `SHA-256 ${got.slice(0, 12)}... differs from the one in ${rel}`);
    }
  }
  return m;
}

/** The manifest of a registered version (checked against its line; bundle files hashed when asked). */
export function readManifest(state: RegistryState, key: string, hashBundle = true): { manifest: Manifest; folder: string } {
  const r = state.models.get(key);
  if (!r) throw registryError('E_MODEL_UNKNOWN', `${state.dir}: no model ${key} in the registry (registry status lists them)`);
  const folder = state.pending?.move.some((m) => m.path === r.path) ? r.staging : r.path;
  return { manifest: checkManifest(state.dir, folder, r, hashBundle), folder };
}

/** fsync a folder so a rename or a new entry in it is durable (EINVAL: filesystems that cannot). */
export function fsyncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EBADF') throw registryError('E_REGISTRY_INVALID', `${dir}: cannot sync (${errnoText(err)})`);
  } finally {
    closeSync(fd);
  }
}

/** The points of a change where a test may stop the process (src/lifecycle/promote.ts passes them on). */
export type StepName =
  | 'locked' | 'recovered' | 'validated' | 'staged' | 'committed' | 'moved' | 'stages-written' | 'head-written';
export type StepHook = (step: StepName) => void;

export function stagesFileText(stages: Stages, seq: number): string {
  return JSON.stringify({ format: 'gauntlet-stages', formatVersion: 1, seq, ...stages }, null, 2) + '\n';
}

/** Apply a committed line's effects that are still missing (idempotent, crash-safe in any order of kills). */
function applyEffects(dir: string, line: AuditLine, move: Registration[], writeStages: boolean, step: StepHook): void {
  for (const r of move) {
    const final = join(dir, r.path);
    mkdirSync(join(final, '..'), { recursive: true });
    fsyncDir(join(dir, REGISTRY_FILES.models));
    try {
      renameSync(join(dir, r.staging), final);
    } catch (err) {
      throw registryError('E_REGISTRY_INVALID', `${final}: cannot move the staged model into place (${errnoText(err)})`);
    }
    fsyncDir(join(final, '..'));
    fsyncDir(join(dir, REGISTRY_FILES.models));
  }
  step('moved');
  const stages = stagesOf(line);
  if (writeStages && stages) writeFileAtomic(join(dir, REGISTRY_FILES.stages), stagesFileText(stages, line.seq));
  step('stages-written');
  writeFileAtomic(join(dir, REGISTRY_FILES.head), headText(line.seq, line.hash));
  step('head-written');
}

/**
 * Under the lock: finish what an interrupted command committed, cut a torn tail, and remove
 * staging folders no committed event refers to. Returns the state as it now is.
 */
export function recover(state: RegistryState, note: (line: string) => void, step: StepHook = () => undefined): RegistryState {
  let changed = false;
  if (state.torn) {
    truncateLog(join(state.dir, REGISTRY_FILES.audit), state.torn.completeBytes);
    note(`removed ${state.torn.bytes} bytes of an audit append that never completed`);
    changed = true;
  }
  if (state.pending) {
    const p = state.pending;
    applyEffects(state.dir, p.line, p.move, p.stages, () => undefined);
    note(`completed ${REGISTRY_FILES.audit} line ${p.line.seq} (${p.line.event}), which an interrupted command had committed`);
    changed = true;
  }
  for (const o of state.orphans) {
    rmSync(join(state.dir, o), { recursive: true, force: true });
    note(`removed ${o}, left by a command interrupted before it committed`);
    changed = true;
  }
  step('recovered');
  return changed ? readRegistry(state.dir, { hashBundles: 'none' }) : state;
}

export interface CommitOptions {
  event: AuditEvent;
  data: Record<string, unknown>;
  /** Staged model folders this event registers (moved into place after the line). */
  registered?: Registration[];
  now: () => Date;
  step?: StepHook;
}

/**
 * Commit an event: append its line (fsync'd: from here on the change happened), then apply its
 * effects: move the staged models into place, write stages.json (when the event carries
 * stages), write head.json. Returns the line. Must be called under the registry lock.
 */
export function commitEvent(state: RegistryState, opts: CommitOptions): AuditLine {
  const step = opts.step ?? (() => undefined);
  const last = state.lines[state.lines.length - 1];
  const data = opts.registered ? { ...opts.data, registered: opts.registered } : opts.data;
  const fields = { seq: last.seq + 1, prev: last.hash, at: opts.now().toISOString(), by: actor(), event: opts.event, data };
  const text = auditLineText(fields);
  appendAuditLine(join(state.dir, REGISTRY_FILES.audit), text);
  const line = JSON.parse(text) as AuditLine;
  step('committed');
  applyEffects(state.dir, line, opts.registered ?? [], true, step);
  return line;
}

/** The first line of a new registry (its init event). */
export function initLineText(now: Date, data: Record<string, unknown>): { text: string; line: AuditLine } {
  const text = auditLineText({ seq: 1, prev: GENESIS, at: now.toISOString(), by: actor(), event: 'init', data });
  return { text, line: JSON.parse(text) as AuditLine };
}

/** The registry lock: the shared exclusive lock with the registry's refusal, E_REGISTRY_LOCKED. */
export function lockRegistry(dir: string, note: (line: string) => void): ExclusiveLock {
  checkIsRegistry(dir);
  const lockFile = join(dir, REGISTRY_FILES.lock);
  return ExclusiveLock.acquire(
    {
      lockFile,
      subject: dir,
      what: 'the registry lock',
      locked: (who) => registryError('E_REGISTRY_LOCKED', `${dir}: the registry is in use by another gauntlet command (${who}, lock file ${lockFile}); wait for it to finish, or delete the lock file if no command is running`),
    },
    note,
  );
}

/**
 * Run `fn` on the registry under its lock, after recovery, and always release the lock. `note`
 * gets the stale-lock and recovery lines (for stderr); they are also passed to `fn` for its
 * audit event.
 */
export async function withRegistry<T>(dir: string, opts: { note: (line: string) => void; step?: StepHook; hashBundles?: ReadOptions['hashBundles'] }, fn: (state: RegistryState, notes: string[]) => Promise<T>): Promise<T> {
  const notes: string[] = [];
  const note = (l: string) => {
    notes.push(l);
    opts.note(l);
  };
  const lock = lockRegistry(dir, note);
  try {
    opts.step?.('locked');
    const state = recover(readRegistry(dir, { hashBundles: opts.hashBundles ?? 'staged' }), note, opts.step);
    return await fn(state, notes);
  } finally {
    lock.release();
  }
}
