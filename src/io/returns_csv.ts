/**
 * returns.csv (SPEC 1.2) -> ReturnsMatrix: a T x N float64 matrix in a SharedArrayBuffer.
 * Every problem names the file, the line and the column. O(T N).
 */
import { inputError } from '../errors.js';
import { parseCsv, parseIsoCell, parseNumberCell, readInputFile } from './csv.js';
import { parseDecimalFast, parsedEnd } from './fast_number.js';
import type { ReturnsMatrix } from './types.js';

export interface ReturnsCsvOptions {
  /** Fewest configuration columns accepted (SPEC 1.2: N >= 2; walk-forward alone accepts 1). */
  minColumns?: number;
  /** Fewest data rows accepted. */
  minRows?: number;
}

export interface LoadedReturns {
  matrix: ReturnsMatrix;
  bytes: Buffer;
}

export function readReturnsCsv(file: string, opts: ReturnsCsvOptions = {}): LoadedReturns {
  const bytes = readInputFile(file);
  return { matrix: parseReturnsCsv(file, bytes, opts), bytes };
}

export function parseReturnsCsv(file: string, bytes: Buffer, opts: ReturnsCsvOptions = {}): ReturnsMatrix {
  const minColumns = opts.minColumns ?? 2;
  const minRows = opts.minRows ?? 2;
  // An unquoted file (the norm for a numeric matrix) takes the streaming path below: no
  // per-cell strings, a char-code decimal parser (src/io/fast_number.ts, bit-identical to
  // Number()), so a 1,600 x 308 matrix loads in milliseconds instead of ~300 ms. Quoted
  // fields go through the general tokenizer. Both give the same matrix and the same messages.
  if (bytes.indexOf(34 /* " */) < 0) return parseUnquoted(file, bytes, minColumns, minRows);
  const table = parseCsv(file, bytes);
  const { header, rows, lines } = table;
  const columns = checkHeader(file, header, minColumns);
  const N = columns.length;
  const T = rows.length;
  const { buffer, data, dates } = storage(file, T, N, minRows);
  let prev = -Infinity;
  for (let t = 0; t < T; t++) {
    const row = rows[t];
    const line = lines[t];
    if (row.length !== N + 1) {
      throw inputError('E_CSV_ROW_WIDTH', { file, row: line }, `expected ${N + 1} fields, found ${row.length}`);
    }
    prev = rowDate(row[0], prev, file, line);
    dates[t] = row[0].trim();
    const base = t * N;
    for (let n = 0; n < N; n++) data[base + n] = returnCell(parseNumberCell(row[n + 1], file, line, columns[n]), file, line, columns[n]);
  }
  return { file, T, N, columns, dates, buffer, data };
}

/**
 * A per-period simple return beyond +-1,000 (100,000% in one period) is not a return: most
 * likely prices or a unit slip. Refusing it also keeps every sum, square and annualisation
 * the gates form finite in float64, so extreme input is exit 2 here, never a NaN later.
 */
export const MAX_ABS_RETURN = 1000;

function returnCell(v: number, file: string, line: number, column: string): number {
  if (v > MAX_ABS_RETURN || v < -MAX_ABS_RETURN) {
    throw inputError('E_CSV_VALUE', { file, row: line, column }, `${v} is not a per-period simple return (beyond +-${MAX_ABS_RETURN}, i.e. 100,000% in one period: prices, or a unit slip?)`);
  }
  return v;
}

/** The matrix's shared buffer, its view and the dates array, once T and N are known. */
function storage(file: string, T: number, N: number, minRows: number): { buffer: SharedArrayBuffer; data: Float64Array; dates: string[] } {
  if (T < minRows) throw inputError('E_TOO_FEW_ROWS', { file }, `needs at least ${minRows} data rows, found ${T}`);
  const buffer = new SharedArrayBuffer(T * N * 8);
  return { buffer, data: new Float64Array(buffer), dates: new Array<string>(T) };
}

/** A row's date as epoch ms, which must come strictly after the previous row's. */
function rowDate(cell: string, prev: number, file: string, line: number): number {
  const ms = parseIsoCell(cell, file, line, 'date');
  if (!(ms > prev)) throw inputError('E_CSV_ORDER', { file, row: line, column: 'date' }, `'${cell.trim()}' is not after the previous row's date (dates must strictly increase)`);
  return ms;
}

