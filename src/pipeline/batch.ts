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
 *   the batch goes on; so does a bundle that is unreadable, deleted or changed mid-run, and
 *   a folder that cannot be listed (exit 2 each).
 * - The walk visits every real folder once (device + inode), so links never loop; one batch
 *   at a time writes a journal (its lock); SIGINT/SIGTERM stop every phase with the journal
 *   whole (walk, resume check, candidates in-process or on the pool).
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { createHash } from 'node:crypto';
import { isAbsolute, join, relative, sep } from 'node:path';
import { GauntletError, inputError, internalError, toGauntletError, workerCrash } from '../errors.js';
import { PoolExecutor, type ShardExecutor } from '../engine/executor.js';
import { sha256Hex } from '../io/hash.js';
import { bundleFileHashes, readManifestId } from '../io/candidate.js';
import type { LoadedPolicy } from '../io/policy.js';
import { assertOutputOutsideInputs, errnoText } from '../io/atomic.js';
import { checkJournalTarget, JournalLock, JournalWriter, readJournalLines, rewriteJournal } from '../io/journal.js';
import { journalEntrySchema, type JournalEntry, type JournalGate } from '../report/journal_schema.js';
import { REPORT_SCHEMA_VERSION } from '../report/schema.js';
import type { GateRegistry } from '../gates/registry.js';
import { ENGINE_VERSION } from '../version.js';
import { validateBundle } from './validate.js';
import { reportJson, type Report } from '../report/schema.js';

export type { JournalEntry, JournalGate } from '../report/journal_schema.js';

export interface BatchOptions {
  dir: string;
  out: string;
  seed: number;
  policy: LoadedPolicy;
  executor: ShardExecutor;
  resume: boolean;
  /** Candidates in flight at once (default: workers + 1, at least 2). */
  lookahead?: number;
  /**
   * Called after each line is durably written; with `reports`, also given the candidate's
   * report JSON (null for a line kept by --resume or an error line).
   */
  onLine?: (entry: JournalEntry, done: number, total: number, report: string | null) => void;
  /** Keep each validated candidate's report JSON for onLine (the HTML pages of --html-dir). */
  reports?: boolean;
  /** Called once the plan is known (total, and how many lines resume kept). */
  onStart?: (total: number, kept: number) => void;
  /** Abort: stop starting candidates, abandon those in flight, keep the journal whole. */
  signal?: AbortSignal;
  /** Memory budget in bytes for each candidate (--max-memory; default half the machine's memory). */
  maxMemory?: number;
  /** Other outputs of the run (e.g. `--json`), refused when inside a bundle like the journal. */
  outputs?: { option: string; path: string }[];
  /** One-line notes for the user (a stale lock recovered). */
  onNote?: (line: string) => void;
  /**
   * The gates to run (default: the built-in registry). Another registry runs every candidate
   * on this thread: a worker thread only knows the built-in gates.
   */
  registry?: GateRegistry;
  /**
   * Where each item's line comes from (default: validated here, on `executor`). The queue
   * coordinator (src/queue/coordinator.ts) hands candidates to remote workers through it;
   * everything else (walk, lock, resume, order, journal writes) stays this module's.
   */
  processItem?: (item: BatchItem) => Promise<JournalEntry>;
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
  /** Where an interruption hit: the search for bundles, the resume check, or the candidates. */
  interruptedIn: 'walk' | 'resume' | 'run' | null;
  entries: JournalEntry[];
}

/** A folder the batch will journal: a bundle, or a folder that could not be listed. */
export interface BatchItem {
  /** Path relative to the batch folder (posix separators; '.' for the folder itself). */
  rel: string;
  /** Set when the folder could not be listed: it gets an exit-2 line of its own. */
  unlistable?: GauntletError;
}

export interface WalkResult {
  items: BatchItem[];
  interrupted: boolean;
}

/** Let signal handlers (and other callbacks) run between synchronous steps. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function listFolder(d: string): Dirent[] {
  return readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function posixRel(from: string, to: string): string {
  return relative(from, to).split(sep).join('/') || '.';
}

function inodeKey(st: { dev: number; ino: number }): string {
  return `${st.dev}:${st.ino}`;
}

/** Whether the real folder `p` is seen here for the first time (by device + inode); false when gone meanwhile. */
function firstVisit(p: string, seen: Set<string>): boolean {
  let s;
  try {
    s = lstatSync(p);
  } catch {
    return false; // removed meanwhile
  }
  const key = inodeKey(s);
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
}

