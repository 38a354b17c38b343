/**
 * Option parsing and output helpers shared by the commands. Parsing is strict: a malformed
 * number is a usage error (exit 2), never a silent NaN.
 */
import { availableParallelism } from 'node:os';
import { usageError } from '../errors.js';
import { SMALL_JOB_WORK } from '../config/defaults.js';
import { OPTION_LIMITS, parseByteSize } from '../config/limits.js';
import { createExecutor, defaultWorkers, type ShardExecutor } from '../runtime.js';
import { assertOutputOutsideInputs, errnoText, resolveOutput, writeOutput } from '../io/atomic.js';
import { escapeJsonText } from '../escape.js';

let exitCode = 0;
/** A command's own outcome (0 approved, 1 rejected, ...), returned by main() after parsing. */
export function setExitCode(code: number): void {
  exitCode = code;
}
export function takeExitCode(): number {
  const c = exitCode;
  exitCode = 0;
  return c;
}

export function parseIntOption(name: string, raw: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^[+]?\d+$/.test(raw.trim())) throw usageError(`option ${name}: '${raw}' is not a whole number`);
  const v = Number(raw);
  if (v < min || v > max) throw usageError(`option ${name}: ${v} is out of range [${min}, ${max === Number.MAX_SAFE_INTEGER ? 'inf' : max}]`);
  return v;
}

export function parseNumberOption(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const s = raw.trim();
  const v = Number(s);
  if (s === '' || !Number.isFinite(v)) throw usageError(`option ${name}: '${raw}' is not a finite number`);
  return v;
}

export function parseChoice<T extends string>(name: string, raw: string | undefined, choices: readonly T[]): T | undefined {
  if (raw === undefined) return undefined;
  if (!(choices as readonly string[]).includes(raw)) throw usageError(`option ${name}: '${raw}' is not one of ${choices.join(', ')}`);
  return raw as T;
}

/**
 * `--workers N`: 0 = in-process (no pool), default = available cores. More than
 * OPTION_LIMITS.workersPerCore threads per available core only adds memory (each thread is a
 * V8 isolate) and contention, so the count is capped there with a one-line warning, not
 * refused: the results are identical for any worker count.
 */
export function resolveWorkers(raw: string | undefined): number {
  const asked = parseIntOption('--workers', raw, 0);
  if (asked === undefined) return defaultWorkers();
  const cores = availableParallelism();
  const cap = OPTION_LIMITS.workersPerCore * cores;
  if (asked > cap) {
    process.stderr.write(`gauntlet: warning: --workers ${asked} capped at ${cap} (${OPTION_LIMITS.workersPerCore} x ${cores} available core${cores === 1 ? '' : 's'})\n`);
    return cap;
  }
  return asked;
}

/**
 * `--max-memory SIZE` (2G, 512M, 1.5GiB or bytes): the budget every plan and loader is
 * checked against; undefined leaves the default (half the machine's memory).
 */
export function parseMaxMemory(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const v = parseByteSize(raw);
  if (v === null || v < 1) throw usageError(`option --max-memory: '${raw}' is not a size (e.g. 2G, 512M or a number of bytes)`);
  return v;
}


export function parseSeed(raw: string | undefined, fallback: number): number {
  return parseIntOption('--seed', raw, 0, 2 ** 32 - 1) ?? fallback;
}

/**
 * Threads start only for a gate run of at least this much shard work (default
 * SMALL_JOB_WORK); GAUNTLET_MIN_POOL_WORK overrides it (0 = always use the pool).
 */
export function minPoolWork(): number {
  const raw = process.env.GAUNTLET_MIN_POOL_WORK;
  if (raw === undefined || raw === '') return SMALL_JOB_WORK;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < 0) throw usageError(`GAUNTLET_MIN_POOL_WORK: '${raw}' is not a number >= 0`);
  return v;
}

/**
 * Run `fn` with an executor of `workers` threads and always tear the pool down. `signal`
 * lets work on this thread stop between shards (batch's SIGINT/SIGTERM).
 */
export async function withExecutor<T>(workers: number, fn: (ex: ShardExecutor) => Promise<T>, signal?: AbortSignal): Promise<T> {
  const ex = createExecutor(workers, { minPoolWork: minPoolWork(), signal });
  try {
    return await fn(ex);
  } finally {
    await ex.close();
  }
}

/**
 * `--json FILE|-`: '-' prints to stdout; anything else by the rules of writeOutput (atomic
 * for files, written through for FIFOs and devices). U+2028/U+2029, C1 and bidi controls are
 * written as \uXXXX escapes, as in the journal (same parsed value).
 */
export function emitJson(target: string, json: string): void {
  const text = escapeJsonText(json);
  if (target === '-') process.stdout.write(text);
  else writeOutput(target, text);
}

/**
 * Check a `--json` target before any work is done, so a folder, an empty path, a missing
 * folder or a path that would overwrite an input (or land inside an input bundle) fails in
 * a second with exit 2, not after the gates have run.
 */
export function checkJsonTarget(target: string | undefined, inputs: { files?: (string | undefined)[]; dirs?: (string | undefined)[] }): void {
  if (target === undefined || target === '-') return;
  resolveOutput(target);
  assertOutputOutsideInputs('--json', target, inputs);
}

/** Set once stdout failed for a reason other than a reader going away (then exit >= 2). */
let stdoutError: string | null = null;

/**
 * stdout/stderr failures. A reader that closes early (`gauntlet validate ... | head -1`)
 * makes writes fail with EPIPE: that is the reader's choice, not an error, so the command
 * ends quietly with its own exit code (the decision), never a stack trace. Any other stdout
 * failure (a full disk behind a redirect) is one line on stderr and exit 2: the summary was
 * not delivered, so it must never look like a success.
 */
export function installStdioGuards(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
    if (stdoutError === null) {
      stdoutError = errnoText(err);
      process.stderr.write(`gauntlet: error [E_FILE_WRITE]: stdout: cannot write (${stdoutError})\n`);
    }
    if (typeof process.exitCode !== 'number' || process.exitCode < 2) process.exitCode = 2;
  });
  // Nowhere left to report a stderr failure; it must not crash the run either.
  process.stderr.on('error', () => undefined);
}

/** The exit code to end with, given the command's own: at least 2 when stdout failed. */
export function finalExitCode(code: number): number {
  return stdoutError !== null && code < 2 ? 2 : code;
}

/** When the JSON goes to stdout, the human summary goes to stderr so stdout stays parseable. */
export function textStream(jsonTarget: string | undefined): NodeJS.WriteStream {
  return jsonTarget === '-' ? process.stderr : process.stdout;
}

export class Timings {
  private readonly start = performance.now();
  private readonly marks: [string, number][] = [];
  mark(label: string): void {
    this.marks.push([label, performance.now()]);
  }
  print(enabled: boolean): void {
    if (!enabled) return;
    let prev = this.start;
    for (const [label, t] of this.marks) {
      process.stderr.write(`timing: ${label} ${(t - prev).toFixed(1)} ms\n`);
      prev = t;
    }
    process.stderr.write(`timing: total ${(performance.now() - this.start).toFixed(1)} ms\n`);
  }
}
