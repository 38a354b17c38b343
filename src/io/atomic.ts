/**
 * Atomic file output: write a temp file beside the target, fsync it, rename over the
 * target. A reader (or a crash) sees the old file or the whole new one, never half of it.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { inputError } from '../errors.js';

export function writeFileAtomic(file: string, content: string | Buffer): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, 'w', 0o644);
  } catch (err) {
    throw inputError('E_FILE_WRITE', { file }, `cannot write output (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  try {
    if (typeof content === 'string') writeSync(fd, content);
    else writeSync(fd, content);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, file);
  } catch (err) {
    try { closeSync(fd); } catch { /* already closed */ }
    try { unlinkSync(tmp); } catch { /* never created */ }
    throw err;
  }
}
