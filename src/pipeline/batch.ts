/**
 * `gauntlet batch`: validate every bundle under a directory into a JSON Lines journal,
 * overnight-safe (issue 5).
 *
 * - Bundles are found by walking the directory (a folder holding candidate.json is a bundle;
 *   its subfolders are not searched) and processed in sorted order of their relative paths.
 * - One pool serves the whole batch, and up to `lookahead` candidates are in flight at once,
 *   so the next candidate loads and its shards queue while the previous one's last shards
 *   finish. Lines are still written in candidate order.
 * - Each line carries a key: SHA-256 over (bundle path, every bundle file's SHA-256, policy
 *   hash, seed, engine version). `resume` keeps the longest prefix of the journal whose keys
 *   match the batch in order (stopping at a crashed candidate, which is retried) and
 *   continues from there, so the final journal is byte-identical to an uninterrupted run's.
 * - A malformed bundle (exit 2) or a crashed worker (exit 3) becomes that candidate's line and
 *   the batch goes on.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { inputError, toGauntletError, workerCrash } from '../errors.js';
import { PoolExecutor, type ShardExecutor } from '../engine/executor.js';
import { sha256Hex } from '../io/hash.js';
import { bundleFileHashes, readManifestId } from '../io/candidate.js';
import type { LoadedPolicy } from '../io/policy.js';
import { JournalWriter, readJournalLines, rewriteJournal } from '../io/journal.js';
import { GATE_ORDER, type GateName } from '../gates/types.js';
import { ENGINE_VERSION } from '../version.js';
import { validateBundle } from './validate.js';
import { reportJson } from '../report/schema.js';

export interface JournalGate {
  enabled: boolean;
  value: number | null;
  gatedValue: number | null;
  pass: boolean;
  reason: string | null;
}

export interface JournalEntry {
  bundle: string;
  key: string;
  id: string | null;
  seed: number;
  policySha256: string;
  engineVersion: string;
  /** SHA-256 of every file in the bundle, by relative path. */
  files: Record<string, string>;
  decision: 'APPROVED' | 'REJECTED' | 'ERROR';
  failedGates: string[];
  gates: Record<GateName, JournalGate> | null;
  error: { code: string; message: string; exitCode: number } | null;
}

export interface BatchOptions {
  dir: string;
  out: string;
  seed: number;
  policy: LoadedPolicy;
  executor: ShardExecutor;
  resume: boolean;
  /** Candidates in flight at once (default: workers + 1, at least 2). */
  lookahead?: number;
  /** Called after each line is durably written. */
  onLine?: (entry: JournalEntry, done: number, total: number) => void;
  /** Called once the plan is known (total, and how many lines resume kept). */
  onStart?: (total: number, kept: number) => void;
  /** Abort: stop starting candidates, abandon those in flight, keep the journal whole. */
  signal?: AbortSignal;
  /** Memory budget in bytes for each candidate (--max-memory; default half the machine's memory). */
  maxMemory?: number;
}

export interface BatchSummary {
  total: number;
  /** Lines kept from an earlier run by --resume. */
  resumed: number;
  approved: number;
  rejected: number;
  malformed: number;
  crashed: number;
  interrupted: boolean;
  entries: JournalEntry[];
}

/** Bundle directories under `dir` (relative posix paths, sorted). O(files). */
export function findBundles(dir: string): string[] {
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw inputError('E_FILE_MISSING', { file: dir }, 'batch directory not found');
  }
  if (!st.isDirectory()) throw inputError('E_FILE_READ', { file: dir }, 'is not a directory');
  const found: string[] = [];
  const walk = (d: string) => {
    const names = readdirSync(d).sort();
    if (names.includes('candidate.json')) {
      found.push(relative(dir, d).split(sep).join('/') || '.');
      return;
    }
    for (const name of names) {
      if (name.startsWith('.')) continue;
      const p = join(d, name);
      let isDir = false;
      try {
        isDir = statSync(p).isDirectory();
      } catch {
        continue; // a dangling link or an unreadable entry is not a bundle; it must not stop the batch
      }
      if (isDir) walk(p);
    }
  };
  walk(dir);
  return found.sort();
}

/**
 * SHA-256 of each regular file in a bundle, keyed by relative path, under the bundle loader's
 * own rules (src/io/candidate.ts: nothing outside the bundle, no FIFO or device is opened).
 */
