/**
 * Every file Gauntlet writes goes through here (reports, the rewritten journal).
 *
 * What a target is decides how it is written:
 * - a regular file or a new path: atomically. A temp file with a random name is created
 *   exclusively (O_CREAT|O_EXCL, so it can never be an existing file, link or device) in
 *   the target's own folder, filled with checked writes (short writes looped), fsync'd,
 *   renamed over the target, and the folder fsync'd. A reader, a crash or a full disk leaves
 *   the old file or the whole new one, never half of it; on any failure the temp is removed.
 *   A symbolic link is followed, so the link stays and its target gets the new content.
 * - a FIFO or a character device (`/dev/null`, a terminal, a named pipe): written through,
 *   never replaced. Renaming a regular file over `/dev/null` would break the machine.
 * - `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`: written to that open
 *   descriptor, whatever it is (a pipe, a terminal or a file the shell redirected to), so
 *   the file a shell opened is appended to rather than swapped under it.
 * - a folder, an empty path, a missing folder, a block device or a socket: refused, exit 2.
 *
 * Write failures (ENOSPC, EIO, EACCES, ...) are E_FILE_WRITE, exit 2: they are problems of
 * the machine the user runs on, not faults in Gauntlet (exit 3), and never a success.
 */
import { closeSync, constants, fstatSync, fsyncSync, lstatSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync, fchmodSync, type Stats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import { GauntletError } from '../errors.js';

const ERRNO_TEXT: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'is a folder',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'name too long',
  EFBIG: 'file too large',
  EPIPE: 'the reader closed the pipe',
  ENXIO: 'no reader or device behind the path',
};

/** "ENOSPC: no space left on device" from a Node errno error (or its text). */
export function errnoText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (typeof code === 'string') return ERRNO_TEXT[code] ? `${code}: ${ERRNO_TEXT[code]}` : code;
  return err instanceof Error ? err.message : String(err);
}

/** A failed write: one line naming the file and the system's reason; exit 2. */
export function writeError(file: string, err: unknown, what = 'cannot write'): GauntletError {
  if (err instanceof GauntletError) return err;
  return new GauntletError('E_FILE_WRITE', `${file}: ${what} (${errnoText(err)})`);
}

export function targetError(file: string, problem: string): GauntletError {
  return new GauntletError('E_OUTPUT_TARGET', `${file === '' ? "''" : file}: ${problem}`);
}

/**
 * Write all of `buf` to `fd`: write(2) may write fewer bytes than asked (a full disk, a
 * signal, a pipe); loop until done, and treat a write of 0 bytes as an I/O error rather than
 * spinning. Errors propagate as thrown by writeSync.
 */
export function writeAll(fd: number, buf: Uint8Array): void {
  let off = 0;
  while (off < buf.length) {
    const n = writeSync(fd, buf, off, buf.length - off);
    if (n <= 0) throw Object.assign(new Error('write returned 0 bytes'), { code: 'EIO' });
    off += n;
  }
}

export type OutputKind =
  | { kind: 'atomic'; path: string; existing: Stats | null }
  | { kind: 'through'; path: string }
  | { kind: 'descriptor'; fd: number };

const FD_ALIAS = /^\/(?:dev\/(?:(stdout)|(stderr)|fd\/(\d+))|proc\/(?:self|(\d+))\/fd\/(\d+))$/;

/** The descriptor an fd alias path names (1 for /dev/stdout, ...), or null. */
function fdAlias(file: string): number | null {
  const m = FD_ALIAS.exec(normalize(resolve(file)));
  if (!m) return null;
  if (m[4] !== undefined && Number(m[4]) !== process.pid) return null; // another process's descriptors
  if (m[1]) return 1;
  if (m[2]) return 2;
  return Number(m[3] ?? m[5]);
}

function kindName(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  return 'not a regular file';
}

/**
 * Decide how `file` will be written, refusing what must not be written (exit 2). Called
 * before a long computation, so a bad target fails fast, and again when writing.
 */
export function resolveOutput(file: string): OutputKind {
  if (file === '') throw targetError(file, 'the output path is empty');
  const fd = fdAlias(file);
  if (fd !== null) return { kind: 'descriptor', fd };
  let st: Stats | null = null;
  try {
    st = statSync(file); // follows links: what matters is what the path leads to
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw targetError(file, `cannot use as output (${errnoText(err)})`);
  }
  if (st === null) {
    let isLink = false;
    try {
      isLink = lstatSync(file).isSymbolicLink();
    } catch {
      /* nothing there at all: a new file */
    }
    if (isLink) throw targetError(file, 'is a symbolic link to a missing file; give the real path');
    const dir = dirname(resolve(file));
    let dst: Stats;
    try {
      dst = statSync(dir);
    } catch (err) {
      throw targetError(file, `folder ${dir} does not exist (${errnoText(err)})`);
    }
    if (!dst.isDirectory()) throw targetError(file, `${dir} is not a folder`);
    return { kind: 'atomic', path: resolve(file), existing: null };
  }
  if (st.isFile()) {
    try {
      return { kind: 'atomic', path: realpathSync(file), existing: st };
    } catch (err) {
      throw targetError(file, `cannot use as output (${errnoText(err)})`); // removed meanwhile
    }
  }
  if (st.isFIFO() || st.isCharacterDevice()) return { kind: 'through', path: file };
  throw targetError(file, `is ${kindName(st)}; give a file path for the output`);
}

