/**
 * `gauntlet batch <dir> --out F --queue URL`: the coordinator (docs/queue.md).
 *
 * It is the local batch (src/pipeline/batch.ts: lock, walk, resume, order, journal writes,
 * the schema check of every line) with one step swapped: instead of validating a candidate
 * here, it uploads the bundle's files as content-addressed blobs, enqueues one job with a
 * deterministic id and waits for its result, which it turns into the very line the local
 * batch writes (its own base: bundle, key, files, seed, policy hash; the worker's outcome,
 * with the worker's private bundle path in a message replaced by this bundle's path).
 *
 * - Lines the local batch makes without validating (a folder that could not be listed, an
 *   unreadable bundle) are made here the same way. A bundle a copy cannot reproduce (a link
 *   dangling or leading outside it, a FIFO, socket or device) is validated here, in-process,
 *   as the local batch would. A file above the blob cap is that candidate's line
 *   (E_QUEUE_BLOB_TOO_LARGE, exit 2).
 * - A job already finished in Redis (a coordinator killed and restarted, or another batch
 *   over the same candidates) is taken as it is; a job that failed in an earlier run is
 *   enqueued afresh. A job that fails now becomes its candidate's line (the code and message
 *   the worker gave, exit 3, retried by --resume).
 * - Results arrive by BullMQ's queue events, and every 2 s the oldest pending jobs are also
 *   looked up directly, so a missed event never stalls the batch.
 * - Redis silent for longer than the timeout stops the batch with E_QUEUE_REDIS (exit 3): the
 *   journal keeps its whole lines, and a rerun with --resume continues.
 */
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { ExitCode, GauntletError, queueErrors, toGauntletError, type ErrorCode } from '../errors.js';
import { escapeText } from '../escape.js';
import { bundleDirOf, errorEntry, runBatch, scanItem, validateScanned, type BatchItem, type BatchOptions, type BatchSummary, type EntryBase, type JournalEntry } from '../pipeline/batch.js';
import { ENGINE_VERSION } from '../version.js';
import { ensureBlob } from './blobs.js';
import { bullConnection, closeQuietly, connectControl, DEFAULT_REDIS_TIMEOUT_MS, RedisHealth, redisError } from './connection.js';
import {
  DEFAULT_MAX_BLOB,
  JOB_ATTEMPTS,
  JOB_NAME,
  jobIdFor,
  jobResultSchema,
  KEEP_SECONDS,
  KEY_PREFIX,
  parseFailureReason,
  PAYLOAD_VERSION,
  QUEUE_NAME,
  WORKER_LIVE_SECONDS,
  WORKERS_KEY,
  type JobPayload,
  type JobResult,
} from './payload.js';
import { redact, type RedisTarget } from './redis_url.js';

export interface QueueBatchOptions extends BatchOptions {
  target: RedisTarget;
  /** Largest blob in bytes (--max-blob; default 256 MiB). */
  maxBlob?: number;
  redisTimeoutMs?: number;
  /** Live worker processes, every 2 s. */
  onWorkers?: (live: number) => void;
}

export interface QueueBatchResult {
  summary: BatchSummary;
  /** Lines of this run by the worker that computed them (`host:pid`), and 'coordinator' for those made here. */
  perWorker: Map<string, number>;
  /** Results that were already finished in Redis when enqueued. */
  fromRedis: number;
  /** Blobs sent / already present. */
  blobsSent: number;
  blobsPresent: number;
}

type Settled = { kind: 'done'; value: unknown } | { kind: 'failed'; reason: string };

interface Waiter {
  payload: JobPayload;
  promise: Promise<Settled>;
  resolve: (s: Settled) => void;
  settled: boolean;
}

const COORDINATOR = 'coordinator';
/** Uploads in flight at once (each reads one file whole). */
const UPLOADS_AT_ONCE = 8;

