/**
 * The batch journal (JSON Lines). "Nothing lost": each line is appended on an O_APPEND
 * descriptor with checked writes (a short write is continued, never ignored) and fsync'd
 * before the candidate counts as done, so a crash or SIGKILL leaves whole lines only. A
 * failed append (a full disk, an I/O error) cuts the file back to its last whole line and
 * stops the batch with E_FILE_WRITE (exit 2). On resume, a torn tail and any lines that no
 * longer match the batch are cut off by rewriting the kept prefix atomically (temp + rename).
 *
 * Lines are JSON.stringify output with U+2028/U+2029/U+0085 and the other C1 and bidi
 * controls written as \uXXXX escapes (see src/escape.ts), so any line splitter sees exactly
 * one line per record.
 *
 * One writer per journal: `JournalLock` holds `<journal>.lock` (created exclusively, holding
 * the owner's pid and host) for the batch's lifetime. A second batch on the same journal is
 * refused (E_JOURNAL_LOCKED, exit 2); a lock left by a process that no longer runs on this
 * host (SIGKILL, power loss) is recovered with a note (the lock itself: src/io/lock.ts, shared
 * with the model registry).
 */
import { closeSync, constants, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { resolveOutput, targetError, writeAll, writeError, writeFileAtomic } from './atomic.js';
import { GauntletError } from '../errors.js';
import { escapeJsonText } from '../escape.js';
import { ExclusiveLock } from './lock.js';

/** The journal must be a regular file or a new path (never a FIFO, a device or a folder). */
export function checkJournalTarget(file: string): void {
  const out = resolveOutput(file);
  if (out.kind !== 'atomic') throw targetError(file, '--out must be a regular file or a new path (the journal is appended to, locked and rewritten on --resume)');
}

export class JournalWriter {
  private fd: number;
  constructor(readonly file: string, truncate: boolean) {
    checkJournalTarget(file);
    try {
      // O_APPEND without O_TRUNC: the target is checked first and truncated only once it is
      // known to be a regular file.
      this.fd = openSync(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o644);
    } catch (err) {
      throw writeError(file, err, 'cannot open the journal for writing');
    }
    try {
      if (!fstatSync(this.fd).isFile()) throw targetError(file, 'changed into something other than a regular file while being opened');
      if (truncate) ftruncateSync(this.fd, 0);
    } catch (err) {
      closeSync(this.fd);
      throw writeError(file, err, 'cannot start the journal');
    }
  }
  /**
   * Append one JSON line (written whole, then fsync'd). On failure the partial tail is cut
   * off, so the journal keeps whole lines only, and E_FILE_WRITE is thrown.
   */
  append(line: string): void {
    if (line.includes('\n')) throw new Error('journal line must not contain a newline');
    const buf = Buffer.from(escapeJsonText(line) + '\n', 'utf8');
    let before = -1;
    try {
      before = fstatSync(this.fd).size;
      writeAll(this.fd, buf);
      fsyncSync(this.fd);
    } catch (err) {
      if (before >= 0) {
        try {
          ftruncateSync(this.fd, before);
        } catch {
          /* the resume reader drops a torn tail anyway */
        }
      }
      throw writeError(this.file, err, 'cannot append to the journal');
    }
  }
  close(): void {
    closeSync(this.fd);
  }
}

/** The journal's complete lines (a torn final fragment without its newline is dropped). */
export function readJournalLines(file: string): string[] {
  if (!existsSync(file)) return [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new GauntletError('E_FILE_READ', `${file}: cannot read the journal to resume (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const parts = text.split('\n');
  parts.pop(); // '' after the last newline, or a torn fragment
  return parts;
}

/** Keep exactly `lines` (each whole, newline-terminated), atomically. */
export function rewriteJournal(file: string, lines: string[]): void {
  writeFileAtomic(file, lines.map((l) => l + '\n').join(''));
}

/** The lock file beside the journal's real path, so two spellings of one journal share it. */
export function lockPathFor(journal: string): string {
  let real: string;
  try {
    real = realpathSync(journal);
  } catch {
    try {
      real = join(realpathSync(dirname(resolve(journal))), basename(journal));
    } catch {
      real = resolve(journal);
    }
  }
  return `${real}.lock`;
}

/**
 * The journal's lock (`<journal>.lock`): the shared exclusive lock (src/io/lock.ts) with the
 * journal's refusal, E_JOURNAL_LOCKED.
 */
export class JournalLock {
  /**
   * Take the journal's lock or throw E_JOURNAL_LOCKED. `note` receives one line when a
   * stale lock (its process gone) is taken over.
   */
  static acquire(journal: string, note: (line: string) => void = () => undefined): ExclusiveLock {
    const lockFile = lockPathFor(journal);
    return ExclusiveLock.acquire({ lockFile, subject: journal, what: 'the journal lock', locked: (who) => locked(journal, lockFile, who) }, note);
  }
}

function locked(journal: string, lockFile: string, who: string): GauntletError {
  return new GauntletError('E_JOURNAL_LOCKED', `${journal}: the journal is in use by another gauntlet batch (${who}, lock file ${lockFile}); wait for it to finish, or delete the lock file if no batch is running`);
}
