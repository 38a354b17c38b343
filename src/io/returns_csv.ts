/**
 * returns.csv (docs/formats.md, "returns.csv") -> ReturnsMatrix: a T x N float64 matrix in a SharedArrayBuffer.
 * Streamed (CsvReader): each cell goes from the file's bytes straight into a Float64 block
 * through a char-code decimal parser (src/io/fast_number.ts, bit-identical to Number()),
 * falling back to the general cell parser for anything it cannot certify, which also words
 * the messages. Every problem names the file, the line and the column. O(T N) time; memory
 * about 16 bytes a cell at the peak (blocks + the final shared buffer) plus each row's date.
 */
import { inputError } from '../errors.js';
import { defaultMaxMemory, FILE_LIMITS } from '../config/limits.js';
import { bufferSource, CsvReader, parseIsoCell, parseIsoDateFast, parseNumberCell, type ByteSource } from './csv.js';
import { parseDecimalFast, parsedEnd } from './fast_number.js';
import { checkInputMemory, Float64Blocks, heapLimit } from './growable.js';
import { InputFile, type Containment } from './input_file.js';
import type { ReturnsMatrix } from './types.js';

export interface ReturnsCsvOptions {
  /** Fewest configuration columns accepted (docs/formats.md, "returns.csv": N >= 2; walk-forward alone accepts 1). */
  minColumns?: number;
  /** Fewest data rows accepted. */
  minRows?: number;
  /** Memory budget in bytes (--max-memory; default: half the machine's memory). */
  maxMemory?: number;
  /** Read size (tests: small chunks put lines across chunk boundaries). */
  chunkBytes?: number;
}

export interface LoadedReturns {
  matrix: ReturnsMatrix;
  /** SHA-256 ('' with `hash: false`) and size of exactly the bytes parsed. */
  sha256: string;
  bytes: number;
}

/** Open (regular file, size limit, optional bundle containment), stream-parse and hash in one pass. */
export function readReturnsCsv(file: string, opts: ReturnsCsvOptions & { within?: Containment; hash?: boolean } = {}): LoadedReturns {
  const input = new InputFile(file, { limit: FILE_LIMITS.csv, limitName: 'CSV inputs', within: opts.within, hash: opts.hash });
  try {
    const matrix = parseReturnsFrom(file, input, opts);
    const { sha256, bytes } = input.finish();
    return { matrix, sha256, bytes };
  } finally {
    input.close();
  }
}

/** Parse returns from bytes already in memory (tests, tools). */
export function parseReturnsCsv(file: string, bytes: Uint8Array, opts: ReturnsCsvOptions = {}): ReturnsMatrix {
  return parseReturnsFrom(file, bufferSource(bytes), opts);
}

/**
 * A per-period simple return beyond +-1,000 (100,000% in one period) is not a return: most
 * likely prices or a unit slip. Refusing it also keeps every sum, square and annualisation
 * the gates form finite in float64, so extreme input is exit 2 here, never a NaN later.
 */
export const MAX_ABS_RETURN = 1000;
/**
 * A non-zero return smaller than this in magnitude is refused too: its square (1e-300 and
 * below) is at the edge of float64's normal range, so a variance or Sharpe ratio over such
 * values would be decided by underflow, not by the data. No price series moves by 1e-150.
 */
export const MIN_ABS_RETURN = 1e-150;

/** Whether a parsed return is outside what the gates compute exactly (NaN, beyond +-1000, or non-zero below 1e-150). */
function outOfRange(v: number): boolean {
  return v !== v || v > MAX_ABS_RETURN || v < -MAX_ABS_RETURN || (v < MIN_ABS_RETURN && v > -MIN_ABS_RETURN && v !== 0);
}

function returnCell(v: number, file: string, line: number, column: string): number {
  if (v > MAX_ABS_RETURN || v < -MAX_ABS_RETURN) {
    throw inputError('E_CSV_VALUE', { file, row: line, column }, `${v} is not a per-period simple return (beyond +-${MAX_ABS_RETURN}, i.e. 100,000% in one period: prices, or a unit slip?)`);
  }
  if (v !== 0 && v < MIN_ABS_RETURN && v > -MIN_ABS_RETURN) {
    throw inputError('E_CSV_VALUE', { file, row: line, column }, `${v} is too small to be a per-period return (non-zero below ${MIN_ABS_RETURN} in magnitude: its square underflows float64; write 0 for no return)`);
  }
  return v;
}