/**
 * Find the bundles under `dir` (a folder holding candidate.json; its subfolders are not
 * searched), visiting every real folder once. Real subfolders are walked first and symbolic
 * links to folders afterwards, in the order found, so a folder is always named by its real
 * path when it has one, and a link into a folder already seen (a loop such as `a/up -> ..`,
 * or a second name for a bundle) is skipped: no bundle is validated twice and two loops
 * cannot make the walk exponential. Time O(folders + entries). Yields to the event loop
 * every 64 folders so SIGINT/SIGTERM stop even a huge walk (returns `interrupted`).
 */
export async function walkBatchDir(dir: string, signal?: AbortSignal): Promise<WalkResult> {
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw inputError('E_FILE_MISSING', { file: dir }, 'batch directory not found');
  }
  if (!st.isDirectory()) throw inputError('E_FILE_READ', { file: dir }, 'is not a directory');
  const items: BatchItem[] = [];
  const seen = new Set<string>();
  const links: string[] = [];
  let visits = 0;
  // Depth-first over real folders with an explicit stack (no recursion limit on deep trees).
  const walkFrom = async (start: string, startStat: { dev: number; ino: number }): Promise<boolean> => {
    if (seen.has(inodeKey(startStat))) return true;
    seen.add(inodeKey(startStat));
    const stack = [start];
    while (stack.length > 0) {
      const d = stack.pop()!;
      if (++visits % 64 === 0) await yieldToEventLoop();
      if (signal?.aborted) return false;
      let entries: Dirent[];
      try {
        entries = listFolder(d);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') continue; // removed while we walked: nothing left to validate
        items.push({ rel: posixRel(dir, d), unlistable: inputError('E_FILE_READ', { file: d }, `cannot list folder (${errnoText(err)}); skipped, so any bundles in it were not validated`) });
        continue;
      }
      if (entries.some((e) => e.name === 'candidate.json')) {
        items.push({ rel: posixRel(dir, d) });
        continue;
      }
      const sub: string[] = [];
      for (const e of entries) {
        if (e.name.startsWith('.')) continue;
        const p = join(d, e.name);
        if (e.isSymbolicLink()) links.push(p);
        else if (e.isDirectory() && firstVisit(p, seen)) sub.push(p);
        // Files, FIFOs, sockets and devices are never opened by the walk.
      }
      for (let i = sub.length - 1; i >= 0; i--) stack.push(sub[i]);
    }
    return true;
  };
  if (!(await walkFrom(dir, st))) return { items, interrupted: true };
  for (let i = 0; i < links.length; i++) {
    let s;
    try {
      s = statSync(links[i]);
    } catch {
      continue; // a dangling link (or a link loop) is not a bundle; it must not stop the batch
    }
    if (!s.isDirectory()) continue;
    if (!(await walkFrom(links[i], s))) return { items, interrupted: true };
  }
  items.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { items, interrupted: false };
}

/** Bundle folders under `dir` (relative posix paths, sorted); see walkBatchDir. */
export async function findBundles(dir: string): Promise<string[]> {
  return (await walkBatchDir(dir)).items.filter((i) => !i.unlistable).map((i) => i.rel);
}

export interface BundleScan {
  /** SHA-256 of each regular file, keyed by its real path relative to the bundle's real path. */
  files: Record<string, string>;
  /** Their total size in bytes. */
  bytes: number;
  /**
   * Symbolic links whose real target stays inside the bundle: the link's path -> its real
   * target's path, both relative to the bundle's real path ('.' for the bundle itself).
   */
  links: Record<string, string>;
  /** Real subfolders (relative paths), so a copy of the bundle has its empty folders too. */
  folders: string[];
  /**
   * Entries a copy made of files, folders and inside links would not reproduce: links that
   * dangle or lead outside the bundle, FIFOs, sockets and devices (relative paths).
   */
  special: string[];
}

const HASH_CHUNK = 1 << 20;

/**
 * SHA-256 of one file, read in fixed chunks (memory O(1) whatever its size). Opened without
 * blocking and without following a link, then checked to be a regular file, so a FIFO or a
 * device swapped in never hangs the batch. Null when it is gone or no longer a regular file.
 */
