/**
 * Batch through the queue (issue 13): candidates/minute of `gauntlet batch --queue` with 1
 * and 2 `gauntlet worker` processes on a loopback Redis, against the local `gauntlet batch`
 * on the same bundles, and the queue's overhead per candidate. Whole commands (spawned
 * processes, as a user runs them), so process start, blob uploads, enqueueing and result
 * collection are all counted. Every queue pass gets a fresh Redis database (nothing cached:
 * every blob is uploaded and every job run); workers are started and connected before the
 * coordinator's clock starts, as on a farm whose workers wait for work. Variants are timed
 * interleaved, round by round; each one's best round is reported.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { writeBundle } from '../test/helpers/bundle.js';
import { packageRoot } from '../src/engine/executor.js';
import { RedisServer, redisMissing } from '../test/helpers/redis.js';
import type { BenchOptions, BenchSection } from './types.js';

const TITLE = 'Batch through the queue';
/** The compiled CLI (this file runs from dist/bench). */
const CLI = join(packageRoot(), 'dist', 'src', 'cli', 'main.js');

function run(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 || code === 1 ? resolve(performance.now() - t0) : reject(new Error(`gauntlet ${args[0]} exited ${code}: ${err}`))));
  });
}

async function waitForWorkers(redis: Redis, n: number): Promise<void> {
  const end = Date.now() + 30_000;
  while ((await redis.zcard('gauntlet:workers')) < n) {
    if (Date.now() > end) throw new Error('workers did not start');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function run_(opts: BenchOptions): Promise<BenchSection> {
  const why = redisMissing();
  if (why) return { title: TITLE, markdown: `Not measured: ${why}.`, json: { skipped: why } };
  const count = opts.quick ? 30 : 200;
  const rounds = opts.quick ? 1 : 3;
  const root = mkdtempSync(join(tmpdir(), 'gauntlet-bench-queue-'));
  const dir = join(root, 'candidates');
  for (let i = 0; i < count; i++) writeBundle(join(dir, `c${String(i).padStart(4, '0')}`), { seed: `bench${i}`, T: 320, N: 8, trades: 150 });
  const server = await RedisServer.start();
  let db = 0;
  const local = (w: number) => () => run(['batch', dir, '--out', join(root, `local-${w}.jsonl`), '--workers', String(w), '--progress', 'none']);
  const queued = (procs: number, threads: number) => async () => {
    const url = server.url(++db % 16);
    const redis = new Redis({ host: '127.0.0.1', port: server.port, db: db % 16 });
    await redis.flushdb();
    const workers: ChildProcess[] = [];
    try {
      for (let i = 0; i < procs; i++) workers.push(spawn(process.execPath, [CLI, 'worker', '--queue', url, '--workers', String(threads)], { stdio: 'ignore' }));
      await waitForWorkers(redis, procs);
      return await run(['batch', dir, '--out', join(root, `queue-${procs}x${threads}.jsonl`), '--queue', url, '--progress', 'none']);
    } finally {
      await Promise.all(workers.map((w) => (w.exitCode !== null || w.signalCode !== null ? undefined : new Promise((r) => (w.on('close', r), w.kill('SIGTERM'))))));
      redis.disconnect();
    }
  };
  const variants = [
    { key: 'local, --workers 1', run: local(1), threads: 1 },
    { key: 'local, --workers 2', run: local(2), threads: 2 },
    { key: 'queue, 1 worker process x 1 thread', run: queued(1, 1), threads: 1 },
    { key: 'queue, 2 worker processes x 1 thread', run: queued(2, 1), threads: 2 },
    { key: 'queue, 1 worker process x 2 threads', run: queued(1, 2), threads: 2 },
  ];
  const times = new Map<string, number[]>(variants.map((v) => [v.key, []]));
  const loadBefore = loadavg()[0];
  let loadAfter = loadBefore;
  try {
    for (const v of variants) await v.run(); // warm-up: file cache, JIT of the first process
    for (let r = 0; r < rounds; r++) for (const v of variants) times.get(v.key)!.push(await v.run());
    loadAfter = loadavg()[0];
    // The queue's journals are the local ones, byte for byte (what the tests assert, rechecked here).
    const ref = readFileSync(join(root, 'local-1.jsonl'));
    for (const f of ['local-2', 'queue-1x1', 'queue-2x1', 'queue-1x2']) if (!readFileSync(join(root, `${f}.jsonl`)).equals(ref)) throw new Error(`${f}.jsonl differs from the local journal`);
  } finally {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
  const best = (k: string) => Math.min(...times.get(k)!);
  const rows = variants.map((v) => ({ variant: v.key, threads: v.threads, seconds: best(v.key) / 1000, perMinute: (count / best(v.key)) * 60_000 }));
  const overhead1 = (best('queue, 1 worker process x 1 thread') - best('local, --workers 1')) / count;
  const overhead2 = (best('queue, 1 worker process x 2 threads') - best('local, --workers 2')) / count;
  const md = [
    `${count} small candidates (T = 320 rows, N = 8 configurations, 150 trades each; default policy: 10,000 MC paths, S = 16, K = 6), the bundles of "Batch validation throughput". Wall time of the whole coordinator (or local batch) process, best of ${rounds} interleaved round${rounds === 1 ? '' : 's'} after a warm-up; Redis ${'on loopback'}, a fresh database per queue pass (every blob uploaded, every job run). Each journal is checked byte for byte against the local one.`,
    '',
    '| variant | pool threads in all | seconds | candidates/min | vs local, same threads |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => {
      const base = rows.find((x) => x.variant.startsWith('local') && x.threads === r.threads)!;
      return `| ${r.variant} | ${r.threads} | ${r.seconds.toFixed(2)} | ${r.perMinute.toFixed(0)} | ${(r.perMinute / base.perMinute).toFixed(2)}x |`;
    }),
    '',
    `Queue overhead per candidate (queue minus local, same pool threads, divided by ${count}): ${overhead1.toFixed(2)} ms with 1 thread, ${overhead2.toFixed(2)} ms with 2 threads. It covers hashing and uploading three blobs, enqueueing, the worker's download and private copy of the bundle, and the result's return through Redis (the worker processes are started before the clock).`,
    '',
    `Here the coordinator, Redis and every worker process share this machine's cores (1-minute load average ${loadBefore.toFixed(1)} before the timed rounds, ${loadAfter.toFixed(1)} after, on ${cpus().length} cores: other work on a shared machine moves the ratios), so the queue can only add cost to the local batch; it pays off when the workers are other machines, each adding its own cores. The overhead per candidate is the figure to plan with.`,
  ].join('\n');
  return { title: TITLE, markdown: md, json: { candidates: count, rounds, loadAverage: { before: loadBefore, after: loadAfter }, rows, overheadMsPerCandidate: { oneThread: overhead1, twoThreads: overhead2 } } };
}

export { run_ as run };
