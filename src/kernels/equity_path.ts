/**
 * One equity path walked the plain way: the Monte Carlo
 * gate's "original sequence" fact, and the equity walk of the reference twin
 * (test/twins/drawdown_paths_reference.ts) that the fast kernel is checked against.
 */
import type { TradeUnit } from '../io/types.js';
import type { BreachRuleName } from './drawdown_paths.js';

export interface PathOutcome {
  breached: boolean;
  /** The equity after each of `recordAt` trades (when asked). */
  equityAt: number[];
  /** max over steps of (peak - equity) / peak, peak including the start. */
  maxDrawdown: number;
  finalEquity: number;
}

/**
 * Walk one equity path over `values[order[0]], values[order[1]], ...` (docs/methodology.md, "Monte Carlo"):
 * `return` compounds (equity = max(0, equity x (1 + r))), `pnl` adds; the peak includes
 * the start. Breach when equity <= (1 - limit) x peak (drawdown), equity <= start x
 * (1 - limit) (static) or equity <= peak - limit (trailing), peak including the current
 * equity; a path breaches at most once. `recordAt` (increasing trade counts within 1..length)
 * names the steps whose equity is also returned. O(length).
 */
export function walkEquityPath(
  values: ArrayLike<number>,
  order: ArrayLike<number>,
  unit: TradeUnit,
  startEquity: number,
  rule: BreachRuleName,
  limit: number,
  recordAt: readonly number[] = [],
): PathOutcome {
  const equityAt: number[] = [];
  let next = 0;
  let equity = startEquity;
  let peak = startEquity;
  let maxDrawdown = 0;
  let breached = false;
  for (let h = 0; h < order.length; h++) {
    const x = values[order[h]];
    equity = unit === 'return' ? Math.max(0, equity * (1 + x)) : equity + x;
    if (equity > peak) peak = equity;
    const drawdown = (peak - equity) / peak;
    if (drawdown > maxDrawdown) maxDrawdown = drawdown;
    if (!breached) {
      // The breach rules' comparisons literally (not the drawdown ratio against the limit, which
      // rounds differently at the boundary: a -20% trade must breach a 20% limit).
      if (rule === 'drawdown') breached = equity <= (1 - limit) * peak;
      else if (rule === 'static') breached = equity <= startEquity * (1 - limit);
      else breached = equity <= peak - limit;
    }
    while (next < recordAt.length && recordAt[next] === h + 1) {
      equityAt.push(equity);
      next++;
    }
  }
  return { breached, maxDrawdown, finalEquity: equity, equityAt };
}
