/**
 * Minimum track record length (Bailey & Lopez de Prado 2012; docs/methodology.md, "Deflated
 * Sharpe"): how many periods the selected configuration needs before PSR(0) reaches the
 * confidence (default 0.95). value = T / MinTRL, the coverage of the track record available;
 * passes when it is above the threshold (default 1: T > MinTRL). Advisory unless enabled.
 * O(T x N) once per candidate (shared inputs), O(1) here.
 */
import { minTrackRecordLength } from '../../stats/deflated_sharpe.js';
import type { GateDefinition } from '../registry.js';
import { familyDetails, selectedMoments, sharpeFamilyInputs } from '../sharpe_family/inputs.js';
import { familyResult, fmt } from '../sharpe_family/result.js';
import { minTrackRecordDetailsSchema, minTrackRecordOptionsSchema, type MinTrackRecordDetails, type MinTrackRecordOptions } from './options.js';

export const minTrackRecordGate: GateDefinition<MinTrackRecordOptions, MinTrackRecordDetails> = {
  name: 'minTrackRecord',
  label: 'min_track_record',
  comparison: '>',
  advisory: true,
  optionsSchema: minTrackRecordOptionsSchema,
  detailsSchema: minTrackRecordDetailsSchema,
  async run(input, options) {
    const f = sharpeFamilyInputs(input);
    const m = selectedMoments(f);
    const trl = m.reason ? null : minTrackRecordLength(m.sharpe, 0, m.skewness, m.kurtosis, options.confidence);
    const details = {
      ...familyDetails(f), confidence: options.confidence, minTrackRecordLength: trl?.value ?? null, availablePeriods: f.T,
    } as MinTrackRecordDetails;
    if (m.reason) return familyResult(this.name, '>', options.threshold, null, m.reason, details, []);
    const value = trl!.value === null ? null : f.T / trl!.value;
    return familyResult(this.name, '>', options.threshold, value, trl!.reason, details, []);
  },
  summary(r) {
    const d = r.details;
    return `MinTRL ${fmt(d.minTrackRecordLength, 1)} periods at ${Math.round(d.confidence * 100)}% vs ${d.availablePeriods} available`;
  },
};
