/**
 * Every error Gauntlet reports is built here, so each has one code, one exit code and one
 * message shape (piscina's style: errors in one module, a test per message).
 *
 * Exit codes (README, "Exit codes"): 0 approved, 1 rejected, 2 bad input or usage,
 * 3 internal error.
 */

import { escapeText } from './escape.js';

export const ExitCode = {
  approved: 0,
  rejected: 1,
  badInput: 2,
  internal: 3,
  interrupted: 130,
} as const;

export type ErrorCode =
  | 'E_USAGE'
  | 'E_FILE_MISSING'
  | 'E_FILE_READ'
  | 'E_FILE_WRITE'
  | 'E_FILE_TYPE'
  | 'E_FILE_TOO_LARGE'
  | 'E_FILE_CHANGED'
  | 'E_RESOURCE_LIMIT'
  | 'E_ENCODING'
  | 'E_JSON_DUPLICATE_KEY'
  | 'E_JSON_PARSE'
  | 'E_SCHEMA'
  | 'E_PATH_OUTSIDE_BUNDLE'
  | 'E_HASH_MISMATCH'
  | 'E_CSV_HEADER'
  | 'E_CSV_QUOTE'
  | 'E_CSV_LINE_ENDING'
  | 'E_CSV_LINE_LENGTH'
  | 'E_CSV_COLUMN_MISSING'
  | 'E_CSV_COLUMN_DUPLICATE'
  | 'E_CSV_ROW_WIDTH'
  | 'E_CSV_VALUE'
  | 'E_CSV_DATE'
  | 'E_CSV_ORDER'
  | 'E_TOO_FEW_ROWS'
  | 'E_TOO_FEW_COLUMNS'
  | 'E_SELECTED_MISSING'
  | 'E_TRADE_VALUE'
  | 'E_OPTION'
  | 'E_PBO_INPUT'
  | 'E_PBO_ZERO_VARIANCE'
  | 'E_WF_INPUT'
  | 'E_MC_INPUT'
  | 'E_NON_FINITE'
  | 'E_OUTPUT_TARGET'
  | 'E_JOURNAL_LOCKED'
  | 'E_BUNDLE_CHANGED'
  | 'E_INTERRUPTED'
  | 'E_REGISTRY_MISSING'
  | 'E_REGISTRY_INVALID'
  | 'E_REGISTRY_EXISTS'
  | 'E_REGISTRY_LOCKED'
  | 'E_AUDIT_TAMPERED'
  | 'E_MODEL_UNKNOWN'
  | 'E_STAGE'
  | 'E_REPORT_MISMATCH'
  | 'E_CHAMPION_MISMATCH'
  | 'E_CHAMPION_STALE'
  | 'E_MONITOR_INPUT'
  | 'E_INTERNAL'
  | 'E_WORKER_CRASH'
  | 'E_QUEUE_URL'
  | 'E_QUEUE_AUTH'
  | 'E_QUEUE_REDIS'
  | 'E_QUEUE_PAYLOAD'
  | 'E_QUEUE_BLOB'
  | 'E_QUEUE_BLOB_TOO_LARGE'
  | 'E_QUEUE_RESULT';