function hashFile(p: string, chunk: Buffer): { sha256: string; bytes: number } | null {
  let fd: number;
  try {
    fd = openSync(p, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ELOOP') return null;
    throw inputError('E_FILE_READ', { file: p }, `cannot read file (${errnoText(err)})`);
  }
  try {
    if (!fstatSync(fd).isFile()) return null;
    const h = createHash('sha256');
    let total = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (err) {
        throw inputError('E_FILE_READ', { file: p }, `cannot read file (${errnoText(err)})`);
      }
      if (n === 0) break;
      h.update(chunk.subarray(0, n));
      total += n;
    }
    return { sha256: h.digest('hex'), bytes: total };
  } finally {
    closeSync(fd);
  }
}

/**
 * Hash every regular file of a bundle, recursively. Real subfolders first, then links whose
 * real target stays inside the bundle (each real folder and file once; links leading outside
 * the bundle, dangling links, FIFOs and devices are not read: validation decides about any
 * the manifest names). Keys are real paths relative to the bundle's real path, so validation
 * can find the hash of exactly the file it read. O(bytes).
 */
export function scanBundle(bundleDir: string): BundleScan {
  let root: string;
  try {
    root = realpathSync(bundleDir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw inputError('E_FILE_MISSING', { file: bundleDir }, 'bundle folder not found (removed during the batch?)');
    throw inputError('E_FILE_READ', { file: bundleDir }, `cannot open bundle folder (${errnoText(err)})`);
  }
  const files: Record<string, string> = {};
  const linkTargets: Record<string, string> = {};
  const folders: string[] = [];
  const special: string[] = [];
  let bytes = 0;
  const chunk = Buffer.allocUnsafe(HASH_CHUNK);
  const seen = new Set<string>();
  const links: string[] = [];
  const addFile = (p: string) => {
    const key = posixRel(root, p);
    if (files[key] !== undefined) return;
    const h = hashFile(p, chunk);
    if (h) {
      files[key] = h.sha256;
      bytes += h.bytes;
    }
  };
  const visit = (d: string) => {
    let entries: Dirent[];
    try {
      entries = listFolder(d);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && d === root) throw inputError('E_FILE_MISSING', { file: bundleDir }, 'bundle folder not found (removed during the batch?)');
      if (code === 'ENOENT') return;
      throw inputError('E_FILE_READ', { file: d }, `cannot list folder (${errnoText(err)})`);
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isSymbolicLink()) links.push(p);
      else if (e.isDirectory()) {
        if (firstVisit(p, seen)) {
          folders.push(posixRel(root, p));
          visit(p);
        }
      } else if (e.isFile()) addFile(p);
      else special.push(posixRel(root, p));
    }
  };
  try {
    seen.add(inodeKey(statSync(root)));
  } catch (err) {
    throw inputError('E_FILE_MISSING', { file: bundleDir }, `bundle folder not found (${errnoText(err)})`);
  }
  visit(root);
  for (let i = 0; i < links.length; i++) {
    let real: string;
    try {
      real = realpathSync(links[i]);
    } catch {
      special.push(posixRel(root, links[i]));
      continue; // dangling or a loop
    }
    const back = relative(root, real);
    if (back === '') {
      linkTargets[posixRel(root, links[i])] = '.';
      continue; // the bundle itself: nothing new to read
    }
    if (back === '..' || back.startsWith('..' + sep) || isAbsolute(back)) {
      special.push(posixRel(root, links[i]));
      continue; // leads outside: never read
    }
    let s;
    try {
      s = statSync(real);
    } catch {
      special.push(posixRel(root, links[i]));
      continue;
    }
    linkTargets[posixRel(root, links[i])] = posixRel(root, real);
    if (s.isDirectory()) {
      if (seen.has(inodeKey(s))) continue;
      seen.add(inodeKey(s));
      visit(real);
    } else if (s.isFile()) addFile(real);
  }
  return { files, bytes, links: linkTargets, folders, special };
}

/** SHA-256 of each regular file in a bundle (see scanBundle), keyed by relative path. */
export function bundleFiles(bundleDir: string): Record<string, string> {
  return scanBundle(bundleDir).files;
}

export function entryKey(bundle: string, files: Record<string, string>, policySha256: string, seed: number): string {
  return sha256Hex(JSON.stringify({ bundle, files, policySha256, seed, engineVersion: ENGINE_VERSION }));
}

/** The part of a journal line known before validating: where, what (hashes) and under which run. */
export type EntryBase = Pick<JournalEntry, 'schemaVersion' | 'bundle' | 'key' | 'seed' | 'policySha256' | 'engineVersion' | 'files'>;

export function entryBase(rel: string, files: Record<string, string>, opts: Pick<BatchOptions, 'seed' | 'policy'>): EntryBase {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    bundle: rel,
    key: entryKey(rel, files, opts.policy.sha256, opts.seed),
    seed: opts.seed,
    policySha256: opts.policy.sha256,
    engineVersion: ENGINE_VERSION,
    files,
  };
}

