/**
 * The registry's changes (docs/lifecycle.md): `registry init`, `promote <bundle> --to shadow`,
 * `promote <id>@<version> --to production` and `rollback`. Each runs under the registry lock
 * after recovery (src/lifecycle/registry.ts, withRegistry), decides, and commits one audit line
 * whose effects are then applied. A refusal on the evidence (a rejected candidate, a promotion
 * rule, a shadow model not yet proven) is a decision: it is committed as a `refused` event and
 * the command exits 1. A request that cannot be served (unknown model, wrong stage, a report
 * that does not match) changes nothing and exits 2.
 *
 * `step` is called at each point of a change (locked, recovered, validated, staged, committed,
 * moved, stages-written, head-written), so a test can stop the process there (the fault
 * injection of test/lifecycle/crash.test.ts); production callers pass nothing.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { registryError, usageError } from '../errors.js';
import { loadCandidate, type Candidate } from '../io/candidate.js';
import { resolvePolicy, readJsonFile, type LoadedPolicy } from '../io/policy.js';
import { readInput } from '../io/input_file.js';
import { parseJsonStrict } from '../io/json.js';
import { sha256Hex } from '../io/hash.js';
import { errnoText } from '../io/atomic.js';
import { FILE_LIMITS } from '../config/limits.js';
import type { ShardExecutor } from '../engine/executor.js';
import { DEFAULT_GATES } from '../gates/index.js';
import { validateCandidate } from '../pipeline/validate.js';
import { championDifferences, revalidateChampion } from '../pipeline/champion_checks.js';
import { reportJson, reportSchema, storedReport, type Report, type StoredReport } from '../report/schema.js';
import { ENGINE_VERSION } from '../version.js';
import { zodOneLine } from '../io/zod_message.js';
import { gateChecks, type Check } from './checks.js';
import type { Improvement } from './policy.js';
import { headText } from './audit.js';
import {
  commitEvent, EMPTY_STAGES, fsyncDir, initLineText, readManifest, REGISTRY_FILES, stagesFileText, withRegistry,
  type ModelRef, type RegistryState, type Stage, type Stages, type StepHook,
} from './registry.js';
import { modelIdentity, nextVersion, stageModel } from './store.js';

export interface LifecycleOptions {
  executor: ShardExecutor;
  maxMemory?: number;
  /** The clock (tests pass a fixed one); default: now. */
  now?: () => Date;
  /** One-line notes for stderr: stale locks removed, interrupted commands completed, champions re-validated. */
  note?: (line: string) => void;
  step?: StepHook;
}

export interface PromotionOutcome {
  format: 'gauntlet-promotion';
  formatVersion: 1;
  registry: string;
  action: 'init' | 'promote' | 'rollback';
  to: Stage;
  decision: 'PROMOTED' | 'REFUSED' | 'ROLLED_BACK' | 'INITIALISED';
  model: { id: string; version: number | null; modelSha256: string } | null;
  reasons: string[];
  checks: Check[];
  /** The validation the promotion rests on (promote to shadow, init). */
  report: Report | null;
  auditLine: number;
  stages: Stages;
}

const clock = () => new Date();

function ref(id: string, version: number, modelSha256: string, since: Date): ModelRef {
  return { id, version, modelSha256, since: since.toISOString() };
}

/** `id@version` -> its parts (the id may itself hold '@': the version is after the last one). */
export function parseModelKey(key: string): { id: string; version: number } {
  const at = key.lastIndexOf('@');
  const v = key.slice(at + 1);
  if (at <= 0 || !/^[1-9]\d{0,8}$/.test(v)) throw usageError(`'${key}' is not <id>@<version> (e.g. brent-mr-5-2@1); registry status lists the models`);
  return { id: key.slice(0, at), version: Number(v) };
}

// ---------------------------------------------------------------------------------------------
// init

export interface InitOptions extends LifecycleOptions {
  policyFile?: string;
  production?: string;
  seed: number;
}

/**
 * Create a registry at `dir` (a new path or an empty folder): its policy (the file's bytes, or
 * `{}` for the defaults), registry.json, empty or initial stages, the init line, head.json; with
 * `production`, that bundle validated under the registry's policy and recorded as production
 * whatever its decision (it is what runs). Built in a sibling folder and renamed into place, so
 * a crash leaves no half registry.
 */
