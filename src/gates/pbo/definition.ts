/** The PBO gate's registry entry (docs/methodology.md, "PBO"). */
import type { GateDefinition } from '../registry.js';
import { ranWith } from '../types.js';
import { fmt } from '../sharpe_family/result.js';
import { pboDetailsSchema, type PboDetails } from './details.js';
import { pboGate } from './gate.js';
import { pboOptionsSchema, type PboOptions } from './options.js';
import { pboPlan } from '../../engine/budget.js';

export const pboDefinition: GateDefinition<PboOptions, PboDetails> = {
  name: 'pbo',
  label: 'pbo',
  comparison: '<',
  advisory: false,
  optionsSchema: pboOptionsSchema,
  detailsSchema: pboDetailsSchema,
  async run(input, options, ctx) {
    return ranWith<PboDetails>(await pboGate(input.returns, options, ctx));
  },
  resourcePlan(input, options) {
    return pboPlan(input.returns.T, input.returns.N, options.S, options.maxCombinations, false);
  },
  summary(r) {
    const d = r.details;
    const parts = [`${d.combinations}${d.sampled ? ` sampled of ${d.combinationsTotal}` : ''} CSCV combinations (S = ${d.S}, ${d.metric})`];
    if (typeof d.sampling?.standardError === 'number') parts.push(`standard error ${fmt(d.sampling.standardError)}`);
    parts.push(`P(OOS loss) ${fmt(d.probabilityOfLoss)}`, `degradation slope ${fmt(d.degradation.slope)}`);
    return parts.join('; ');
  },
};
