/**
 * Minimal RFC 4180 CSV tokenizer: comma separated, optional double-quoted fields with ""
 * escapes, LF or CRLF line ends, a UTF-8 BOM tolerated. It yields rows of strings with the
 * 1-based file line each row starts on, so every message can name the line a user sees in
 * an editor. O(bytes).
 */
import { readFileSync } from 'node:fs';
import { inputError } from '../errors.js';

export interface CsvTable {
  file: string;
  header: string[];
  /** Data rows (header excluded). */
  rows: string[][];
  /** File line (1-based) on which each data row starts. */
  lines: number[];
  /** Raw bytes as read (for hashing without a second read). */
  bytes: Buffer;
}

/** Read a file's bytes, turning a missing or unreadable file into one clear line (exit 2). */
export function readInputFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw inputError('E_FILE_MISSING', { file }, 'file not found');
    if (code === 'EISDIR') throw inputError('E_FILE_READ', { file }, 'is a directory, expected a file');
    throw inputError('E_FILE_READ', { file }, `cannot read file (${code ?? String(err)})`);
  }
}

export function parseCsv(file: string, bytes: Buffer): CsvTable {
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows: string[][] = [];
  const lines: number[] = [];
  let line = 1;
  let i = 0;
  const len = text.length;
  while (i < len) {
    const startLine = line;
    const row: string[] = [];
    // Parse one record.
    for (;;) {
      let field: string;
      if (text.charCodeAt(i) === 34 /* " */) {
        let j = i + 1;
        let out = '';
        for (;;) {
          const q = text.indexOf('"', j);
          if (q < 0) throw inputError('E_CSV_HEADER', { file, row: startLine }, 'unterminated quoted field');
          out += text.slice(j, q);
          if (text.charCodeAt(q + 1) === 34) {
            out += '"';
            j = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
        for (const ch of out) if (ch === '\n') line++;
        field = out;
      } else {
        let j = i;
        while (j < len) {
          const c = text.charCodeAt(j);
          if (c === 44 || c === 10 || c === 13) break;
          j++;
        }
        field = text.slice(i, j);
        i = j;
      }
      row.push(field);
      const c = text.charCodeAt(i);
      if (c === 44) {
        i++;
        continue;
      }
      if (c === 13) i++;
      if (text.charCodeAt(i) === 10) i++;
      line++;
      break;
    }
    // Skip blank lines (a trailing newline, an empty last line).
    if (row.length === 1 && row[0].trim() === '') continue;
    rows.push(row);
    lines.push(startLine);
  }
  if (rows.length === 0) throw inputError('E_CSV_HEADER', { file }, 'file is empty: expected a header row');
  const header = rows.shift()!.map((h) => h.trim());
  lines.shift();
  return { file, header, rows, lines, bytes };
}

/** Decimal number as written in a CSV cell; rejects hex, empty, 'NaN', 'Infinity' and text. */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parse one numeric cell or throw a message naming file, line and column. The caller passes
 * the row's file line so messages point where a user will look.
 */
export function parseNumberCell(cell: string | undefined, file: string, line: number, column: string): number {
  if (cell === undefined) throw inputError('E_CSV_ROW_WIDTH', { file, row: line, column }, 'missing cell (row has too few fields)');
  const s = cell.trim();
  if (s === '') throw inputError('E_CSV_VALUE', { file, row: line, column }, 'empty cell, expected a number');
  if (!NUMBER.test(s)) {
    if (/^[+-]?(nan|inf|infinity)$/i.test(s)) throw inputError('E_CSV_VALUE', { file, row: line, column }, `non-finite value '${s}'`);
    throw inputError('E_CSV_VALUE', { file, row: line, column }, `'${s}' is not a number`);
  }
  const v = Number(s);
  if (!Number.isFinite(v)) throw inputError('E_CSV_VALUE', { file, row: line, column }, `'${s}' overflows to a non-finite value`);
  return v;
}

/** ISO 8601 date (YYYY-MM-DD) or date-time (with optional seconds, fraction, Z or offset). */
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Milliseconds since the epoch of an ISO 8601 cell, or a message naming the cell. */
export function parseIsoCell(cell: string | undefined, file: string, line: number, column: string): number {
  const s = (cell ?? '').trim();
  if (s === '') throw inputError('E_CSV_DATE', { file, row: line, column }, 'empty cell, expected an ISO 8601 date');
  if (!ISO.test(s)) throw inputError('E_CSV_DATE', { file, row: line, column }, `'${s}' is not an ISO 8601 date or date-time`);
  // A date-only string parses as UTC midnight; a date-time without zone is read as UTC too,
  // so the order of rows never depends on the machine's time zone.
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/.test(s) && s.length > 10;
  const ms = Date.parse(s.length > 10 && !hasZone ? s.replace(' ', 'T') + 'Z' : s.replace(' ', 'T'));
  if (!Number.isFinite(ms)) throw inputError('E_CSV_DATE', { file, row: line, column }, `'${s}' is not a valid calendar date`);
  // Date.parse rolls 2023-02-30 over to March: catch it by formatting back.
  const ymd = s.slice(0, 10);
  const back = new Date(Date.UTC(+ymd.slice(0, 4), +ymd.slice(5, 7) - 1, +ymd.slice(8, 10))).toISOString().slice(0, 10);
  if (back !== ymd) throw inputError('E_CSV_DATE', { file, row: line, column }, `'${s}' is not a valid calendar date`);
  return ms;
}