export async function initRegistry(dir: string, opts: InitOptions): Promise<PromotionOutcome> {
  const now = (opts.now ?? clock)();
  const target = resolve(dir);
  if (existsSync(target)) {
    const st = statSync(target);
    if (!st.isDirectory() || readdirSync(target).length > 0) throw registryError('E_REGISTRY_EXISTS', `${dir}: already exists and is not an empty folder (a registry is created in a new or empty folder)`);
  } else if (!existsSync(dirname(target))) {
    throw registryError('E_REGISTRY_MISSING', `${dir}: its parent folder ${dirname(target)} does not exist`);
  }
  const policyBytes = opts.policyFile === undefined ? Buffer.from('{}\n') : readInput(opts.policyFile, { limit: FILE_LIMITS.json, limitName: 'JSON inputs' }).bytes;
  const policy = resolvePolicy(parseJsonStrict(opts.policyFile ?? 'defaults', policyBytes), opts.policyFile ?? 'defaults');
  const registryPolicy: LoadedPolicy = { ...policy, source: join(dir, REGISTRY_FILES.policy) };
  let candidate: Candidate | null = null;
  let report: Report | null = null;
  if (opts.production !== undefined) {
    candidate = loadCandidate(opts.production, { maxMemory: opts.maxMemory });
    report = await validateCandidate(candidate, { seed: opts.seed, executor: opts.executor, policy: registryPolicy, maxMemory: opts.maxMemory });
  }
  const build = join(dirname(target), `.${basename(target)}.init-${randomBytes(6).toString('hex')}`);
  mkdirSync(join(build, REGISTRY_FILES.models), { recursive: true });
  try {
    const write = (rel: string, text: string | Buffer) => writeFileSync(join(build, rel), text, { flag: 'wx' });
    write(REGISTRY_FILES.policy, policyBytes);
    const meta = { format: 'gauntlet-registry', formatVersion: 1, createdAt: now.toISOString(), engineVersion: ENGINE_VERSION, seed: opts.seed, policySha256: policy.sha256, policyFileSha256: sha256Hex(policyBytes) };
    const metaText = JSON.stringify(meta, null, 2) + '\n';
    write(REGISTRY_FILES.registry, metaText);
    let stages: Stages = EMPTY_STAGES;
    const registered = [];
    let model: PromotionOutcome['model'] = null;
    if (candidate && report) {
      const staged = stageModel(build, candidate, { version: 1, report: JSON.parse(reportJson(report)), evidence: 'validated', stage: 'production', now, validatedAt: now });
      const r = staged.registration;
      mkdirSync(join(build, r.path, '..'), { recursive: true });
      renameSync(join(build, r.staging), join(build, r.path));
      registered.push(r);
      stages = { ...EMPTY_STAGES, production: ref(r.id, 1, r.modelSha256, now) };
      model = { id: r.id, version: 1, modelSha256: r.modelSha256 };
    }
    const data = {
      registryFileSha256: sha256Hex(metaText),
      policyFileSha256: sha256Hex(policyBytes),
      policySha256: policy.sha256,
      seed: opts.seed,
      engineVersion: ENGINE_VERSION,
      registered,
      stages,
      ...(report ? { evidence: { decision: report.decision, failedGates: report.failedGates } } : {}),
    };
    const { text, line } = initLineText(now, data);
    write(REGISTRY_FILES.audit, text + '\n');
    write(REGISTRY_FILES.stages, stagesFileText(stages, 1));
    write(REGISTRY_FILES.head, headText(1, line.hash));
    syncTree(build);
    try {
      renameSync(build, target); // an empty folder is replaced; anything else fails
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR') throw registryError('E_REGISTRY_EXISTS', `${dir}: was created by someone else meanwhile`);
      throw registryError('E_REGISTRY_INVALID', `${dir}: cannot create the registry (${errnoText(err)})`);
    }
    fsyncDir(dirname(target));
    return {
      format: 'gauntlet-promotion', formatVersion: 1, registry: dir, action: 'init', to: 'production', decision: 'INITIALISED', model,
      reasons: report ? [`production model recorded with its report (${report.decision}${report.failedGates.length ? `: failed ${report.failedGates.join(', ')}` : ''})`] : ['no production model yet'],
      checks: report ? gateChecks(report) : [], report, auditLine: 1, stages,
    };
  } catch (err) {
    rmSync(build, { recursive: true, force: true });
    throw err;
  }
}

