/**
 * The queue (issue 13) against real Redis servers (test/helpers/redis.ts), no mock: the
 * coordinator and worker processes over the same 50 small bundles (some malformed) as the
 * local batch write the very same journal bytes, through a worker SIGKILLed mid-job, a
 * coordinator SIGKILLed mid-batch and resumed, and Redis stopped mid-batch (exit 3 on both
 * sides, journal whole, --resume completes it). A hand-enqueued poisoned job and a corrupt
 * blob fail alone with their codes; no password ever reaches an output.
 *
 * Each case has its own Redis database (or server), so cached results of one never answer
 * another. The cases run concurrently; small policies keep the whole file short.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, tempDir, writeBundle } from '../helpers/bundle.js';
import { runCliAsync } from '../helpers/spawn.js';
import { RedisServer, redisMissing } from '../helpers/redis.js';
import { loadPolicy } from '../../src/io/policy.js';
import { ENGINE_VERSION } from '../../src/version.js';

const missing = redisMissing();
if (missing) console.log(`queue tests skipped: ${missing}`);

const N_BUNDLES = 50;
const PASSWORD = 'Pa55-w0rd:s3cret/x';
let root: string;
let batchDir: string;
let policy: string;
let reference: Buffer;
let plain: RedisServer;
let stoppable: RedisServer;
let guarded: RedisServer;

interface Proc {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}

function startWorker(url: string | null, args: string[] = [], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, [CLI, 'worker', '--queue', ...(url ? [url] : []), '--workers', '1', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString('utf8')));
  child.stderr!.on('data', (b: Buffer) => (err += b.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code, sig) => resolve(code ?? (sig === 'SIGKILL' ? 137 : null))));
  return { child, out: () => out, err: () => err, exited };
}

async function stopWorker(w: Proc): Promise<number | null> {
  w.child.kill('SIGTERM');
  return w.exited;
}

/** Lines of a journal that record a crash (exit 3), for the message of a failed expectation. */
function crashes(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('"exitCode":3')).join('\n') : '';
}

function lineCount(file: string): number {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').length - 1 : 0;
}

