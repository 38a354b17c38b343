/**
 * The candidate bundle (docs/formats.md, "Candidate bundle"): candidate.json + returns.csv + trades.csv [+ model
 * artifact]. Loads and validates everything once, into shared buffers, and records each
 * input's path, SHA-256 and shape for the report's provenance.
 */
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { GauntletError, inputError } from '../errors.js';
import { defaultMaxMemory, FILE_LIMITS, OPTION_LIMITS } from '../config/limits.js';
import { hashInput, isInside, readInput, type Containment } from './input_file.js';
import { parseJsonStrict } from './json.js';
import { readReturnsCsv } from './returns_csv.js';
import { readTradesCsv } from './trades_csv.js';
import type { ReturnsMatrix, Trades } from './types.js';
import { zodOneLine } from './zod_message.js';

/** A path inside the bundle, as candidate.json writes it (a NUL byte can name no file). */
const bundlePathSchema = z.string().min(1).max(4096).refine((p) => !p.includes('\0'), { message: 'a path cannot contain a NUL character' });

export const candidateSchema = z
  .strictObject({
    id: z.string().min(1).max(200),
    createdAt: z.iso.datetime({ offset: true }),
    returns: bundlePathSchema,
    trades: bundlePathSchema,
    selected: z.string().min(1),
    periodsPerYear: z.number().positive().max(OPTION_LIMITS.periodsPerYear),
    tradeUnit: z.enum(['return', 'pnl']),
    initialEquity: z.number().positive().max(OPTION_LIMITS.currency).optional(),
    model: z
      .strictObject({
        artifact: bundlePathSchema,
        sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits'),
      })
      .optional(),
  })
  .refine((c) => c.tradeUnit !== 'pnl' || c.initialEquity !== undefined, {
    message: "tradeUnit 'pnl' needs initialEquity (pnl trades add to it)",
    path: ['initialEquity'],
  });

export type CandidateManifest = z.infer<typeof candidateSchema>;

export interface InputRecord {
  role: 'candidate' | 'returns' | 'trades' | 'model';
  path: string;
  sha256: string;
  bytes: number;
  rows?: number;
  columns?: number;
  /** Model artifact only: its hash was checked (always true: a declared artifact must be present). */
  verified?: boolean;
}

export interface Candidate {
  dir: string;
  manifest: CandidateManifest;
  returns: ReturnsMatrix;
  trades: Trades;
  /** Index of `selected` among the returns columns. */
  selectedIndex: number;
  inputs: InputRecord[];
  warnings: string[];
}

/**
 * The bundle directory: it must exist and be a directory. Its real path anchors containment
 * for every file the bundle names, so a bundle reached through a symbolic link still works.
 */
