/**
 * returns.csv (SPEC 1.2) -> ReturnsMatrix: a T x N float64 matrix in a SharedArrayBuffer.
 * Every problem names the file, the line and the column. O(T N).
 */
import { inputError } from '../errors.js';
import { parseCsv, parseIsoCell, parseNumberCell, readInputFile } from './csv.js';
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
  const table = parseCsv(file, bytes);
  const { header, rows, lines } = table;
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
  const N = columns.length;
  if (N < minColumns) {
    throw inputError('E_TOO_FEW_COLUMNS', { file, row: 1 }, `needs at least ${minColumns} configuration column${minColumns === 1 ? '' : 's'} after 'date', found ${N}`);
  }
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
