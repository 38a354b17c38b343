/** The Monte Carlo breach gate's registry entry (docs/methodology.md, "Monte Carlo"). */
import type { GateDefinition } from '../registry.js';
import { ranWith } from '../types.js';
import { fmt } from '../sharpe_family/result.js';
import { monteCarloDetailsSchema, type MonteCarloDetails } from './details.js';
import { monteCarloGate } from './gate.js';
import { monteCarloOptionsSchema } from './options.js';
import { monteCarloPlan } from '../../engine/budget.js';

type Options = ReturnType<typeof monteCarloOptionsSchema.parse>;

export const monteCarloDefinition: GateDefinition<Options, MonteCarloDetails> = {
  name: 'monteCarlo',
  label: 'mc_breach_probability',
  comparison: '<',
  advisory: false,
  optionsSchema: monteCarloOptionsSchema,
  detailsSchema: monteCarloDetailsSchema,
  async run(input, options, ctx) {
    return ranWith<MonteCarloDetails>(await monteCarloGate(input.trades, { ...options, strict: ctx.strict }, ctx, { initialEquity: input.initialEquity }));
  },
  resourcePlan(input, options, ctx) {
    const n = input.trades.n;
    return monteCarloPlan(options.paths, options.horizon ?? n, n, ctx.executor.workers);
  },
  summary(r) {
    const d = r.details;
    return `${d.breaches} of ${d.paths} ${d.method} paths breached; CP 95% [${fmt(d.clopperPearson95[0])}, ${fmt(d.clopperPearson95[1])}]; max DD p95 ${fmt(d.maxDrawdownQuantiles.p95)}`;
  },
};