function bundleRoot(dir: string): string {
  let st;
  try {
    st = statSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw inputError('E_FILE_MISSING', { file: dir }, 'bundle directory not found');
    throw inputError('E_FILE_READ', { file: dir }, `cannot read the bundle directory (${code ?? String(err)})`);
  }
  if (!st.isDirectory()) throw inputError('E_FILE_TYPE', { file: dir }, 'is not a directory (a candidate bundle is a directory holding candidate.json)');
  try {
    return realpathSync(dir);
  } catch (err) {
    throw inputError('E_FILE_READ', { file: dir }, `cannot resolve the bundle directory (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/**
 * A file named in candidate.json: refuses an absolute path or one that climbs out of the
 * bundle (checked on the text, before touching the file system), and returns the path with
 * the containment rule the opener applies to its real path (symbolic links included).
 */
function bundleFile(dir: string, realDir: string, manifestFile: string, key: string, rel: string): { path: string; within: Containment } {
  const problem = `"${key}": "${rel}" is outside the bundle directory (paths must stay inside ${dir})`;
  if (isAbsolute(rel)) throw inputError('E_PATH_OUTSIDE_BUNDLE', { file: manifestFile }, problem);
  const back = relative(resolve(dir), resolve(dir, rel));
  if (back === '' || back === '..' || back.startsWith('..' + sep) || isAbsolute(back)) {
    throw inputError('E_PATH_OUTSIDE_BUNDLE', { file: manifestFile }, problem);
  }
  return {
    path: join(dir, rel),
    within: { realDir, outside: () => inputError('E_PATH_OUTSIDE_BUNDLE', { file: manifestFile }, `"${key}": "${rel}" links outside the bundle directory`) },
  };
}

/** candidate.json itself, under the same rule: a link to a file outside the bundle is refused unread. */
function manifestWithin(realDir: string, manifestFile: string): Containment {
  return { realDir, outside: () => inputError('E_PATH_OUTSIDE_BUNDLE', { file: manifestFile }, 'links outside the bundle directory (candidate.json must be a file of the bundle)') };
}

export interface LoadOptions {
  /** Memory budget in bytes for the loaded data (--max-memory; default half the machine's memory). */
  maxMemory?: number;
}

/**
 * Load and validate a bundle: every file opened once (regular files only, size limits from
 * fstat, containment of real paths), each CSV parsed and hashed from the same bytes in one
 * streaming pass. The single place these rules live: `validate` and `batch` both load
 * through here. O(bundle bytes).
 */
export function loadCandidate(dir: string, opts: LoadOptions = {}): Candidate {
  const realDir = bundleRoot(dir);
  const maxMemory = opts.maxMemory ?? defaultMaxMemory();
  const manifestFile = join(dir, 'candidate.json');
  const manifestIn = readInput(manifestFile, { limit: FILE_LIMITS.json, limitName: 'JSON inputs', within: manifestWithin(realDir, manifestFile) });
  const parsed = candidateSchema.safeParse(parseJsonStrict(manifestFile, manifestIn.bytes));
  if (!parsed.success) throw inputError('E_SCHEMA', { file: manifestFile }, `invalid candidate manifest: ${zodOneLine(parsed.error)}`);
  const manifest = parsed.data;
  const warnings: string[] = [];

  const returnsAt = bundleFile(dir, realDir, manifestFile, 'returns', manifest.returns);
  const tradesAt = bundleFile(dir, realDir, manifestFile, 'trades', manifest.trades);
  const modelAt = manifest.model ? bundleFile(dir, realDir, manifestFile, 'model.artifact', manifest.model.artifact) : null;
  const returnsIn = readReturnsCsv(returnsAt.path, { minColumns: 2, maxMemory, within: returnsAt.within });
  const returns = returnsIn.matrix;
  const selectedIndex = returns.columns.indexOf(manifest.selected);
  if (selectedIndex < 0) {
    const shown = returns.columns.slice(0, 8).join(', ') + (returns.columns.length > 8 ? `, ... (${returns.columns.length} columns)` : '');
    throw inputError('E_SELECTED_MISSING', { file: manifestFile }, `"selected": "${manifest.selected}" is not a column of ${returnsAt.path} (columns: ${shown})`);
  }
  // The trades' memory counts against what the matrix left of the budget.
  const tradesIn = readTradesCsv(tradesAt.path, manifest.tradeUnit, { maxMemory: Math.max(0, maxMemory - returns.T * returns.N * 8), within: tradesAt.within });
  // The few-trades warning is the win-rate gate's to give (it owns the trade count statistic).

  const inputs: InputRecord[] = [
    { role: 'candidate', path: manifestFile, sha256: manifestIn.sha256, bytes: manifestIn.bytes.length },
    { role: 'returns', path: returnsAt.path, sha256: returnsIn.sha256, bytes: returnsIn.bytes, rows: returns.T, columns: returns.N },
    { role: 'trades', path: tradesAt.path, sha256: tradesIn.sha256, bytes: tradesIn.bytes, rows: tradesIn.trades.n },
  ];

  if (manifest.model && modelAt) {
    // Declared means required: an artifact that is missing, a dangling link or not a regular
    // file cannot be the model that was validated.
    const expected = manifest.model.sha256.toLowerCase();
    let got: { sha256: string; bytes: number };
    try {
      got = hashInput(modelAt.path, { limit: FILE_LIMITS.artifact, limitName: 'model artifacts', within: modelAt.within });
    } catch (err) {
      if (err instanceof GauntletError && err.code === 'E_FILE_MISSING') {
        throw new GauntletError(err.code, `${err.message}: a model artifact declared in candidate.json must be a file of the bundle`, err.exitCode);
      }
      throw err;
    }
    if (got.sha256 !== expected) {
      throw inputError('E_HASH_MISMATCH', { file: modelAt.path }, `SHA-256 is ${got.sha256} but candidate.json says ${expected}: the artifact is not the model that was validated`);
    }
    inputs.push({ role: 'model', path: modelAt.path, sha256: got.sha256, bytes: got.bytes, verified: true });
  }
  return { dir, manifest, returns, trades: tradesIn.trades, selectedIndex, inputs, warnings };
}

/**
 * SHA-256 of each input a loaded candidate was validated from, keyed by its path relative to
 * the bundle (posix separators): what a batch compares with the hashes it keyed the bundle
 * on, to notice a file that changed between the two reads.
 */
export function inputHashesByRelativePath(c: Candidate): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of c.inputs) out[relative(c.dir, i.path).split(sep).join('/')] = i.sha256;
  return out;
}

/**
 * The candidate's `id` for a journal line whose bundle failed to load, read under the same
 * rules as loadCandidate (inside the bundle, a regular file, size limit, strict JSON); null
 * when it cannot be read that way. Never throws.
 */
export function readManifestId(dir: string): string | null {
  try {
    const realDir = bundleRoot(dir);
    const manifestFile = join(dir, 'candidate.json');
    const { bytes } = readInput(manifestFile, { limit: FILE_LIMITS.json, limitName: 'JSON inputs', within: manifestWithin(realDir, manifestFile) });
    const doc = parseJsonStrict(manifestFile, bytes) as { id?: unknown } | null;
    const id = doc && typeof doc === 'object' && !Array.isArray(doc) ? doc.id : undefined;
    return typeof id === 'string' && id.length >= 1 && id.length <= 200 ? id : null;
  } catch {
    return null;
  }
}

/**
 * SHA-256 of every regular file of a bundle, by relative path (posix separators, sorted):
 * the batch journal's `files` and resume key. The same rules as loadCandidate, so nothing a
 * bundle cannot name is ever opened: only what resolves inside the bundle is visited (a
 * symbolic link to a file or folder outside it, or a dangling one, is skipped, never
 * followed); each real folder is walked once (device + inode), so a link loop cannot repeat
 * it; FIFOs, devices and sockets are skipped unopened. A file the candidate does use is then
 * refused by loadCandidate with its own message. Files are hashed in fixed chunks.
 * O(bundle bytes).
 */
export function bundleFileHashes(dir: string): Record<string, string> {
  const realDir = bundleRoot(dir);
  const out: Record<string, string> = {};
  const fsCall = <T>(p: string, f: () => T): T => {
    try {
      return f();
    } catch (err) {
      throw inputError('E_FILE_READ', { file: p }, `cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  };
  const seen = new Set<string>();
  const walk = (d: string) => {
    const st = fsCall(d, () => statSync(d));
    const id = `${st.dev}:${st.ino}`;
    if (seen.has(id)) return;
    seen.add(id);
    for (const name of fsCall(d, () => readdirSync(d)).sort()) {
      const p = join(d, name);
      const lst = fsCall(p, () => lstatSync(p));
      let target = lst;
      if (lst.isSymbolicLink()) {
        try {
          if (!isInside(realDir, realpathSync(p))) continue;
          target = statSync(p);
        } catch {
          continue; // dangling or a loop: not a file of this bundle
        }
      }
      if (target.isDirectory()) {
        walk(p);
        continue;
      }
      if (!target.isFile()) continue;
      const rel = relative(dir, p).split(sep).join('/');
      const within: Containment = { realDir, outside: () => inputError('E_PATH_OUTSIDE_BUNDLE', { file: p }, 'links outside the bundle directory') };
      out[rel] = hashInput(p, { limit: FILE_LIMITS.artifact, limitName: 'bundle files', within }).sha256;
    }
  };
  walk(dir);
  return out;
}
