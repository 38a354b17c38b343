/**
 * Per-gate commands on bare files: `winrate`, `montecarlo`, `pbo`, `walkforward`. Each takes
 * the gate's policy block (from --policy, else the defaults), applies the flags on top, and
 * re-validates the result with the gate's own zod schema, so a flag out of range gets the
 * same message as the same value in a policy file. `--json` prints the gate result exactly
 * as it appears under `gates.<name>` in the validate report.
 */
import type { Command } from 'commander';
import type { z } from 'zod';
import { DEFAULTS } from '../config/defaults.js';
import { ExitCode, usageError } from '../errors.js';
import { loadPolicy } from '../io/policy.js';
import { readReturnsCsv } from '../io/returns_csv.js';
import { readTradesCsv } from '../io/trades_csv.js';
import { zodOneLine } from '../io/zod_message.js';
import { winRateOptionsSchema } from '../gates/win_rate/options.js';
import { monteCarloOptionsSchema } from '../gates/monte_carlo/options.js';
import { pboOptionsSchema } from '../gates/pbo/options.js';
import { walkForwardOptionsSchema } from '../gates/walk_forward/options.js';
import { winRateGate } from '../gates/win_rate/gate.js';
import { monteCarloGate } from '../gates/monte_carlo/gate.js';
import { pboGate } from '../gates/pbo/gate.js';
import { walkForwardGate } from '../gates/walk_forward/gate.js';
import type { GateResult } from '../gates/types.js';
import { gateJson } from '../report/schema.js';
import { gateLines } from '../report/text.js';
import type { TradeUnit } from '../io/types.js';
import { emitJson, parseChoice, parseIntOption, parseNumberOption, parseSeed, resolveWorkers, setExitCode, textStream, Timings, withExecutor } from './common.js';

/** Policy block + flag overrides (undefined flags leave the block's value), re-validated. */
function resolveBlock<S extends z.ZodType>(schema: S, base: object, overrides: Record<string, unknown>): z.infer<S> {
  const raw: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) raw[k] = v;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw usageError(`invalid options: ${zodOneLine(parsed.error)}`);
  return parsed.data;
}

function finish(result: GateResult, json: string | undefined, timings: Timings, showTimings: boolean): void {
  const text = gateLines(result).join('\n') + '\n' + result.warnings.map((w) => `warning: ${w}\n`).join('');
  if (json !== undefined) emitJson(json, gateJson(result));
  textStream(json).write(text);
  timings.print(showTimings);
  setExitCode(result.pass ? ExitCode.approved : ExitCode.rejected);
}

function unitOf(raw: string | undefined): TradeUnit {
  const unit = parseChoice('--unit', raw, ['return', 'pnl'] as const);
  if (!unit) throw usageError("option --unit is required: 'return' (fraction of equity) or 'pnl' (currency)");
  return unit;
}

