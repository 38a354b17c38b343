/**
 * The built-in gates, in report and text order: the four decision gates, then the advisory
 * deflated-Sharpe family. Adding a gate: its folder, and one line here.
 */
import { gateRegistry } from './registry.js';
import { winRateDefinition } from './win_rate/definition.js';
import { walkForwardDefinition } from './walk_forward/definition.js';
import { pboDefinition } from './pbo/definition.js';
import { monteCarloDefinition } from './monte_carlo/definition.js';
import { probabilisticSharpeGate } from './probabilistic_sharpe/gate.js';
import { deflatedSharpeGate } from './deflated_sharpe/gate.js';
import { minTrackRecordGate } from './min_track_record/gate.js';
import { minBacktestLengthGate } from './min_backtest_length/gate.js';

export const DEFAULT_GATES = gateRegistry([
  winRateDefinition,
  walkForwardDefinition,
  pboDefinition,
  monteCarloDefinition,
  probabilisticSharpeGate,
  deflatedSharpeGate,
  minTrackRecordGate,
  minBacktestLengthGate,
]);
