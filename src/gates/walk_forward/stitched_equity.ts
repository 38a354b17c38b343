/**
 * The stitched out-of-sample equity curve of the walk-forward gate (report schemaVersion 3;
 * docs/formats.md, "Chart data"): the OOS rows of every fold in fold order, each row's return
 * that of the fold's selection (its column, or under ties 'average' the row-wise average of
 * the tied columns, summed in ascending column order as the fold kernel does), compounded
 * from 1: equity_t = prod (1 + r_s) over the stitched rows s <= t. At most `maxPoints` points
 * are kept, evenly spaced over the stitched rows (`evenSample`, the last row always kept),
 * each with the date of its row, the equity rounded to 6 significant digits like every chart
 * point (the compounding itself is unrounded). Returns within the loader's +-1,000 can still compound past
 * float64 over many rows: the curve then stops at its last finite point (`complete` false),
 * so a chart never fails a run.
 *
 * O(stitched rows x selection size) time, O(maxPoints) memory.
 */
import { evenSample } from '../../stats/even_sample.js';
import { roundSignificant } from '../../stats/round_significant.js';

export interface StitchedEquity {
  /** Stitched OOS rows in all. */
  rows: number;
  sampled: boolean;
  /** False when the compounded equity overflowed float64 and the points stop before it. */
  complete: boolean;
  dates: string[];
  equity: number[];
}

export function stitchedOosEquity(
  data: Float64Array,
  N: number,
  dates: readonly string[],
  folds: readonly { oosStart: number; oosEnd: number; selection: readonly number[] }[],
  maxPoints: number,
): StitchedEquity {
  const rows = folds.reduce((s, f) => s + (f.oosEnd - f.oosStart), 0);
  const keep = evenSample(rows, maxPoints);
  const out: StitchedEquity = { rows, sampled: keep.length < rows, complete: true, dates: [], equity: [] };
  let equity = 1, i = 0, next = 0;
  for (const f of folds) {
    const k = f.selection.length;
    for (let t = f.oosStart; t < f.oosEnd; t++, i++) {
      let r = 0;
      for (const n of f.selection) r += data[t * N + n];
      equity *= 1 + (k === 1 ? r : r / k);
      if (!Number.isFinite(equity)) {
        out.complete = false;
        return out;
      }
      if (next < keep.length && keep[next] === i) {
        out.dates.push(dates[t]);
        out.equity.push(roundSignificant(equity));
        next++;
      }
    }
  }
  return out;
}
