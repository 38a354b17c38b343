/**
 * Per-gate commands on bare files: `winrate`, `montecarlo`, `pbo`, `walkforward`. Each takes
 * the gate's policy block (from --policy, else the defaults), applies the flags on top, and
 * re-validates the result with the gate's own zod schema, so a flag out of range gets the
 * same message as the same value in a policy file. `--json` prints the gate result exactly
 * as it appears under `gates.<name>` in the validate report.
 */
import type { Command } from 'commander';
import { DEFAULTS, DEFAULT_PERIODS_PER_YEAR } from '../config/defaults.js';

/** Help text for --max-memory (kept here so registering commands loads no implementation). */
const MAX_MEMORY_HELP = "memory budget, e.g. 2G, 512M or bytes (default: half the machine's memory); larger plans are refused up front";

// Each action loads its implementation on demand (./gate_actions.ts), so `gauntlet pbo`
// does not pay for importing the Monte Carlo pipeline, the batch journal or the pool when
// it runs in-process: start-up time is part of every CI gate's latency.
export function registerGateCommands(program: Command): void {
  program
    .command('winrate')
    .description('win-rate gate on a trades.csv: share of winning trades, Wilson interval, exact binomial p-value')
    .argument('<trades.csv>', 'trades file (exit_time + return or pnl column)')
    .option('--unit <unit>', "trade unit: 'return' or 'pnl' (required)")
    .option('--threshold <x>', `pass when the win rate is above this (default ${DEFAULTS.winRate.threshold})`)
    .option('--strict', 'gate on the one-sided 95% Wilson lower bound instead of the point estimate')
    .option('--policy <file>', 'take the gate options from a policy file (flags override it)')
    .option('--json <file>', "write the gate result as JSON to a file, or '-' for stdout")
    .option('--max-memory <size>', MAX_MEMORY_HELP)
    .action(async (file: string, f: Record<string, string | boolean | undefined>) => (await import('./gate_actions.js')).runWinrate(file, f));

  program
    .command('montecarlo')
    .description('Monte Carlo breach gate on a trades.csv: resample the trades into equity paths and count drawdown-limit breaches')
    .argument('<trades.csv>', 'trades file (exit_time + return or pnl column)')
    .option('--unit <unit>', "trade unit: 'return' (compounds) or 'pnl' (currency, needs --initial-equity) (required)")
    .option('--paths <n>', `number of resampled paths (default ${DEFAULTS.monteCarlo.paths})`)
    .option('--horizon <n>', 'trades per path (default: the number of trades)')
    .option('--method <m>', `stationary | iid | permutation (default ${DEFAULTS.monteCarlo.method})`)
    .option('--block-length <b>', "stationary bootstrap mean block length: 'auto' (Politis-White) or a number >= 1 (default auto)")
    .option('--breach <rule:limit>', `drawdown:F | static:F | trailing:AMOUNT (default ${DEFAULTS.monteCarlo.breach.rule}:${DEFAULTS.monteCarlo.breach.limit})`)
    .option('--initial-equity <x>', 'starting equity (required for pnl trades and trailing breaches)')
    .option('--threshold <x>', `pass when the breach probability is below this (default ${DEFAULTS.monteCarlo.threshold})`)
    .option('--strict', 'gate on the one-sided 95% Clopper-Pearson upper bound')
    .option('--seed <n>', `run seed (default ${DEFAULTS.seed})`)
    .option('--workers <n>', 'worker threads (default: available cores; 0 = in-process)')
    .option('--policy <file>', 'take the gate options from a policy file (flags override it)')
    .option('--json <file>', "write the gate result as JSON to a file, or '-' for stdout")
    .option('--max-memory <size>', MAX_MEMORY_HELP)
    .option('--timings', 'print timings to stderr')
    .action(async (file: string, f: Record<string, string | boolean | undefined>) => (await import('./gate_actions.js')).runMontecarlo(file, f));

  program
    .command('pbo')
    .description('probability of backtest overfitting by CSCV over a returns.csv holding every configuration tried')
    .argument('<returns.csv>', 'T x N returns matrix (date column + one column per configuration)')
    .option('--S <n>', `number of blocks, even (default ${DEFAULTS.pbo.S})`)
    .option('--metric <m>', `sharpe | mean | sortino (default ${DEFAULTS.pbo.metric})`)
    .option('--truncate <how>', "'oldest': drop the oldest T mod S rows instead of failing")
    .option('--ties <rule>', `several configurations tied exactly for the best IS metric: first (lowest column) | average (default ${DEFAULTS.pbo.ties})`)
    .option('--max-combinations <n>', `sample combinations beyond this many (default ${DEFAULTS.pbo.maxCombinations})`)
    .option('--threshold <x>', `pass when PBO is below this (default ${DEFAULTS.pbo.threshold})`)
    .option('--logits', "add every combination's nStar, oosRank and logit to the JSON")
    .option('--seed <n>', `run seed, used only when combinations are sampled (default ${DEFAULTS.seed})`)
    .option('--workers <n>', 'worker threads (default: available cores; 0 = in-process)')
    .option('--policy <file>', 'take the gate options from a policy file (flags override it)')
    .option('--json <file>', "write the gate result as JSON to a file, or '-' for stdout")
    .option('--max-memory <size>', MAX_MEMORY_HELP)
    .option('--timings', 'print timings to stderr')
    .action(async (file: string, f: Record<string, string | boolean | undefined>) => (await import('./gate_actions.js')).runPbo(file, f));

  program
    .command('walkforward')
    .description('walk-forward efficiency ratio: re-select the best configuration in each in-sample window, measure it out of sample')
    .argument('<returns.csv>', 'T x N returns matrix (date column + one column per configuration)')
    .option('--folds <k>', `number of folds K (default ${DEFAULTS.walkForward.folds})`)
    .option('--is-oos <r>', `in-sample : out-of-sample length ratio (default ${DEFAULTS.walkForward.isOosRatio})`)
    .option('--scheme <s>', `rolling | anchored (default ${DEFAULTS.walkForward.scheme})`)
    .option('--gap <rows>', `rows between each IS and OOS window (default ${DEFAULTS.walkForward.gap})`)
    .option('--metric <m>', `in-sample selection metric: sharpe | mean (default ${DEFAULTS.walkForward.metric})`)
    .option('--ties <rule>', `several configurations tied exactly for the best IS metric: first (lowest column) | average (default ${DEFAULTS.walkForward.ties})`)
    .option('--strict', 'fail the gate (IS_NOT_SIGNIFICANT) when the pooled IS return has a t-statistic below 1')
    .option('--periods-per-year <n>', `annualisation factor (default ${DEFAULT_PERIODS_PER_YEAR})`)
    .option('--threshold <x>', `pass when WFER is above this (default ${DEFAULTS.walkForward.threshold})`)
    .option('--workers <n>', 'worker threads (default: available cores; 0 = in-process)')
    .option('--policy <file>', 'take the gate options from a policy file (flags override it)')
    .option('--json <file>', "write the gate result as JSON to a file, or '-' for stdout")
    .option('--max-memory <size>', MAX_MEMORY_HELP)
    .option('--timings', 'print timings to stderr')
    .action(async (file: string, f: Record<string, string | boolean | undefined>) => (await import('./gate_actions.js')).runWalkforward(file, f));
}
