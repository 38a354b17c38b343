/** The walk-forward efficiency gate's registry entry (docs/methodology.md, "Walk-forward"). */
import type { GateDefinition } from '../registry.js';
import { ranWith } from '../types.js';
import { fmt } from '../sharpe_family/result.js';
import { walkForwardDetailsSchema, type WalkForwardDetails } from './details.js';
import { walkForwardGate } from './gate.js';
import { walkForwardOptionsSchema, type WalkForwardOptions } from './options.js';
import { walkForwardWindows, windowEdges } from './windows.js';
import { walkForwardPlan } from '../../engine/budget.js';

export const walkForwardDefinition: GateDefinition<WalkForwardOptions, WalkForwardDetails> = {
  name: 'walkForward',
  label: 'walk_forward_efficiency',
  comparison: '>',
  advisory: false,
  optionsSchema: walkForwardOptionsSchema,
  detailsSchema: walkForwardDetailsSchema,
  async run(input, options, ctx) {
    return ranWith<WalkForwardDetails>(await walkForwardGate(input.returns, options, ctx, { periodsPerYear: input.periodsPerYear, strict: ctx.strict }));
  },
  resourcePlan(input, options) {
    try {
      const plan = walkForwardWindows(input.returns.T, options.folds, options.isOosRatio, options.gap, options.scheme);
      return walkForwardPlan(input.returns.T, input.returns.N, windowEdges(plan).length - 1, plan.folds);
    } catch {
      return null; // the gate words why the folds do not fit
    }
  },
  summary(r) {
    const d = r.details;
    return `${d.folds} ${d.scheme} folds; IS ${fmt(d.aggregateIsAnnualisedReturn)} / OOS ${fmt(d.aggregateOosAnnualisedReturn)} annualised; profitable OOS folds ${fmt(d.profitableOosFolds, 2)}; IS t-stat ${fmt(d.isTStat, 2)}`;
  },
};