/** A small counting semaphore. */
function limiter(n: number) {
  let active = 0;
  const queue: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((r) => queue.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

export async function runQueueBatch(opts: QueueBatchOptions): Promise<QueueBatchResult> {
  const t = opts.target;
  const timeoutMs = opts.redisTimeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
  const maxBlob = opts.maxBlob ?? DEFAULT_MAX_BLOB;
  const ctl: Redis = await connectControl(t, timeoutMs);
  const perWorker = new Map<string, number>();
  const tally = (who: string) => perWorker.set(who, (perWorker.get(who) ?? 0) + 1);
  const result: Omit<QueueBatchResult, 'summary'> = { perWorker, fromRedis: 0, blobsSent: 0, blobsPresent: 0 };

  // Redis lost: every candidate in flight rejects with E_QUEUE_REDIS and the batch stops.
  let rejectFatal: (e: GauntletError) => void = () => undefined;
  const fatal = new Promise<never>((_, reject) => (rejectFatal = reject));
  fatal.catch(() => undefined);
  let lost = false;
  const health = new RedisHealth(ctl, t, timeoutMs, (e) => {
    lost = true;
    rejectFatal(e);
  });

  const connection = bullConnection(t);
  let queue: Queue | null = null;
  let events: QueueEvents | null = null;
  const waiters = new Map<string, Waiter>();
  let reconcileTimer: NodeJS.Timeout | null = null;
  let workersTimer: NodeJS.Timeout | null = null;
  try {
    health.start();
    queue = new Queue(QUEUE_NAME, { connection, prefix: KEY_PREFIX });
    events = new QueueEvents(QUEUE_NAME, { connection, prefix: KEY_PREFIX });
    queue.on('error', () => undefined); // connection trouble: the health check decides
    events.on('error', () => undefined);
    // Listen before anything is enqueued, so no completion can slip between.
    await Promise.race([Promise.all([queue.waitUntilReady(), events.waitUntilReady()]), fatal]);
    const q = queue;

    const settle = (jobId: string, s: Settled) => {
      const w = waiters.get(jobId);
      if (!w || w.settled) return;
      w.settled = true;
      w.resolve(s);
    };
    events.on('completed', ({ jobId, returnvalue }) => settle(jobId, { kind: 'done', value: returnvalue }));
    events.on('failed', ({ jobId, failedReason }) => {
      // Only a job that is failed for good (no attempt left) ends its candidate.
      void q.getJobState(jobId).then((state) => {
        if (state === 'failed') settle(jobId, { kind: 'failed', reason: failedReason });
      }, () => undefined);
    });

    const jobOptions = {
      attempts: JOB_ATTEMPTS,
      backoff: { type: 'fixed', delay: 500 },
      removeOnComplete: { age: KEEP_SECONDS },
      removeOnFail: { age: KEEP_SECONDS },
    };
    /** Look a job up: its outcome if finished, re-enqueue it if it vanished. */
    const check = async (jobId: string, w: Waiter, first: boolean): Promise<void> => {
      // The state first, then the job: a finished job's hash already holds its result
      // (reading them the other way round can meet a job that finished in between).
      const state = await q.getJobState(jobId);
      const job = state === 'unknown' ? undefined : await Job.fromId(q, jobId);
      if (!job) {
        await q.add(JOB_NAME, w.payload, { ...jobOptions, jobId });
        return;
      }
      if (state === 'completed') {
        if (first) result.fromRedis++;
        settle(jobId, { kind: 'done', value: job.returnvalue });
      } else if (state === 'failed') {
        if (first) {
          // Failed in an earlier run (a crash, a lost blob): this run tries it afresh.
          await job.remove();
          await q.add(JOB_NAME, w.payload, { ...jobOptions, jobId });
        } else {
          settle(jobId, { kind: 'failed', reason: job.failedReason ?? 'failed' });
        }
      }
    };
    const resultFor = (payload: JobPayload): Promise<Settled> => {
      const jobId = jobIdFor(payload);
      const known = waiters.get(jobId);
      if (known) return known.promise; // the same candidate twice in one batch: one job
      let resolve: (s: Settled) => void = () => undefined;
      const promise = new Promise<Settled>((r) => (resolve = r));
      const w: Waiter = { payload, promise, resolve, settled: false };
      waiters.set(jobId, w);
      return (async () => {
        await check(jobId, w, true);
        return promise;
      })();
    };

    // Safety net for missed events: look up the oldest pending jobs directly.
    let reconciling = false;
    reconcileTimer = setInterval(() => {
      if (reconciling) return;
      reconciling = true;
      const pending = [...waiters].filter(([, w]) => !w.settled).slice(0, 200);
      Promise.all(pending.map(([id, w]) => check(id, w, false)))
        .catch(() => undefined)
        .finally(() => (reconciling = false));
    }, 2000);
    reconcileTimer.unref();

    const countWorkers = () =>
      ctl
        .eval(
          "local now = tonumber(redis.call('TIME')[1]); redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1])); return redis.call('ZCARD', KEYS[1])",
          1,
          WORKERS_KEY,
          String(WORKER_LIVE_SECONDS),
        )
        .then((n) => opts.onWorkers?.(Number(n)), () => undefined);
    void countWorkers();
    workersTimer = setInterval(countWorkers, 2000);
    workersTimer.unref();

    const upload = limiter(UPLOADS_AT_ONCE);
    const processItem = async (item: BatchItem): Promise<JournalEntry> => {
      const work = (async (): Promise<JournalEntry> => {
        // Hashing is synchronous: let signals and results in between bundles.
        await new Promise<void>((r) => setImmediate(r));
        const s = scanItem(item, opts);
        if ('entry' in s) {
          tally(COORDINATOR);
          return s.entry;
        }
        const bundleDir = bundleDirOf(opts.dir, item.rel);
        if (s.scan.special.length > 0) {
          // A copy could not reproduce this bundle: validate it here, as the local batch would.
          tally(COORDINATOR);
          return (await validateScanned(s.base, opts.dir, s.scan.bytes, opts)).entry;
        }
        try {
          const root = realpathSync(bundleDir);
          await upload(async () => {
            for (const [rel, sha] of Object.entries(s.scan.files)) {
              if (await ensureBlob(ctl, sha, join(root, rel), maxBlob)) result.blobsSent++;
              else result.blobsPresent++;
            }
          });
        } catch (err) {
          const e = toGauntletError(err);
          if (e.code === 'E_INTERNAL') throw redisError(t, err, 'uploading a bundle');
          tally(COORDINATOR);
          return errorEntry(s.base, bundleDir, e);
        }
        const payload: JobPayload = {
          v: PAYLOAD_VERSION,
          files: s.scan.files,
          links: s.scan.links,
          folders: s.scan.folders,
          seed: opts.seed,
          policy: opts.policy.policy,
          policySha256: opts.policy.sha256,
          policySource: opts.policy.source,
          engineVersion: ENGINE_VERSION,
          maxMemory: opts.maxMemory ?? null,
        };
        let settled: Settled;
        try {
          settled = await resultFor(payload);
        } catch (err) {
          throw redisError(t, err, 'enqueueing a job');
        }
        return lineFrom(s.base, bundleDir, item.rel, jobIdFor(payload), settled, t, tally);
      })();
      return Promise.race([work, fatal]);
    };

    const summary = await runBatch({ ...opts, processItem, lookahead: Number.MAX_SAFE_INTEGER });
    return { summary, ...result };
  } finally {
    health.stop();
    if (reconcileTimer) clearInterval(reconcileTimer);
    if (workersTimer) clearInterval(workersTimer);
    // Redis gone: do not wait for QUITs that cannot be answered.
    const ms = lost ? 200 : 1500;
    await closeQuietly(events && { close: () => events!.close(), disconnect: () => events!.disconnect() }, ms);
    await closeQuietly(queue && { close: () => queue!.close(), disconnect: () => queue!.disconnect() }, ms);
    await closeQuietly({ close: () => ctl.quit(), disconnect: () => ctl.disconnect() }, ms);
  }
}

/** The journal line for a finished job: this coordinator's base plus the worker's outcome. */
function lineFrom(base: EntryBase, bundleDir: string, rel: string, jobId: string, s: Settled, t: RedisTarget, tally: (who: string) => void): JournalEntry {
  if (s.kind === 'failed') {
    const { code, message } = parseFailureReason(redact(s.reason, t));
    tally(COORDINATOR);
    const e = code === null ? new GauntletError('E_WORKER_CRASH', `worker crashed: job ${jobId} failed: ${message}`, ExitCode.internal) : new GauntletError(code as ErrorCode, message, ExitCode.internal);
    return errorEntry(base, bundleDir, e);
  }
  const value = typeof s.value === 'string' ? safeParse(s.value) : s.value;
  const checked = jobResultSchema.safeParse(value);
  if (!checked.success) {
    tally(COORDINATOR);
    return errorEntry(base, bundleDir, queueErrors.result(jobId, `does not match its schema (${checked.error.issues[0]?.message ?? ''})`));
  }
  const r: JobResult = checked.data;
  tally(r.worker);
  const o = r.outcome;
  // The worker's private folder and label stand where the local batch names this bundle.
  const place = (m: string) => m.split(r.bundleDir).join(escapeText(bundleDir)).split(r.label).join(escapeText(rel));
  return { ...base, id: o.id, decision: o.decision, failedGates: o.failedGates, gates: o.gates, error: o.error ? { code: o.error.code, message: place(o.error.message), exitCode: o.error.exitCode } : null };
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