/** Write to an already-open descriptor (stdout and stderr through their streams, so order is kept). */
function writeDescriptor(fd: number, file: string, content: Buffer): void {
  if (fd === 1 || fd === 2) {
    // The streams handle EPIPE (a reader that went away) the same way as for '-'.
    (fd === 1 ? process.stdout : process.stderr).write(content);
    return;
  }
  try {
    writeAll(fd, content);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') return;
    throw writeError(file, err);
  }
}

/** A FIFO or device: open without creating or truncating, check what was opened, write. */
function writeThrough(file: string, content: Buffer): void {
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_NOCTTY);
  } catch (err) {
    throw writeError(file, err, 'cannot open for writing');
  }
  try {
    const st = fstatSync(fd);
    // Swapped for something else between the check and the open: refuse rather than guess.
    if (!st.isFIFO() && !st.isCharacterDevice()) throw targetError(file, `changed while being opened (now ${kindName(st)})`);
    writeAll(fd, content);
  } catch (err) {
    // A reader that closed its end early ends the output quietly, as for stdout.
    if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw writeError(file, err);
  } finally {
    try {
      closeSync(fd);
    } catch {
      /* nothing more to report about a descriptor we only wrote to */
    }
  }
}

/** Temp + rename, as described above. `target` is a resolved regular-file or new path. */
function writeAtomic(file: string, target: string, existing: Stats | null, content: Buffer): void {
  const dir = dirname(target);
  // Keep the temp name within NAME_MAX (255) whatever the target's name.
  const stem = `.${basename(target).slice(0, 200)}.`;
  let tmp = '';
  let fd = -1;
  for (let attempt = 0; fd < 0; attempt++) {
    tmp = join(dir, `${stem}${randomBytes(8).toString('hex')}.tmp`);
    try {
      fd = openSync(tmp, 'wx', 0o644);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && attempt < 8) continue;
      throw writeError(file, err);
    }
  }
  try {
    if (existing) fchmodSync(fd, existing.mode & 0o7777); // a replaced file keeps its permissions
    writeAll(fd, content);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, target);
  } catch (err) {
    if (fd >= 0) {
      try {
        closeSync(fd);
      } catch {
        /* the write error is the one to report */
      }
    }
    try {
      unlinkSync(tmp);
    } catch {
      /* already renamed or never created */
    }
    throw writeError(file, err);
  }
  fsyncFolder(dir, file);
}

/** Make a rename durable: fsync the folder (filesystems that cannot, EINVAL, are skipped). */
function fsyncFolder(dir: string, file: string): void {
  let dfd: number;
  try {
    dfd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  } catch {
    return; // an unreadable folder we could still write into: the file itself is whole
  }
  try {
    fsyncSync(dfd);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EBADF') throw writeError(file, err, 'written, but its folder could not be synced');
  } finally {
    closeSync(dfd);
  }
}

/** Write an output (report, summary) to whatever `file` is, by the rules above. */
export function writeOutput(file: string, content: string | Buffer): void {
  const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const out = resolveOutput(file);
  if (out.kind === 'descriptor') writeDescriptor(out.fd, file, buf);
  else if (out.kind === 'through') writeThrough(out.path, buf);
  else writeAtomic(file, out.path, out.existing, buf);
}

/** Atomic write to a regular file or a new path only (anything else is refused, exit 2). */
export function writeFileAtomic(file: string, content: string | Buffer): void {
  const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const out = resolveOutput(file);
  if (out.kind !== 'atomic') throw targetError(file, 'must be a regular file or a new path');
  writeAtomic(file, out.path, out.existing, buf);
}

/**
 * The real path `file` would be written at (its folder resolved, links followed), or null
 * when it cannot be resolved (the write itself will then say why).
 */
function realTarget(file: string): string | null {
  try {
    return realpathSync(file);
  } catch {
    try {
      return join(realpathSync(dirname(resolve(file))), basename(file));
    } catch {
      return null;
    }
  }
}

function isInside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel));
}

function sameFile(a: string, b: string): boolean {
  try {
    const sa = statSync(a), sb = statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino; // hard links too
  } catch {
    return false;
  }
}

/**
 * Refuse (exit 2) an output that would overwrite an input or land inside an input bundle
 * (a report written into the bundle would change the bundle's own hashes, and `--json
 * trades.csv` would destroy the data). Descriptor targets (/dev/stdout) never qualify.
 */
export function assertOutputOutsideInputs(option: string, file: string, inputs: { files?: (string | undefined)[]; dirs?: (string | undefined)[] }): void {
  if (fdAlias(file) !== null) return;
  const real = realTarget(file);
  if (real === null) return;
  for (const f of inputs.files ?? []) {
    if (f === undefined || f === '-') continue;
    const rf = realTarget(f);
    if (rf === real || sameFile(file, f)) throw targetError(file, `${option} would overwrite the input ${f}`);
  }
  for (const d of inputs.dirs ?? []) {
    if (d === undefined) continue;
    let rd: string;
    try {
      rd = realpathSync(d);
    } catch {
      continue; // a missing input is reported by its loader
    }
    if (isInside(rd, real)) throw targetError(file, `${option} is inside the input bundle ${d}; write outputs outside the bundle`);
  }
}

/** Whether two output paths name the same file (same resolved path, or same inode). */
export function sameOutput(a: string, b: string): boolean {
  if (a === b) return true;
  const ra = realTarget(a), rb = realTarget(b);
  return (ra !== null && ra === rb) || sameFile(a, b);
}
