/**
 * trades.csv (docs/formats.md, "trades.csv") -> Trades: the candidate's own trades in exit-time order, values in
 * a SharedArrayBuffer. Needs `exit_time` and exactly one of `return` / `pnl`, matching the
 * trade unit; other columns are scanned past and ignored (they cost no memory). Streamed:
 * memory is 8 bytes a trade in blocks plus the final shared copy (16 bytes a trade at the
 * peak), whatever the width of the file. O(bytes).
 */
import { inputError } from '../errors.js';
import { defaultMaxMemory, FILE_LIMITS, OPTION_LIMITS } from '../config/limits.js';
import { FEW_TRADES_WARNING_BELOW } from '../config/defaults.js';
import { bufferSource, checkHeaderNames, CsvReader, parseIsoCell, parseIsoDateFast, parseNumberCell, type ByteSource } from './csv.js';
import { parseDecimalFast, parsedEnd } from './fast_number.js';
import { checkInputMemory, Float64Blocks } from './growable.js';
import { InputFile, type Containment } from './input_file.js';
import type { TradeUnit, Trades } from './types.js';

export interface LoadedTrades {
  trades: Trades;
  /** SHA-256 and size of exactly the bytes parsed (a file input; '' and 0 for in-memory bytes). */
  sha256: string;
  bytes: number;
  warnings: string[];
  /** Exit times of the first and last trade (ms since the epoch, UTC): what `monitor` checks live trades by. */
  firstExit: number;
  lastExit: number;
}

export interface TradesCsvOptions {
  /** Memory budget in bytes (--max-memory; default: half the machine's memory). */
  maxMemory?: number;
  /** For a bundle file: the containment rule. */
  within?: Containment;
  /** Hash the bytes read (default true; `sha256` is '' without). */
  hash?: boolean;
}


/**
 * A `return` trade beyond +1,000 (+100,000% on one trade) is not a fraction of equity (a unit
 * slip, or pnl in the wrong column); it would also make compounded equity overflow float64
 * within a few trades. A pnl beyond +-1e15 cannot hold cents in float64.
 */
export const MAX_TRADE_RETURN = 1000;

/** Open (regular file, size limit, optional containment), stream-parse and hash in one pass. */
export function readTradesCsv(file: string, unit: TradeUnit, opts: TradesCsvOptions = {}): LoadedTrades {
  const input = new InputFile(file, { limit: FILE_LIMITS.csv, limitName: 'CSV inputs', within: opts.within, hash: opts.hash });
  try {
    const { trades, warnings, firstExit, lastExit } = parseTradesFrom(file, input, unit, opts);
    const { sha256, bytes } = input.finish();
    return { trades, sha256, bytes, warnings, firstExit, lastExit };
  } finally {
    input.close();
  }
}

/** Parse trades from bytes already in memory (tests, tools). */
export function parseTradesCsv(file: string, bytes: Uint8Array, unit: TradeUnit, opts: TradesCsvOptions = {}): LoadedTrades {
  const { trades, warnings, firstExit, lastExit } = parseTradesFrom(file, bufferSource(bytes), unit, opts);
  return { trades, sha256: '', bytes: bytes.length, warnings, firstExit, lastExit };
}

function tradeValue(v: number, unit: TradeUnit, file: string, line: number): number {
  if (unit === 'return') {
    if (v <= -1) throw inputError('E_TRADE_VALUE', { file, row: line, column: 'return' }, `return ${v} <= -1 would wipe out more than the whole equity`);
    if (v > MAX_TRADE_RETURN) throw inputError('E_TRADE_VALUE', { file, row: line, column: 'return' }, `return ${v} is beyond +${MAX_TRADE_RETURN} (+100,000% on one trade): not a fraction of equity (pnl, or a unit slip?)`);
  } else if (!(Math.abs(v) <= OPTION_LIMITS.currency)) {
    throw inputError('E_TRADE_VALUE', { file, row: line, column: 'pnl' }, `pnl ${v} is beyond +-1e15: a currency amount that large cannot be computed to the cent`);
  }
  return v;
}

