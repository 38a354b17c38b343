/** The lifecycle commands' actions (flags in lifecycle_commands.ts): parse, call src/lifecycle, print. */
import { DEFAULTS } from '../config/defaults.js';
import { ExitCode, usageError } from '../errors.js';
import { textLines } from '../escape.js';
import { reportText } from '../report/text.js';
import { reportJson } from '../report/schema.js';
import { checkJsonTarget, emitJson, parseChoice, parseMaxMemory, parseSeed, resolveWorkers, setExitCode, textStream, withExecutor } from './common.js';
import { checkCiTargets, emitCi, type CiFlags } from './ci_flags.js';
import type { CheckSuite } from '../lifecycle/checks.js';
import { initRegistry, promoteToProduction, promoteToShadow, rollback, type PromotionOutcome } from '../lifecycle/promote.js';
import { monitorChecks, monitorStage, parseAsOf, type MonitorResult } from '../lifecycle/monitor.js';
import { registryStatus, statusText, verifyRegistry } from '../lifecycle/status.js';
import { registryDir, STAGES } from '../lifecycle/registry.js';
import { ENGINE_VERSION } from '../version.js';

export interface RegistryFlags {
  registry?: string;
  json?: string;
}
export type StatusFlags = RegistryFlags;
export interface InitFlags {
  policy?: string;
  production?: string;
  seed?: string;
  workers?: string;
  maxMemory?: string;
  json?: string;
}
export interface PromoteFlags extends CiFlags, RegistryFlags {
  to: string;
  report?: string;
  workers?: string;
  maxMemory?: string;
}
export interface MonitorFlags extends CiFlags, RegistryFlags {
  stage: string;
  asOf?: string;
  workers?: string;
  maxMemory?: string;
}

const note = (line: string) => process.stderr.write(textLines([`gauntlet: note: ${line}`]));

/** The outcome as JSON: the report inside is serialised by its own schema-checked writer. */
function outcomeJson(o: PromotionOutcome): string {
  const { report, ...rest } = o;
  return JSON.stringify({ ...rest, report: report ? JSON.parse(reportJson(report)) : null }, null, 2) + '\n';
}

function checkLines(o: PromotionOutcome, skipGates: boolean): string[] {
  const tag = { pass: '[PASS]', fail: '[FAIL]', warn: '[WATCH]', skip: '[SKIP]', info: '[INFO]' } as const;
  return o.checks.filter((c) => !(skipGates && c.group === 'gates')).map((c) => `${tag[c.status]} ${c.name}: ${c.detail}`);
}

function outcomeText(o: PromotionOutcome, header: string): string {
  const out: string[] = [header];
  const report = o.report ? reportText(o.report) : '';
  const tail: string[] = [...checkLines(o, o.report !== null)];
  for (const r of o.reasons) tail.push(`${o.decision === 'REFUSED' ? 'refused' : 'note'}: ${r}`);
  const model = o.model ? `${o.model.id}${o.model.version !== null ? `@${o.model.version}` : ''}` : '';
  const verdict = o.decision === 'REFUSED' ? `[FAIL] REFUSED ${model} for ${o.to}` : o.decision === 'PROMOTED' ? `[PASS] PROMOTED ${model} to ${o.to}` : o.decision === 'ROLLED_BACK' ? `[PASS] ROLLED BACK: ${model} is in production again` : `[PASS] registry created${model ? `, ${model} in production` : ''}`;
  tail.push(`Result: ${verdict} (audit line ${o.auditLine})`);
  return textLines(out) + report + textLines(tail);
}

function promotionSuite(o: PromotionOutcome): CheckSuite {
  const subject = o.model ? `${o.model.id}${o.model.version !== null ? `@${o.model.version}` : ''} -> ${o.to}` : o.to;
  return { name: 'gauntlet promote', subject, verdict: o.decision, ok: o.decision !== 'REFUSED', checks: o.checks };
}

export async function runInit(dir: string, f: InitFlags): Promise<void> {
  checkJsonTarget(f.json, { dirs: [f.production, dir], files: [f.policy] });
  const seed = parseSeed(f.seed, DEFAULTS.seed);
  const workers = resolveWorkers(f.workers);
  const maxMemory = parseMaxMemory(f.maxMemory);
  const o = await withExecutor(workers, (executor) => initRegistry(dir, { policyFile: f.policy, production: f.production, seed, executor, maxMemory, note }));
  if (f.json !== undefined) emitJson(f.json, outcomeJson(o));
  textStream(f.json).write(outcomeText(o, `Gauntlet ${ENGINE_VERSION}: registry ${dir} (seed ${seed}, policy ${f.policy ?? 'defaults'})`));
  setExitCode(ExitCode.approved);
}