function syncTree(root: string): void {
  for (const e of readdirSync(root, { withFileTypes: true })) if (e.isDirectory()) syncTree(join(root, e.name));
  fsyncDir(root);
}

// ---------------------------------------------------------------------------------------------
// promotion rules

export interface RuleResult {
  gate: string;
  champion: number | null;
  candidate: number | null;
  /** Candidate minus champion in the gate's better direction (positive = better). */
  improvement: number | null;
  /** The smallest improvement that passes: max(absolute, relative x |champion|). */
  required: number;
  rule: Improvement;
  pass: boolean;
  detail: string;
}

/**
 * The policy's promotion rule against the champion, gate by gate (only gates with a
 * minImprovement). No champion: every rule holds (nothing to beat). A champion without a value
 * on a gate: it holds when the candidate has one. O(gates).
 */
export function promotionRules(policy: LoadedPolicy, champion: StoredReport | null, candidate: Report): RuleResult[] {
  const out: RuleResult[] = [];
  for (const def of DEFAULT_GATES.gates) {
    const rule = policy.policy.promotion.minImprovement[def.name];
    if (!rule) continue;
    const b = candidate.gates[def.name]?.value ?? null;
    const a = champion ? champion.gates[def.name]?.value ?? null : null;
    const dir = def.comparison === '>' ? 1 : -1;
    const required = Math.max(rule.absolute ?? 0, a !== null && rule.relative !== undefined ? rule.relative * Math.abs(a) : 0);
    const need = [rule.absolute !== undefined ? `absolute ${rule.absolute}` : '', rule.relative !== undefined ? `relative ${rule.relative}` : ''].filter(Boolean).join(' and ');
    let pass: boolean, improvement: number | null = null, detail: string;
    if (!champion) {
      pass = true;
      detail = `${def.label}: no production model to improve on`;
    } else if (b === null) {
      pass = false;
      detail = `${def.label}: the candidate has no value (${candidate.gates[def.name]?.reason ?? 'n/a'}), so cannot improve on the champion`;
    } else if (a === null) {
      pass = true;
      detail = `${def.label}: the champion has no value; the candidate's ${b.toFixed(4)} stands`;
    } else {
      improvement = dir * (b - a);
      pass = improvement >= required;
      detail = `${def.label}: candidate ${b.toFixed(4)} vs champion ${a.toFixed(4)}: improvement ${improvement >= 0 ? '+' : ''}${improvement.toFixed(4)} (needs >= ${required.toFixed(4)}: ${need})`;
    }
    out.push({ gate: def.name, champion: a, candidate: b, improvement, required, rule, pass, detail });
  }
  return out;
}

function ruleChecks(rules: RuleResult[]): Check[] {
  return rules.map((r) => ({ name: `minImprovement.${r.gate}`, group: 'promotion', status: r.pass ? 'pass' : 'fail', value: r.improvement, threshold: `>= ${+r.required.toFixed(6)}`, reason: r.pass ? null : 'INSUFFICIENT_IMPROVEMENT', detail: r.detail }));
}

/**
 * The champion's report as the registry compares with it: the production manifest's, re-run
 * from the registry's copy of its bundle when it was made under another policy, seed or engine.
 */
async function championReport(state: RegistryState, opts: LifecycleOptions): Promise<{ key: string; report: StoredReport } | null> {
  const prod = state.stages.production;
  if (!prod) return null;
  const key = `${prod.id}@${prod.version}`;
  const { manifest, folder } = readManifest(state, key, true);
  const source = join(state.dir, folder, 'manifest.json');
  const stored = storedReport(manifest.report, source);
  const diff = championDifferences(stored, { policySha256: state.policy.sha256, seed: state.meta.seed, engineVersion: ENGINE_VERSION });
  if (diff.length === 0) return { key, report: stored };
  const fresh = await revalidateChampion({ id: manifest.id, modelSha256: manifest.modelHash === 'artifact' ? manifest.modelSha256 : null, report: stored }, join(state.dir, folder, 'bundle'), source, {
    seed: state.meta.seed, executor: opts.executor, policy: state.policy, maxMemory: opts.maxMemory,
  });
  opts.note?.(`production model ${key} re-validated from the registry's copy of its bundle (its report differed: ${diff.join(', ')})`);
  return { key, report: fresh.champion.report };
}

