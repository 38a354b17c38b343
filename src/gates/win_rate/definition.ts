/** The win-rate gate's registry entry (docs/methodology.md, "Win rate"). */
import type { GateDefinition } from '../registry.js';
import { ranWith } from '../types.js';
import { fmt } from '../sharpe_family/result.js';
import { winRateDetailsSchema, type WinRateDetails } from './details.js';
import { winRateGate } from './gate.js';
import { winRateOptionsSchema } from './options.js';

type Options = ReturnType<typeof winRateOptionsSchema.parse>;

export const winRateDefinition: GateDefinition<Options, WinRateDetails> = {
  name: 'winRate',
  label: 'win_rate',
  comparison: '>',
  advisory: false,
  optionsSchema: winRateOptionsSchema,
  detailsSchema: winRateDetailsSchema,
  async run(input, options, ctx) {
    return ranWith<WinRateDetails>(winRateGate(input.trades, { ...options, strict: ctx.strict }));
  },
  summary(r) {
    const d = r.details;
    return `${d.wins} wins / ${d.n} trades (${d.breakevens} breakeven); Wilson 95% [${fmt(d.wilson95[0])}, ${fmt(d.wilson95[1])}]; p(H0: p <= ${r.threshold}) = ${fmt(d.binomialPValue)}`;
  },
};
