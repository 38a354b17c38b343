/**
 * The queue's protocol (docs/queue.md): Redis keys, the job payload and result schemas, the
 * deterministic job id and the failure-reason format. Shared by the coordinator and the
 * workers; both sides check what they read against these schemas.
 */
import { z } from 'zod';
import { sha256Hex } from '../io/hash.js';
import { journalEntrySchema } from '../report/journal_schema.js';

/** Every Redis key the queue uses starts with this (BullMQ's `prefix` too). */
export const KEY_PREFIX = 'gauntlet';
/** The BullMQ queue's name: its keys are `gauntlet:candidates:*`. */
export const QUEUE_NAME = 'candidates';
/** The name of every job (BullMQ's job name). */
export const JOB_NAME = 'candidate';
/** Payload format version; a worker refuses any other. */
export const PAYLOAD_VERSION = 1;

/** Key of the blob holding the bytes whose SHA-256 is `sha256` (raw bytes, no framing). */
export function blobKey(sha256: string): string {
  return `${KEY_PREFIX}:blob:${sha256}`;
}
/** Sorted set of live workers: member = worker id, score = Redis server time (s) of its last heartbeat. */
export const WORKERS_KEY = `${KEY_PREFIX}:workers`;
/** A worker counts as live while its last heartbeat is at most this old. */
export const WORKER_LIVE_SECONDS = 10;
/** Blobs and finished jobs are kept this long after their last use, so a restarted coordinator finds them. */
export const KEEP_SECONDS = 7 * 24 * 3600;
/** Largest blob by default (--max-blob); Redis's own limit on one string is 512 MiB. */
export const DEFAULT_MAX_BLOB = 256 * 2 ** 20;
export const MAX_BLOB_LIMIT = 512 * 2 ** 20;
/** Attempts per job: a worker that crashed mid-candidate (exit 3) is retried on another one. */
export const JOB_ATTEMPTS = 3;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * A path inside a bundle, relative, with '/' separators: no empty, '.' or '..' segment, no
 * leading '/', no NUL or backslash. A worker writes only such paths, under its private folder.
 */
export const bundlePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0') && !p.includes('\\') && p.split('/').every((s) => s !== '' && s !== '.' && s !== '..'), { message: 'not a relative path inside the bundle' });

export const jobPayloadSchema = z.strictObject({
  v: z.literal(PAYLOAD_VERSION),
  /** Every regular file of the bundle: relative path -> SHA-256 (the blob to fetch). */
  files: z.record(bundlePath, sha256),
  /** Symbolic links inside the bundle: link path -> its real target's path ('.' = the bundle itself). */
  links: z.record(bundlePath, z.union([bundlePath, z.literal('.')])),
  /** Every real subfolder (so empty ones exist in the copy too). */
  folders: z.array(bundlePath),
  seed: z.number().int().min(0).max(2 ** 32 - 1),
  /** The resolved policy; the worker resolves it again and checks its hash. */
  policy: z.unknown(),
  policySha256: sha256,
  /** Where the coordinator read the policy (a path or 'defaults'); never a secret. */
  policySource: z.string().max(4096),
  engineVersion: z.string().max(64),
  /** The coordinator's --max-memory in bytes, or null for the worker machine's default. */
  maxMemory: z.number().int().positive().nullable(),
});
export type JobPayload = z.infer<typeof jobPayloadSchema>;

/** The part of a journal line a worker computes (the coordinator adds bundle, key, files, ...). */
export const outcomeSchema = journalEntrySchema.pick({ id: true, decision: true, failedGates: true, gates: true, error: true });
export type Outcome = z.infer<typeof outcomeSchema>;

export const jobResultSchema = z.strictObject({
  v: z.literal(PAYLOAD_VERSION),
  /** Who ran it: `host:pid` of the worker process. */
  worker: z.string().min(1).max(300),
  /**
   * The worker's private bundle folder and a random label for the bundle, as they appear in
   * the outcome's error message: the coordinator puts its own bundle path and name there, so
   * the line reads exactly as the local batch's.
   */
  bundleDir: z.string().min(8).max(4096),
  label: z.string().regex(/^[0-9a-f]{32}$/),
  outcome: outcomeSchema,
});
export type JobResult = z.infer<typeof jobResultSchema>;

/**
 * The job id: SHA-256 over what determines the result (the bundle's file hashes, links and
 * folders, the policy hash, the seed, the engine version and the memory budget), so the same
 * candidate under the same run is one job however often, and by whichever coordinator, it is
 * enqueued. The bundle's path is not part of it: a result is path-independent (see
 * jobResultSchema). `c-` keeps it from being all digits (BullMQ reserves integer ids).
 */
export function jobIdFor(p: Pick<JobPayload, 'files' | 'links' | 'folders' | 'policySha256' | 'seed' | 'engineVersion' | 'maxMemory'>): string {
  return (
    'c-' +
    sha256Hex(JSON.stringify({ files: p.files, links: p.links, folders: p.folders, policySha256: p.policySha256, seed: p.seed, engineVersion: p.engineVersion, maxMemory: p.maxMemory }))
  );
}

/** A job's failure reason as a worker writes it: `[E_CODE] message`, so the coordinator can keep the code. */
export function failureReason(code: string, message: string): string {
  return `[${code}] ${message}`;
}

/** The code and message of a failure reason; reasons not in that form (BullMQ's own) have no code. */
export function parseFailureReason(reason: string): { code: string | null; message: string } {
  const m = /^\[(E_[A-Z_]+)\] ([\s\S]*)$/.exec(reason);
  return m ? { code: m[1], message: m[2] } : { code: null, message: reason };
}
