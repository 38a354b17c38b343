/**
 * `gauntlet worker`: takes candidate jobs from the queue (docs/queue.md), validates each on
 * this machine's Piscina pool exactly as the local batch would, and returns the part of the
 * journal line it computed.
 *
 * A job: its payload is checked against its schema, the policy resolved again and its hash
 * checked, every blob fetched and checked against its SHA-256, the bundle written into a
 * private temporary folder (paths checked to stay inside it), validated by the batch's own
 * `validateScanned`, and the folder removed. A payload that fails its schema or a missing or
 * corrupt blob fails the job at once (BullMQ's UnrecoverableError) with `[E_CODE] message`;
 * the worker goes on with the next job. A candidate whose pool worker crashed (exit 3) fails
 * the job with a retryable error, so another attempt runs it, possibly elsewhere.
 *
 * SIGTERM/SIGINT: stop taking jobs and finish those in hand, then exit 0; a second signal hands
 * the jobs in hand back to the queue (moved to wait) and exits 0 at once. A worker killed
 * outright loses its job locks, and BullMQ's stalled-job check on the other workers puts its
 * jobs back to wait. Redis silent for longer than the timeout: E_QUEUE_REDIS, exit 3.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { Worker, UnrecoverableError, WaitingError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { GauntletError, queueErrors, toGauntletError } from '../errors.js';
import type { ShardExecutor } from '../engine/executor.js';
import { resolvePolicy, type LoadedPolicy } from '../io/policy.js';
import { zodOneLine } from '../io/zod_message.js';
import { validateScanned, type EntryBase } from '../pipeline/batch.js';
import { REPORT_SCHEMA_VERSION } from '../report/schema.js';
import { ENGINE_VERSION } from '../version.js';
import { fetchBlob } from './blobs.js';
import { bullConnection, closeQuietly, connectControl, DEFAULT_REDIS_TIMEOUT_MS, RedisHealth, redisError } from './connection.js';
import { failureReason, jobPayloadSchema, KEY_PREFIX, QUEUE_NAME, WORKERS_KEY, type JobPayload, type JobResult } from './payload.js';
import { redact, type RedisTarget } from './redis_url.js';

export interface QueueWorkerOptions {
  target: RedisTarget;
  /** The pool every candidate runs on (the CLI's --workers). */
  executor: ShardExecutor;
  /** Jobs in hand at once (--concurrency). */
  concurrency: number;
  /** BullMQ lock duration (ms): a job whose lock is not renewed for this long counts as stalled. */
  lockDurationMs?: number;
  /** BullMQ stalled-job check interval (ms). */
  stalledIntervalMs?: number;
  redisTimeoutMs?: number;
  /** --max-memory of this worker, for jobs whose coordinator gave none. */
  maxMemory?: number;
  signal: AbortSignal;
  /** A second signal: hand the jobs in hand back. */
  handBack: AbortSignal;
  /** One line for stderr (already free of secrets; the caller escapes it). */
  log: (line: string) => void;
}

export interface QueueWorkerSummary {
  id: string;
  completed: number;
  failed: number;
  handedBack: number;
}

/** A job's own error, thrown to fail it: its reason is `[E_CODE] message`. */
function failJob(e: GauntletError, retry: boolean): Error {
  const reason = failureReason(e.code, e.message);
  return retry ? new Error(reason) : new UnrecoverableError(reason);
}

function checkPayload(job: Job): { payload: JobPayload; policy: LoadedPolicy } {
  const parsed = jobPayloadSchema.safeParse(job.data);
  if (!parsed.success) throw failJob(queueErrors.payload(String(job.id), `payload does not match its schema: ${zodOneLine(parsed.error)}`), false);
  const payload = parsed.data;
  if (payload.engineVersion !== ENGINE_VERSION) throw failJob(queueErrors.payload(String(job.id), `enqueued for engine ${payload.engineVersion}; this worker runs ${ENGINE_VERSION}`), false);
  let policy: LoadedPolicy;
  try {
    policy = resolvePolicy(payload.policy, payload.policySource);
  } catch (err) {
    throw failJob(queueErrors.payload(String(job.id), `policy: ${toGauntletError(err).message}`), false);
  }
  if (policy.sha256 !== payload.policySha256) throw failJob(queueErrors.payload(String(job.id), `the policy hashes to ${policy.sha256}, not to its policySha256 ${payload.policySha256}`), false);
  return { payload, policy };
}