export function bundleDirOf(dir: string, rel: string): string {
  return rel === '.' ? dir : join(dir, rel);
}

/**
 * The id of a bundle that failed, for its journal line, when candidate.json can be read
 * safely: a regular file inside the bundle (never a FIFO, a device or a link leading out,
 * which would hang the batch or echo a foreign file), at most 1 MiB. Null otherwise.
 */
function idFromManifest(bundleDir: string): string | null {
  try {
    const file = join(bundleDir, 'candidate.json');
    const back = relative(realpathSync(bundleDir), realpathSync(file));
    if (back === '' || back.startsWith('..') || isAbsolute(back)) return null;
    const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const st = fstatSync(fd);
      if (!st.isFile() || st.size > 2 ** 20) return null;
      const buf = Buffer.alloc(st.size);
      let off = 0;
      while (off < buf.length) {
        const n = readSync(fd, buf, off, buf.length - off, off);
        if (n === 0) break;
        off += n;
      }
      const id = JSON.parse(buf.subarray(0, off).toString('utf8')).id;
      return typeof id === 'string' && id.length <= 200 ? id : null;
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
}

export function errorEntry(base: EntryBase, bundleDir: string, err: unknown): JournalEntry {
  const e = toGauntletError(err);
  return { ...base, id: idFromManifest(bundleDir), decision: 'ERROR', failedGates: [], gates: null, error: { code: e.code, message: e.message, exitCode: e.exitCode } };
}

/**
 * The line's hashes must be of the bytes that were validated: each input the validation
 * read (it hashes the very bytes it parses) is compared with the hash taken when the bundle
 * was listed. A difference means the file changed mid-run (or was swapped), and the line
 * becomes an exit-2 error instead of a decision about one file recorded under another's hash.
 */
function assertValidatedBytesMatch(base: EntryBase, bundleDir: string, report: Report): void {
  let root: string;
  try {
    root = realpathSync(bundleDir);
  } catch {
    root = bundleDir;
  }
  for (const input of report.provenance.inputs) {
    if (input.verified === false) continue; // a model artifact that was not there: nothing was read
    let key: string;
    try {
      key = posixRel(root, realpathSync(input.path));
    } catch {
      key = posixRel(bundleDir, input.path);
    }
    const listed = base.files[key];
    if (listed !== input.sha256) {
      throw new GauntletError(
        'E_BUNDLE_CHANGED',
        `${input.path}: changed while the batch was reading it (SHA-256 ${listed ?? 'absent'} when the bundle was listed, ${input.sha256} when validated); run the batch again (--resume) once the bundle is stable`,
      );
    }
  }
}

/** A candidate's journal line and, when asked for, its report JSON (null on an error line). */
export interface CandidateOutcome {
  entry: JournalEntry;
  report: string | null;
}

/**
 * Validate one bundle into its journal line; never throws (a malformed bundle or a crash
 * becomes the line's error). Runs wherever it is called: on the batch's thread with the
 * batch's pool, or inside a worker with an in-process executor (see CandidateTask).
 */
export async function journalEntryFor(
  base: EntryBase, dir: string, seed: number, policy: LoadedPolicy, executor: ShardExecutor, maxMemory?: number, registry?: GateRegistry,
): Promise<JournalEntry> {
  return (await candidateOutcome(base, dir, seed, policy, executor, maxMemory, registry, false)).entry;
}

/** journalEntryFor, keeping the validated report's JSON when `withReport`. */
export async function candidateOutcome(
  base: EntryBase, dir: string, seed: number, policy: LoadedPolicy, executor: ShardExecutor, maxMemory: number | undefined, registry: GateRegistry | undefined, withReport: boolean,
): Promise<CandidateOutcome> {
  const bundleDir = bundleDirOf(dir, base.bundle);
  try {
    const report = await validateBundle(bundleDir, { seed, executor, policy, maxMemory, registry });
    // The same schema and finiteness checks as `validate --json`: a line never carries a
    // NaN turned into null, and batch and validate agree on every bundle.
    const json = reportJson(report, registry);
    assertValidatedBytesMatch(base, bundleDir, report);
    // One entry per gate of the report, in its (registry) order.
    const gates: Record<string, JournalGate> = {};
    for (const [k, g] of Object.entries(report.gates)) {
      gates[k] = { enabled: g.enabled, advisory: g.advisory, value: g.value, gatedValue: g.gatedValue, pass: g.pass, reason: g.reason };
    }
    return { entry: { ...base, id: report.candidate.id, decision: report.decision, failedGates: report.failedGates, gates, error: null }, report: withReport ? json : null };
  } catch (err) {
    return { entry: errorEntry(base, bundleDir, err), report: null };
  }
}

/** A whole small candidate as one pool task (the worker's `candidate` export). */
export interface CandidateTask {
  base: EntryBase;
  dir: string;
  seed: number;
  policy: LoadedPolicy;
  maxMemory?: number;
  /** Return the report JSON too (for --html-dir). */
  withReport?: boolean;
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

/**
 * The first step of an item: its journal line at once (a folder that could not be listed,
 * a bundle that cannot be read or vanished), or its line's base and the scan of its files,
 * to be validated. Synchronous (hashes every file).
 */
export function scanItem(item: BatchItem, opts: Pick<BatchOptions, 'dir' | 'seed' | 'policy'>): { entry: JournalEntry } | { base: EntryBase; scan: BundleScan } {
  const rel = item.rel;
  const fallback = () => entryBase(rel, {}, opts);
  if (item.unlistable) return { entry: { ...fallback(), id: null, decision: 'ERROR', failedGates: [], gates: null, error: { code: item.unlistable.code, message: item.unlistable.message, exitCode: item.unlistable.exitCode } } };
  try {
    const scan = scanBundle(bundleDirOf(opts.dir, rel));
    return { base: entryBase(rel, scan.files, opts), scan };
  } catch (err) {
    // An unreadable or vanished bundle: still one line, keyed on what could be seen.
    return { entry: errorEntry(fallback(), bundleDirOf(opts.dir, rel), err) };
  }
}

/**
 * Validate a scanned bundle (`bytes`: its files' total size) into its journal line (and, with
 * `reports`, the validated report's JSON); never throws. `dir` holds the bundle at
 * `base.bundle`; `label` names it in a crash message. Used by the local batch and by the
 * queue worker on its private copy of a bundle.
 */
export async function validateScanned(
  base: EntryBase, dir: string, bytes: number, opts: Pick<BatchOptions, 'seed' | 'policy' | 'executor' | 'maxMemory' | 'registry' | 'reports'>, label: string = base.bundle,
): Promise<CandidateOutcome> {
  const ex = opts.executor;
  const withReport = opts.reports === true;
  if (ex instanceof PoolExecutor && bytes <= WHOLE_CANDIDATE_MAX_BYTES && opts.registry === undefined) {
    const task: CandidateTask = { base, dir, seed: opts.seed, policy: opts.policy, maxMemory: opts.maxMemory, withReport };
    try {
      return await ex.runNamed<CandidateOutcome>('candidate', task);
    } catch (err) {
      // The worker died mid-candidate (Piscina replaces it): this candidate fails with code 3.
      const e = toGauntletError(err);
      return { entry: errorEntry(base, bundleDirOf(dir, base.bundle), e.exitCode === 2 ? e : workerCrash(`candidate ${label}: ${e.message}`)), report: null };
    }
  }
  return candidateOutcome(base, dir, opts.seed, opts.policy, ex, opts.maxMemory, opts.registry, withReport);
}

async function processCandidate(item: BatchItem, opts: BatchOptions): Promise<CandidateOutcome> {
  const s = scanItem(item, opts);
  if ('entry' in s) return { entry: s.entry, report: null };
  return validateScanned(s.base, opts.dir, s.scan.bytes, opts);
}

/**
 * Run a batch: take the journal's lock, find the bundles, keep what --resume may keep, then
 * validate the rest into the journal. Throws (after releasing the lock) only for the batch
 * as a whole: a journal that cannot be locked, written or appended to, or an output inside
 * a bundle; a bad bundle is a line, never a throw.
 */
export async function runBatch(opts: BatchOptions): Promise<BatchSummary> {
  checkJournalTarget(opts.out);
  const lock = JournalLock.acquire(opts.out, opts.onNote);
  try {
    return await runLocked(opts);
  } finally {
    lock.release();
  }
}

function summarise(entries: JournalEntry[], total: number, kept: number, interruptedIn: BatchSummary['interruptedIn']): BatchSummary {
  const count = (pred: (e: JournalEntry) => boolean) => entries.filter(pred).length;
  return {
    total,
    resumed: kept,
    approved: count((e) => e.decision === 'APPROVED'),
    rejected: count((e) => e.decision === 'REJECTED'),
    malformed: count((e) => e.decision === 'ERROR' && e.error!.exitCode === 2),
    crashed: count((e) => e.decision === 'ERROR' && e.error!.exitCode !== 2),
    interrupted: interruptedIn !== null,
    interruptedIn,
    entries,
  };
}

async function runLocked(opts: BatchOptions): Promise<BatchSummary> {
  const walk = await walkBatchDir(opts.dir, opts.signal);
  // Interrupted while searching: the journal has not been touched.
  if (walk.interrupted) return summarise([], 0, 0, 'walk');
  const items = walk.items;
  const total = items.length;
  const bundleDirs = items.filter((i) => !i.unlistable).map((i) => bundleDirOf(opts.dir, i.rel));
  for (const o of [{ option: '--out', path: opts.out }, ...(opts.outputs ?? [])]) assertOutputOutsideInputs(o.option, o.path, { dirs: bundleDirs });
  const entries: JournalEntry[] = [];

  // Resume: keep the longest prefix of whole lines whose keys match the batch, in order.
  let kept = 0;
  if (opts.resume) {
    const lines = readJournalLines(opts.out);
    for (; kept < lines.length && kept < total; kept++) {
      // Hashing bundles is synchronous: let a signal in between them.
      await yieldToEventLoop();
      if (opts.signal?.aborted) return summarise([], total, 0, 'resume'); // journal untouched
      let entry: JournalEntry;
      try {
        entry = JSON.parse(lines[kept]);
      } catch {
        break;
      }
      const item = items[kept];
      if (entry.bundle !== item.rel || item.unlistable) break;
      // A crash (exit 3) says nothing about the candidate: validate it again on resume.
      if (entry.decision === 'ERROR' && entry.error?.exitCode === 3) break;
      let files: Record<string, string>;
      try {
        files = bundleFiles(bundleDirOf(opts.dir, item.rel));
      } catch {
        break; // unreadable now: validate it again (its line will say why)
      }
      if (entry.key !== entryKey(item.rel, files, opts.policy.sha256, opts.seed)) break;
      // A line of another report version (an older build's journal) is validated again, so a
      // journal never mixes versions.
      if (entry.schemaVersion !== REPORT_SCHEMA_VERSION) break;
      entries.push(entry);
    }
    rewriteJournal(opts.out, lines.slice(0, kept));
  }
  const writer = new JournalWriter(opts.out, !opts.resume);
  opts.onStart?.(total, kept);

  const lookahead = Math.max(2, opts.lookahead ?? opts.executor.workers + 1);
  const inflight: Promise<CandidateOutcome>[] = [];
  let next = kept;
  let interrupted = false;
  const aborted = new Promise<'aborted'>((resolve) => {
    if (opts.signal?.aborted) resolve('aborted');
    opts.signal?.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  const launch = () => {
    while (inflight.length < lookahead && next < total && !opts.signal?.aborted) inflight.push(opts.processItem ? opts.processItem(items[next++]).then((entry) => ({ entry, report: null })) : processCandidate(items[next++], opts));
  };
  try {
    launch();
    while (inflight.length > 0) {
      const head = inflight.shift()!;
      // Abandoned candidates still settle later: keep their rejections from going unhandled.
      head.catch(() => undefined);
      const outcome = await Promise.race([head, aborted]);
      if (outcome === 'aborted') {
        interrupted = true;
        break;
      }
      const got = outcome.entry;
      // A failed append (full disk, I/O error) throws E_FILE_WRITE: the batch stops here,
      // with the journal cut back to its whole lines, and never reports the rest as done.
      // Every line matches the published journal schema (`gauntlet schema journal`).
      const checked = journalEntrySchema.safeParse(got);
      if (!checked.success) throw internalError(`journal line for ${got.bundle} does not match its schema: ${checked.error.issues[0]?.message ?? ''}`);
      writer.append(JSON.stringify(got));
      entries.push(got);
      opts.onLine?.(got, entries.length, total, outcome.report);
      launch();
    }
  } finally {
    for (const p of inflight) p.catch(() => undefined);
    writer.close();
  }
  return summarise(entries, total, kept, interrupted ? 'run' : null);
}

/** Batch exit code: 130 if interrupted, else 3 if any crash, else 2 if any malformed bundle, else 1 if any rejection, else 0. */
export function batchExitCode(s: BatchSummary): number {
  if (s.interrupted) return 130;
  if (s.crashed > 0) return 3;
  if (s.malformed > 0) return 2;
  if (s.rejected > 0) return 1;
  return 0;
}
