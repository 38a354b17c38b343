/**
 * The queue's CLI actions, loaded only when used: `gauntlet batch ... --queue` (the
 * coordinator) and `gauntlet worker`. Both print the Redis URL only in its redacted form.
 */
import { batchExitCode, type BatchSummary } from '../pipeline/batch.js';
import type { LoadedPolicy } from '../io/policy.js';
import { parseByteSize } from '../config/limits.js';
import { usageError } from '../errors.js';
import { textLines } from '../escape.js';
import { runQueueBatch } from '../queue/coordinator.js';
import { runQueueWorker } from '../queue/worker.js';
import { DEFAULT_MAX_BLOB, MAX_BLOB_LIMIT } from '../queue/payload.js';
import { resolveQueueUrl } from '../queue/redis_url.js';
import { DEFAULT_REDIS_TIMEOUT_MS } from '../queue/connection.js';
import { emitJson, parseIntOption, parseMaxMemory, resolveWorkers, setExitCode, withExecutor } from './common.js';
import type { BatchFlags, Progress } from './batch_action.js';

function parseMaxBlob(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_MAX_BLOB;
  const v = parseByteSize(raw);
  if (v === null || v < 1 || v > MAX_BLOB_LIMIT) throw usageError(`option --max-blob: '${raw}' is not a size from 1 byte to 512M (e.g. 64M)`);
  return v;
}

function parseRedisTimeout(raw: string | undefined): number {
  return parseIntOption('--redis-timeout', raw, 100, 3_600_000) ?? DEFAULT_REDIS_TIMEOUT_MS;
}

/**
 * A finished queue command must end even if a socket to a Redis that went away lingers in the
 * client library: an unreferenced timer that only fires when something else still holds the
 * process open (the exit code is set by then).
 */
function exitWhenDone(): void {
  setTimeout(() => process.exit(), 2000).unref();
}

export interface QueueBatchContext {
  policy: LoadedPolicy;
  seed: number;
  workers: number;
  maxMemory?: number;
  progress: Progress;
  summaryTable: (s: BatchSummary, out: string) => string;
}

export async function runQueueBatchCommand(dir: string, f: BatchFlags, signal: AbortSignal, ctx: QueueBatchContext): Promise<void> {
  try {
    await coordinate(dir, f, signal, ctx);
  } finally {
    exitWhenDone();
  }
}

async function coordinate(dir: string, f: BatchFlags, signal: AbortSignal, ctx: QueueBatchContext): Promise<void> {
  const target = resolveQueueUrl(f.queue!);
  const maxBlob = parseMaxBlob(f.maxBlob);
  const redisTimeoutMs = parseRedisTimeout(f.redisTimeout);
  const { progress } = ctx;
  let res;
  try {
    // The coordinator validates here only the bundles a copy cannot reproduce: in-process
    // unless --workers asks for a pool.
    res = await withExecutor(
      f.workers === undefined ? 0 : ctx.workers,
      (executor) =>
        runQueueBatch({
          dir,
          out: f.out,
          seed: ctx.seed,
          policy: ctx.policy,
          executor,
          resume: f.resume === true,
          maxMemory: ctx.maxMemory,
          signal,
          outputs: f.json !== undefined && f.json !== '-' ? [{ option: '--json', path: f.json }] : [],
          onNote: (line) => process.stderr.write(textLines([`gauntlet: note: ${line}`])),
          onStart: (total, kept) => progress.start(total, kept),
          onLine: (e, done, total) => progress.line(e, done, total),
          onWorkers: (n) => progress.workers(n),
          target,
          maxBlob,
          redisTimeoutMs,
        }),
      signal,
    );
  } finally {
    progress.stop();
  }
  const { summary } = res;
  const code = batchExitCode(summary);
  const perWorker = [...res.perWorker].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  if (f.json !== undefined) {
    const { entries: _entries, ...counts } = summary;
    const queue = { url: target.display, perWorker: Object.fromEntries(perWorker), fromRedis: res.fromRedis, blobsSent: res.blobsSent, blobsPresent: res.blobsPresent };
    emitJson(f.json, JSON.stringify({ ...counts, exitCode: code, journal: f.out, queue }, null, 2) + '\n');
  }
  const rows = [
    `queue: ${target.display}; ${res.fromRedis} result(s) already finished in Redis; blobs: ${res.blobsSent} sent, ${res.blobsPresent} already there`,
    'candidates per worker (by the worker that computed them; coordinator: lines made here):',
    ...(perWorker.length ? perWorker.map(([w, n]) => `  ${w} ${n}`) : ['  none']),
  ];
  (f.json === '-' ? process.stderr : process.stdout).write(ctx.summaryTable(summary, f.out) + textLines(rows));
  setExitCode(code);
}

export interface WorkerFlags {
  queue?: string | true;
  workers?: string;
  concurrency?: string;
  maxMemory?: string;
  lockDuration?: string;
  stalledInterval?: string;
  redisTimeout?: string;
}

export async function runWorkerCommand(f: WorkerFlags): Promise<void> {
  try {
    await work(f);
  } finally {
    exitWhenDone();
  }
}

async function work(f: WorkerFlags): Promise<void> {
  // The first SIGINT/SIGTERM stops taking jobs and finishes those in hand; the second hands
  // them back to the queue. Both end with exit 0.
  const stop = new AbortController();
  const handBack = new AbortController();
  const onSignal = () => (stop.signal.aborted ? handBack.abort() : stop.abort());
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  if (f.queue === undefined) throw usageError('gauntlet worker needs --queue redis://host:port[/db] (or --queue alone with GAUNTLET_REDIS_URL set)');
  const target = resolveQueueUrl(f.queue);
  const workers = resolveWorkers(f.workers);
  const concurrency = parseIntOption('--concurrency', f.concurrency, 1, 10_000) ?? Math.max(1, workers + 1);
  const maxMemory = parseMaxMemory(f.maxMemory);
  const lockDurationMs = parseIntOption('--lock-duration', f.lockDuration, 100, 3_600_000);
  const stalledIntervalMs = parseIntOption('--stalled-interval', f.stalledInterval, 100, 3_600_000);
  const redisTimeoutMs = parseRedisTimeout(f.redisTimeout);
  const log = (line: string) => process.stderr.write(textLines([`gauntlet worker: ${line}`]));
  const summary = await withExecutor(workers, (executor) =>
    runQueueWorker({ target, executor, concurrency, lockDurationMs, stalledIntervalMs, redisTimeoutMs, maxMemory, signal: stop.signal, handBack: handBack.signal, log }),
  );
  process.stdout.write(textLines([`worker ${summary.id}: ${summary.completed} job(s) completed, ${summary.failed} failed, ${summary.handedBack} handed back`]));
  setExitCode(0);
}
