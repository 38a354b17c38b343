/**
 * Content-addressed blobs (docs/queue.md, "Blobs"): a bundle file's raw bytes stored under
 * `gauntlet:blob:<sha256>`, its SHA-256 as the key. The coordinator uploads each file once
 * (a blob already present is not sent again, only kept alive) and refuses one above the cap;
 * a worker fetches a blob and checks its bytes hash to the key before using them.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { GauntletError, inputError, queueErrors } from '../errors.js';
import { errnoText } from '../io/atomic.js';
import { blobKey, KEEP_SECONDS } from './payload.js';

export function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Read one bundle file for upload (a regular file, not through a link: the scan already
 * resolved links to real paths), refusing it above `cap` from fstat before reading a byte.
 */
export function readBlobFile(path: string, cap: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (err) {
    throw inputError('E_FILE_READ', { file: path }, `cannot read file (${errnoText(err)})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new GauntletError('E_BUNDLE_CHANGED', `${path}: is no longer a regular file; run the batch again (--resume) once the bundle is stable`);
    if (st.size > cap) throw queueErrors.blobTooLarge(path, st.size, cap);
    const buf = Buffer.allocUnsafe(st.size);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

/**
 * Make sure the blob for `sha256` is in Redis: if present, only its expiry is renewed (no
 * bytes sent); otherwise the file is read (at most `cap` bytes), checked to still hash to
 * `sha256` (else E_BUNDLE_CHANGED: it changed since the bundle was listed) and stored with
 * SET NX. Returns whether bytes were sent.
 */
export async function ensureBlob(redis: Redis, sha256: string, path: string, cap: number): Promise<boolean> {
  const key = blobKey(sha256);
  // EXPIRE answers 1 only when the key exists: presence check and renewal in one round trip.
  if ((await redis.expire(key, KEEP_SECONDS)) === 1) return false;
  const bytes = readBlobFile(path, cap);
  const got = sha256Of(bytes);
  if (got !== sha256) {
    throw new GauntletError('E_BUNDLE_CHANGED', `${path}: changed while the batch was reading it (SHA-256 ${sha256} when the bundle was listed, ${got} when uploaded to the queue); run the batch again (--resume) once the bundle is stable`);
  }
  await redis.set(key, bytes, 'EX', KEEP_SECONDS, 'NX');
  return true;
}

/**
 * A blob's bytes, checked against their key. Missing or corrupt (bytes that hash to another
 * SHA-256) is E_QUEUE_BLOB naming the blob and the bundle file it stands for.
 */
export async function fetchBlob(redis: Redis, sha256: string, file: string): Promise<Buffer> {
  const bytes = await redis.getBuffer(blobKey(sha256));
  if (bytes === null) throw queueErrors.blob(sha256, file, 'missing from Redis (expired, evicted or flushed); rerun the coordinator (--resume) to upload it again');
  const got = sha256Of(bytes);
  if (got !== sha256) throw queueErrors.blob(sha256, file, `corrupt: its ${bytes.length} bytes hash to ${got}; delete the key and rerun the coordinator (--resume) to upload it again`);
  return bytes;
}
