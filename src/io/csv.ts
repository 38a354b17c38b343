/**
 * Streaming RFC 4180 CSV reader: comma separated, optional double-quoted fields with ""
 * escapes, LF or CRLF line ends, a UTF-8 BOM tolerated (as the JSON reader does). It reads
 * fixed-size chunks from a byte source (an input file, hashing as it reads, or a buffer) and
 * hands out one record at a time as field offsets into its buffer, so a caller converts only
 * the fields it keeps: memory is the buffer (about one chunk, or the longest line) plus what
 * the caller stores, never a string per cell, and ignored columns cost nothing but the scan.
 *
 * Strict where a silent guess could change a decision:
 * - text after a closing quote (`"a"b,`) and a quote inside an unquoted field are errors,
 *   not the start of a new field or record;
 * - every record must end the way the first one does (LF or CRLF); a mix, or a bare CR, is
 *   an error naming the line;
 * - bytes must be valid UTF-8 (no silent U+FFFD);
 * - a line longer than MAX_CSV_LINE_BYTES is an error, not an unbounded buffer.
 * Every message names the file, the line as an editor shows it (the header is line 1) and,
 * where one is known, the column. Lines that are empty or only spaces/tabs are skipped.
 * O(bytes) time; O(longest line + fields per record) memory.
 */
import { inputError, type GauntletError } from '../errors.js';
import { formatBytes, MAX_CSV_LINE_BYTES } from '../config/limits.js';
import { utf8SequenceAt } from './utf8.js';

/** Where the reader gets its bytes: an InputFile (hashing what it reads) or a buffer. */
export interface ByteSource {
  /** Read up to `length` bytes into target[offset..]; 0 at the end. */
  read(target: Uint8Array, offset: number, length: number): number;
}

/** A whole buffer as a byte source (tests, in-memory data). */
export function bufferSource(bytes: Uint8Array): ByteSource {
  let at = 0;
  return {
    read(target, offset, length) {
      const n = Math.min(length, bytes.length - at);
      target.set(bytes.subarray(at, at + n), offset);
      at += n;
      return n;
    },
  };
}

export interface CsvReaderOptions {
  /** Bytes read per call (default 1 MiB). */
  chunkBytes?: number;
  /** Longest line accepted (default MAX_CSV_LINE_BYTES). */
  maxLineBytes?: number;
}

const NEED_MORE = 0;
const DONE = 1;

export class CsvReader {
  readonly file: string;
  /** Field i of the current record is buf[starts[i], ends[i]) (between the quotes if quoted[i]). */
  buf: Buffer;
  starts: Int32Array;
  ends: Int32Array;
  quoted: Uint8Array;
  /** Fields in the current record (may exceed the stored capacity; see `maxStored`). */
  fields = 0;
  /** File line (1-based) on which the current record starts. */
  line = 0;
  /** Column names, once the caller has read the header: used in messages. */
  names: string[] | null = null;

  private readonly source: ByteSource;
  private readonly maxLine: number;
  private len = 0;
  private pos = 0;
  private eof = false;
  private nextLine = 1;
  /** 0 until the first record ends; then 1 (LF) or 2 (CRLF). */
  private style = 0;
  private styleLine = 0;
  private bomChecked = false;
  private maxStored = Infinity;

  constructor(file: string, source: ByteSource, opts: CsvReaderOptions = {}) {
    this.file = file;
    this.source = source;
    this.maxLine = opts.maxLineBytes ?? MAX_CSV_LINE_BYTES;
    this.buf = Buffer.allocUnsafe(Math.max(16, opts.chunkBytes ?? 1 << 20));
    this.starts = new Int32Array(64);
    this.ends = new Int32Array(64);
    this.quoted = new Uint8Array(64);
  }

  /** Store at most this many fields per record (the header's width): wider records are only counted. */
  limitFields(n: number): void {
    this.maxStored = n;
  }

  /** Advance to the next non-blank record; false at the end of the input. */
  next(): boolean {
    for (;;) {
      if (this.pos >= this.len && !this.eof) this.fill();
      if (this.pos >= this.len && this.eof) return false;
      if (!this.bomChecked) {
        if (this.len - this.pos < 3 && !this.eof) {
          this.fill();
          continue;
        }
        this.bomChecked = true;
        const b = this.buf;
        if (b[this.pos] === 0xef && b[this.pos + 1] === 0xbb && b[this.pos + 2] === 0xbf) this.pos += 3;
        continue;
      }
      const r = this.scan();
      if (r === NEED_MORE) {
        this.fill();
        continue;
      }
      if (!this.isBlank()) return true;
    }
  }