export async function runStatus(f: StatusFlags): Promise<void> {
  const dir = registryDir(f.registry);
  checkJsonTarget(f.json, { dirs: [dir] });
  const s = registryStatus(dir);
  if (f.json !== undefined) emitJson(f.json, JSON.stringify(s, null, 2) + '\n');
  textStream(f.json).write(textLines(statusText(s)));
  setExitCode(ExitCode.approved);
}

export async function runPromote(model: string, f: PromoteFlags): Promise<void> {
  const to = parseChoice('--to', f.to, STAGES)!;
  const dir = registryDir(f.registry);
  const inputs = { dirs: [dir, to === 'shadow' ? model : undefined], files: [f.report] };
  checkJsonTarget(f.json, inputs);
  checkCiTargets(f, f.json, inputs);
  if (to === 'production' && f.report !== undefined) throw usageError('--report applies to --to shadow (a production promotion rests on the shadow monitor, not a report)');
  // A production promotion runs no gate: no threads to start.
  const workers = to === 'shadow' ? resolveWorkers(f.workers) : 0;
  const maxMemory = parseMaxMemory(f.maxMemory);
  const o = await withExecutor(workers, (executor) =>
    to === 'shadow' ? promoteToShadow(dir, model, { executor, maxMemory, note, reportFile: f.report }) : promoteToProduction(dir, model, { executor, maxMemory, note }));
  if (f.json !== undefined) emitJson(f.json, outcomeJson(o));
  textStream(f.json).write(outcomeText(o, `Gauntlet ${ENGINE_VERSION}: promote ${to === 'shadow' ? `bundle ${model}` : model} to ${to} in registry ${dir}`));
  emitCi(f, promotionSuite(o));
  setExitCode(o.decision === 'REFUSED' ? ExitCode.rejected : ExitCode.approved);
}

export async function runRollback(f: RegistryFlags): Promise<void> {
  const dir = registryDir(f.registry);
  checkJsonTarget(f.json, { dirs: [dir] });
  const o = await rollback(dir, { note });
  if (f.json !== undefined) emitJson(f.json, outcomeJson(o));
  textStream(f.json).write(outcomeText(o, `Gauntlet ${ENGINE_VERSION}: rollback in registry ${dir}`));
  setExitCode(ExitCode.approved);
}

export async function runVerify(f: RegistryFlags): Promise<void> {
  const dir = registryDir(f.registry);
  const r = verifyRegistry(dir);
  for (const n of r.notes) note(n);
  process.stdout.write(textLines([`audit verify: ${r.ok ? 'OK' : 'FAILED'}: ${r.ok ? `${dir}: ` : ''}${r.message}`]));
  setExitCode(r.ok ? ExitCode.approved : ExitCode.rejected);
}

function monitorText(r: MonitorResult): string {
  const out = [
    `Gauntlet ${r.engineVersion}: monitor ${r.stage} ${r.model.id}@${r.model.version} on ${r.live.file} (${r.live.trades} live trades, ${r.live.firstExit.slice(0, 10)} to ${r.live.lastExit.slice(0, 10)}; backtest ${r.backtest.trades} trades to ${r.backtest.end}), as of ${r.asOf.slice(0, 10)}, seed ${r.seed}`,
  ];
  for (const c of r.checks) out.push(`[${c.status}] ${c.check}: ${c.reason}`);
  out.push(`Overall: ${r.status} (audit line ${r.auditLine})`);
  return textLines(out);
}

export async function runMonitor(live: string, f: MonitorFlags): Promise<void> {
  const stage = parseChoice('--stage', f.stage, STAGES)!;
  const dir = registryDir(f.registry);
  const inputs = { dirs: [dir], files: [live] };
  checkJsonTarget(f.json, inputs);
  checkCiTargets(f, f.json, inputs);
  const asOf = f.asOf !== undefined ? parseAsOf(f.asOf) : undefined;
  const workers = resolveWorkers(f.workers);
  const maxMemory = parseMaxMemory(f.maxMemory);
  const r = await withExecutor(workers, (executor) => monitorStage(dir, live, { stage, executor, maxMemory, asOf, note }));
  if (f.json !== undefined) emitJson(f.json, JSON.stringify(r, null, 2) + '\n');
  textStream(f.json).write(monitorText(r));
  const ok = r.status === 'HEALTHY' || r.status === 'WATCH';
  emitCi(f, { name: 'gauntlet monitor', subject: `${r.stage} ${r.model.id}@${r.model.version}`, verdict: r.status, ok, checks: monitorChecks(r) });
  setExitCode(ok ? ExitCode.approved : ExitCode.rejected);
}
