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
 * host (SIGKILL, power loss) is recovered with a note.
 */
import { closeSync, constants, existsSync, fstatSync, fsyncSync, ftruncateSync, linkSync, openSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { resolveOutput, targetError, writeAll, writeError, writeFileAtomic } from './atomic.js';
import { GauntletError } from '../errors.js';
import { escapeJsonText } from '../escape.js';

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

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface LockOwner {
  pid: number;
  host: string;
}

function readOwner(lockFile: string): LockOwner | null | 'gone' {
  let text: string;
  try {
    text = readFileSync(lockFile, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : null;
  }
  const m = /^(\d+)(?: (.*))?\n?$/.exec(text);
  return m ? { pid: Number(m[1]), host: m[2] ?? '' } : null;
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

export class JournalLock {
  private held = true;
  private readonly onExit = () => this.release();
  private constructor(readonly file: string, private readonly content: string) {
    // Last resort (an uncaught error on the way out): never leave our own lock behind.
    process.on('exit', this.onExit);
  }

  /**
   * Take the journal's lock or throw E_JOURNAL_LOCKED. `note` receives one line when a
   * stale lock (its process gone) is taken over.
   */
  static acquire(journal: string, note: (line: string) => void = () => undefined): JournalLock {
    const lockFile = lockPathFor(journal);
    const host = hostname();
    const content = `${process.pid} ${host}\n`;
    for (let attempt = 0; attempt < 5; attempt++) {
      if (tryCreate(lockFile, content, journal)) return new JournalLock(lockFile, content);
      const owner = readOwner(lockFile);
      if (owner === 'gone') continue; // released between our attempt and the read: try again
      if (owner === null) {
        // Not a lock we can read: possibly one being created right now by the fallback path.
        let age = Infinity;
        try {
          age = Date.now() - statSync(lockFile).mtimeMs;
        } catch {
          continue;
        }
        if (age < 5000) throw locked(journal, lockFile, 'an unreadable lock');
      } else if (owner.host !== '' && owner.host !== host) {
        throw locked(journal, lockFile, `pid ${owner.pid} on host ${owner.host}`);
      } else if (owner.pid !== process.pid && alive(owner.pid)) {
        throw locked(journal, lockFile, `pid ${owner.pid}`);
      }
      // Stale: move it aside under a unique name, then check that what we moved is still
      // the stale lock (another batch may have recovered it and made its own meanwhile).
      const aside = `${lockFile}.${randomBytes(6).toString('hex')}.stale`;
      try {
        renameSync(lockFile, aside);
      } catch {
        continue; // someone else moved it first
      }
      const moved = readOwner(aside);
      const same = owner === null ? moved === null : moved !== null && moved !== 'gone' && moved.pid === owner.pid && moved.host === owner.host;
      if (!same) {
        // A live lock: put it back (unless a third process already holds the name).
        try {
          linkSync(aside, lockFile);
        } catch {
          /* the name is taken again: that holder wins */
        }
        try {
          unlinkSync(aside);
        } catch {
          /* best effort */
        }
        continue;
      }
      try {
        unlinkSync(aside);
      } catch {
        /* best effort */
      }
      note(`removed a stale lock ${lockFile} left by ${owner === null ? 'an unreadable owner' : `pid ${owner.pid}`}, which is no longer running`);
    }
    throw locked(journal, lockFile, 'another batch (the lock keeps changing hands)');
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    process.off('exit', this.onExit);
    try {
      // Only our own lock: never remove one a later batch took over.
      if (readFileSync(this.file, 'utf8') === this.content) unlinkSync(this.file);
    } catch {
      /* already gone */
    }
  }
}

function locked(journal: string, lockFile: string, who: string): GauntletError {
  return new GauntletError('E_JOURNAL_LOCKED', `${journal}: the journal is in use by another gauntlet batch (${who}, lock file ${lockFile}); wait for it to finish, or delete the lock file if no batch is running`);
}

/**
 * Create the lock with its content in one step: write a private temp file, then link(2) it
 * to the lock name, which fails with EEXIST if the name exists, so no reader ever sees a
 * half-written lock. Filesystems without hard links fall back to O_EXCL create + write.
 */
function tryCreate(lockFile: string, content: string, journal: string): boolean {
  const tmp = `${lockFile}.${randomBytes(6).toString('hex')}.tmp`;
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', 0o644);
  } catch (err) {
    throw writeError(journal, err, 'cannot create the journal lock');
  }
  try {
    writeAll(fd, Buffer.from(content));
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* best effort */
    }
    throw writeError(journal, err, 'cannot create the journal lock');
  }
  closeSync(fd);
  try {
    linkSync(tmp, lockFile);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV') throw writeError(journal, err, 'cannot create the journal lock');
    return createExclusive(lockFile, content, journal);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* best effort */
    }
  }
}

function createExclusive(lockFile: string, content: string, journal: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockFile, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw writeError(journal, err, 'cannot create the journal lock');
  }
  try {
    writeAll(fd, Buffer.from(content));
  } finally {
    closeSync(fd);
  }
  return true;
}
