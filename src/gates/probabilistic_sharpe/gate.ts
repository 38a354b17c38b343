/**
 * Probabilistic Sharpe ratio PSR(0) of the selected configuration (Bailey & Lopez de Prado
 * 2012; docs/methodology.md, "Deflated Sharpe"): the probability that its true Sharpe ratio is
 * above 0 given T observations, skewness and kurtosis. Advisory unless the policy enables it
 * (then: passes when PSR > threshold, default 0.95). O(T x N) once per candidate (shared
 * inputs), O(1) here.
 */
import { probabilisticSharpe } from '../../stats/deflated_sharpe.js';
import type { GateDefinition } from '../registry.js';
import { familyDetails, selectedMoments, sharpeFamilyInputs } from '../sharpe_family/inputs.js';
import { familyResult, fmt } from '../sharpe_family/result.js';
import { probabilisticSharpeDetailsSchema, probabilisticSharpeOptionsSchema, type ProbabilisticSharpeDetails, type ProbabilisticSharpeOptions } from './options.js';

export const probabilisticSharpeGate: GateDefinition<ProbabilisticSharpeOptions, ProbabilisticSharpeDetails> = {
  name: 'probabilisticSharpe',
  label: 'probabilistic_sharpe',
  comparison: '>',
  advisory: true,
  optionsSchema: probabilisticSharpeOptionsSchema,
  detailsSchema: probabilisticSharpeDetailsSchema,
  async run(input, options) {
    const f = sharpeFamilyInputs(input);
    const details = { ...familyDetails(f), benchmarkSharpe: 0 } as ProbabilisticSharpeDetails;
    const m = selectedMoments(f);
    if (m.reason) return familyResult(this.name, '>', options.threshold, null, m.reason, details, []);
    const psr = probabilisticSharpe(m.sharpe, 0, f.T, m.skewness, m.kurtosis);
    return familyResult(this.name, '>', options.threshold, psr.value, psr.reason, details, []);
  },
  summary(r) {
    const d = r.details;
    return `SR ${fmt(d.sharpe)} per period (${fmt(d.sharpeAnnualised, 3)} annualised), skew ${fmt(d.skewness, 3)}, kurtosis ${fmt(d.kurtosis, 2)}, T ${d.T}`;
  },
};
