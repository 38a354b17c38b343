/**
 * The per-gate commands' actions (see gate_commands.ts for their flags): parse, call, print.
 * Each loads only its own gate.
 */
import type { z } from 'zod';
import { DEFAULTS, DEFAULT_PERIODS_PER_YEAR } from '../config/defaults.js';
import { ExitCode, usageError } from '../errors.js';
import { loadPolicy } from '../io/policy.js';
import { readReturnsCsv } from '../io/returns_csv.js';
import { readTradesCsv } from '../io/trades_csv.js';
import { zodOneLine } from '../io/zod_message.js';
import { winRateOptionsSchema } from '../gates/win_rate/options.js';
import { monteCarloOptionsSchema } from '../gates/monte_carlo/options.js';
import { pboOptionsSchema } from '../gates/pbo/options.js';
import { walkForwardOptionsSchema } from '../gates/walk_forward/options.js';
import { TIE_RULES } from '../gates/ties.js';
import { DEFAULT_GATES } from '../gates/index.js';
import { asReported } from '../gates/registry.js';
import type { GateResult } from '../gates/types.js';
import { gateJson } from '../report/schema.js';
import { gateLines } from '../report/text.js';
import { textLines } from '../escape.js';
import type { TradeUnit } from '../io/types.js';
import { OPTION_LIMITS } from '../config/limits.js';
import { checkJsonTarget, emitJson, parseChoice, parseIntOption, parseMaxMemory, parseNumberOption, parseSeed, resolveWorkers, setExitCode, textStream, Timings, withExecutor } from './common.js';

/** Policy block + flag overrides (undefined flags leave the block's value), re-validated. */
function resolveBlock<S extends z.ZodType>(schema: S, base: object, overrides: Record<string, unknown>): z.infer<S> {
  const raw: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) raw[k] = v;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw usageError(`invalid options: ${zodOneLine(parsed.error)}`);
  return parsed.data;
}

