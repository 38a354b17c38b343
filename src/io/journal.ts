/**
 * The batch journal (JSON Lines). "Nothing lost": each line is appended with one write(2)
 * on an O_APPEND descriptor and fsync'd before the candidate counts as done, so a crash or
 * SIGKILL leaves whole lines only. On resume, a torn tail (possible only if the OS itself
 * died mid-write) and any lines that no longer match the batch are cut off by rewriting the
 * kept prefix atomically (temp + rename).
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { writeFileAtomic } from './atomic.js';
import { inputError } from '../errors.js';

export class JournalWriter {
  private fd: number;
  constructor(readonly file: string, truncate: boolean) {
    try {
      this.fd = openSync(file, truncate ? 'w' : 'a');
    } catch (err) {
      throw inputError('E_FILE_WRITE', { file }, `cannot open the journal for writing (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }
  /** Append one JSON line: a single write, then fsync. */
  append(line: string): void {
    if (line.includes('\n')) throw new Error('journal line must not contain a newline');
    writeSync(this.fd, line + '\n');
    fsyncSync(this.fd);
  }
  close(): void {
    closeSync(this.fd);
  }
}

/** The journal's complete lines (a torn final fragment without its newline is dropped). */
export function readJournalLines(file: string): string[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  const parts = text.split('\n');
  parts.pop(); // '' after the last newline, or a torn fragment
  return parts;
}

/** Keep exactly `lines` (each whole, newline-terminated), atomically. */
export function rewriteJournal(file: string, lines: string[]): void {
  writeFileAtomic(file, lines.map((l) => l + '\n').join(''));
}