/** Header checks: first column `date`, names non-empty and unique, N >= min. */
function checkHeader(file: string, header: string[], minColumns: number): string[] {
  if (header[0] !== 'date') {
    throw inputError('E_CSV_COLUMN_MISSING', { file, row: 1, column: header[0] }, `first column must be 'date', found '${header[0]}'`);
  }
  const columns = header.slice(1);
  const seen = new Map<string, number>();
  columns.forEach((c, i) => {
    if (c === '') throw inputError('E_CSV_HEADER', { file, row: 1, columnNumber: i + 2 }, `column ${i + 2} has an empty name`);
    if (c === 'date') throw inputError('E_CSV_COLUMN_DUPLICATE', { file, row: 1, column: c }, `duplicate column name (columns 1 and ${i + 2})`);
    if (seen.has(c)) throw inputError('E_CSV_COLUMN_DUPLICATE', { file, row: 1, column: c }, `duplicate column name (columns ${seen.get(c)! + 2} and ${i + 2})`);
    seen.set(c, i);
  });
  if (columns.length < minColumns) {
    throw inputError('E_TOO_FEW_COLUMNS', { file, row: 1 }, `needs at least ${minColumns} configuration column${minColumns === 1 ? '' : 's'} after 'date', found ${columns.length}`);
  }
  return columns;
}

/**
 * Bytes a row's date string costs on the V8 heap (a short one-byte string plus its slot in the
 * array), used to keep the dates within both the memory budget and the heap.
 */
const DATE_BYTES = 48;

function parseReturnsFrom(file: string, source: ByteSource, opts: ReturnsCsvOptions): ReturnsMatrix {
  const minColumns = opts.minColumns ?? 2;
  const minRows = opts.minRows ?? 2;
  const maxMemory = opts.maxMemory ?? defaultMaxMemory();
  const r = new CsvReader(file, source, { chunkBytes: opts.chunkBytes });
  if (!r.next()) throw inputError('E_CSV_HEADER', { file }, 'file is empty: expected a header row');
  const header = Array.from({ length: r.fields }, (_, i) => r.text(i).trim());
  const columns = checkHeader(file, header, minColumns);
  const N = columns.length;
  r.names = header;
  r.limitFields(N + 1);
  const values = new Float64Blocks();
  const dates: string[] = [];
  const heapShare = heapLimit() / 2;
  let prev = -Infinity;
  let T = 0;
  const checkMemory = (held: number) => {
    // Blocks now + the final shared copy + the dates so far.
    const rows = held / (8 * N);
    checkInputMemory(file, 2 * held + rows * DATE_BYTES, maxMemory, `${Math.round(rows)} rows x ${N} columns`);
    if (rows * DATE_BYTES > heapShare) checkInputMemory(file, rows * DATE_BYTES, heapShare, `the dates of ${Math.round(rows)} rows (JavaScript heap)`);
  };
  for (;;) {
    // Fast lane: a line of a plain date and N plain decimals is certified from its bytes
    // (all ASCII, no quotes, the right width) and taken whole; any other line goes through
    // the general reader below, which applies every rule and words the message.
    if (r.peekLine()) {
      const buf = r.buf, s0 = r.lineStart, end = r.lineEnd;
      let comma = s0;
      while (comma < end && buf[comma] !== 44) comma++;
      const ms = comma < end ? parseIsoDateFast(buf, s0, comma) : NaN;
      if (ms === ms && ms > prev) {
        // Cells go straight into the block; they count only once the whole line is certified.
        values.reserve(N, checkMemory);
        const block = values.block, at = values.used;
        let q = comma + 1, n = 0;
        for (; n < N; n++) {
          const v = parseDecimalFast(buf, q, end);
          if (outOfRange(v)) break;
          const e = parsedEnd;
          if ((n === N - 1) !== (e === end)) break; // the last cell ends the line, the others do not
          block[at + n] = v;
          q = e + 1;
        }
        if (n === N) {
          r.acceptLine();
          values.commit(N);
          dates.push(buf.toString('latin1', s0, comma));
          prev = ms;
          T++;
          continue;
        }
      }
    }
    if (!r.next()) break;
    const line = r.line;
    if (r.fields !== N + 1) throw inputError('E_CSV_ROW_WIDTH', { file, row: line }, `expected ${N + 1} fields, found ${r.fields}`);
    values.reserve(N, checkMemory);
    const buf = r.buf;
    const s0 = r.starts[0], e0 = r.ends[0];
    let ms = r.quoted[0] ? NaN : parseIsoDateFast(buf, s0, e0);
    const date = r.text(0);
    if (ms !== ms) ms = parseIsoCell(date, file, line, 'date');
    if (!(ms > prev)) throw inputError('E_CSV_ORDER', { file, row: line, column: 'date' }, `'${date.trim()}' is not after the previous row's date (dates must strictly increase)`);
    prev = ms;
    dates.push(date.trim());
    for (let n = 0; n < N; n++) {
      const f = n + 1;
      const s = r.starts[f], e = r.ends[f];
      let v = NaN;
      if (!r.quoted[f]) {
        v = parseDecimalFast(buf, s, e);
        if (parsedEnd !== e) v = NaN;
      }
      // Not certified by the fast path, or out of range: the general parser decides and words the message.
      if (outOfRange(v)) v = returnCell(parseNumberCell(r.text(f), file, line, columns[n]), file, line, columns[n]);
      values.push(v);
    }
    T++;
  }
  if (T < minRows) throw inputError('E_TOO_FEW_ROWS', { file }, `needs at least ${minRows} data rows, found ${T}`);
  const { buffer, data } = values.toShared();
  return { file, T, N, columns, dates, buffer, data };
}