export function bundleFiles(bundleDir: string): Record<string, string> {
  return bundleFileHashes(bundleDir);
}

export function entryKey(bundle: string, files: Record<string, string>, policySha256: string, seed: number): string {
  return sha256Hex(JSON.stringify({ bundle, files, policySha256, seed, engineVersion: ENGINE_VERSION }));
}

/** The part of a journal line known before validating: where, what (hashes) and under which run. */
export type EntryBase = Pick<JournalEntry, 'bundle' | 'key' | 'seed' | 'policySha256' | 'engineVersion' | 'files'>;

function entryBase(rel: string, opts: Pick<BatchOptions, 'dir' | 'seed' | 'policy'>): EntryBase {
  const files = bundleFiles(bundleDirOf(opts.dir, rel));
  return {
    bundle: rel,
    key: entryKey(rel, files, opts.policy.sha256, opts.seed),
    seed: opts.seed,
    policySha256: opts.policy.sha256,
    engineVersion: ENGINE_VERSION,
    files,
  };
}

function bundleDirOf(dir: string, rel: string): string {
  return rel === '.' ? dir : join(dir, rel);
}

/** The id of a bundle that failed, read under the loader's rules (never a file outside the bundle). */
function idFromManifest(bundleDir: string): string | null {
  return readManifestId(bundleDir);
}

function errorEntry(base: EntryBase, bundleDir: string, err: unknown): JournalEntry {
  const e = toGauntletError(err);
  return { ...base, id: idFromManifest(bundleDir), decision: 'ERROR', failedGates: [], gates: null, error: { code: e.code, message: e.message, exitCode: e.exitCode } };
}

/**
 * Validate one bundle into its journal line; never throws (a malformed bundle or a crash
 * becomes the line's error). Runs wherever it is called: on the batch's thread with the
 * batch's pool, or inside a worker with an in-process executor (see CandidateTask).
 */
export async function journalEntryFor(base: EntryBase, dir: string, seed: number, policy: LoadedPolicy, executor: ShardExecutor, maxMemory?: number): Promise<JournalEntry> {
  const bundleDir = bundleDirOf(dir, base.bundle);
  try {
    const report = await validateBundle(bundleDir, { seed, executor, policy, maxMemory });
    // The same schema and finiteness checks as `validate --json`: a line never carries a
    // NaN turned into null, and batch and validate agree on every bundle.
    reportJson(report);
    const gates = {} as Record<GateName, JournalGate>;
    for (const k of GATE_ORDER) {
      const g = report.gates[k];
      gates[k] = { enabled: g.enabled, value: g.value, gatedValue: g.gatedValue, pass: g.pass, reason: g.reason };
    }
    return { ...base, id: report.candidate.id, decision: report.decision, failedGates: report.failedGates, gates, error: null };
  } catch (err) {
    return errorEntry(base, bundleDir, err);
  }
}

/** A whole small candidate as one pool task (the worker's `candidate` export). */
export interface CandidateTask {
  base: EntryBase;
  dir: string;
  seed: number;
  policy: LoadedPolicy;
  maxMemory?: number;
}

/**
 * Bundles up to this many bytes are validated whole inside one worker (their shards run
 * in-process there); larger ones are sharded over the pool from the batch's thread. For
 * small candidates the coordinator's own per-candidate work (load, merge, report) is a
 * third of the total, and on few cores that serial share, not the kernels, caps batch
 * throughput; whole-candidate tasks move it onto the workers. Results are identical either
 * way (same shards, same seeds, same merge order).
 */
export const WHOLE_CANDIDATE_MAX_BYTES = 4 * 2 ** 20;

