/**
 * The queue's pieces that need no Redis: URL parsing and redaction, the payload and result
 * schemas, the job id, failure reasons, the scan's links/folders/special entries, and the
 * queue's error messages (one test per message).
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { queueErrors } from '../../src/errors.js';
import { parseRedisUrl, redact, resolveQueueUrl } from '../../src/queue/redis_url.js';
import { failureReason, jobIdFor, jobPayloadSchema, jobResultSchema, parseFailureReason, type JobPayload } from '../../src/queue/payload.js';
import { scanBundle } from '../../src/pipeline/batch.js';
import { tempDir, writeBundle } from '../helpers/bundle.js';

describe('Redis URL', () => {
  it('reads host, port, db, user, password and TLS; shows the password as ***', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6380/3', '--queue')).toEqual({ host: '127.0.0.1', port: 6380, db: 3, username: undefined, password: undefined, tls: false, display: 'redis://127.0.0.1:6380/3' });
    expect(parseRedisUrl('redis://localhost', '--queue')).toMatchObject({ host: 'localhost', port: 6379, db: 0, display: 'redis://localhost:6379/0' });
    const t = parseRedisUrl('rediss://alice:p%40ss%3Aw0rd@redis.example:6390/1', '--queue');
    expect(t).toMatchObject({ host: 'redis.example', port: 6390, db: 1, username: 'alice', password: 'p@ss:w0rd', tls: true, display: 'rediss://alice:***@redis.example:6390/1' });
    expect(parseRedisUrl('redis://:secret@h', '--queue')).toMatchObject({ username: undefined, password: 'secret', display: 'redis://:***@h:6379/0' });
    expect(parseRedisUrl('redis://secret@h', '--queue')).toMatchObject({ username: undefined, password: 'secret' });
    expect(parseRedisUrl('redis://[::1]:7000', '--queue')).toMatchObject({ host: '::1', port: 7000, display: 'redis://[::1]:7000/0' });
  });

  it('refuses what is not a Redis URL with E_QUEUE_URL (exit 2), never quoting the value', () => {
    const bad = ['http://u:hunter2@h', 'redis://u:hunter2@h:99999', 'redis://u:hunter2@h/x', 'redis://u:hunter2@h?tls=1', 'redis://u:hunter2@', 'hunter2', 'redis://u:%zz@h'];
    for (const raw of bad) {
      let err: unknown;
      try {
        parseRedisUrl(raw, '--queue');
      } catch (e) {
        err = e;
      }
      expect(err, raw).toMatchObject({ code: 'E_QUEUE_URL', exitCode: 2 });
      expect((err as Error).message).toMatch(/^--queue: .*\(expected redis:\/\/\[user:password@\]host\[:port\]\[\/db\] or rediss:\/\/\.\.\.\)$/);
      expect((err as Error).message).not.toContain('hunter2');
    }
  });

  it('--queue alone reads GAUNTLET_REDIS_URL, and says so when it is unset', () => {
    expect(resolveQueueUrl(true, { GAUNTLET_REDIS_URL: 'redis://:pw@h:1/2' })).toMatchObject({ host: 'h', port: 1, db: 2, password: 'pw' });
    expect(() => resolveQueueUrl(true, {})).toThrow(/^--queue: no URL given and GAUNTLET_REDIS_URL is not set/);
    expect(() => resolveQueueUrl(true, { GAUNTLET_REDIS_URL: 'nope:pw' })).toThrow(/^GAUNTLET_REDIS_URL: not a redis/);
  });

  it('redacts the password, raw and percent-encoded, from any text', () => {
    const t = parseRedisUrl('redis://:a%2Fb%40c@h', '--queue');
    expect(redact('AUTH a/b@c failed; url redis://:a%2Fb%40c@h', t)).toBe('AUTH *** failed; url redis://:***@h');
    expect(redact('nothing here', parseRedisUrl('redis://h', '--queue'))).toBe('nothing here');
  });
});

const payload: JobPayload = {
  v: 1,
  files: { 'candidate.json': 'a'.repeat(64), 'data/returns.csv': 'b'.repeat(64) },
  links: { 'returns.csv': 'data/returns.csv', self: '.' },
  folders: ['data'],
  seed: 42,
  policy: {},
  policySha256: 'c'.repeat(64),
  policySource: 'defaults',
  engineVersion: '0.2.0',
  maxMemory: null,
};

describe('job payload, id and result', () => {
  it('accepts a coordinator payload and refuses paths that leave the bundle', () => {
    expect(jobPayloadSchema.safeParse(payload).success).toBe(true);
    for (const p of ['../x', '/etc/passwd', 'a/../../b', 'a//b', './a', 'a\\b', 'a\0b', '']) {
      expect(jobPayloadSchema.safeParse({ ...payload, files: { [p]: 'a'.repeat(64) } }).success, p).toBe(false);
      expect(jobPayloadSchema.safeParse({ ...payload, links: { x: p } }).success, p).toBe(false);
    }
    expect(jobPayloadSchema.safeParse({ ...payload, extra: 1 }).success).toBe(false);
    expect(jobPayloadSchema.safeParse({ ...payload, files: { a: 'XYZ' } }).success).toBe(false);
  });

  it('the job id depends on what decides the result, never on where the bundle lies', () => {
    const id = jobIdFor(payload);
    expect(id).toMatch(/^c-[0-9a-f]{64}$/);
    expect(jobIdFor({ ...payload, policySource: 'elsewhere.json' } as JobPayload)).toBe(id);
    expect(jobIdFor({ ...payload, seed: 43 })).not.toBe(id);
    expect(jobIdFor({ ...payload, policySha256: 'd'.repeat(64) })).not.toBe(id);
    expect(jobIdFor({ ...payload, engineVersion: '0.3.0' })).not.toBe(id);
    expect(jobIdFor({ ...payload, maxMemory: 2 ** 30 })).not.toBe(id);
    expect(jobIdFor({ ...payload, files: { ...payload.files, 'candidate.json': 'e'.repeat(64) } })).not.toBe(id);
  });

  it('results carry an outcome in the journal line schema; failure reasons keep their code', () => {
    const ok = { v: 1, worker: 'h:1', bundleDir: '/tmp/gauntlet-job-x/bundle', label: 'f'.repeat(32), outcome: { id: 'c', decision: 'REJECTED', failedGates: ['pbo'], gates: {}, error: null } };
    expect(jobResultSchema.safeParse(ok).success).toBe(true);
    expect(jobResultSchema.safeParse({ ...ok, outcome: { ...ok.outcome, decision: 'MAYBE' } }).success).toBe(false);
    expect(parseFailureReason(failureReason('E_QUEUE_BLOB', 'blob x: missing'))).toEqual({ code: 'E_QUEUE_BLOB', message: 'blob x: missing' });
    expect(parseFailureReason('job stalled more than allowable limit')).toEqual({ code: null, message: 'job stalled more than allowable limit' });
  });
});

describe('bundle scan for the queue', () => {
  it('lists inside links (to their real targets), folders, and what a copy cannot reproduce', () => {
    const root = tempDir('gauntlet-scan-');
    const b = writeBundle(join(root, 'b'), { T: 40, N: 2, trades: 10 });
    mkdirSync(join(b, 'data', 'empty'), { recursive: true });
    writeFileSync(join(b, 'data', 'x.csv'), 'x\n');
    symlinkSync('data/x.csv', join(b, 'alias.csv'));
    symlinkSync('.', join(b, 'self'));
    symlinkSync('../../outside', join(b, 'out'));
    symlinkSync('missing.csv', join(b, 'dangling'));
    const s = scanBundle(b);
    expect(Object.keys(s.files).sort()).toEqual(['candidate.json', 'data/x.csv', 'returns.csv', 'trades.csv']);
    expect(s.links).toEqual({ 'alias.csv': 'data/x.csv', self: '.' });
    expect(s.folders).toEqual(['data', 'data/empty']);
    expect(s.special.sort()).toEqual(['dangling', 'out']);
  });
});

describe('queue error messages', () => {
  it('one shape each, with its exit code', () => {
    expect(queueErrors.url('--queue', 'not a redis:// or rediss:// URL')).toMatchObject({ code: 'E_QUEUE_URL', exitCode: 2 });
    expect(queueErrors.auth('redis://:***@h:6379/0', 'WRONGPASS invalid username-password pair')).toMatchObject({
      code: 'E_QUEUE_AUTH',
      exitCode: 2,
      message: 'redis://:***@h:6379/0: Redis refused the credentials (WRONGPASS invalid username-password pair); check the user and password in the URL',
    });
    expect(queueErrors.redis('redis://h:6379/0', 'cannot reach Redis (connect ECONNREFUSED)')).toMatchObject({ code: 'E_QUEUE_REDIS', exitCode: 3, message: 'redis://h:6379/0: cannot reach Redis (connect ECONNREFUSED)' });
    expect(queueErrors.payload('c-1', 'payload does not match its schema: x')).toMatchObject({ code: 'E_QUEUE_PAYLOAD', exitCode: 3, message: 'job c-1: payload does not match its schema: x' });
    expect(queueErrors.blob('ab', 'trades.csv', 'missing from Redis')).toMatchObject({ code: 'E_QUEUE_BLOB', exitCode: 3, message: 'blob ab (trades.csv): missing from Redis' });
    expect(queueErrors.blobTooLarge('b/r.csv', 300, 200)).toMatchObject({ code: 'E_QUEUE_BLOB_TOO_LARGE', exitCode: 2 });
    expect(queueErrors.blobTooLarge('b/r.csv', 300, 200).message).toMatch(/^b\/r\.csv: 300 bytes is above the queue's blob limit of 200 bytes \(--max-blob\)/);
    expect(queueErrors.result('c-1', 'does not match its schema')).toMatchObject({ code: 'E_QUEUE_RESULT', exitCode: 3, message: "job c-1: the worker's result does not match its schema" });
  });
});