// ---------------------------------------------------------------------------------------------
// promote to shadow

/**
 * A report given with --report: it must be this engine's, made under the registry's policy and
 * seed, from exactly this bundle's files. Throws E_REPORT_MISMATCH naming what differs.
 */
function checkGivenReport(file: string, state: RegistryState, candidate: Candidate): Report {
  const raw = readJsonFile(file, FILE_LIMITS.champion);
  const parsed = reportSchema.safeParse(raw);
  if (!parsed.success) {
    const version = raw && typeof raw === 'object' ? (raw as { schemaVersion?: unknown }).schemaVersion : undefined;
    throw registryError('E_REPORT_MISMATCH', `${file}: not a report of this engine (${ENGINE_VERSION}, report schemaVersion ${version ?? 'none'}): ${zodOneLine(parsed.error)}`);
  }
  const r = parsed.data as Report;
  const refuse = (what: string) => registryError('E_REPORT_MISMATCH', `${file}: ${what}; validate the bundle under the registry's policy, or promote without --report`);
  if (r.engine.version !== ENGINE_VERSION) throw refuse(`made by engine ${r.engine.version}, not ${ENGINE_VERSION}`);
  if (r.provenance.policySha256 !== state.policy.sha256) throw refuse(`made under policy ${r.provenance.policySha256.slice(0, 12)}..., not the registry's ${state.policy.sha256.slice(0, 12)}...`);
  if (r.provenance.seed !== state.meta.seed) throw refuse(`made with seed ${r.provenance.seed}, not the registry's ${state.meta.seed}`);
  for (const input of candidate.inputs) {
    const there = r.provenance.inputs.find((i) => i.role === input.role);
    if (!there || there.sha256 !== input.sha256) throw refuse(`its ${input.role} SHA-256 is ${there ? there.sha256.slice(0, 12) + '...' : 'missing'}, the bundle's is ${input.sha256.slice(0, 12)}...`);
  }
  for (const there of r.provenance.inputs) {
    if (!candidate.inputs.some((i) => i.role === there.role)) throw refuse(`it validated a ${there.role} file the bundle does not have`);
  }
  return r;
}

/** The stage holding a model hash, if any. */
function stageOfHash(stages: Stages, modelSha256: string): Stage | null {
  if (stages.production?.modelSha256 === modelSha256) return 'production';
  if (stages.shadow?.modelSha256 === modelSha256) return 'shadow';
  return null;
}

export interface ShadowOptions extends LifecycleOptions {
  /** A validate report to promote on instead of validating now (checked against bundle and registry). */
  reportFile?: string;
}

