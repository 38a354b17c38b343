/**
 * Value-against-threshold pictures shared by the deflated-Sharpe family (the advisory gates)
 * and the champion comparison: one row per gate, a dot at the value and a tick at the
 * threshold, coloured (and labelled) by which side of it the value lies.
 */
import type { GateResultJson } from '../../report/schema.js';
import type { GateRegistry } from '../../gates/registry.js';
import type { ChampionComparison } from '../../report/schema.js';
import { escapeText } from '../../escape.js';
import { html, num } from '../escape.js';
import { COLORS } from '../palette.js';
import { Plot, renderSvg, type Chart } from '../plot.js';

const passes = (v: number, cmp: string, t: number) => (cmp === '>' ? v > t : v < t);

/** The advisory gates (the deflated-Sharpe family): each value against its threshold. */
export function familyChart(results: GateResultJson[], registry: GateRegistry): Chart {
  const label = (r: GateResultJson) => escapeText(registry.get(r.gate)?.label ?? r.gate);
  const ok = 'meets its threshold';
  const short = 'misses its threshold';
  const rows = results.filter((r) => r.value !== null).map((r) => ({ gate: label(r), value: r.value as number, threshold: r.threshold, side: passes(r.value as number, r.comparison, r.threshold) ? ok : short }));
  const all = results.map(label);
  const title = 'Deflated-Sharpe family: value against threshold';
  const description = results.map((r) => `${label(r)} ${num(r.value)} (threshold ${r.comparison} ${r.threshold}${r.advisory ? ', advisory' : ', gating'}${r.value === null && r.reason ? `, ${r.reason}` : ''})`).join('; ') + '.';
  const xs = [...rows.map((r) => r.value), ...results.map((r) => r.threshold), 0];
  const svg = renderSvg(
    {
      height: 50 + 34 * all.length,
      marginLeft: 150,
      x: { label: 'value →', grid: true, domain: [Math.min(...xs), Math.max(...xs) * 1.15] },
      y: { label: null, domain: all },
      color: { domain: [ok, short], range: [COLORS.blue, COLORS.vermillion] },
      marks: [
        Plot.tickX(results, { x: 'threshold', y: (r: GateResultJson) => label(r), stroke: COLORS.black, strokeWidth: 2 }),
        Plot.dot(rows, { x: 'value', y: 'gate', fill: 'side', r: 6, symbol: (r: { side: string }) => (r.side === ok ? 'circle' : 'times'), stroke: 'side', strokeWidth: 2 }),
        Plot.text(rows, { x: 'value', y: 'gate', text: (r: { value: number }) => num(r.value), dx: 10, textAnchor: 'start' }),
      ],
    },
    title,
    description,
  );
  return {
    id: 'chart-family',
    title,
    caption: html(`${description} Probabilistic and deflated Sharpe ratios are probabilities; minimum track record and minimum backtest length are coverages (what the data has over the minimum needed), which pass above 1. Advisory gates are reported, never part of the decision, unless the policy enables them.`),
    legend: [
      { label: ok, color: COLORS.blue },
      { label: short, color: COLORS.vermillion },
      { label: 'threshold', color: COLORS.black, line: 'solid' },
    ],
    svg,
  };
}

/** Champion beside candidate, one small chart per gate (each on its own scale). */
export function comparisonCharts(c: ChampionComparison, report: { gates: Record<string, GateResultJson> }, registry: GateRegistry): Chart[] {
  const out: Chart[] = [];
  for (const [gate, g] of Object.entries(c.gates)) {
    const r = report.gates[gate];
    if (!r) continue;
    const label = escapeText(registry.get(gate)?.label ?? gate);
    const rows = [
      { who: 'champion', value: g.champion },
      { who: 'candidate', value: g.candidate },
    ].filter((x): x is { who: string; value: number } => x.value !== null);
    const xs = [...rows.map((x) => x.value), r.threshold, 0];
    const lo = Math.min(...xs), hi = Math.max(...xs);
    const pad = (hi - lo) * 0.08 || 1;
    const title = `${label}: champion vs candidate`;
    const description = `${label}: champion ${num(g.champion)}, candidate ${num(g.candidate)}, threshold ${r.comparison} ${r.threshold}; ${g.better === 'n/a' ? 'not comparable' : g.better === 'equal' ? 'equal' : `${g.better} better`}.`;
    const svg = renderSvg(
      {
        width: 340,
        height: 110,
        marginLeft: 75,
        marginRight: 20,
        x: { domain: [Math.min(lo, lo - pad * (lo < 0 ? 1 : 0)), hi + pad], label: null, grid: true, ticks: 4 },
        y: { domain: ['champion', 'candidate'], label: null },
        color: { domain: ['champion', 'candidate'], range: [COLORS.grey, COLORS.blue] },
        marks: [
          Plot.barX(rows, { x: 'value', y: 'who', fill: 'who' }),
          Plot.ruleX([0], { stroke: COLORS.black }),
          Plot.ruleX([r.threshold], { stroke: COLORS.vermillion, strokeWidth: 2, strokeDasharray: '4,3' }),
          Plot.text(rows, { x: 'value', y: 'who', text: (x: { value: number }) => num(x.value), dx: 4, textAnchor: 'start' }),
        ],
      },
      title,
      description,
    );
    out.push({ id: `chart-compare-${gate}`, title, caption: html(description), legend: [], svg });
  }
  return out;
}
