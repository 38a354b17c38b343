/**
 * Loaded inputs. Numeric data lives in SharedArrayBuffers so the pool's workers read it
 * without a copy per task (docs/methodology.md, "Determinism and sharding"); the typed-array views here are over those buffers.
 */

export interface ReturnsMatrix {
  /** Path as the user named it (used in messages). */
  file: string;
  /** Rows (periods) and columns (configurations). */
  T: number;
  N: number;
  columns: string[];
  /** The `date` column, as written (ISO 8601), strictly increasing. */
  dates: string[];
  /** T x N float64, row-major: value(t, n) = data[t * N + n]. */
  buffer: SharedArrayBuffer;
  data: Float64Array;
}

export type TradeUnit = 'return' | 'pnl';

export interface Trades {
  file: string;
  unit: TradeUnit;
  n: number;
  /** Trade values in exit-time order: fraction of equity (`return`) or currency (`pnl`). */
  buffer: SharedArrayBuffer;
  values: Float64Array;
}

/** Build a ReturnsMatrix from plain arrays (tests, benchmarks, fixture builder). */
export function makeReturnsMatrix(rows: ArrayLike<number>[] | Float64Array, opts: { T?: number; N?: number; columns?: string[]; dates?: string[]; file?: string } = {}): ReturnsMatrix {
  let T: number, N: number;
  let src: ArrayLike<number>;
  if (rows instanceof Float64Array) {
    if (opts.T === undefined || opts.N === undefined) throw new Error('makeReturnsMatrix: T and N are required for a flat array');
    T = opts.T; N = opts.N; src = rows;
  } else {
    T = rows.length; N = T ? rows[0].length : 0;
    const flat = new Float64Array(T * N);
    rows.forEach((r, t) => { for (let n = 0; n < N; n++) flat[t * N + n] = r[n]; });
    src = flat;
  }
  const buffer = new SharedArrayBuffer(T * N * 8);
  const data = new Float64Array(buffer);
  data.set(src as ArrayLike<number>);
  const columns = opts.columns ?? Array.from({ length: N }, (_, i) => `c${i}`);
  const dates = opts.dates ?? Array.from({ length: T }, (_, i) => new Date(Date.UTC(2000, 0, 1) + i * 86_400_000).toISOString().slice(0, 10));
  return { file: opts.file ?? '<memory>', T, N, columns, dates, buffer, data };
}

export function makeTrades(values: ArrayLike<number>, unit: TradeUnit = 'return', file = '<memory>'): Trades {
  const n = values.length;
  const buffer = new SharedArrayBuffer(n * 8);
  const arr = new Float64Array(buffer);
  arr.set(values);
  return { file, unit, n, buffer, values: arr };
}
