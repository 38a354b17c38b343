/**
 * The one way an input file is opened and read (candidate bundles, policies, champion
 * manifests, the per-gate commands' CSVs): each input is opened once, must be a regular
 * file, is size-checked from fstat before a byte is read, and is hashed from exactly the
 * bytes its parser receives (the same `read` calls feed both), so a report's SHA-256 is
 * always that of the data that was validated.
 *
 * Order of checks, and why:
 * 1. stat the path (following links) and refuse anything that is not a regular file WITHOUT
 *    opening it: opening a FIFO blocks until a writer comes, reading /dev/zero never ends,
 *    and opening some devices has side effects.
 * 2. Containment (bundle files): the path's real path must lie inside the bundle's real path,
 *    checked before opening, so nothing outside the bundle is ever opened or read.
 * 3. open(O_RDONLY | O_NONBLOCK | O_NOCTTY): even if the path was swapped for a FIFO after
 *    step 1, open returns at once instead of hanging.
 * 4. fstat the descriptor: it must be a regular file and the same file (device + inode) that
 *    step 1 saw, else the path changed in between (E_FILE_CHANGED). On Linux the descriptor's
 *    own path (/proc/self/fd) is checked against the bundle again. From here on every byte
 *    comes from this descriptor, so later renames of the path cannot change what is read.
 * 5. The size limit, from fstat, with the limit in the message.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, readlinkSync, realpathSync, statSync, type Stats } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import { isAbsolute, relative, sep } from 'node:path';
import { GauntletError, inputError } from '../errors.js';
import { formatBytes } from '../config/limits.js';

/** Where a bundle file must stay, and how to word a refusal. */
export interface Containment {
  /** The bundle directory's real path (realpathSync). */
  realDir: string;
  /** The error for a file whose real path leaves the bundle. */
  outside: () => GauntletError;
}

export interface OpenOptions {
  /** Largest size accepted, in bytes, checked from fstat before reading. */
  limit: number;
  /** What the limit is for, in the message: "JSON inputs", "CSV inputs", ... */
  limitName: string;
  /** For files inside a candidate bundle: the containment rule. */
  within?: Containment;
  /** Hash what is read (default true; the per-gate commands, which report no hashes, skip it). */
  hash?: boolean;
}

function errnoOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException)?.code;
}

/** A file type in words, for "is a FIFO, expected a regular file". */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Whether `real` is `realDir` itself or lies beneath it (both real paths). */
export function isInside(realDir: string, real: string): boolean {
  const back = relative(realDir, real);
  return back !== '' && back !== '..' && !back.startsWith('..' + sep) && !isAbsolute(back);
}

/** stat(path) with every failure turned into a one-line input error. */
function statInput(file: string): Stats {
  try {
    return statSync(file);
  } catch (err) {
    const code = errnoOf(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      let link = false;
      try {
        link = lstatSync(file).isSymbolicLink();
      } catch {
        /* not there at all */
      }
      throw inputError('E_FILE_MISSING', { file }, link ? 'dangling symbolic link (its target does not exist)' : 'file not found');
    }
    if (code === 'ELOOP') throw inputError('E_FILE_TYPE', { file }, 'symbolic link loop, expected a regular file');
    if (code === 'EACCES' || code === 'EPERM') throw inputError('E_FILE_READ', { file }, 'permission denied');
    if (code === 'ENAMETOOLONG') throw inputError('E_FILE_READ', { file }, 'path too long');
    if (code === 'ERR_INVALID_ARG_VALUE' || code === 'ERR_INVALID_ARG_TYPE') throw inputError('E_FILE_READ', { file }, 'not a valid path (it contains a NUL character)');
    throw inputError('E_FILE_READ', { file }, `cannot read file (${code ?? String(err)})`);
  }
}

/**
 * An input opened for reading under the rules above. `read` hashes every byte it returns;
 * `finish` checks that exactly the fstat size was read and returns the SHA-256.
 */
export class InputFile {
  readonly file: string;
  readonly size: number;
  private fd: number;
  private readonly hash: Hash | null;
  private total = 0;

