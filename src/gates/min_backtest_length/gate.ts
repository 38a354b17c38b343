/**
 * Minimum backtest length (Bailey, Borwein, Lopez de Prado & Zhu 2014; docs/methodology.md,
 * "Deflated Sharpe"): the years of data below which N trials are expected to produce the
 * selected configuration's annualised in-sample Sharpe from pure noise. value = years
 * available / MinBTL; passes when it is above the threshold (default 1). Advisory unless
 * enabled. O(T x N) once per candidate (shared inputs), O(1) here.
 */
import { minBacktestLength } from '../../stats/deflated_sharpe.js';
import type { GateDefinition } from '../registry.js';
import { familyDetails, sharpeFamilyInputs } from '../sharpe_family/inputs.js';
import { familyResult, fmt } from '../sharpe_family/result.js';
import { minBacktestLengthDetailsSchema, minBacktestLengthOptionsSchema, type MinBacktestLengthDetails, type MinBacktestLengthOptions } from './options.js';

export const minBacktestLengthGate: GateDefinition<MinBacktestLengthOptions, MinBacktestLengthDetails> = {
  name: 'minBacktestLength',
  label: 'min_backtest_length',
  comparison: '>',
  advisory: true,
  optionsSchema: minBacktestLengthOptionsSchema,
  detailsSchema: minBacktestLengthDetailsSchema,
  async run(input, options) {
    const f = sharpeFamilyInputs(input);
    const btl = f.sharpeAnnualised === null ? null : minBacktestLength(f.sharpeAnnualised, f.N);
    const details = {
      ...familyDetails(f), periodsPerYear: f.periodsPerYear,
      minBacktestYears: btl?.value ?? null, upperBoundYears: btl && btl.value !== null ? btl.upperBound : null, availableYears: f.years,
    } as MinBacktestLengthDetails;
    if (btl === null) return familyResult(this.name, '>', options.threshold, null, 'ZERO_VARIANCE', details, []);
    return familyResult(this.name, '>', options.threshold, btl.value === null ? null : f.years / btl.value, btl.reason, details, []);
  },
  summary(r) {
    const d = r.details;
    return `MinBTL ${fmt(d.minBacktestYears, 2)} years (bound ${fmt(d.upperBoundYears, 2)}) for N = ${d.N} trials at SR ${fmt(d.sharpeAnnualised, 3)} annualised vs ${fmt(d.availableYears, 2)} years available`;
  },
};