  /** The current record is one unquoted field of only spaces and tabs (a blank line). */
  private isBlank(): boolean {
    if (this.fields !== 1 || this.quoted[0]) return false;
    for (let i = this.starts[0]; i < this.ends[0]; i++) if (this.buf[i] !== 32 && this.buf[i] !== 9) return false;
    return true;
  }

  /** Field i as a string (quotes removed, "" unescaped). */
  text(i: number): string {
    const s = this.buf.toString('utf8', this.starts[i], this.ends[i]);
    return this.quoted[i] ? s.replace(/""/g, '"') : s;
  }

  /** Name of column i for messages (the header's, once known). */
  columnName(i: number): string | undefined {
    return this.names !== null && i < this.names.length ? this.names[i] : undefined;
  }

  private at(row: number, field: number): { file: string; row: number; column?: string; columnNumber: number } {
    const column = this.columnName(field);
    return column !== undefined ? { file: this.file, row, column, columnNumber: field + 1 } : { file: this.file, row, columnNumber: field + 1 };
  }

  private error(code: 'E_CSV_QUOTE' | 'E_CSV_LINE_ENDING' | 'E_ENCODING', row: number, field: number, problem: string): GauntletError {
    return inputError(code, this.at(row, field), problem);
  }

  private invalidUtf8(row: number, field: number, at: number): GauntletError {
    return this.error('E_ENCODING', row, field, `invalid UTF-8 (byte 0x${this.buf[at].toString(16).padStart(2, '0')}): the file must be UTF-8 text`);
  }

