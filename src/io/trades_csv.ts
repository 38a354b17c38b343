/**
 * trades.csv (SPEC 1.3) -> Trades: the candidate's own trades in exit-time order, values in
 * a SharedArrayBuffer. Needs `exit_time` and exactly one of `return` / `pnl`, matching the
 * trade unit; other columns are kept in the file and ignored. O(rows).
 */
import { inputError } from '../errors.js';
import { parseCsv, parseIsoCell, parseNumberCell, readInputFile } from './csv.js';
import type { TradeUnit, Trades } from './types.js';

export interface LoadedTrades {
  trades: Trades;
  bytes: Buffer;
  warnings: string[];
}

/** Fewer trades than this is allowed but warned about (SPEC 1.3). */
export const FEW_TRADES = 100;

export function readTradesCsv(file: string, unit: TradeUnit): LoadedTrades {
  const bytes = readInputFile(file);
  return parseTradesCsv(file, bytes, unit);
}

export function parseTradesCsv(file: string, bytes: Buffer, unit: TradeUnit): LoadedTrades {
  const { header, rows, lines } = parseCsv(file, bytes);
  const col = (name: string) => header.indexOf(name);
  const exitCol = col('exit_time');
  if (exitCol < 0) throw inputError('E_CSV_COLUMN_MISSING', { file, row: 1, column: 'exit_time' }, `required column is missing (header: ${header.join(',')})`);
  const hasReturn = col('return') >= 0;
  const hasPnl = col('pnl') >= 0;
  if (hasReturn && hasPnl) throw inputError('E_CSV_HEADER', { file, row: 1 }, "has both 'return' and 'pnl' columns: exactly one is allowed");
  const valueCol = col(unit);
  if (valueCol < 0) {
    const other = unit === 'return' ? 'pnl' : 'return';
    const hint = col(other) >= 0 ? ` (found '${other}': the trade unit says '${unit}')` : '';
    throw inputError('E_CSV_COLUMN_MISSING', { file, row: 1, column: unit }, `required column is missing${hint}`);
  }
  const n = rows.length;
  if (n === 0) throw inputError('E_TOO_FEW_ROWS', { file }, 'has no trades (at least 1 is required)');
  const buffer = new SharedArrayBuffer(n * 8);
  const values = new Float64Array(buffer);
  const exitTimes = new Array<string>(n);
  let prev = -Infinity;
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    const line = lines[i];
    if (row.length !== header.length) throw inputError('E_CSV_ROW_WIDTH', { file, row: line }, `expected ${header.length} fields, found ${row.length}`);
    const ms = parseIsoCell(row[exitCol], file, line, 'exit_time');
    if (ms < prev) throw inputError('E_CSV_ORDER', { file, row: line, column: 'exit_time' }, `'${row[exitCol].trim()}' is before the previous trade's exit_time (trades must be in time order)`);
    prev = ms;
    exitTimes[i] = row[exitCol].trim();
    const v = parseNumberCell(row[valueCol], file, line, unit);
    if (unit === 'return' && v <= -1) throw inputError('E_TRADE_VALUE', { file, row: line, column: 'return' }, `return ${v} <= -1 would wipe out more than the whole equity`);
    values[i] = v;
  }
  const warnings = n < FEW_TRADES ? [`${file}: only ${n} trades (fewer than ${FEW_TRADES}): gate statistics are imprecise`] : [];
  return { trades: { file, unit, n, buffer, values, exitTimes }, bytes, warnings };
}
