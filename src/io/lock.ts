/**
 * An exclusive lock file shared by every writer that must be alone: the batch journal
 * (`<journal>.lock`, src/io/journal.ts) and the model registry (`<registry>/registry.lock`,
 * src/lifecycle/registry.ts).
 *
 * The lock file holds its owner's pid and host (`<pid> <host>\n`). It is created with its
 * content in one step (a private temp file hard-linked to the lock name, which fails with
 * EEXIST when the name is taken), so no reader ever sees a half-written lock. A second taker is
 * refused with the error its caller builds (E_JOURNAL_LOCKED, E_REGISTRY_LOCKED: exit 2). A lock
 * left by a process that no longer runs on this host (SIGKILL, power loss) is stale: it is moved
 * aside under a unique name, checked to still be the stale one (another process may have
 * recovered it and made its own meanwhile), removed, and reported through `note`. A lock from
 * another host is never judged stale (its pid means nothing here).
 */
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { GauntletError } from '../errors.js';
import { writeAll, writeError } from './atomic.js';

export interface LockSpec {
  /** The lock file's path. */
  lockFile: string;
  /** What a write failure names (the journal, the registry folder). */
  subject: string;
  /** What is being locked, in a write failure: "the journal lock". */
  what: string;
  /** The refusal when someone else holds the lock; `who` says who ("pid 123", "pid 9 on host h"). */
  locked: (who: string) => GauntletError;
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface LockOwner {
  pid: number;
  host: string;
}

/** The owner a lock file names; null when it cannot be read as one, 'gone' when it does not exist. */
export function readLockOwner(lockFile: string): LockOwner | null | 'gone' {
  let text: string;
  try {
    text = readFileSync(lockFile, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : null;
  }
  const m = /^(\d+)(?: (.*))?\n?$/.exec(text);
  return m ? { pid: Number(m[1]), host: m[2] ?? '' } : null;
}

export class ExclusiveLock {
  private held = true;
  private readonly onExit = () => this.release();
  protected constructor(readonly file: string, private readonly content: string) {
    // Last resort (an uncaught error on the way out): never leave our own lock behind.
    process.on('exit', this.onExit);
  }

  /**
   * Take the lock or throw `spec.locked(...)`. `note` receives one line when a stale lock (its
   * process gone) is taken over.
   */
  static acquire(spec: LockSpec, note: (line: string) => void = () => undefined): ExclusiveLock {
    const { lockFile } = spec;
    const host = hostname();
    const content = `${process.pid} ${host}\n`;
    for (let attempt = 0; attempt < 5; attempt++) {
      if (tryCreate(spec, content)) return new ExclusiveLock(lockFile, content);
      const owner = readLockOwner(lockFile);
      if (owner === 'gone') continue; // released between our attempt and the read: try again
      if (owner === null) {
        // Not a lock we can read: possibly one being created right now by the fallback path.
        let age = Infinity;
        try {
          age = Date.now() - statSync(lockFile).mtimeMs;
        } catch {
          continue;
        }
        if (age < 5000) throw spec.locked('an unreadable lock');
      } else if (owner.host !== '' && owner.host !== host) {
        throw spec.locked(`pid ${owner.pid} on host ${owner.host}`);
      } else if (owner.pid !== process.pid && processAlive(owner.pid)) {
        throw spec.locked(`pid ${owner.pid}`);
      }
      // Stale: move it aside under a unique name, then check that what we moved is still
      // the stale lock (another process may have recovered it and made its own meanwhile).
      const aside = `${lockFile}.${randomBytes(6).toString('hex')}.stale`;
      try {
        renameSync(lockFile, aside);
      } catch {
        continue; // someone else moved it first
      }
      const moved = readLockOwner(aside);
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
    throw spec.locked('another process (the lock keeps changing hands)');
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    process.off('exit', this.onExit);
    try {
      // Only our own lock: never remove one a later holder took over.
      if (readFileSync(this.file, 'utf8') === this.content) unlinkSync(this.file);
    } catch {
      /* already gone */
    }
  }
}

/**
 * Create the lock with its content in one step: write a private temp file, then link(2) it
 * to the lock name, which fails with EEXIST if the name exists, so no reader ever sees a
 * half-written lock. Filesystems without hard links fall back to O_EXCL create + write.
 */
function tryCreate(spec: LockSpec, content: string): boolean {
  const { lockFile } = spec;
  const tmp = `${lockFile}.${randomBytes(6).toString('hex')}.tmp`;
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', 0o644);
  } catch (err) {
    throw writeError(spec.subject, err, `cannot create ${spec.what}`);
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
    throw writeError(spec.subject, err, `cannot create ${spec.what}`);
  }
  closeSync(fd);
  try {
    linkSync(tmp, lockFile);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV') throw writeError(spec.subject, err, `cannot create ${spec.what}`);
    return createExclusive(spec, content);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* best effort */
    }
  }
}

function createExclusive(spec: LockSpec, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(spec.lockFile, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw writeError(spec.subject, err, `cannot create ${spec.what}`);
  }
  try {
    writeAll(fd, Buffer.from(content));
  } finally {
    closeSync(fd);
  }
  return true;
}
