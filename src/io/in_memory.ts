/**
 * A candidate built from in-memory data (the library API's validateCandidate path): a training
 * pipeline hands over its returns matrix and trades as arrays, not files. The data is written
 * once as the canonical CSV a bundle would hold (every number in JavaScript's shortest
 * round-trip form, so no value changes) and read back through the very parsers a bundle goes
 * through: the same validation (finite values in range, unique columns, increasing dates,
 * trade values for the unit), the same messages, and identical gate results for identical
 * data. The provenance records '<memory>' paths and the SHA-256 of those canonical bytes.
 * O(T x N + trades).
 */
import { inputError } from '../errors.js';
import { candidateSchema, type Candidate, type InputRecord } from './candidate.js';
import { sha256Hex } from './hash.js';
import { parseReturnsCsv } from './returns_csv.js';
import { parseTradesCsv } from './trades_csv.js';
import type { TradeUnit } from './types.js';
import { zodOneLine } from './zod_message.js';

export interface InMemoryCandidate {
  id: string;
  /** ISO 8601 date-time with an offset, as in candidate.json. */
  createdAt: string;
  /** Name of the candidate's own configuration (a column of `returns`). */
  selected: string;
  periodsPerYear: number;
  tradeUnit: TradeUnit;
  initialEquity?: number;
  /** Every configuration tried: T rows of N per-period simple returns. */
  returns: {
    columns: readonly string[];
    /** T ISO dates (or date-times), strictly increasing. */
    dates: readonly string[];
    /** T x N row-major values, or T rows of N. */
    values: Float64Array | readonly number[] | readonly (readonly number[])[];
  };
  /** The candidate's own trades, in exit-time order. */
  trades: { exitTimes: readonly string[]; values: Float64Array | readonly number[] };
}

const MEMORY = '<memory>';

/** A CSV cell for a name or date: quoted only when it must be (the parser reads quoted fields). */
function cell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function returnsCsv(r: InMemoryCandidate['returns']): string {
  const T = r.dates.length, N = r.columns.length;
  const flat = Array.isArray(r.values) && Array.isArray(r.values[0]);
  const total = flat ? (r.values as readonly (readonly number[])[]).reduce((a, row) => a + row.length, 0) : (r.values as ArrayLike<number>).length;
  if (total !== T * N) throw inputError('E_CSV_ROW_WIDTH', { file: `${MEMORY}/returns.csv` }, `returns has ${total} values for ${T} dates x ${N} columns (${T * N} expected)`);
  const lines = [['date', ...r.columns].map(cell).join(',')];
  for (let t = 0; t < T; t++) {
    const row = flat ? (r.values as readonly (readonly number[])[])[t] : Array.from({ length: N }, (_, n) => (r.values as ArrayLike<number>)[t * N + n]);
    if (row.length !== N) throw inputError('E_CSV_ROW_WIDTH', { file: `${MEMORY}/returns.csv`, row: t + 2 }, `row has ${row.length} values, expected ${N}`);
    lines.push([cell(r.dates[t]), ...row.map(String)].join(','));
  }
  return lines.join('\n') + '\n';
}

function tradesCsv(tr: InMemoryCandidate['trades'], unit: TradeUnit): string {
  if (tr.exitTimes.length !== tr.values.length) {
    throw inputError('E_CSV_ROW_WIDTH', { file: `${MEMORY}/trades.csv` }, `${tr.exitTimes.length} exit times for ${tr.values.length} trade values`);
  }
  const lines = [`exit_time,${unit}`];
  for (let i = 0; i < tr.values.length; i++) lines.push(`${cell(tr.exitTimes[i])},${String(tr.values[i])}`);
  return lines.join('\n') + '\n';
}

/** Validates in-memory candidate data exactly as a bundle's files would be, and loads it. */
export function candidateFromData(data: InMemoryCandidate): Candidate {
  const manifestRaw = {
    id: data.id, createdAt: data.createdAt, returns: 'returns.csv', trades: 'trades.csv', selected: data.selected,
    periodsPerYear: data.periodsPerYear, tradeUnit: data.tradeUnit, ...(data.initialEquity !== undefined ? { initialEquity: data.initialEquity } : {}),
  };
  const parsed = candidateSchema.safeParse(manifestRaw);
  if (!parsed.success) throw inputError('E_SCHEMA', { file: `${MEMORY}/candidate.json` }, `invalid candidate: ${zodOneLine(parsed.error)}`);
  const manifest = parsed.data;
  const manifestText = JSON.stringify(manifestRaw);
  const rBytes = Buffer.from(returnsCsv(data.returns), 'utf8');
  const tBytes = Buffer.from(tradesCsv(data.trades, data.tradeUnit), 'utf8');
  const returns = parseReturnsCsv(`${MEMORY}/returns.csv`, rBytes, { minColumns: 2 });
  const selectedIndex = returns.columns.indexOf(manifest.selected);
  if (selectedIndex < 0) throw inputError('E_SELECTED_MISSING', { file: `${MEMORY}/candidate.json` }, `"selected": "${manifest.selected}" is not a column of the returns`);
  const { trades } = parseTradesCsv(`${MEMORY}/trades.csv`, tBytes, manifest.tradeUnit);
  const inputs: InputRecord[] = [
    { role: 'candidate', path: `${MEMORY}/candidate.json`, sha256: sha256Hex(manifestText), bytes: Buffer.byteLength(manifestText) },
    { role: 'returns', path: `${MEMORY}/returns.csv`, sha256: sha256Hex(rBytes), bytes: rBytes.length, rows: returns.T, columns: returns.N },
    { role: 'trades', path: `${MEMORY}/trades.csv`, sha256: sha256Hex(tBytes), bytes: tBytes.length, rows: trades.n },
  ];
  return { dir: MEMORY, manifest, returns, trades, selectedIndex, inputs, warnings: [] };
}
