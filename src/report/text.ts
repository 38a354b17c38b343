/**
 * The seed-style text summary (SPEC 4):
 *   [PASS] win_rate: 0.5920 (threshold: 0.57)
 *   ...
 *   Overall: [PASS] APPROVED for shadow testing  |  Overall: [FAIL] REJECTED
 */
import { GATE_LABEL, type GateResult } from '../gates/types.js';
import type { Report } from './schema.js';
import { textLines } from '../escape.js';

const GATED_ON_LABEL: Record<string, string> = {
  wilson95Lower: 'strict: Wilson 95% lower bound',
  clopperPearson95Upper: 'strict: Clopper-Pearson 95% upper bound',
};

function num(x: unknown, digits = 4): string {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : 'n/a';
}

/**
 * One `[PASS]/[FAIL]/[SKIP]` line for a gate, plus an indented line of key details. Raw
 * lines: printers escape them (textLines) before they reach a terminal.
 */
export function gateLines(r: GateResult): string[] {
  const label = GATE_LABEL[r.gate];
  if (!r.enabled) return [`[SKIP] ${label}: disabled by policy`];
  const tag = r.pass ? '[PASS]' : '[FAIL]';
  const extra: string[] = [];
  if (r.gatedOn !== 'point' && r.gatedValue !== null) extra.push(`${GATED_ON_LABEL[r.gatedOn] ?? r.gatedOn} ${num(r.gatedValue)}`);
  if (r.reason) extra.push(`reason: ${r.reason}`);
  extra.push(`threshold: ${r.comparison} ${r.threshold}`);
  const lines = [`${tag} ${label}: ${num(r.value)} (${extra.join('; ')})`];
  const d = detailLine(r);
  if (d) lines.push(`       ${d}`);
  return lines;
}

/** A short human line of the most telling details, per gate; absent keys are skipped. */
function detailLine(r: GateResult): string {
  const d = r.details as Record<string, any>;
  const parts: string[] = [];
  switch (r.gate) {
    case 'winRate':
      if (d.n !== undefined) parts.push(`${d.wins} wins / ${d.n} trades (${d.breakevens} breakeven)`);
      if (Array.isArray(d.wilson95)) parts.push(`Wilson 95% [${num(d.wilson95[0])}, ${num(d.wilson95[1])}]`);
      if (d.binomialPValue !== undefined) parts.push(`p(H0: p <= ${r.threshold}) = ${num(d.binomialPValue)}`);
      break;
    case 'walkForward':
      if (d.folds !== undefined) parts.push(`${d.folds} ${d.scheme ?? ''} folds`.replace('  ', ' '));
      if (d.aggregateIsAnnualisedReturn !== undefined) parts.push(`IS ${num(d.aggregateIsAnnualisedReturn)} / OOS ${num(d.aggregateOosAnnualisedReturn)} annualised`);
      if (d.profitableOosFolds !== undefined) parts.push(`profitable OOS folds ${num(d.profitableOosFolds, 2)}`);
      if (d.isTStat !== undefined) parts.push(`IS t-stat ${num(d.isTStat, 2)}`);
      break;
    case 'pbo':
      if (d.combinations !== undefined) {
        const sampled = d.sampled ? ` sampled of ${d.combinationsTotal}` : '';
        parts.push(`${d.combinations}${sampled} CSCV combinations (S = ${d.S}, ${d.metric})`);
      }
      if (typeof d.sampling?.standardError === 'number') parts.push(`standard error ${num(d.sampling.standardError)}`);
      if (d.probabilityOfLoss !== undefined) parts.push(`P(OOS loss) ${num(d.probabilityOfLoss)}`);
      if (d.degradation?.slope !== undefined) parts.push(`degradation slope ${num(d.degradation.slope)}`);
      break;
    case 'monteCarlo':
      if (d.paths !== undefined) parts.push(`${d.breaches} of ${d.paths} ${d.method} paths breached`);
      if (Array.isArray(d.clopperPearson95)) parts.push(`CP 95% [${num(d.clopperPearson95[0])}, ${num(d.clopperPearson95[1])}]`);
      if (d.maxDrawdownQuantiles?.p95 !== undefined) parts.push(`max DD p95 ${num(d.maxDrawdownQuantiles.p95)}`);
      break;
  }
  return parts.join('; ');
}

export function reportText(report: Report): string {
  const out: string[] = [];
  out.push(`Gauntlet ${report.engine.version}: candidate '${report.candidate.id}' (${report.candidate.bundle}), seed ${report.provenance.seed}`);
  for (const key of ['winRate', 'walkForward', 'pbo', 'monteCarlo'] as const) out.push(...gateLines(report.gates[key] as GateResult));
  if (report.comparison) out.push(...comparisonLines(report.comparison as ChampionComparison));
  for (const w of report.warnings) out.push(`warning: ${w}`);
  out.push(report.decision === 'APPROVED' ? 'Overall: [PASS] APPROVED for shadow testing' : `Overall: [FAIL] REJECTED (failed: ${report.failedGates.join(', ')})`);
  // Ids, bundle paths, warnings and reasons come from inputs: escaped line by line, so no
  // input can print a line of its own (a forged verdict) or a terminal control sequence.
  return textLines(out);
}

export interface ChampionComparison {
  champion: { id: string; modelSha256: string | null; decision: string | null };
  gates: Record<string, { champion: number | null; candidate: number | null; better: 'candidate' | 'champion' | 'equal' | 'n/a' }>;
}

function comparisonLines(c: ChampionComparison): string[] {
  const out = [`Champion vs candidate (champion '${c.champion.id}'):`];
  for (const [gate, g] of Object.entries(c.gates)) {
    out.push(`  ${GATE_LABEL[gate as keyof typeof GATE_LABEL] ?? gate}: champion ${num(g.champion)}  candidate ${num(g.candidate)}  (${g.better === 'n/a' ? 'n/a' : g.better === 'equal' ? 'equal' : g.better + ' better'})`);
  }
  return out;
}
