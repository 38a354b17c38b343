/**
 * One shape for every outcome a CI system is shown (docs/lifecycle.md, "CI outputs"): a suite of
 * checks, each with its status, value, threshold and reason. validate (one check per gate),
 * promote (the gates, the promotion rules and the stage conditions) and monitor (one check per
 * live check) all produce one, and src/lifecycle/ci_outputs.ts renders it as JUnit XML, GitHub
 * workflow commands or Markdown.
 */
import { DEFAULT_GATES } from '../gates/index.js';
import type { GateRegistry } from '../gates/registry.js';
import type { GateResult } from '../gates/types.js';
import type { Report } from '../report/schema.js';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip' | 'info';

export interface Check {
  /** The test's name: a gate label (win_rate), a rule (minImprovement.winRate), a monitor check. */
  name: string;
  /** What it belongs to: gates, promotion, stage, monitor. */
  group: string;
  status: CheckStatus;
  value: number | null;
  /** The threshold as text ("> 0.57", "<= 0.1234"), '' when there is none. */
  threshold: string;
  /** A machine-readable reason (IS_NONPOSITIVE, DEGRADED, ...) or null. */
  reason: string | null;
  /** One human line: what was measured and why it passed or failed. */
  detail: string;
}

export interface CheckSuite {
  /** "gauntlet validate", "gauntlet promote", "gauntlet monitor". */
  name: string;
  /** What was checked: the candidate id, `id@version`, the stage. */
  subject: string;
  /** The overall verdict as printed: APPROVED, REJECTED, PROMOTED, REFUSED, HEALTHY, DEGRADED, ... */
  verdict: string;
  /** Whether the verdict is a success (exit 0). */
  ok: boolean;
  checks: Check[];
}

function num(x: number | null, digits = 4): string {
  return x === null ? 'n/a' : x.toFixed(digits);
}

/** One check per gate of a report, in registry order. */
export function gateChecks(report: Report, registry: GateRegistry = DEFAULT_GATES): Check[] {
  const out: Check[] = [];
  for (const def of registry.gates) {
    const r = report.gates[def.name] as GateResult | undefined;
    if (!r) continue;
    const threshold = `${r.comparison} ${r.threshold}`;
    if (!r.enabled && !r.advisory) {
      out.push({ name: def.label, group: 'gates', status: 'skip', value: null, threshold, reason: 'DISABLED', detail: 'disabled by the policy' });
      continue;
    }
    const summary = def.summary(r);
    const gated = r.gatedOn !== 'point' && r.gatedValue !== null ? ` (gated on ${r.gatedOn} ${num(r.gatedValue)})` : '';
    const detail = `${def.label} ${num(r.value)}${gated}, threshold ${threshold}${r.reason ? `, reason ${r.reason}` : ''}${summary ? `: ${summary}` : ''}`;
    out.push({ name: def.label, group: 'gates', status: r.advisory ? 'info' : r.pass ? 'pass' : 'fail', value: r.value, threshold, reason: r.reason, detail: r.advisory ? `advisory: ${detail}` : detail });
  }
  return out;
}

/** The suite of a validate report. */
export function validateSuite(report: Report, registry: GateRegistry = DEFAULT_GATES): CheckSuite {
  return { name: 'gauntlet validate', subject: report.candidate.id, verdict: report.decision, ok: report.decision === 'APPROVED', checks: gateChecks(report, registry) };
}
