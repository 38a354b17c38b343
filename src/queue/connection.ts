/**
 * Connections to Redis for the coordinator and the workers: one plain ioredis client of our
 * own (blobs, heartbeats, the health check) and the connection options BullMQ opens its own
 * clients with. Redis is watched: unreachable at the start, or silent for longer than
 * `timeoutMs` while running, is E_QUEUE_REDIS (exit 3) with the redacted URL; refused
 * credentials are E_QUEUE_AUTH (exit 2). Nothing printed carries the password (redact).
 */
import { Redis, type RedisOptions } from 'ioredis';
import { GauntletError, queueErrors } from '../errors.js';
import { redact, type RedisTarget } from './redis_url.js';

/** How long Redis may be unreachable before the run stops (--redis-timeout default). */
export const DEFAULT_REDIS_TIMEOUT_MS = 10_000;

function baseOptions(t: RedisTarget): RedisOptions {
  return {
    host: t.host,
    port: t.port,
    db: t.db,
    username: t.username,
    password: t.password,
    tls: t.tls ? { servername: t.host } : undefined,
    // Reconnect quickly while Redis is away; the health check decides when to give up.
    retryStrategy: (times: number) => Math.min(100 * times, 1000),
  };
}

/** Options for BullMQ's own connections (its blocking clients need maxRetriesPerRequest null). */
export function bullConnection(t: RedisTarget): RedisOptions {
  return { ...baseOptions(t), maxRetriesPerRequest: null };
}

/** What a Redis or ioredis error says, with the password redacted and on one line. */
export function redisProblem(err: unknown, t: RedisTarget): string {
  const e = err as { message?: string; code?: string } | null;
  const text = e && typeof e.message === 'string' && e.message !== '' ? e.message : String(e?.code ?? err);
  return redact(text, t).replace(/\s+/g, ' ').trim();
}

function isAuthProblem(text: string): boolean {
  return /WRONGPASS|NOAUTH|invalid password|invalid username-password|AUTH failed|NOPERM/i.test(text);
}

/** The error for a failure talking to Redis: E_QUEUE_AUTH for refused credentials, else E_QUEUE_REDIS. */
export function redisError(t: RedisTarget, err: unknown, doing: string): GauntletError {
  if (err instanceof GauntletError) return err;
  const problem = redisProblem(err, t);
  if (isAuthProblem(problem)) return queueErrors.auth(t.display, problem);
  return queueErrors.redis(t.display, `${doing} (${problem})`);
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms while ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Connect our own client and check the server answers (PING) within `timeoutMs`. Throws
 * E_QUEUE_REDIS when it cannot be reached, E_QUEUE_AUTH when it refuses the credentials.
 */
export async function connectControl(t: RedisTarget, timeoutMs: number): Promise<Redis> {
  const client = new Redis({ ...baseOptions(t), lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: timeoutMs, enableOfflineQueue: true });
  let last: unknown = null;
  client.on('error', (err) => {
    last = err;
  });
  try {
    await withTimeout(client.connect(), timeoutMs, 'connecting');
    await withTimeout(client.ping(), timeoutMs, 'waiting for PING');
  } catch (err) {
    client.disconnect();
    const problem = redisProblem(last ?? err, t);
    if (isAuthProblem(problem) || isAuthProblem(redisProblem(err, t))) throw queueErrors.auth(t.display, isAuthProblem(problem) ? problem : redisProblem(err, t));
    throw queueErrors.redis(t.display, `cannot reach Redis (${problem})`);
  }
  return client;
}

/**
 * Pings Redis every `timeoutMs / 4` (at most every second); when no PING has been answered
 * for `timeoutMs`, calls `onLost` once with E_QUEUE_REDIS.
 */
export class RedisHealth {
  private timer: NodeJS.Timeout | null = null;
  private lastOk = Date.now();
  private lost = false;
  private lastProblem = 'no answer';
  constructor(
    private readonly client: Redis,
    private readonly target: RedisTarget,
    private readonly timeoutMs: number,
    private readonly onLost: (err: GauntletError) => void,
  ) {}

  start(): void {
    // What the client says when it cannot connect is clearer than a failed PING.
    this.client.on('error', (err) => {
      this.lastProblem = redisProblem(err, this.target);
    });
    const every = Math.max(50, Math.min(1000, Math.floor(this.timeoutMs / 4)));
    let busy = false;
    this.timer = setInterval(() => {
      if (this.lost) return;
      if (Date.now() - this.lastOk > this.timeoutMs) {
        this.lost = true;
        this.stop();
        this.onLost(queueErrors.redis(this.target.display, `lost the connection to Redis for more than ${this.timeoutMs} ms (${this.lastProblem})`));
        return;
      }
      if (busy) return;
      busy = true;
      withTimeout(this.client.ping(), this.timeoutMs, 'waiting for PING')
        .then(() => {
          this.lastOk = Date.now();
        })
        .catch((err) => {
          if (this.lastProblem === 'no answer') this.lastProblem = redisProblem(err, this.target);
        })
        .finally(() => {
          busy = false;
        });
    }, every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/**
 * Close something that talks to Redis without waiting long when Redis is gone (`close`
 * may wait for a QUIT that never comes back), then drop its sockets, so no reconnect
 * timer keeps the process alive.
 */
export async function closeQuietly(x: { close(): Promise<unknown>; disconnect?: () => unknown } | null | undefined, ms = 1500): Promise<void> {
  if (!x) return;
  try {
    await withTimeout(Promise.resolve(x.close()), ms, 'closing');
  } catch {
    /* Redis is gone: nothing to close cleanly */
  }
  try {
    await withTimeout(Promise.resolve(x.disconnect?.()), ms, 'disconnecting');
  } catch {
    /* already closed */
  }
}