export async function promoteToShadow(dir: string, bundle: string, opts: ShadowOptions): Promise<PromotionOutcome> {
  const now = opts.now ?? clock;
  return withRegistry(dir, { note: opts.note ?? (() => undefined), step: opts.step }, async (state, notes) => {
    const candidate = loadCandidate(bundle, { maxMemory: opts.maxMemory });
    const { modelSha256 } = modelIdentity(candidate.inputs);
    const id = candidate.manifest.id;
    const held = stageOfHash(state.stages, modelSha256);
    if (held) {
      const r = state.stages[held]!;
      throw registryError('E_STAGE', `${bundle}: this model (SHA-256 ${modelSha256.slice(0, 12)}...) is already in ${held} as ${r.id}@${r.version}`);
    }
    const report = opts.reportFile !== undefined
      ? checkGivenReport(opts.reportFile, state, candidate)
      : await validateCandidate(candidate, { seed: state.meta.seed, executor: opts.executor, policy: state.policy, maxMemory: opts.maxMemory });
    const validatedAt = now();
    opts.step?.('validated');
    const champion = await championReport(state, opts);
    const rules = promotionRules(state.policy, champion?.report ?? null, report);
    const checks = [...gateChecks(report), ...ruleChecks(rules)];
    const reasons: string[] = [];
    if (report.decision !== 'APPROVED') reasons.push(`REJECTED under the registry's policy (failed: ${report.failedGates.join(', ')})`);
    for (const r of rules) if (!r.pass) reasons.push(`promotion rule: ${r.detail}`);
    const evidence = {
      decision: report.decision,
      failedGates: report.failedGates,
      evidence: opts.reportFile !== undefined ? 'report' : 'validated',
      champion: champion?.key ?? null,
      rules: rules.map((r) => ({ gate: r.gate, champion: r.champion, candidate: r.candidate, improvement: r.improvement, required: r.required, pass: r.pass })),
      inputs: Object.fromEntries(candidate.inputs.map((i) => [i.role, i.sha256])),
      ...(notes.length ? { notes } : {}),
    };
    if (reasons.length) {
      const line = commitEvent(state, { event: 'refused', data: { to: 'shadow', model: { id, version: null, modelSha256 }, source: bundle, reasons, ...evidence }, now, step: opts.step });
      return outcome(dir, 'promote', 'shadow', 'REFUSED', { id, version: null, modelSha256 }, reasons, checks, report, line.seq, state.stages);
    }
    const version = nextVersion(state, id);
    const staged = stageModel(dir, candidate, { version, report: JSON.parse(reportJson(report)), evidence: opts.reportFile !== undefined ? 'report' : 'validated', stage: 'shadow', now: now(), validatedAt });
    opts.step?.('staged');
    const at = now();
    const stages: Stages = { ...state.stages, shadow: ref(id, version, modelSha256, at) };
    const line = commitEvent(state, {
      event: 'promote',
      data: { to: 'shadow', model: { id, version, modelSha256 }, source: bundle, replaced: state.stages.shadow, ...evidence, stages },
      registered: [staged.registration],
      now: () => at,
      step: opts.step,
    });
    const why = [`APPROVED under the registry's policy${champion ? ` and the promotion rules against ${champion.key}` : ''}`];
    if (state.stages.shadow) why.push(`replaces ${state.stages.shadow.id}@${state.stages.shadow.version} in shadow`);
    return outcome(dir, 'promote', 'shadow', 'PROMOTED', { id, version, modelSha256 }, why, checks, report, line.seq, stages);
  });
}

function outcome(
  registry: string, action: PromotionOutcome['action'], to: Stage, decision: PromotionOutcome['decision'], model: PromotionOutcome['model'],
  reasons: string[], checks: Check[], report: Report | null, auditLine: number, stages: Stages,
): PromotionOutcome {
  return { format: 'gauntlet-promotion', formatVersion: 1, registry, action, to, decision, model, reasons, checks, report, auditLine, stages };
}

// ---------------------------------------------------------------------------------------------
// promote to production

/** The latest monitor result of a model in a stage, from the log (null when it was never monitored there). */
export function latestMonitor(state: RegistryState, stage: Stage, id: string, version: number): { line: number; status: string; trades: number; at: string } | null {
  for (let i = state.lines.length - 1; i >= 0; i--) {
    const l = state.lines[i];
    if (l.event !== 'monitor') continue;
    const d = l.data as { stage?: string; model?: { id?: string; version?: number }; status?: string; live?: { trades?: number } };
    if (d.stage === stage && d.model?.id === id && d.model?.version === version) return { line: l.seq, status: String(d.status), trades: Number(d.live?.trades ?? 0), at: l.at };
  }
  return null;
}

