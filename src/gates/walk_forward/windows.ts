/**
 * Walk-forward fold windows (docs/methodology.md, "Walk-forward"): pure arithmetic on row indices, no data.
 *
 * Rows are 0-based and ranges half-open [start, end). With T rows, K folds, IS:OOS ratio r
 * and gap g (Pardo, "The Evaluation and Optimization of Trading Strategies", 2nd ed., ch. 11):
 *   L = floor((T - g) / (K + r))                      OOS length; rolling IS length = r L
 *   fold k = 1..K: OOS = [T - (K-k+1) L, T - (K-k) L)  contiguous, the last ends at T
 *   rolling  IS = [oosStart - g - r L, oosStart - g)
 *   anchored IS = [T - K L - g - r L, oosStart - g)     same first row, growing
 *   the oldest T - (K + r) L - g rows are unused.
 * O(K) time and space.
 */
import { inputError } from '../../errors.js';

export type WalkForwardScheme = 'rolling' | 'anchored';

export interface FoldWindow {
  /** 1-based fold number, oldest first. */
  fold: number;
  isStart: number;
  isEnd: number;
  oosStart: number;
  oosEnd: number;
}

export interface WalkForwardPlan {
  T: number;
  folds: number;
  isOosRatio: number;
  gap: number;
  scheme: WalkForwardScheme;
  /** L: rows per OOS window. */
  oosLength: number;
  /** The first row any window uses (= T - (K + r) L - g), which is also the count of unused rows. */
  firstUsedRow: number;
  unusedRows: number;
  windows: FoldWindow[];
}

function wfInput(problem: string): Error {
  return inputError('E_WF_INPUT', {}, `walk-forward: ${problem}`);
}

function checkInteger(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw wfInput(`${name} must be an integer >= ${min}, got ${v}`);
}

/**
 * The K fold windows for T rows. Throws E_WF_INPUT (exit 2) when K < 1, r < 1, g < 0, when
 * fewer than K full folds fit (L < 1) or when a window would be shorter than 2 rows (L < 2:
 * a per-period standard deviation needs 2 rows).
 */
export function walkForwardWindows(T: number, folds: number, isOosRatio: number, gap: number, scheme: WalkForwardScheme): WalkForwardPlan {
  checkInteger('folds K', folds, 1);
  checkInteger('IS:OOS ratio r', isOosRatio, 1);
  checkInteger('gap', gap, 0);
  checkInteger('row count T', T, 0);
  if (scheme !== 'rolling' && scheme !== 'anchored') throw wfInput(`unknown scheme '${String(scheme)}'`);
  const K = folds;
  const r = isOosRatio;
  const L = Math.floor((T - gap) / (K + r));
  if (L < 1) {
    throw wfInput(`fewer than ${K} full folds fit: ${T} rows, gap ${gap}, need at least (K + r) + gap = ${K + r + gap} rows`);
  }
  if (L < 2) {
    throw wfInput(`a window is shorter than 2 rows: OOS length floor((${T} - ${gap}) / (${K} + ${r})) = ${L}; need at least ${2 * (K + r) + gap} rows`);
  }
  const firstUsedRow = T - (K + r) * L - gap;
  const windows: FoldWindow[] = [];
  for (let k = 1; k <= K; k++) {
    const oosStart = T - (K - k + 1) * L;
    const oosEnd = T - (K - k) * L;
    const isEnd = oosStart - gap;
    const isStart = scheme === 'rolling' ? isEnd - r * L : firstUsedRow;
    windows.push({ fold: k, isStart, isEnd, oosStart, oosEnd });
  }
  return { T, folds: K, isOosRatio: r, gap, scheme, oosLength: L, firstUsedRow, unusedRows: firstUsedRow, windows };
}

/**
 * Every distinct window edge, ascending, from the first used row to T. Consecutive edges cut
 * the used rows into segments such that every IS and OOS window is a union of whole
 * segments, so per-segment column sums are all a fold ever needs. At most 4K + 1 edges; O(K log K).
 */
export function windowEdges(plan: WalkForwardPlan): number[] {
  const edges = new Set<number>([plan.firstUsedRow, plan.T]);
  for (const w of plan.windows) {
    edges.add(w.isStart);
    edges.add(w.isEnd);
    edges.add(w.oosStart);
    edges.add(w.oosEnd);
  }
  return [...edges].sort((a, b) => a - b);
}