function parseTradesFrom(file: string, source: ByteSource, unit: TradeUnit, opts: TradesCsvOptions): { trades: Trades; warnings: string[]; firstExit: number; lastExit: number } {
  const maxMemory = opts.maxMemory ?? defaultMaxMemory();
  const r = new CsvReader(file, source);
  if (!r.next()) throw inputError('E_CSV_HEADER', { file }, 'file is empty: expected a header row');
  const header = Array.from({ length: r.fields }, (_, i) => r.text(i).trim());
  // Duplicates are refused (two `return` columns: which one is the candidate's?); the three
  // names this reader looks for are compared without case as well.
  checkHeaderNames(file, header, { allowEmpty: true, reserved: ['exit_time', 'return', 'pnl'] });
  const col = (name: string) => header.indexOf(name);
  const exitCol = col('exit_time');
  if (exitCol < 0) throw inputError('E_CSV_COLUMN_MISSING', { file, row: 1, column: 'exit_time' }, `required column is missing (header: ${header.join(',').slice(0, 200)})`);
  const hasReturn = col('return') >= 0;
  const hasPnl = col('pnl') >= 0;
  if (hasReturn && hasPnl) throw inputError('E_CSV_COLUMN_DUPLICATE', { file, row: 1, column: unit === 'return' ? 'pnl' : 'return' }, "has both 'return' and 'pnl' columns: exactly one trade value column is allowed");
  const valueCol = col(unit);
  if (valueCol < 0) {
    const other = unit === 'return' ? 'pnl' : 'return';
    const hint = col(other) >= 0 ? ` (found '${other}': the trade unit says '${unit}')` : '';
    throw inputError('E_CSV_COLUMN_MISSING', { file, row: 1, column: unit }, `required column is missing${hint}`);
  }
  r.names = header;
  r.limitFields(header.length);
  const values = new Float64Blocks();
  let prev = -Infinity;
  let first = NaN;
  let n = 0;
  while (r.next()) {
    const line = r.line;
    if (r.fields !== header.length) throw inputError('E_CSV_ROW_WIDTH', { file, row: line }, `expected ${header.length} fields, found ${r.fields}`);
    values.reserve(1, (held) => checkInputMemory(file, 2 * held, maxMemory, `${held / 8} trades`));
    const buf = r.buf;
    let ms = r.quoted[exitCol] ? NaN : parseIsoDateFast(buf, r.starts[exitCol], r.ends[exitCol]);
    if (ms !== ms) ms = parseIsoCell(r.text(exitCol), file, line, 'exit_time');
    if (ms < prev) throw inputError('E_CSV_ORDER', { file, row: line, column: 'exit_time' }, `'${r.text(exitCol).trim()}' is before the previous trade's exit_time (trades must be in time order)`);
    prev = ms;
    if (n === 0) first = ms;
    const s = r.starts[valueCol], e = r.ends[valueCol];
    let v = NaN;
    if (!r.quoted[valueCol]) {
      v = parseDecimalFast(buf, s, e);
      if (parsedEnd !== e) v = NaN;
    }
    if (v !== v) v = parseNumberCell(r.text(valueCol), file, line, unit);
    values.push(tradeValue(v, unit, file, line));
    n++;
  }
  if (n === 0) throw inputError('E_TOO_FEW_ROWS', { file }, 'has no trades (at least 1 is required)');
  const { buffer, data } = values.toShared();
  const warnings = n < FEW_TRADES_WARNING_BELOW ? [`${file}: only ${n} trades (fewer than ${FEW_TRADES_WARNING_BELOW}): gate statistics are imprecise`] : [];
  return { trades: { file, unit, n, buffer, values: data }, warnings, firstExit: first, lastExit: prev };
}
