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
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (!text.includes('"')) return parseUnquoted(file, text, minColumns, minRows);
  const table = parseCsv(file, bytes);
  const { header, rows, lines } = table;
  const columns = checkHeader(file, header, minColumns);
  const N = columns.length;
  const T = rows.length;
  if (T < minRows) throw inputError('E_TOO_FEW_ROWS', { file }, `needs at least ${minRows} data rows, found ${T}`);
  const buffer = new SharedArrayBuffer(T * N * 8);
  const data = new Float64Array(buffer);
  const dates = new Array<string>(T);
  let prev = -Infinity;
  for (let t = 0; t < T; t++) {
    const row = rows[t];
    const line = lines[t];
    if (row.length !== N + 1) {
      throw inputError('E_CSV_ROW_WIDTH', { file, row: line }, `expected ${N + 1} fields, found ${row.length}`);
    }
    const ms = parseIsoCell(row[0], file, line, 'date');
    if (!(ms > prev)) throw inputError('E_CSV_ORDER', { file, row: line, column: 'date' }, `'${row[0].trim()}' is not after the previous row's date (dates must strictly increase)`);
    prev = ms;
    dates[t] = row[0].trim();
    const base = t * N;
    for (let n = 0; n < N; n++) data[base + n] = parseNumberCell(row[n + 1], file, line, columns[n]);
  }
  return { file, T, N, columns, dates, buffer, data };
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

/** Streaming parse of a file without quotes. O(bytes), one Float64 write per cell. */
function parseUnquoted(file: string, text: string, minColumns: number, minRows: number): ReturnsMatrix {
  // Line spans (start, end without CR/LF, file line number), blank lines skipped.
  const starts: number[] = [], ends: number[] = [], lineNos: number[] = [];
  for (let pos = 0, line = 1; pos < text.length; line++) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    let end = nl;
    if (end > pos && text.charCodeAt(end - 1) === 13) end--;
    if (text.slice(pos, end).trim() !== '') {
      starts.push(pos);
      ends.push(end);
      lineNos.push(line);
    }
    pos = nl + 1;
  }
  if (starts.length === 0) throw inputError('E_CSV_HEADER', { file }, 'file is empty: expected a header row');
  const header = text.slice(starts[0], ends[0]).split(',').map((h) => h.trim());
  const columns = checkHeader(file, header, minColumns);
  const N = columns.length;
  const T = starts.length - 1;
  if (T < minRows) throw inputError('E_TOO_FEW_ROWS', { file }, `needs at least ${minRows} data rows, found ${T}`);
  const buffer = new SharedArrayBuffer(T * N * 8);
  const data = new Float64Array(buffer);
  const dates = new Array<string>(T);
  let prev = -Infinity;
  for (let t = 0; t < T; t++) {
    const lineStart = starts[t + 1], lineEnd = ends[t + 1], line = lineNos[t + 1];
    let comma = text.indexOf(',', lineStart);
    if (comma < 0 || comma > lineEnd) comma = lineEnd;
    const date = text.slice(lineStart, comma);
    const ms = parseIsoCell(date, file, line, 'date');
    if (!(ms > prev)) throw inputError('E_CSV_ORDER', { file, row: line, column: 'date' }, `'${date.trim()}' is not after the previous row's date (dates must strictly increase)`);
    prev = ms;
    dates[t] = date.trim();
    let p = comma + 1;
    const base = t * N;
    for (let n = 0; n < N; n++) {
      if (p > lineEnd) throw inputError('E_CSV_ROW_WIDTH', { file, row: line }, `expected ${N + 1} fields, found ${n + 1}`);
      // The fast parser stops at the cell's comma itself: no separate delimiter search.
      let v = parseDecimalFast(text, p, lineEnd);
      let end: number;
      if (v === v) {
        end = parsedEnd;
      } else {
        // Not certifiable on the fast path: the general cell parser decides (value or message).
        end = text.indexOf(',', p);
        if (end < 0 || end > lineEnd) end = lineEnd;
        v = parseNumberCell(text.slice(p, end), file, line, columns[n]);
      }
      if (n === N - 1 && end !== lineEnd) {
        const fields = text.slice(lineStart, lineEnd).split(',').length;
        throw inputError('E_CSV_ROW_WIDTH', { file, row: line }, `expected ${N + 1} fields, found ${fields}`);
      }
      data[base + n] = v;
      p = end + 1;
    }
  }
  return { file, T, N, columns, dates, buffer, data };
}