async function until(cond: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function batchArgs(url: string, out: string, extra: string[] = []): string[] {
  return ['batch', batchDir, '--out', out, '--policy', policy, '--queue', url, '--progress', 'plain', ...extra];
}

function bullQueue(server: RedisServer, db: number): Queue {
  return new Queue('candidates', { prefix: 'gauntlet', connection: { host: '127.0.0.1', port: server.port, db, password: server.password, maxRetriesPerRequest: null } });
}

beforeAll(async () => {
  if (missing) return;
  root = tempDir('gauntlet-queue-');
  batchDir = join(root, 'candidates');
  for (let i = 0; i < N_BUNDLES; i++) {
    const dir = join(batchDir, `cand-${String(i).padStart(3, '0')}`);
    writeBundle(dir, { seed: `q${i}`, T: 320, N: 5, trades: 120 + i, manifest: { id: `cand-${i}` } });
    if (i % 9 === 4) writeFileSync(join(dir, 'returns.csv'), readFileSync(join(dir, 'returns.csv'), 'utf8').replace(/\n(2015-01-05,[^,\n]*),[^,\n]*/, '\n$1,NaN'));
    if (i % 13 === 7) rmSync(join(dir, 'trades.csv'));
    // A link inside the bundle (the copy a worker makes has it too), and one leading out of it
    // (a copy cannot reproduce it: the coordinator validates that bundle itself).
    if (i === 20) {
      symlinkSync('returns.csv', join(dir, 'alias.csv'));
      writeFileSync(join(dir, 'candidate.json'), readFileSync(join(dir, 'candidate.json'), 'utf8').replace('"returns.csv"', '"alias.csv"'));
    }
    if (i === 30) symlinkSync('../cand-000', join(dir, 'elsewhere'));
  }
  policy = join(root, 'policy.json');
  writeFileSync(policy, JSON.stringify({ gates: { monteCarlo: { paths: 1000 }, pbo: { S: 8 } } }));
  const ref = join(root, 'reference.jsonl');
  const [r, a, b, c] = await Promise.all([
    runCliAsync(['batch', batchDir, '--out', ref, '--policy', policy, '--workers', '2', '--progress', 'none']),
    RedisServer.start(),
    RedisServer.start(),
    RedisServer.start(PASSWORD),
  ]);
  [plain, stoppable, guarded] = [a, b, c]; // before any expectation, so afterAll stops them
  expect(r.code, r.stderr).toBe(2);
  reference = readFileSync(ref);
});

afterAll(async () => {
  if (missing) return;
  await Promise.all([plain?.stop(), stoppable?.stop(), guarded?.stop()]);
  rmSync(root, { recursive: true, force: true });
});

describe.skipIf(missing !== null).concurrent('gauntlet batch --queue and gauntlet worker (real Redis)', () => {
  it('a coordinator and two worker processes write the local batch journal byte for byte', async () => {
    const url = plain.url(1);
    const out = join(root, 'two-workers.jsonl');
    const summary = join(root, 'two-workers.json');
    const w1 = startWorker(url, ['--concurrency', '2']);
    const w2 = startWorker(url, ['--concurrency', '2']);
    const r = await runCliAsync(batchArgs(url, out, ['--json', summary]));
    expect(r.code, r.stderr + crashes(out)).toBe(2); // malformed bundles, as in the local batch
    expect(readFileSync(out)).toEqual(reference);
    const s = JSON.parse(readFileSync(summary, 'utf8'));
    expect(s.total).toBe(N_BUNDLES);
    expect(s.queue.url).toBe(url);
    const ran = Object.values(s.queue.perWorker as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(ran).toBe(N_BUNDLES);
    expect(s.queue.perWorker.coordinator).toBe(1); // cand-030, whose link leads outside it
    expect(Object.keys(s.queue.perWorker).length).toBeGreaterThanOrEqual(1);
    expect(r.stdout).toMatch(/candidates per worker/);
    expect(r.stderr).toMatch(/batch: 50\/50 candidates, [\d.]+\/min, ETA \d+ s, \d live workers?/);
    // Graceful stop: no new jobs, exit 0, and a count of what each ran.
    const [c1, c2] = await Promise.all([stopWorker(w1), stopWorker(w2)]);
    expect([c1, c2]).toEqual([0, 0]);
    const done = [w1, w2].map((w) => Number(/(\d+) job\(s\) completed/.exec(w.out())?.[1]));
    expect(done[0] + done[1]).toBe(N_BUNDLES - 1);
    // Everything is in Redis now: a second coordinator takes every result as it is.
    const again = join(root, 'two-workers-again.jsonl');
    const r2 = await runCliAsync(batchArgs(url, again, ['--json', summary]));
    expect(readFileSync(again)).toEqual(reference);
    expect(JSON.parse(readFileSync(summary, 'utf8')).queue).toMatchObject({ fromRedis: N_BUNDLES - 1, blobsSent: 0 });
    expect(r2.code, r2.stderr + crashes(again)).toBe(2);
  });

  it('a file above --max-blob is its candidate\'s line (exit 2); --max-blob needs --queue', async () => {
    const out = join(root, 'blob-cap.jsonl');
    const r = await runCliAsync(batchArgs(plain.url(4), out, ['--max-blob', '4K']));
    expect(r.code, r.stderr).toBe(2);
    const ls = readFileSync(out, 'utf8').split('\n').slice(0, -1).map((l) => JSON.parse(l));
    expect(ls).toHaveLength(N_BUNDLES);
    const capped = ls.filter((e) => e.error?.code === 'E_QUEUE_BLOB_TOO_LARGE');
    expect(capped.length).toBe(N_BUNDLES - 1); // all but cand-030, validated by the coordinator
    expect(capped[0].error.message).toMatch(/^.*\/cand-000\/returns\.csv: \d+ bytes is above the queue's blob limit of 4096 bytes \(--max-blob\)/);
    const usage = await runCliAsync(['batch', batchDir, '--out', join(root, 'x.jsonl'), '--max-blob', '4K']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe('gauntlet: error [E_USAGE]: option --max-blob needs --queue\n');
  });

  it('a worker SIGKILLed mid-job: its jobs stall, run on the other worker, same bytes', async () => {
    const url = plain.url(2);
    const out = join(root, 'worker-killed.jsonl');
    const fast = ['--lock-duration', '1000', '--stalled-interval', '500'];
    const q = bullQueue(plain, 2);
    try {
      const w1 = startWorker(url, ['--concurrency', '8', ...fast]);
      const run = runCliAsync(batchArgs(url, out));
      await until(async () => (await q.getActiveCount()) >= 3);
      expect(lineCount(out)).toBeLessThan(N_BUNDLES);
      w1.child.kill('SIGKILL');
      expect(await w1.exited).toBe(137);
      const w2 = startWorker(url, ['--concurrency', '2', ...fast]);
      const r = await run;
      expect(r.code, r.stderr + crashes(out)).toBe(2);
      expect(readFileSync(out)).toEqual(reference);
      expect(await stopWorker(w2)).toBe(0);
      expect(Number(/(\d+) job\(s\) completed/.exec(w2.out())?.[1])).toBeGreaterThan(0);
    } finally {
      await q.close();
    }
  });

  it('SIGTERM twice on a busy worker: its jobs in hand go back to the queue, it exits 0, another finishes them', async () => {
    const url = plain.url(5);
    const out = join(root, 'handed-back.jsonl');
    const q = bullQueue(plain, 5);
    try {
      const w1 = startWorker(url, ['--concurrency', '8']);
      const run = runCliAsync(batchArgs(url, out));
      await until(async () => (await q.getActiveCount()) >= 3);
      w1.child.kill('SIGTERM');
      await until(() => /stopping: no new jobs/.test(w1.err()));
      w1.child.kill('SIGTERM');
      expect(await w1.exited).toBe(0);
      expect(Number(/(\d+) handed back/.exec(w1.out())?.[1])).toBeGreaterThan(0);
      const w2 = startWorker(url, ['--concurrency', '2']);
      const r = await run;
      expect(r.code, r.stderr + crashes(out)).toBe(2);
      expect(readFileSync(out)).toEqual(reference);
      expect(await stopWorker(w2)).toBe(0);
    } finally {
      await q.close();
    }
  });

  it('the coordinator SIGKILLed mid-batch and restarted with --resume: same bytes, finished results taken from Redis', async () => {
    const url = plain.url(3);
    const out = join(root, 'coordinator-killed.jsonl');
    const summary = join(root, 'coordinator-killed.json');
    const q = bullQueue(plain, 3);
    const w = startWorker(url, ['--concurrency', '1']);
    try {
      const first = runCliAsync(batchArgs(url, out), { onStart: (child) => void until(() => lineCount(out) >= 5).then(() => child.kill('SIGKILL')) });
      expect((await first).signal).toBe('SIGKILL');
      const kept = lineCount(out);
      expect(kept).toBeLessThan(N_BUNDLES);
      // The worker goes on meanwhile: wait until Redis holds results the journal does not.
      await until(async () => (await q.getCompletedCount()) >= kept + 3);
      const r = await runCliAsync(batchArgs(url, out, ['--resume', '--json', summary]));
      expect(r.code, r.stderr + crashes(out)).toBe(2);
      expect(r.stderr).toMatch(/already in the journal \(resumed\)/);
      expect(readFileSync(out)).toEqual(reference);
      expect(JSON.parse(readFileSync(summary, 'utf8')).queue.fromRedis).toBeGreaterThanOrEqual(3);
    } finally {
      expect(await stopWorker(w)).toBe(0);
      await q.close();
    }
  });

  it('Redis stopped mid-batch: coordinator and worker exit 3 with a clear error, the journal stays whole, --resume completes it', async () => {
    const url = stoppable.url(0);
    const out = join(root, 'redis-stopped.jsonl');
    const timeout = ['--redis-timeout', '1500'];
    const w = startWorker(url, ['--concurrency', '1', ...timeout]);
    const r = await runCliAsync(batchArgs(url, out, timeout), { onStart: () => void until(() => lineCount(out) >= 3).then(() => stoppable.down()) });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`gauntlet: error \\[E_QUEUE_REDIS\\]: redis://127\\.0\\.0\\.1:${stoppable.port}/0: lost the connection to Redis for more than 1500 ms`));
    expect(await w.exited).toBe(3);
    expect(w.err()).toMatch(/error \[E_QUEUE_REDIS\]/);
    const text = readFileSync(out, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(reference.toString('utf8').startsWith(text)).toBe(true);
    expect(lineCount(out)).toBeLessThan(N_BUNDLES);
    // Redis back (empty: blobs and jobs are gone), a worker again, and --resume.
    await stoppable.up();
    const w2 = startWorker(url, ['--concurrency', '2']);
    const again = await runCliAsync(batchArgs(url, out, ['--resume']));
    expect(again.code, again.stderr + crashes(out)).toBe(2);
    expect(readFileSync(out)).toEqual(reference);
    expect(await stopWorker(w2)).toBe(0);
  });

  it('a poisoned job and a corrupt blob fail alone with their codes; the worker keeps running; no password leaks', async () => {
    const url = guarded.url(0);
    expect(url).toContain(encodeURIComponent(PASSWORD));
    const out = join(root, 'poisoned.jsonl');
    const summary = join(root, 'poisoned.json');
    const q = bullQueue(guarded, 0);
    const redis = new Redis({ host: '127.0.0.1', port: guarded.port, password: PASSWORD });
    try {
      // A job nobody's coordinator made: a bad payload, hand-enqueued.
      await q.add('candidate', { v: 1, files: { '../../etc/passwd': 'not-a-hash' } }, { jobId: 'poison-1' });
      // A well-formed payload whose paths collide (a file where a folder is listed).
      const blob = Buffer.from('x\n');
      const blobSha = createHash('sha256').update(blob).digest('hex');
      await redis.set(`gauntlet:blob:${blobSha}`, blob);
      const defaults = loadPolicy(undefined);
      const collide = { v: 1, files: { a: blobSha }, links: {}, folders: ['a'], seed: 1, policy: defaults.policy, policySha256: defaults.sha256, policySource: 'defaults', engineVersion: ENGINE_VERSION, maxMemory: null };
      await q.add('candidate', collide, { jobId: 'poison-2' });
      // A blob already "present" whose bytes are not those of its key: cand-001's trades.csv.
      const sha = createHash('sha256').update(readFileSync(join(batchDir, 'cand-001', 'trades.csv'))).digest('hex');
      await redis.set(`gauntlet:blob:${sha}`, 'exit_time,return\n2015-01-02,0.9\n');
      // The worker reads its URL (and password) from the environment, the coordinator from argv.
      const w = startWorker(null, ['--concurrency', '2'], { GAUNTLET_REDIS_URL: url });
      await until(async () => (await q.getJobState('poison-1')) === 'failed');
      const poisoned = await Job.fromId(q, 'poison-1');
      expect(poisoned!.failedReason).toMatch(/^\[E_QUEUE_PAYLOAD\] job poison-1: payload does not match its schema: .*files/);
      await until(async () => (await q.getJobState('poison-2')) === 'failed');
      expect((await Job.fromId(q, 'poison-2'))!.failedReason).toBe('[E_QUEUE_PAYLOAD] job poison-2: its files, folders and links collide (EEXIST)');
      const r = await runCliAsync(batchArgs(url, out, ['--json', summary]));
      expect(r.code, r.stderr).toBe(3);
      const got = readFileSync(out, 'utf8').split('\n').slice(0, -1);
      const ref = reference.toString('utf8').split('\n').slice(0, -1);
      expect(got).toHaveLength(ref.length);
      for (let i = 0; i < ref.length; i++) {
        const e = JSON.parse(got[i]);
        if (e.bundle !== 'cand-001') expect(got[i]).toBe(ref[i]);
        else {
          expect(e.error).toMatchObject({ code: 'E_QUEUE_BLOB', exitCode: 3 });
          expect(e.error.message).toMatch(new RegExp(`^blob ${sha} \\(trades\\.csv\\): corrupt: its \\d+ bytes hash to [0-9a-f]{64}`));
        }
      }
      // The worker survived both and goes on: fix the blob (drop it) and resume; the
      // failed candidate is retried (its failed job enqueued afresh), the rest kept.
      await redis.del(`gauntlet:blob:${sha}`);
      const r2 = await runCliAsync(batchArgs(url, out, ['--resume', '--json', summary]));
      expect(r2.code, r2.stderr + crashes(out)).toBe(2);
      expect(readFileSync(out)).toEqual(reference);
      expect(await stopWorker(w)).toBe(0);
      expect(w.err()).toMatch(/job poison-1 failed: \[E_QUEUE_PAYLOAD\]/);
      // Wrong credentials: exit 2, one line, the URL shown redacted.
      const wrong = await runCliAsync(batchArgs(`redis://:wr0ng-Secret@127.0.0.1:${guarded.port}/0`, join(root, 'wrong.jsonl')));
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toMatch(new RegExp(`^gauntlet: error \\[E_QUEUE_AUTH\\]: redis://:\\*\\*\\*@127\\.0\\.0\\.1:${guarded.port}/0: Redis refused the credentials`));
      expect(wrong.stderr).not.toContain('wr0ng-Secret');
      // No output anywhere carries the password, raw or URL-encoded.
      const outputs = [r.stdout, r.stderr, r2.stdout, r2.stderr, w.out(), w.err(), readFileSync(out, 'utf8'), readFileSync(summary, 'utf8')];
      for (const text of outputs) {
        expect(text).not.toContain(PASSWORD);
        expect(text).not.toContain(encodeURIComponent(PASSWORD));
      }
      expect(r.stdout).toContain(`queue: redis://:***@127.0.0.1:${guarded.port}/0`);
    } finally {
      redis.disconnect();
      await q.close();
    }
  });
});