export class GauntletError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  constructor(code: ErrorCode, message: string, exitCode: number = ExitCode.badInput) {
    // One line, always: file names, column names and cell text come from the user and may
    // hold newlines, escape sequences or Unicode line separators; show them escaped.
    super(escapeText(message));
    this.name = 'GauntletError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** Where in an input a problem was found; every part optional, rendered in a fixed order. */
export interface Location {
  file?: string;
  /** 1-based line of the file as an editor shows it (the header is line 1). */
  row?: number;
  /** A CSV column's name (rendered quoted). */
  column?: string;
  /** A 1-based column number, where there is no name: a JSON character column, an unnamed CSV field. */
  columnNumber?: number;
}

function where(loc: Location): string {
  const parts: string[] = [];
  if (loc.file !== undefined) parts.push(loc.file);
  if (loc.row !== undefined) parts.push(`line ${loc.row}`);
  if (loc.column !== undefined) parts.push(`column '${loc.column}'`);
  else if (loc.columnNumber !== undefined) parts.push(`column ${loc.columnNumber}`);
  return parts.length ? parts.join(', ') + ': ' : '';
}

/** Bad input at a location: exit 2. */
export function inputError(code: ErrorCode, loc: Location, problem: string): GauntletError {
  return new GauntletError(code, `${where(loc)}${problem}`, ExitCode.badInput);
}

export function usageError(problem: string): GauntletError {
  return new GauntletError('E_USAGE', problem, ExitCode.badInput);
}

export function optionError(option: string, problem: string): GauntletError {
  return new GauntletError('E_OPTION', `option ${option}: ${problem}`, ExitCode.badInput);
}

/** An output that could not be written (never E_FILE_READ): exit 2. */
export function writeError(file: string, problem: string): GauntletError {
  return new GauntletError('E_FILE_WRITE', `${file}: ${problem}`, ExitCode.badInput);
}

/**
 * A run whose plan (or input) exceeds a documented bound (--max-memory, the work limit, an
 * option's maximum): refused before allocating, exit 2, with the numbers in the message.
 */
export function resourceError(problem: string): GauntletError {
  return new GauntletError('E_RESOURCE_LIMIT', problem, ExitCode.badInput);
}

/**
 * The model registry and its lifecycle commands (docs/lifecycle.md): a registry that is
 * missing, invalid, locked or tampered with, an unknown model, a stage that does not allow the
 * request, a report or champion that does not match what it claims. Always exit 2: the request
 * or the registry is at fault, and nothing was changed.
 */
export function registryError(
  code: 'E_REGISTRY_MISSING' | 'E_REGISTRY_INVALID' | 'E_REGISTRY_EXISTS' | 'E_REGISTRY_LOCKED' | 'E_AUDIT_TAMPERED' | 'E_MODEL_UNKNOWN' | 'E_STAGE' | 'E_REPORT_MISMATCH' | 'E_CHAMPION_MISMATCH' | 'E_CHAMPION_STALE' | 'E_MONITOR_INPUT',
  problem: string,
): GauntletError {
  return new GauntletError(code, problem, ExitCode.badInput);
}

export function internalError(problem: string): GauntletError {
  return new GauntletError('E_INTERNAL', `internal error: ${problem}`, ExitCode.internal);
}

export function workerCrash(problem: string): GauntletError {
  return new GauntletError('E_WORKER_CRASH', `worker crashed: ${problem}`, ExitCode.internal);
}

/**
 * The queue (src/queue, docs/queue.md). Messages never carry a Redis password: URLs are shown
 * redacted (`redis://user:***@host:port/db`), and what the server or the client library says
 * is passed through the redactor too.
 */
export const queueErrors = {
  /** A --queue / GAUNTLET_REDIS_URL value that is not a Redis URL: exit 2. */
  url: (source: string, problem: string) => new GauntletError('E_QUEUE_URL', `${source}: ${problem} (expected redis://[user:password@]host[:port][/db] or rediss://...)`, ExitCode.badInput),
  /** Redis refused the credentials: exit 2 (the user's URL, not a fault of Gauntlet). */
  auth: (display: string, problem: string) => new GauntletError('E_QUEUE_AUTH', `${display}: Redis refused the credentials (${problem}); check the user and password in the URL`, ExitCode.badInput),
  /** Redis unreachable at the start, or lost for longer than the timeout: exit 3. */
  redis: (display: string, problem: string) => new GauntletError('E_QUEUE_REDIS', `${display}: ${problem}`, ExitCode.internal),
  /** A job whose payload fails its schema (a line of its candidate, exit 3). */
  payload: (jobId: string, problem: string) => new GauntletError('E_QUEUE_PAYLOAD', `job ${jobId}: ${problem}`, ExitCode.internal),
  /** A blob missing from Redis or whose bytes do not hash to its key (a line of its candidate, exit 3). */
  blob: (sha256: string, file: string, problem: string) => new GauntletError('E_QUEUE_BLOB', `blob ${sha256} (${file}): ${problem}`, ExitCode.internal),
  /** A bundle file above the per-blob cap (a line of its candidate, exit 2: a documented limit). */
  blobTooLarge: (file: string, bytes: number, cap: number) =>
    new GauntletError('E_QUEUE_BLOB_TOO_LARGE', `${file}: ${bytes} bytes is above the queue's blob limit of ${cap} bytes (--max-blob); validate this bundle with a local batch, or raise --max-blob (at most 512 MiB, Redis's largest string)`, ExitCode.badInput),
  /** A job result that fails its schema (a line of its candidate, exit 3). */
  result: (jobId: string, problem: string) => new GauntletError('E_QUEUE_RESULT', `job ${jobId}: the worker's result ${problem}`, ExitCode.internal),
};

/**
 * V8's own messages when an allocation is refused: a typed array or string beyond its
 * maximum, or the machine out of memory for an ArrayBuffer. The budget checks run before the
 * big allocations, so these are a last line of defence: a run too large for this machine is
 * a resource limit (exit 2), not an internal fault.
 */
const ALLOCATION_FAILURE = /^(Array buffer allocation failed|Invalid typed array length|Invalid array length|Invalid string length|Array buffer exceeds maximum size)/;

/** Normalise anything thrown into a GauntletError (unknown errors are internal, exit 3). */
export function toGauntletError(err: unknown): GauntletError {
  if (err instanceof GauntletError) return err;
  if (err instanceof RangeError && ALLOCATION_FAILURE.test(err.message)) {
    return resourceError(`out of memory: ${err.message} (lower the work, e.g. fewer paths or combinations, or raise --max-memory only if the machine has the memory)`);
  }
  // Errors cloned back from a worker thread lose their class but keep name/code/message.
  if (err && typeof err === 'object') {
    const e = err as { name?: string; code?: string; message?: string; exitCode?: number };
    if (e.name === 'GauntletError' && typeof e.code === 'string' && typeof e.message === 'string') {
      return new GauntletError(e.code as ErrorCode, e.message, e.exitCode ?? ExitCode.internal);
    }
    if (typeof e.message === 'string') return internalError(e.message);
  }
  return internalError(String(err));
}