/** Header checks shared by both paths: first column `date`, names non-empty and unique, N >= min. */
function checkHeader(file: string, header: string[], minColumns: number): string[] {
  if (header[0] !== 'date') {
    throw inputError('E_CSV_COLUMN_MISSING', { file, row: 1, column: header[0] }, `first column must be 'date', found '${header[0]}'`);
  }
  const columns = header.slice(1);
  const seen = new Map<string, number>();
  columns.forEach((c, i) => {
    if (c === '') throw inputError('E_CSV_HEADER', { file, row: 1 }, `column ${i + 2} has an empty name`);
    if (seen.has(c)) throw inputError('E_CSV_COLUMN_DUPLICATE', { file, row: 1, column: c }, `duplicate column name (columns ${seen.get(c)! + 2} and ${i + 2})`);
    seen.set(c, i);
  });
  if (columns.length < minColumns) {
    throw inputError('E_TOO_FEW_COLUMNS', { file, row: 1 }, `needs at least ${minColumns} configuration column${minColumns === 1 ? '' : 's'} after 'date', found ${columns.length}`);
  }
  return columns;
}

/** Streaming parse of a file without quotes, straight from its bytes. O(bytes), one Float64 write per cell. */
function parseUnquoted(file: string, bytes: Buffer, minColumns: number, minRows: number): ReturnsMatrix {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const text = (a: number, b: number) => bytes.toString('utf8', a, b);
  // Line spans (start, end without CR/LF, file line number), blank lines skipped.
  const starts: number[] = [], ends: number[] = [], lineNos: number[] = [];
  for (let pos = bom, line = 1; pos < bytes.length; line++) {
    let nl = bytes.indexOf(10, pos);
    if (nl < 0) nl = bytes.length;
    let end = nl;
    if (end > pos && bytes[end - 1] === 13) end--;
    let blank = true;
    for (let i = pos; i < end && blank; i++) blank = bytes[i] === 32 || bytes[i] === 9;
    if (!blank) {
      starts.push(pos);
      ends.push(end);
      lineNos.push(line);
    }
    pos = nl + 1;
  }
  if (starts.length === 0) throw inputError('E_CSV_HEADER', { file }, 'file is empty: expected a header row');
  const header = text(starts[0], ends[0]).split(',').map((h) => h.trim());
  const columns = checkHeader(file, header, minColumns);
  const N = columns.length;
  const T = starts.length - 1;
  const { buffer, data, dates } = storage(file, T, N, minRows);
  let prev = -Infinity;
  for (let t = 0; t < T; t++) {
    const lineStart = starts[t + 1], lineEnd = ends[t + 1], line = lineNos[t + 1];
    let comma = bytes.indexOf(44, lineStart);
    if (comma < 0 || comma > lineEnd) comma = lineEnd;
    const date = text(lineStart, comma);
    prev = rowDate(date, prev, file, line);
    dates[t] = date.trim();
    const base = t * N;
    // Fast path for the whole row; it stops at the first cell it cannot certify (or a width
    // problem), and the general loop below finishes the row from there with full messages.
    const n0 = fastRow(bytes, comma + 1, lineEnd, data, base, N);
    let p = rowPos;
    for (let n = n0; n < N; n++) {
      if (p > lineEnd) throw inputError('E_CSV_ROW_WIDTH', { file, row: line }, `expected ${N + 1} fields, found ${n + 1}`);
      let end = bytes.indexOf(44, p);
      if (end < 0 || end > lineEnd) end = lineEnd;
      if (n === N - 1 && end !== lineEnd) {
        const fields = text(lineStart, lineEnd).split(',').length;
        throw inputError('E_CSV_ROW_WIDTH', { file, row: line }, `expected ${N + 1} fields, found ${fields}`);
      }
      data[base + n] = returnCell(parseNumberCell(text(p, end), file, line, columns[n]), file, line, columns[n]);
      p = end + 1;
    }
  }
  return { file, T, N, columns, dates, buffer, data };
}

/** Where `fastRow` stopped: the start of the first cell it did not take. */
let rowPos = 0;

/**
 * The N cells of one row from `p`, on the fast decimal path only; returns how many it took
 * (N for a clean row). A small function of its own so V8 optimises it after a few rows
 * instead of waiting for on-stack replacement of the whole file loop. O(row length).
 */
function fastRow(bytes: Uint8Array, p: number, lineEnd: number, data: Float64Array, base: number, N: number): number {
  let n = 0;
  for (; n < N; n++) {
    if (p > lineEnd) break;
    const v = parseDecimalFast(bytes, p, lineEnd);
    // Not certifiable, or out of range: the general loop decides and words the message.
    if (v !== v || v > MAX_ABS_RETURN || v < -MAX_ABS_RETURN) break;
    const end = parsedEnd;
    // The last cell must end the line, the others must not: else leave it to the general loop.
    if ((n === N - 1) !== (end === lineEnd)) break;
    data[base + n] = v;
    p = end + 1;
  }
  rowPos = p;
  return n;
}