function finish(own: GateResult, json: string | undefined, timings: Timings, showTimings: boolean): void {
  // Exactly what `validate` reports under gates.<name> (the per-gate commands always enable the gate).
  const result = asReported(DEFAULT_GATES.get(own.gate)!, own, true);
  // Serialised (and checked: schema, finite numbers) whether or not it is written, so a
  // result that cannot be reported is an error before anything is printed.
  const serialised = gateJson(result);
  const text = textLines([...gateLines(result), ...result.warnings.map((w) => `warning: ${w}`)]);
  if (json !== undefined) emitJson(json, serialised);
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


export async function runWinrate(file: string, f: Record<string, string | boolean | undefined>): Promise<void> {
  checkJsonTarget(f.json as string | undefined, { files: [file, f.policy as string | undefined] });
  const { winRateGate } = await import('../gates/win_rate/gate.js');
  const timings = new Timings();
  const policy = loadPolicy(f.policy as string | undefined).policy;
  const opts = resolveBlock(winRateOptionsSchema, policy.gates.winRate, { threshold: parseNumberOption('--threshold', f.threshold as string | undefined), enabled: true });
  const maxMemory = parseMaxMemory(f.maxMemory as string | undefined);
  const { trades } = readTradesCsv(file, unitOf(f.unit as string | undefined), { maxMemory, hash: false });
  const result = winRateGate(trades, { ...opts, strict: f.strict === true || policy.strict });
  finish(result, f.json as string | undefined, timings, false);
}

export async function runMontecarlo(file: string, f: Record<string, string | boolean | undefined>): Promise<void> {
  checkJsonTarget(f.json as string | undefined, { files: [file, f.policy as string | undefined] });
  const { monteCarloGate } = await import('../gates/monte_carlo/gate.js');
  const timings = new Timings();
  const s = (k: string) => f[k] as string | undefined;
  const policy = loadPolicy(s('policy')).policy;
  const bl = s('blockLength');
  const opts = resolveBlock(monteCarloOptionsSchema, policy.gates.monteCarlo, {
    enabled: true,
    paths: parseIntOption('--paths', s('paths'), 1, OPTION_LIMITS.paths),
    horizon: parseIntOption('--horizon', s('horizon'), 1, OPTION_LIMITS.horizon),
    method: parseChoice('--method', s('method'), ['stationary', 'iid', 'permutation'] as const),
    blockLength: bl === undefined ? undefined : bl === 'auto' ? 'auto' : parseNumberOption('--block-length', bl),
    breach: parseBreach(s('breach')),
    threshold: parseNumberOption('--threshold', s('threshold')),
  });
  const initialEquity = parseNumberOption('--initial-equity', s('initialEquity'));
  if (initialEquity !== undefined && !(initialEquity > 0 && initialEquity <= OPTION_LIMITS.currency)) {
    throw usageError(`option --initial-equity: ${initialEquity} must be > 0 and at most 1e15 (a currency amount float64 holds to the cent)`);
  }
  const seed = parseSeed(s('seed'), DEFAULTS.seed);
  const workers = resolveWorkers(s('workers'));
  const maxMemory = parseMaxMemory(s('maxMemory'));
  const { trades, warnings } = readTradesCsv(file, unitOf(s('unit')), { maxMemory, hash: false });
  timings.mark('load');
  const result = await withExecutor(workers, (executor) =>
    monteCarloGate(trades, { ...opts, strict: f.strict === true || policy.strict }, { executor, seed, maxMemory }, { initialEquity: initialEquity ?? null }),
  );
  timings.mark('gate');
  result.warnings.unshift(...warnings);
  finish(result, s('json'), timings, f.timings === true);
}

export async function runPbo(file: string, f: Record<string, string | boolean | undefined>): Promise<void> {
  checkJsonTarget(f.json as string | undefined, { files: [file, f.policy as string | undefined] });
  const { pboGate } = await import('../gates/pbo/gate.js');
  const timings = new Timings();
  const s = (k: string) => f[k] as string | undefined;
  const policy = loadPolicy(s('policy')).policy;
  const opts = resolveBlock(pboOptionsSchema, policy.gates.pbo, {
    enabled: true,
    S: parseIntOption('--S', s('S'), 0),
    metric: parseChoice('--metric', s('metric'), ['sharpe', 'mean', 'sortino'] as const),
    truncate: parseChoice('--truncate', s('truncate'), ['none', 'oldest'] as const),
    ties: parseChoice('--ties', s('ties'), TIE_RULES),
    maxCombinations: parseIntOption('--max-combinations', s('maxCombinations'), 1, OPTION_LIMITS.maxCombinations),
    threshold: parseNumberOption('--threshold', s('threshold')),
  });
  const seed = parseSeed(s('seed'), DEFAULTS.seed);
  const workers = resolveWorkers(s('workers'));
  const maxMemory = parseMaxMemory(s('maxMemory'));
  // The pool starts first, so its threads load while this thread parses the CSV.
  const result = await withExecutor(workers, (executor) => {
    const { matrix } = readReturnsCsv(file, { minColumns: 2, maxMemory, hash: false });
    timings.mark('load');
    return pboGate(matrix, opts, { executor, seed, maxMemory }, { logits: f.logits === true });
  });
  timings.mark('gate');
  finish(result, s('json'), timings, f.timings === true);
}

export async function runWalkforward(file: string, f: Record<string, string | boolean | undefined>): Promise<void> {
  checkJsonTarget(f.json as string | undefined, { files: [file, f.policy as string | undefined] });
  const { walkForwardGate } = await import('../gates/walk_forward/gate.js');
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
    ties: parseChoice('--ties', s('ties'), TIE_RULES),
    threshold: parseNumberOption('--threshold', s('threshold')),
  });
  const ppy = parseNumberOption('--periods-per-year', s('periodsPerYear')) ?? DEFAULT_PERIODS_PER_YEAR;
  // The same range as candidate.json's periodsPerYear: annualising by more overflows float64
  // long before it means anything (1e308 periods a year).
  if (!(ppy > 0 && ppy <= OPTION_LIMITS.periodsPerYear)) throw usageError(`option --periods-per-year: ${ppy} must be > 0 and at most ${OPTION_LIMITS.periodsPerYear}`);
  const workers = resolveWorkers(s('workers'));
  const maxMemory = parseMaxMemory(s('maxMemory'));
  const result = await withExecutor(workers, (executor) => {
    const { matrix } = readReturnsCsv(file, { minColumns: 1, maxMemory, hash: false });
    timings.mark('load');
    return walkForwardGate(matrix, opts, { executor, seed: DEFAULTS.seed, maxMemory }, { periodsPerYear: ppy, strict: f.strict === true || policy.strict });
  });
  timings.mark('gate');
  finish(result, s('json'), timings, f.timings === true);
}