async function processCandidate(rel: string, opts: BatchOptions): Promise<JournalEntry> {
  let base: EntryBase;
  try {
    base = entryBase(rel, opts);
  } catch (err) {
    // An unreadable bundle folder: still one line, keyed on what could be seen.
    const fallback = { bundle: rel, key: entryKey(rel, {}, opts.policy.sha256, opts.seed), seed: opts.seed, policySha256: opts.policy.sha256, engineVersion: ENGINE_VERSION, files: {} };
    return errorEntry(fallback, bundleDirOf(opts.dir, rel), err);
  }
  const ex = opts.executor;
  let bytes = Infinity;
  try {
    bytes = Object.keys(base.files).reduce((sum, f) => sum + statSync(join(bundleDirOf(opts.dir, rel), f)).size, 0);
  } catch {
    /* changed under us: validate on this thread, where any error becomes the line */
  }
  if (ex instanceof PoolExecutor && bytes <= WHOLE_CANDIDATE_MAX_BYTES) {
    const task: CandidateTask = { base, dir: opts.dir, seed: opts.seed, policy: opts.policy, maxMemory: opts.maxMemory };
    try {
      return await ex.runNamed<JournalEntry>('candidate', task);
    } catch (err) {
      // The worker died mid-candidate (Piscina replaces it): this candidate fails with code 3.
      const e = toGauntletError(err);
      return errorEntry(base, bundleDirOf(opts.dir, rel), e.exitCode === 2 ? e : workerCrash(`candidate ${rel}: ${e.message}`));
    }
  }
  return journalEntryFor(base, opts.dir, opts.seed, opts.policy, ex, opts.maxMemory);
}

export async function runBatch(opts: BatchOptions): Promise<BatchSummary> {
  const bundles = findBundles(opts.dir);
  const total = bundles.length;
  const entries: JournalEntry[] = [];

  // Resume: keep the longest prefix of whole lines whose keys match the batch, in order.
  let kept = 0;
  if (opts.resume) {
    const lines = readJournalLines(opts.out);
    for (; kept < lines.length && kept < total; kept++) {
      let entry: JournalEntry;
      try {
        entry = JSON.parse(lines[kept]);
      } catch {
        break;
      }
      const rel = bundles[kept];
      if (entry.bundle !== rel) break;
      // A crash (exit 3) says nothing about the candidate: validate it again on resume.
      if (entry.decision === 'ERROR' && entry.error?.exitCode === 3) break;
      let files: Record<string, string>;
      try {
        files = bundleFiles(bundleDirOf(opts.dir, rel));
      } catch {
        break; // unreadable now: validate it again (its line will say why)
      }
      if (entry.key !== entryKey(rel, files, opts.policy.sha256, opts.seed)) break;
      entries.push(entry);
    }
    rewriteJournal(opts.out, lines.slice(0, kept));
  }
  const writer = new JournalWriter(opts.out, !opts.resume);
  opts.onStart?.(total, kept);

  const lookahead = Math.max(2, opts.lookahead ?? opts.executor.workers + 1);
  const inflight: Promise<JournalEntry>[] = [];
  let next = kept;
  let interrupted = false;
  const aborted = new Promise<'aborted'>((resolve) => {
    if (opts.signal?.aborted) resolve('aborted');
    opts.signal?.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  const launch = () => {
    while (inflight.length < lookahead && next < total && !opts.signal?.aborted) inflight.push(processCandidate(bundles[next++], opts));
  };
  try {
    launch();
    while (inflight.length > 0) {
      const head = inflight.shift()!;
      // Abandoned candidates still settle later: keep their rejections from going unhandled.
      head.catch(() => undefined);
      const got = await Promise.race([head, aborted]);
      if (got === 'aborted') {
        interrupted = true;
        for (const p of inflight) p.catch(() => undefined);
        break;
      }
      writer.append(JSON.stringify(got));
      entries.push(got);
      opts.onLine?.(got, entries.length, total);
      launch();
    }
  } finally {
    writer.close();
  }
  const count = (pred: (e: JournalEntry) => boolean) => entries.filter(pred).length;
  return {
    total,
    resumed: kept,
    approved: count((e) => e.decision === 'APPROVED'),
    rejected: count((e) => e.decision === 'REJECTED'),
    malformed: count((e) => e.decision === 'ERROR' && e.error!.exitCode === 2),
    crashed: count((e) => e.decision === 'ERROR' && e.error!.exitCode !== 2),
    interrupted,
    entries,
  };
}

/** Batch exit code: 3 if any crash, else 2 if any malformed bundle, else 1 if any rejection, else 0. */
export function batchExitCode(s: BatchSummary): number {
  if (s.interrupted) return 130;
  if (s.crashed > 0) return 3;
  if (s.malformed > 0) return 2;
  if (s.rejected > 0) return 1;
  return 0;
}