  constructor(file: string, opts: OpenOptions) {
    this.file = file;
    this.hash = opts.hash === false ? null : createHash('sha256');
    const before = statInput(file);
    if (!before.isFile()) throw inputError('E_FILE_TYPE', { file }, `is ${kindOf(before)}, expected a regular file`);
    if (opts.within) {
      let real: string;
      try {
        real = realpathSync(file);
      } catch (err) {
        throw inputError('E_FILE_READ', { file }, `cannot resolve the path (${errnoOf(err) ?? String(err)})`);
      }
      if (!isInside(opts.within.realDir, real)) throw opts.within.outside();
    }
    let fd: number;
    try {
      fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOCTTY ?? 0));
    } catch (err) {
      const code = errnoOf(err);
      if (code === 'ENOENT') throw inputError('E_FILE_CHANGED', { file }, 'disappeared while being opened');
      if (code === 'EACCES' || code === 'EPERM') throw inputError('E_FILE_READ', { file }, 'permission denied');
      throw inputError('E_FILE_READ', { file }, `cannot open file (${code ?? String(err)})`);
    }
    this.fd = fd;
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) throw inputError('E_FILE_TYPE', { file }, `is ${kindOf(st)}, expected a regular file`);
      if (st.dev !== before.dev || st.ino !== before.ino) throw inputError('E_FILE_CHANGED', { file }, 'was replaced while being opened');
      if (opts.within) {
        // The descriptor's own path: what was actually opened, whatever the path says now.
        let real: string | null = null;
        try {
          real = readlinkSync(`/proc/self/fd/${fd}`);
        } catch {
          /* no /proc (not Linux): the device + inode check above stands in */
        }
        if (real !== null && real.startsWith('/') && !isInside(opts.within.realDir, real)) throw opts.within.outside();
      }
      if (st.size > opts.limit) {
        throw inputError('E_FILE_TOO_LARGE', { file }, `is ${formatBytes(st.size)} (${st.size} bytes), above the ${formatBytes(opts.limit)} limit for ${opts.limitName} (README, Limits)`);
      }
      this.size = st.size;
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /** Read up to `length` bytes into target[offset..]; 0 at end of file. Every byte read is hashed. */
  read(target: Uint8Array, offset: number, length: number): number {
    let n: number;
    try {
      n = readSync(this.fd, target, offset, length, null);
    } catch (err) {
      const code = errnoOf(err);
      // EAGAIN cannot happen on a regular file; EIO / EISDIR and the like are read failures.
      throw inputError('E_FILE_READ', { file: this.file }, `read failed (${code ?? String(err)})`);
    }
    if (n > 0) {
      this.total += n;
      if (this.total > this.size) throw inputError('E_FILE_CHANGED', { file: this.file }, `grew while being read (fstat said ${this.size} bytes)`);
      this.hash?.update(target.subarray(offset, offset + n));
    }
    return n;
  }

  /**
   * After the last read: the SHA-256 of every byte read ('' when not hashing), which must be
   * the whole file as fstat saw it.
   */
  finish(): { sha256: string; bytes: number } {
    if (this.total !== this.size) throw inputError('E_FILE_CHANGED', { file: this.file }, `changed while being read (${this.total} of ${this.size} bytes)`);
    this.close();
    return { sha256: this.hash ? this.hash.digest('hex') : '', bytes: this.total };
  }

  close(): void {
    if (this.fd >= 0) {
      try {
        closeSync(this.fd);
      } catch {
        /* already closed */
      }
      this.fd = -1;
    }
  }
}

/** Open, run `fn` on the file, always close. */
export function withInput<T>(file: string, opts: OpenOptions, fn: (input: InputFile) => T): T {
  const input = new InputFile(file, opts);
  try {
    return fn(input);
  } finally {
    input.close();
  }
}

/** A whole (small) input in memory, with the SHA-256 of exactly these bytes. O(size). */
export function readInput(file: string, opts: OpenOptions): { bytes: Buffer; sha256: string } {
  return withInput(file, opts, (input) => {
    const bytes = Buffer.allocUnsafe(input.size);
    let got = 0;
    for (;;) {
      // One byte of room past the fstat size, so a file that grew is noticed, not cut short.
      const room = got < bytes.length ? bytes.length - got : 0;
      const n = room > 0 ? input.read(bytes, got, room) : input.read(Buffer.allocUnsafe(1), 0, 1);
      if (n === 0) break;
      got += n;
    }
    const { sha256 } = input.finish();
    return { bytes, sha256 };
  });
}

/** SHA-256 of a (possibly large) input in fixed 1 MiB chunks: memory does not grow with the file. */
export function hashInput(file: string, opts: OpenOptions): { sha256: string; bytes: number } {
  return withInput(file, opts, (input) => {
    const chunk = Buffer.allocUnsafe(1 << 20);
    while (input.read(chunk, 0, chunk.length) > 0);
    return input.finish();
  });
}