export async function promoteToProduction(dir: string, key: string, opts: LifecycleOptions): Promise<PromotionOutcome> {
  const now = opts.now ?? clock;
  const { id, version } = parseModelKey(key);
  return withRegistry(dir, { note: opts.note ?? (() => undefined), step: opts.step }, async (state, notes) => {
    const reg = state.models.get(`${id}@${version}`);
    if (!reg) throw registryError('E_MODEL_UNKNOWN', `${dir}: no model ${key} in the registry (registry status lists them)`);
    const shadow = state.stages.shadow;
    if (!shadow || shadow.id !== id || shadow.version !== version) {
      throw registryError('E_STAGE', `${key}: only the shadow model can go to production, and shadow holds ${shadow ? `${shadow.id}@${shadow.version}` : 'nothing'}`);
    }
    if (state.stages.production?.modelSha256 === reg.modelSha256) throw registryError('E_STAGE', `${key}: this model is already in production`);
    readManifest(state, key, true); // its manifest and bundle copy must be intact
    opts.step?.('validated');
    const need = state.policy.policy.promotion.minShadowTrades;
    const mon = latestMonitor(state, 'shadow', id, version);
    const checks: Check[] = [];
    const reasons: string[] = [];
    if (!mon) {
      checks.push({ name: 'shadow.monitor', group: 'stage', status: 'fail', value: null, threshold: 'HEALTHY', reason: 'NOT_MONITORED', detail: `${key} has no monitor result in shadow (run gauntlet monitor <live-trades.csv> --stage shadow)` });
      reasons.push(`${key} was never monitored in shadow`);
    } else {
      const healthy = mon.status === 'HEALTHY';
      checks.push({ name: 'shadow.monitor', group: 'stage', status: healthy ? 'pass' : 'fail', value: null, threshold: 'HEALTHY', reason: healthy ? null : mon.status, detail: `latest shadow monitor (audit line ${mon.line}, ${mon.at}): ${mon.status}` });
      const enough = mon.trades >= need;
      checks.push({ name: 'shadow.trades', group: 'stage', status: enough ? 'pass' : 'fail', value: mon.trades, threshold: `>= ${need}`, reason: enough ? null : 'TOO_FEW_TRADES', detail: `${mon.trades} live trades in that monitor result (promotion.minShadowTrades ${need})` });
      if (!healthy) reasons.push(`the latest shadow monitor result (audit line ${mon.line}) is ${mon.status}, not HEALTHY`);
      if (!enough) reasons.push(`the latest shadow monitor result covers ${mon.trades} live trades, fewer than promotion.minShadowTrades ${need}`);
    }
    const model = { id, version, modelSha256: reg.modelSha256 };
    const evidence = { monitorLine: mon?.line ?? null, minShadowTrades: need, ...(notes.length ? { notes } : {}) };
    if (reasons.length) {
      const line = commitEvent(state, { event: 'refused', data: { to: 'production', model, reasons, ...evidence }, now, step: opts.step });
      return outcome(dir, 'promote', 'production', 'REFUSED', model, reasons, checks, null, line.seq, state.stages);
    }
    const at = now();
    const prev = state.stages.production;
    const stages: Stages = {
      production: ref(id, version, reg.modelSha256, at),
      shadow: null,
      history: prev ? [...state.stages.history, { ...prev, until: at.toISOString() }] : state.stages.history,
    };
    const line = commitEvent(state, { event: 'promote', data: { to: 'production', model, replaced: prev, ...evidence, stages }, now: () => at, step: opts.step });
    const why = [`shadow monitor HEALTHY over ${mon!.trades} live trades (audit line ${mon!.line})`];
    if (prev) why.push(`${prev.id}@${prev.version} leaves production (kept for rollback)`);
    return outcome(dir, 'promote', 'production', 'PROMOTED', model, why, checks, null, line.seq, stages);
  });
}

// ---------------------------------------------------------------------------------------------
// rollback

export async function rollback(dir: string, opts: Omit<LifecycleOptions, 'executor' | 'maxMemory'>): Promise<PromotionOutcome> {
  const now = opts.now ?? clock;
  return withRegistry(dir, { note: opts.note ?? (() => undefined), step: opts.step }, async (state, notes) => {
    const cur = state.stages.production;
    const hist = state.stages.history;
    if (!cur) throw registryError('E_STAGE', `${dir}: nothing is in production, so there is nothing to roll back`);
    if (hist.length === 0) throw registryError('E_STAGE', `${dir}: ${cur.id}@${cur.version} has no previous production model to roll back to`);
    const back = hist[hist.length - 1];
    readManifest(state, `${back.id}@${back.version}`, true);
    opts.step?.('validated');
    const at = now();
    const { until: _until, ...restored } = back;
    const stages: Stages = { production: { ...restored, since: at.toISOString() }, shadow: state.stages.shadow, history: hist.slice(0, -1) };
    const line = commitEvent(state, { event: 'rollback', data: { from: cur, to: restored, ...(notes.length ? { notes } : {}), stages }, now: () => at, step: opts.step });
    return outcome(dir, 'rollback', 'production', 'ROLLED_BACK', { id: back.id, version: back.version, modelSha256: back.modelSha256 },
      [`${cur.id}@${cur.version} leaves production; ${back.id}@${back.version} (production until ${back.until}) is restored`], [], null, line.seq, stages);
  });
}