  /** Make room and read more; at the end of the source sets `eof`. */
  private fill(): void {
    if (this.eof) return;
    if (this.pos > 0) {
      this.buf.copyWithin(0, this.pos, this.len);
      this.len -= this.pos;
      this.pos = 0;
    }
    if (this.len === this.buf.length) {
      if (this.buf.length >= this.maxLine) {
        throw inputError('E_CSV_LINE_LENGTH', { file: this.file, row: this.nextLine }, `line longer than ${formatBytes(this.maxLine)} (README, Limits): not a CSV of returns or trades?`);
      }
      const bigger = Buffer.allocUnsafe(Math.min(this.maxLine, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    const n = this.source.read(this.buf, this.len, this.buf.length - this.len);
    if (n === 0) this.eof = true;
    else this.len += n;
  }

  private store(f: number, s: number, e: number, q: number): void {
    if (f >= this.starts.length) {
      if (f >= this.maxStored) return;
      const cap = Math.min(this.maxStored, this.starts.length * 2);
      const grow = <A extends Int32Array | Uint8Array>(a: A, make: (n: number) => A): A => {
        const b = make(cap);
        b.set(a);
        return b;
      };
      this.starts = grow(this.starts, (n) => new Int32Array(n));
      this.ends = grow(this.ends, (n) => new Int32Array(n));
      this.quoted = grow(this.quoted, (n) => new Uint8Array(n));
    }
    this.starts[f] = s;
    this.ends[f] = e;
    this.quoted[f] = q;
  }

  /** Every line must end the way the first one did. */
  private checkTerminator(terminator: number, line: number): void {
    if (terminator === 0) return;
    if (this.style === 0) {
      this.style = terminator;
      this.styleLine = line;
    } else if (terminator !== this.style) {
      const name = (t: number) => (t === 1 ? 'LF' : 'CRLF');
      throw inputError('E_CSV_LINE_ENDING', { file: this.file, row: line }, `line ends in ${name(terminator)} but line ${this.styleLine} ends in ${name(this.style)}: mixed line endings`);
    }
  }

  // ---- a caller's fast lane -------------------------------------------------------------
  // A caller that can certify a whole line from its bytes (e.g. a row of plain decimals,
  // which are ASCII with no quote, CR or comma inside a cell) may skip the general scan:
  // `peekLine` buffers the next line and gives its span; `acceptLine` consumes it as one
  // record. Anything the caller cannot certify goes through `next()` instead, which applies
  // every rule and words the message. The caller must not use the lane before the header.

  /** Start and end (line ending excluded) of the buffered next line, after `peekLine`. */
  lineStart = 0;
  lineEnd = 0;
  private lineTerm = 0;
  private lineAfter = 0;

  /** Buffer the whole next line and set lineStart/lineEnd; false at the end of the input. */
  peekLine(): boolean {
    for (;;) {
      if (this.pos >= this.len) {
        if (this.eof) return false;
        this.fill();
        continue;
      }
      const nl = this.buf.indexOf(10, this.pos);
      if (nl < 0 || nl >= this.len) {
        if (!this.eof) {
          this.fill();
          continue;
        }
        this.lineStart = this.pos;
        this.lineEnd = this.len;
        this.lineTerm = 0;
        this.lineAfter = this.len;
        return true;
      }
      this.lineStart = this.pos;
      const cr = nl > this.pos && this.buf[nl - 1] === 13;
      this.lineEnd = cr ? nl - 1 : nl;
      this.lineTerm = cr ? 2 : 1;
      this.lineAfter = nl + 1;
      return true;
    }
  }

  /** Consume the peeked line as one record (its line ending checked like any other). */
  acceptLine(): void {
    this.checkTerminator(this.lineTerm, this.nextLine);
    this.line = this.nextLine;
    this.nextLine++;
    this.pos = this.lineAfter;
  }

  /**
   * Scan one record from `pos`. DONE: the record's fields are set and `pos` moves past it;
   * NEED_MORE: the record runs past the buffered bytes (nothing changed; fill and rescan).
   * O(record bytes), no allocation.
   */
  private scan(): number {
    const b = this.buf;
    const end = this.len;
    const eof = this.eof;
    const startLine = this.nextLine;
    let line = startLine;
    let i = this.pos;
    let f = 0;
    let after: number;
    let terminator = 0; // 0 none (end of file), 1 LF, 2 CRLF
    for (;;) {
      let s: number, e: number, q = 0;
      if (i < end && b[i] === 34 /* " */) {
        q = 1;
        s = i + 1;
        const quoteLine = line;
        let j = s;
        for (;;) {
          if (j >= end) {
            if (eof) throw this.error('E_CSV_QUOTE', quoteLine, f, 'unterminated quoted field (no closing quote before the end of the file)');
            return NEED_MORE;
          }
          const c = b[j];
          if (c === 34) {
            if (j + 1 >= end && !eof) return NEED_MORE;
            if (b[j + 1] === 34) {
              j += 2;
              continue;
            }
            break;
          }
          if (c === 10) line++;
          else if (c >= 0x80) {
            const n = utf8SequenceAt(b, j, end);
            if (n === 0 && !eof) return NEED_MORE;
            if (n <= 0) throw this.invalidUtf8(line, f, j);
            j += n;
            continue;
          }
          j++;
        }
        e = j;
        i = j + 1;
      } else {
        s = i;
        let j = i;
        for (; j < end; j++) {
          const c = b[j];
          if (c === 44 || c === 10 || c === 13) break;
          if (c === 34) throw this.error('E_CSV_QUOTE', line, f, 'a quote inside an unquoted field (quote the whole field and double the inner quote: "a ""b""")');
          if (c >= 0x80) {
            const n = utf8SequenceAt(b, j, end);
            if (n === 0 && !eof) return NEED_MORE;
            if (n <= 0) throw this.invalidUtf8(line, f, j);
            j += n - 1;
          }
        }
        if (j >= end && !eof) return NEED_MORE;
        e = j;
        i = j;
      }
      this.store(f, s, e, q);
      f++;
      if (i >= end) {
        if (!eof) return NEED_MORE;
        after = end;
        break;
      }
      const c = b[i];
      if (c === 44 /* , */) {
        i++;
        continue;
      }
      if (c === 10) {
        terminator = 1;
        after = i + 1;
        break;
      }
      if (c === 13) {
        if (i + 1 >= end && !eof) return NEED_MORE;
        if (b[i + 1] === 10) {
          terminator = 2;
          after = i + 2;
          break;
        }
        throw this.error('E_CSV_LINE_ENDING', line, f - 1, 'a bare CR (carriage return without line feed) ends the line: lines must end in LF or CRLF');
      }
      // Only a closing quote can be followed by anything else.
      throw this.error('E_CSV_QUOTE', line, f - 1, 'text after a closing quote (a quoted field must end at a comma or the end of the line)');
    }
    this.checkTerminator(terminator, line);
    this.fields = f;
    this.line = startLine;
    this.nextLine = line + 1;
    this.pos = after;
    return DONE;
  }
}

export interface CsvTable {
  file: string;
  header: string[];
  /** Data rows (header excluded). */
  rows: string[][];
  /** File line (1-based) on which each data row starts. */
  lines: number[];
}

/**
 * A whole small CSV as strings (tests and tools; the loaders stream with CsvReader instead).
 * O(bytes).
 */
export function parseCsv(file: string, bytes: Uint8Array): CsvTable {
  const r = new CsvReader(file, bufferSource(bytes));
  if (!r.next()) throw inputError('E_CSV_HEADER', { file }, 'file is empty: expected a header row');
  const header = Array.from({ length: r.fields }, (_, i) => r.text(i).trim());
  const rows: string[][] = [];
  const lines: number[] = [];
  while (r.next()) {
    rows.push(Array.from({ length: r.fields }, (_, i) => r.text(i)));
    lines.push(r.line);
  }
  return { file, header, rows, lines };
}

/**
 * Header names: trimmed, non-empty where required, and unique. `reserved` names are also
 * compared without case, so `Return` next to `return` is refused rather than one of them
 * silently ignored. O(columns).
 */
export function checkHeaderNames(file: string, names: string[], opts: { allowEmpty: boolean; reserved?: readonly string[] }): void {
  const seen = new Map<string, number>();
  const reserved = new Set(opts.reserved ?? []);
  names.forEach((name, i) => {
    if (name === '') {
      if (!opts.allowEmpty) throw inputError('E_CSV_HEADER', { file, row: 1, columnNumber: i + 1 }, `column ${i + 1} has an empty name`);
      return;
    }
    const key = reserved.has(name.toLowerCase()) ? name.toLowerCase() : name;
    const first = seen.get(key);
    if (first !== undefined) {
      const same = names[first] === name ? '' : ` ('${names[first]}' and '${name}' differ only in case)`;
      throw inputError('E_CSV_COLUMN_DUPLICATE', { file, row: 1, column: name }, `duplicate column name (columns ${first + 1} and ${i + 1})${same}: which one holds the data?`);
    }
    seen.set(key, i);
  });
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
    throw inputError('E_CSV_VALUE', { file, row: line, column }, `'${s.length > 40 ? s.slice(0, 40) + '...' : s}' is not a number`);
  }
  const v = Number(s);
  if (!Number.isFinite(v)) throw inputError('E_CSV_VALUE', { file, row: line, column }, `'${s.length > 40 ? s.slice(0, 40) + '...' : s}' overflows to a non-finite value`);
  return v;
}

/** ISO 8601 date (YYYY-MM-DD) or date-time (with optional seconds, fraction, Z or offset). */
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Milliseconds since the epoch of an ISO 8601 cell, or a message naming the cell. */
export function parseIsoCell(cell: string | undefined, file: string, line: number, column: string): number {
  const s = (cell ?? '').trim();
  if (s === '') throw inputError('E_CSV_DATE', { file, row: line, column }, 'empty cell, expected an ISO 8601 date');
  if (!ISO.test(s)) throw inputError('E_CSV_DATE', { file, row: line, column }, `'${s.length > 40 ? s.slice(0, 40) + '...' : s}' is not an ISO 8601 date or date-time`);
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

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Fast path for the common date cells `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SS` and the same with
 * a space for T and/or a trailing Z (years 1000-9999, all read as UTC) straight from bytes:
 * epoch ms exactly as parseIsoCell gives, or NaN for anything else (the caller then takes
 * the general path, which also words the message). O(1), no allocation.
 */
export function parseIsoDateFast(b: Uint8Array, s: number, e: number): number {
  const n = e - s;
  if ((n !== 10 && n !== 19 && n !== 20) || b[s + 4] !== 45 || b[s + 7] !== 45) return NaN;
  const y = digits(b, s, 4), m = digits(b, s + 5, 2), d = digits(b, s + 8, 2);
  if (!(y >= 1000) || !(m >= 1 && m <= 12) || !(d >= 1)) return NaN;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (d > (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1])) return NaN;
  if (n === 10) return Date.UTC(y, m - 1, d);
  const sepT = b[s + 10];
  if ((sepT !== 84 && sepT !== 32) || b[s + 13] !== 58 || b[s + 16] !== 58 || (n === 20 && b[s + 19] !== 90)) return NaN;
  const hh = digits(b, s + 11, 2), mm = digits(b, s + 14, 2), ss = digits(b, s + 17, 2);
  if (!(hh <= 23 && mm <= 59 && ss <= 59)) return NaN;
  return Date.UTC(y, m - 1, d, hh, mm, ss);
}

/** The decimal value of `count` ASCII digits at b[at..], or NaN if one is not a digit. */
function digits(b: Uint8Array, at: number, count: number): number {
  let v = 0;
  for (let k = 0; k < count; k++) {
    const c = b[at + k] - 48;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return v;
}