/** Write the bundle into `bundleDir` (created here): folders, then files, then links. */
async function materialise(redis: Redis, p: JobPayload, bundleDir: string): Promise<number> {
  mkdirSync(bundleDir);
  for (const f of p.folders) mkdirSync(join(bundleDir, f), { recursive: true });
  let bytes = 0;
  for (const [rel, sha] of Object.entries(p.files)) {
    const data = await fetchBlob(redis, sha, rel);
    const at = join(bundleDir, rel);
    mkdirSync(dirname(at), { recursive: true });
    writeFileSync(at, data, { flag: 'wx' });
    bytes += data.length;
  }
  for (const [rel, target] of Object.entries(p.links)) {
    const at = join(bundleDir, rel);
    const to = target === '.' ? bundleDir : join(bundleDir, target);
    mkdirSync(dirname(at), { recursive: true });
    // Relative, as seen from the link's folder: both ends are inside the private folder.
    symlinkSync(relative(dirname(at), to) || '.', at);
  }
  return bytes;
}

export async function runQueueWorker(opts: QueueWorkerOptions): Promise<QueueWorkerSummary> {
  const t = opts.target;
  const timeoutMs = opts.redisTimeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
  const id = `${hostname()}:${process.pid}`;
  const summary: QueueWorkerSummary = { id, completed: 0, failed: 0, handedBack: 0 };
  const ctl = await connectControl(t, timeoutMs);
  let fatal: GauntletError | null = null;
  let wakeFatal: () => void = () => undefined;
  const fatalSeen = new Promise<void>((resolve) => (wakeFatal = resolve));
  const health = new RedisHealth(ctl, t, timeoutMs, (err) => {
    fatal = err;
    wakeFatal();
  });
  // Jobs in hand, so a second signal can hand them back.
  const inHand = new Map<string, { job: Job; token: string; handBack: (err: Error) => void }>();

  const processor = async (job: Job, token?: string): Promise<JobResult> => {
    let handBack: (err: Error) => void = () => undefined;
    const handedBack = new Promise<never>((_, reject) => (handBack = reject));
    handedBack.catch(() => undefined);
    inHand.set(String(job.id), { job, token: token ?? '', handBack });
    try {
      return await Promise.race([runJob(job), handedBack]);
    } finally {
      inHand.delete(String(job.id));
    }
  };

  const runJob = async (job: Job): Promise<JobResult> => {
    const { payload, policy } = checkPayload(job);
    const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'gauntlet-job-')));
    const bundleDir = join(tmp, 'bundle');
    try {
      let bytes: number;
      try {
        bytes = await materialise(ctl, payload, bundleDir);
      } catch (err) {
        if (err instanceof GauntletError) throw failJob(err, false);
        const code = (err as NodeJS.ErrnoException).code;
        // Paths that collide (a file where a folder or link is listed): the payload is wrong.
        if (code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR') throw failJob(queueErrors.payload(String(job.id), `its files, folders and links collide (${code})`), false);
        // Redis or the disk failed us, not the job: let BullMQ try it again.
        throw new Error(failureReason('E_QUEUE_BLOB', `cannot materialise the bundle: ${redact(String((err as Error)?.message ?? err), t)}`));
      }
      const base: EntryBase = {
        schemaVersion: REPORT_SCHEMA_VERSION,
        bundle: 'bundle',
        key: '0'.repeat(64),
        seed: payload.seed,
        policySha256: payload.policySha256,
        engineVersion: ENGINE_VERSION,
        files: payload.files,
      };
      const label = randomBytes(16).toString('hex');
      const { entry } = await validateScanned(base, tmp, bytes, { seed: payload.seed, policy, executor: opts.executor, maxMemory: payload.maxMemory ?? opts.maxMemory }, label);
      if (entry.error && entry.error.exitCode === 3) {
        // A crash says nothing about the candidate: fail this attempt so BullMQ runs it again.
        const message = entry.error.message.split(bundleDir).join('<bundle>').split(label).join('<bundle>');
        throw failJob(new GauntletError(entry.error.code as GauntletError['code'], message, 3), true);
      }
      return {
        v: 1,
        worker: id,
        bundleDir,
        label,
        outcome: { id: entry.id, decision: entry.decision, failedGates: entry.failedGates, gates: entry.gates, error: entry.error },
      };
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  };

  const worker = new Worker(QUEUE_NAME, processor, {
    connection: bullConnection(t),
    prefix: KEY_PREFIX,
    concurrency: opts.concurrency,
    autorun: false,
    name: id,
    lockDuration: opts.lockDurationMs ?? 30_000,
    stalledInterval: opts.stalledIntervalMs ?? 30_000,
    // A job may lose two workers (killed mid-job) before it fails as stalled.
    maxStalledCount: 2,
  });
  worker.on('error', () => undefined); // connection trouble: the health check decides
  worker.on('completed', () => summary.completed++);
  worker.on('failed', (job, err) => {
    if (err?.name === 'WaitingError') return;
    if (job && job.attemptsMade < (job.opts.attempts ?? 1) && err?.name !== 'UnrecoverableError') {
      opts.log(`job ${job.id} attempt ${job.attemptsMade} failed, to be retried: ${redact(err.message, t)}`);
      return;
    }
    summary.failed++;
    opts.log(`job ${job?.id ?? '?'} failed: ${redact(err?.message ?? String(err), t)}`);
  });

  // Heartbeat on Redis's clock (machines' clocks may disagree): the coordinator counts live workers.
  const beat = () => ctl.eval("return redis.call('ZADD', KEYS[1], redis.call('TIME')[1], ARGV[1])", 1, WORKERS_KEY, id).catch(() => undefined);
  await beat();
  const beatTimer = setInterval(beat, 2000);
  beatTimer.unref();

  health.start();
  opts.log(`worker ${id} on ${t.display}: ${opts.executor.workers} pool thread(s), ${opts.concurrency} job(s) at a time`);
  const running = worker.run().catch(() => undefined);
  const stopped = new Promise<void>((resolve) => {
    if (opts.signal.aborted) resolve();
    opts.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await Promise.race([stopped, fatalSeen]);
  try {
    if (fatal) {
      // Redis is gone: nothing can be handed back or finished; close without waiting.
      await closeQuietly({ close: () => worker.close(true), disconnect: () => worker.disconnect() }, 500);
      throw fatal;
    }
    opts.log(`stopping: no new jobs; finishing ${inHand.size} in hand (signal again to hand them back)`);
    const onHandBack = async () => {
      for (const [jobId, h] of inHand) {
        try {
          await h.job.moveToWait(h.token);
          summary.handedBack++;
          opts.log(`job ${jobId} handed back to the queue`);
        } catch {
          /* lost its lock already: the stalled-job check will put it back */
        }
        h.handBack(new WaitingError());
      }
    };
    if (opts.handBack.aborted) await onHandBack();
    else opts.handBack.addEventListener('abort', () => void onHandBack(), { once: true });
    // pause() stops taking jobs (it interrupts the blocking fetch at once) and returns once
    // the jobs in hand are finished or handed back; then nothing is left to wait for.
    await Promise.race([worker.pause(), fatalSeen]);
    if (fatal) throw fatal;
    await Promise.race([worker.close(true), fatalSeen]);
    if (fatal) throw fatal;
    await running;
  } catch (err) {
    throw err instanceof GauntletError ? err : redisError(t, err, 'while stopping');
  } finally {
    health.stop();
    clearInterval(beatTimer);
    await closeQuietly({ close: () => ctl.zrem(WORKERS_KEY, id) }, 500);
    await closeQuietly({ close: () => worker.close(true), disconnect: () => worker.disconnect() }, 500);
    await closeQuietly({ close: () => ctl.quit(), disconnect: () => ctl.disconnect() }, 500);
  }
  return summary;
}
