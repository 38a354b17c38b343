/**
 * Win-rate gate (docs/methodology.md, "Win rate"; strict mode: "Policy" in docs/formats.md): the share of trades with a positive value
 * must exceed the policy threshold.
 */
import { GauntletError, inputError } from '../../errors.js';
import type { Trades } from '../../io/types.js';
import { binomialUpperTail } from '../../stats/binomial.js';
import { wilsonInterval, wilsonLowerBound } from '../../stats/intervals.js';
import { compare, type GateResult } from '../types.js';
import type { WinRateOptions } from './options.js';
import { FEW_TRADES_WARNING_BELOW, STRICT_CONFIDENCE } from '../../config/defaults.js';


export type { WinRateDetails } from './details.js';
import type { WinRateDetails } from './details.js';

/**
 * Counts wins (value > 0), losses (value < 0) and breakevens (value == 0, either sign of zero)
 * in one pass. A non-finite value cannot be classified, so it is bad input (exit 2) rather than
 * silently counted as a non-win; the loader rejects these first, this guards direct callers.
 * O(n).
 */
export function countOutcomes(trades: Trades): { wins: number; losses: number; breakevens: number } {
  const values = trades.values;
  let wins = 0;
  let losses = 0;
  let breakevens = 0;
  for (let i = 0; i < trades.n; i++) {
    const v = values[i];
    if (v > 0) wins++;
    else if (v < 0) losses++;
    else if (v === 0) breakevens++;
    else {
      // The header is line 1 of the file, so trade i sits on line i + 2.
      throw inputError('E_TRADE_VALUE', { file: trades.file, row: i + 2, column: trades.unit }, `trade value is ${v}, not a finite number`);
    }
  }
  return { wins, losses, breakevens };
}

/**
 * The win-rate gate. value = wins / n; passes when the gated value > threshold, where the gated
 * value is the point estimate, or in strict mode the one-sided 95% Wilson lower bound (so a
 * small sample cannot pass on luck). Details carry the Wilson 95% interval and the exact
 * binomial p-value of H0: p <= threshold. O(n) to count plus O(sqrt(n)) for the p-value.
 */
export function winRateGate(trades: Trades, options: WinRateOptions): GateResult {
  const comparison = '>' as const;
  const gatedOn = options.strict ? 'wilson95Lower' : 'point';
  if (!options.enabled) {
    return {
      gate: 'winRate',
      enabled: false,
      value: null,
      gatedValue: null,
      gatedOn,
      threshold: options.threshold,
      comparison,
      pass: true,
      reason: 'DISABLED',
      details: {},
      warnings: [],
    };
  }
  const n = trades.n;
  if (n === 0) {
    // The loader already refuses an empty trades.csv (docs/formats.md, "trades.csv"); a rate of nothing is undefined.
    throw new GauntletError('E_TOO_FEW_ROWS', `${trades.file}: no trades, so there is no win rate (at least 1 trade is required)`);
  }
  const { wins, losses, breakevens } = countOutcomes(trades);
  const value = wins / n;
  const wilson95 = wilsonInterval(wins, n, 0.95);
  const wilson95LowerOneSided = wilsonLowerBound(wins, n, STRICT_CONFIDENCE);
  const details: WinRateDetails = {
    n,
    wins,
    losses,
    breakevens,
    wilson95,
    wilson95LowerOneSided,
    binomialPValue: binomialUpperTail(wins, n, options.threshold),
  };
  const gatedValue = options.strict ? wilson95LowerOneSided : value;
  const warnings: string[] = [];
  if (n < FEW_TRADES_WARNING_BELOW) {
    warnings.push(`only ${n} trades (fewer than ${FEW_TRADES_WARNING_BELOW}): the win rate is imprecise, 95% Wilson interval [${wilson95[0].toFixed(4)}, ${wilson95[1].toFixed(4)}]`);
  }
  return {
    gate: 'winRate',
    enabled: true,
    value,
    gatedValue,
    gatedOn,
    threshold: options.threshold,
    comparison,
    pass: compare(gatedValue, comparison, options.threshold),
    reason: null,
    details,
    warnings,
  };
}
