/**
 * The text summary: one line per gate of the registry, with an indented line of its key
 * details (the gate definition's summary), then warnings and the verdict:
 *   [PASS] win_rate: 0.5920 (threshold: > 0.57)
 *   [INFO] deflated_sharpe: 0.8591 (advisory; threshold: > 0.95)
 *   ...
 *   Overall: [PASS] APPROVED for shadow testing  |  Overall: [FAIL] REJECTED (failed: ...)
 * Lines are built raw and escaped one by one (textLines) before they reach a terminal.
 */
import { DEFAULT_GATES } from '../gates/index.js';
import type { GateRegistry } from '../gates/registry.js';
import type { GateResult } from '../gates/types.js';
import type { ChampionComparison, Report } from './schema.js';
import { textLines } from '../escape.js';

const GATED_ON_LABEL: Record<string, string> = {
  wilson95Lower: 'strict: Wilson 95% lower bound',
  clopperPearson95Upper: 'strict: Clopper-Pearson 95% upper bound',
};

function num(x: unknown, digits = 4): string {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : 'n/a';
}

/**
 * One `[PASS]/[FAIL]/[SKIP]/[INFO]` line for a gate, plus an indented line of key details.
 * [INFO]: an advisory gate the policy did not enable (computed, not part of the decision).
 */
export function gateLines(r: GateResult, registry: GateRegistry = DEFAULT_GATES): string[] {
  const def = registry.get(r.gate);
  const label = def?.label ?? r.gate;
  if (!r.enabled && !r.advisory) return [`[SKIP] ${label}: disabled by policy`];
  const tag = r.advisory ? '[INFO]' : r.pass ? '[PASS]' : '[FAIL]';
  const extra: string[] = [];
  if (r.advisory) extra.push('advisory');
  if (r.gatedOn !== 'point' && r.gatedValue !== null) extra.push(`${GATED_ON_LABEL[r.gatedOn] ?? r.gatedOn} ${num(r.gatedValue)}`);
  if (r.reason) extra.push(`reason: ${r.reason}`);
  extra.push(`threshold: ${r.comparison} ${r.threshold}`);
  const lines = [`${tag} ${label}: ${num(r.value)} (${extra.join('; ')})`];
  const d = def ? def.summary(r) : '';
  if (d) lines.push(`       ${d}`);
  return lines;
}

export function reportText(report: Report, registry: GateRegistry = DEFAULT_GATES): string {
  const out: string[] = [];
  out.push(`Gauntlet ${report.engine.version}: candidate '${report.candidate.id}' (${report.candidate.bundle}), seed ${report.provenance.seed}`);
  for (const def of registry.gates) {
    const r = report.gates[def.name] as GateResult | undefined;
    if (r) out.push(...gateLines(r, registry));
  }
  if (report.comparison) out.push(...comparisonLines(report.comparison, registry));
  for (const w of report.warnings) out.push(`warning: ${w}`);
  out.push(report.decision === 'APPROVED' ? 'Overall: [PASS] APPROVED for shadow testing' : `Overall: [FAIL] REJECTED (failed: ${report.failedGates.join(', ')})`);
  // Ids, bundle paths, warnings and reasons come from inputs: escaped line by line, so no
  // input can print a line of its own (a forged verdict) or a terminal control sequence.
  return textLines(out);
}

function comparisonLines(c: ChampionComparison, registry: GateRegistry): string[] {
  const out = [`Champion vs candidate (champion '${c.champion.id}'):`];
  for (const [gate, g] of Object.entries(c.gates)) {
    out.push(`  ${registry.get(gate)?.label ?? gate}: champion ${num(g.champion)}  candidate ${num(g.candidate)}  (${g.better === 'n/a' ? 'n/a' : g.better === 'equal' ? 'equal' : g.better + ' better'})`);
  }
  return out;
}
