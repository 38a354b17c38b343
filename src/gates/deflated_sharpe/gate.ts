/**
 * Deflated Sharpe ratio DSR = PSR(SR0) of the selected configuration (Bailey & Lopez de Prado
 * 2014; docs/methodology.md, "Deflated Sharpe"): the probability that its Sharpe beats the
 * best of N unskilled trials, SR0 = std of the N trials' Sharpes x E[max of N standard
 * normals]. Advisory unless the policy enables it (then: passes when DSR > threshold,
 * default 0.95). O(T x N) once per candidate (shared inputs), O(1) here.
 */
import { probabilisticSharpe } from '../../stats/deflated_sharpe.js';
import type { GateDefinition } from '../registry.js';
import { familyDetails, selectedMoments, sharpeFamilyInputs } from '../sharpe_family/inputs.js';
import { familyResult, fmt } from '../sharpe_family/result.js';
import { deflatedSharpeDetailsSchema, deflatedSharpeOptionsSchema, type DeflatedSharpeDetails, type DeflatedSharpeOptions } from './options.js';

export const deflatedSharpeGate: GateDefinition<DeflatedSharpeOptions, DeflatedSharpeDetails> = {
  name: 'deflatedSharpe',
  label: 'deflated_sharpe',
  comparison: '>',
  advisory: true,
  optionsSchema: deflatedSharpeOptionsSchema,
  detailsSchema: deflatedSharpeDetailsSchema,
  async run(input, options) {
    const f = sharpeFamilyInputs(input);
    const sr0 = f.sharpeStdAcrossTrials !== null && f.expectedMaxZ !== null ? f.sharpeStdAcrossTrials * f.expectedMaxZ : null;
    const details = {
      ...familyDetails(f), sharpeStdAcrossTrials: f.sharpeStdAcrossTrials, expectedMaxZ: f.expectedMaxZ, benchmarkSharpe: sr0, constantColumns: f.constantColumns,
    } as DeflatedSharpeDetails;
    const warnings = f.constantColumns > 0 ? [`${f.constantColumns} of ${f.N} configurations have constant returns (no Sharpe) and are left out of the Sharpe spread`] : [];
    const m = selectedMoments(f);
    if (m.reason) return familyResult(this.name, '>', options.threshold, null, m.reason, details, warnings);
    if (sr0 === null) return familyResult(this.name, '>', options.threshold, null, 'TOO_FEW_TRIALS', details, warnings);
    const dsr = probabilisticSharpe(m.sharpe, sr0, f.T, m.skewness, m.kurtosis);
    return familyResult(this.name, '>', options.threshold, dsr.value, dsr.reason, details, warnings);
  },
  summary(r) {
    const d = r.details;
    return `SR ${fmt(d.sharpe)} vs SR0 ${fmt(d.benchmarkSharpe)} per period (N = ${d.N} trials, Sharpe spread ${fmt(d.sharpeStdAcrossTrials)}, E[max] ${fmt(d.expectedMaxZ)})`;
  },
};
