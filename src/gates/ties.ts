/**
 * Exact ties in the in-sample selection, shared by the PBO and walk-forward gates
 * (docs/methodology.md, "Exact ties"): real strategy grids hold configurations that are
 * identical over a stretch (two moving-average rules holding the same position, long/flat
 * rules flat on the same days), so several columns can share the best in-sample metric
 * exactly.
 *   first   (default; the paper, R `pbo`, pypbo): n* = the lowest column index among them;
 *   average: the combination's lambda (PBO) or the fold's IS/OOS results (walk-forward) are
 *            averaged over the tied columns, so the answer does not depend on column order.
 */
import { z } from 'zod';

export const TIE_RULES = ['first', 'average'] as const;
export type TieRule = (typeof TIE_RULES)[number];
export const tieRuleSchema = z.enum(TIE_RULES);

/** The warning for exact ties in the in-sample selection (PBO combinations or walk-forward folds). */
export function tieWarning(tied: number, of: number, unit: 'combinations' | 'folds', rule: TieRule): string {
  const consequence =
    rule === 'first'
      ? 'with `ties: first` the result depends on column order (`ties: average` does not)'
      : 'with `ties: average` each is scored as the average over the tied configurations';
  return `${tied} of ${of} ${unit} had several configurations tied for best in sample: the grid contains configurations identical in sample; ${consequence}`;
}