/** `--breach drawdown:0.2 | static:0.1 | trailing:5000`. */
export function parseBreach(raw: string | undefined): { rule: string; limit: number } | undefined {
  if (raw === undefined) return undefined;
  const m = /^(drawdown|static|trailing):(.+)$/.exec(raw.trim());
  if (!m) throw usageError(`option --breach: '${raw}' is not RULE:LIMIT with RULE drawdown, static or trailing (e.g. drawdown:0.2)`);
  return { rule: m[1], limit: parseNumberOption('--breach', m[2])! };
}

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
    .action(async (file: string, f: Record<string, string | boolean | undefined>) => {
      const timings = new Timings();
      const policy = loadPolicy(f.policy as string | undefined).policy;
      const opts = resolveBlock(winRateOptionsSchema, policy.gates.winRate, { threshold: parseNumberOption('--threshold', f.threshold as string | undefined), enabled: true });
      const { trades } = readTradesCsv(file, unitOf(f.unit as string | undefined));
      const result = winRateGate(trades, { ...opts, strict: f.strict === true || policy.strict });
      finish(result, f.json as string | undefined, timings, false);
    });

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
    .option('--timings', 'print timings to stderr')
    .action(async (file: string, f: Record<string, string | boolean | undefined>) => {
      const timings = new Timings();
      const s = (k: string) => f[k] as string | undefined;
      const policy = loadPolicy(s('policy')).policy;
      const bl = s('blockLength');
      const opts = resolveBlock(monteCarloOptionsSchema, policy.gates.monteCarlo, {
        enabled: true,
        paths: parseIntOption('--paths', s('paths'), 1),
        horizon: parseIntOption('--horizon', s('horizon'), 1),
        method: parseChoice('--method', s('method'), ['stationary', 'iid', 'permutation'] as const),
        blockLength: bl === undefined ? undefined : bl === 'auto' ? 'auto' : parseNumberOption('--block-length', bl),
        breach: parseBreach(s('breach')),
        threshold: parseNumberOption('--threshold', s('threshold')),
      });
      const initialEquity = parseNumberOption('--initial-equity', s('initialEquity'));
      if (initialEquity !== undefined && !(initialEquity > 0)) throw usageError(`option --initial-equity: ${initialEquity} must be > 0`);
      const seed = parseSeed(s('seed'), DEFAULTS.seed);
      const workers = resolveWorkers(s('workers'));
      const { trades, warnings } = readTradesCsv(file, unitOf(s('unit')));
      timings.mark('load');
      const result = await withExecutor(workers, (executor) =>
        monteCarloGate(trades, { ...opts, strict: f.strict === true || policy.strict }, { executor, seed }, { initialEquity: initialEquity ?? null }),
      );
      timings.mark('gate');
      result.warnings.unshift(...warnings);
      finish(result, s('json'), timings, f.timings === true);
    });

  program
    .command('pbo')
    .description('probability of backtest overfitting by CSCV over a returns.csv holding every configuration tried')
    .argument('<returns.csv>', 'T x N returns matrix (date column + one column per configuration)')
    .option('--S <n>', `number of blocks, even (default ${DEFAULTS.pbo.S})`)
    .option('--metric <m>', `sharpe | mean | sortino (default ${DEFAULTS.pbo.metric})`)
    .option('--truncate <how>', "'oldest': drop the oldest T mod S rows instead of failing")
    .option('--max-combinations <n>', `sample combinations beyond this many (default ${DEFAULTS.pbo.maxCombinations})`)
    .option('--threshold <x>', `pass when PBO is below this (default ${DEFAULTS.pbo.threshold})`)
    .option('--logits', "add every combination's nStar, oosRank and logit to the JSON")
    .option('--seed <n>', `run seed, used only when combinations are sampled (default ${DEFAULTS.seed})`)
    .option('--workers <n>', 'worker threads (default: available cores; 0 = in-process)')
    .option('--policy <file>', 'take the gate options from a policy file (flags override it)')
    .option('--json <file>', "write the gate result as JSON to a file, or '-' for stdout")
    .option('--timings', 'print timings to stderr')
    .action(async (file: string, f: Record<string, string | boolean | undefined>) => {
      const timings = new Timings();
      const s = (k: string) => f[k] as string | undefined;
      const policy = loadPolicy(s('policy')).policy;
      const opts = resolveBlock(pboOptionsSchema, policy.gates.pbo, {
        enabled: true,
        S: parseIntOption('--S', s('S'), 0),
        metric: parseChoice('--metric', s('metric'), ['sharpe', 'mean', 'sortino'] as const),
        truncate: parseChoice('--truncate', s('truncate'), ['none', 'oldest'] as const),
        maxCombinations: parseIntOption('--max-combinations', s('maxCombinations'), 1),
        threshold: parseNumberOption('--threshold', s('threshold')),
      });
      const seed = parseSeed(s('seed'), DEFAULTS.seed);
      const workers = resolveWorkers(s('workers'));
      // The pool starts first, so its threads load while this thread parses the CSV.
      const result = await withExecutor(workers, (executor) => {
        const { matrix } = readReturnsCsv(file, { minColumns: 2 });
        timings.mark('load');
        return pboGate(matrix, opts, { executor, seed }, { logits: f.logits === true });
      });
      timings.mark('gate');
      finish(result, s('json'), timings, f.timings === true);
    });

  program
    .command('walkforward')
    .description('walk-forward efficiency ratio: re-select the best configuration in each in-sample window, measure it out of sample')
    .argument('<returns.csv>', 'T x N returns matrix (date column + one column per configuration)')
    .option('--folds <k>', `number of folds K (default ${DEFAULTS.walkForward.folds})`)
    .option('--is-oos <r>', `in-sample : out-of-sample length ratio (default ${DEFAULTS.walkForward.isOosRatio})`)
    .option('--scheme <s>', `rolling | anchored (default ${DEFAULTS.walkForward.scheme})`)
    .option('--gap <rows>', `rows between each IS and OOS window (default ${DEFAULTS.walkForward.gap})`)
    .option('--metric <m>', `in-sample selection metric: sharpe | mean (default ${DEFAULTS.walkForward.metric})`)
    .option('--periods-per-year <n>', 'annualisation factor (default 252)')
    .option('--threshold <x>', `pass when WFER is above this (default ${DEFAULTS.walkForward.threshold})`)
    .option('--workers <n>', 'worker threads (default: available cores; 0 = in-process)')
    .option('--policy <file>', 'take the gate options from a policy file (flags override it)')
    .option('--json <file>', "write the gate result as JSON to a file, or '-' for stdout")
    .option('--timings', 'print timings to stderr')
    .action(async (file: string, f: Record<string, string | boolean | undefined>) => {
      const timings = new Timings();
      const s = (k: string) => f[k] as string | undefined;
      const policy = loadPolicy(s('policy')).policy;
      const opts = resolveBlock(walkForwardOptionsSchema, policy.gates.walkForward, {
        enabled: true,
        folds: parseIntOption('--folds', s('folds'), 0),
        isOosRatio: parseIntOption('--is-oos', s('isOos'), 0),
        scheme: parseChoice('--scheme', s('scheme'), ['rolling', 'anchored'] as const),
        gap: parseIntOption('--gap', s('gap'), 0),
        metric: parseChoice('--metric', s('metric'), ['sharpe', 'mean'] as const),
        threshold: parseNumberOption('--threshold', s('threshold')),
      });
      const ppy = parseNumberOption('--periods-per-year', s('periodsPerYear')) ?? 252;
      if (!(ppy > 0)) throw usageError(`option --periods-per-year: ${ppy} must be > 0`);
      const workers = resolveWorkers(s('workers'));
      const result = await withExecutor(workers, (executor) => {
        const { matrix } = readReturnsCsv(file, { minColumns: 1 });
        timings.mark('load');
        return walkForwardGate(matrix, opts, { executor, seed: DEFAULTS.seed }, { periodsPerYear: ppy });
      });
      timings.mark('gate');
      finish(result, s('json'), timings, f.timings === true);
    });
}
