/**
 * Win rate: the point estimate with its two-sided 95% Wilson interval against the threshold
 * (and, in strict mode, the one-sided 95% lower bound the gate then compares). Every number
 * is the report's (gates.winRate: value, threshold, details.wilson95, wilson95LowerOneSided).
 */
import type { WinRateDetails } from '../../gates/win_rate/details.js';
import type { GateResultJson } from '../../report/schema.js';
import { count, html, num } from '../escape.js';
import { COLORS } from '../palette.js';
import { Plot, renderSvg, type Chart } from '../plot.js';

export function winRateChart(r: GateResultJson): Chart {
  const d = r.details as WinRateDetails;
  const [lo, hi] = d.wilson95;
  const value = r.value ?? 0;
  const strict = r.gatedOn === 'wilson95Lower';
  const rows = [{ y: 'win rate', x1: lo, x2: hi, x: value }];
  const title = 'Win rate with its 95% Wilson interval';
  const description = `Win rate ${num(r.value)} (${d.wins} wins of ${d.n} trades), 95% Wilson interval ${num(lo)} to ${num(hi)}, threshold ${r.comparison} ${r.threshold}${strict ? `; strict mode gates on the one-sided lower bound ${num(d.wilson95LowerOneSided)}` : ''}.`;
  const marks = [
    Plot.ruleY(rows, { y: 'y', x1: 'x1', x2: 'x2', stroke: COLORS.skyBlue, strokeWidth: 10 }),
    Plot.tickX(rows, { x: 'x', y: 'y', stroke: COLORS.blue, strokeWidth: 3 }),
    Plot.ruleX([r.threshold], { stroke: COLORS.vermillion, strokeWidth: 2, strokeDasharray: '5,3' }),
    Plot.text([{ x: r.threshold, y: 'win rate' }], { x: 'x', y: 'y', text: () => `threshold ${r.threshold}`, dy: -22, fill: COLORS.vermillion, fontWeight: 'bold' }),
    Plot.text(rows, { x: 'x', y: 'y', text: () => `${num(r.value)} (${d.wins}/${d.n})`, dy: 20, fill: COLORS.blue }),
  ];
  if (strict) marks.push(Plot.tickX([{ x: d.wilson95LowerOneSided, y: 'win rate' }], { x: 'x', y: 'y', stroke: COLORS.black, strokeWidth: 2, strokeDasharray: '3,2' }));
  const svg = renderSvg(
    {
      height: 130,
      marginLeft: 70,
      marginTop: 30,
      x: { domain: [0, 1], label: 'share of winning trades →', grid: true },
      y: { label: null },
      marks,
    },
    title,
    description,
  );
  return {
    id: 'chart-win-rate',
    title,
    caption: html(`${count(d.wins)} wins, ${count(d.losses)} losses and ${count(d.breakevens)} breakeven trades of ${count(d.n)}. The bar is the 95% Wilson interval of the win probability; the gate passes when the ${strict ? 'one-sided 95% lower bound (dashed tick)' : 'point estimate'} is ${r.comparison === '>' ? 'above' : 'below'} the threshold (dashed line). Exact one-sided binomial p-value of H0: p <= ${r.threshold}: ${num(d.binomialPValue)}.`),
    legend: [
      { label: 'point estimate', color: COLORS.blue },
      { label: '95% Wilson interval', color: COLORS.skyBlue },
      { label: 'threshold', color: COLORS.vermillion, line: 'dashed' },
      ...(strict ? [{ label: 'one-sided 95% lower bound (gated)', color: COLORS.black, line: 'dashed' as const }] : []),
    ],
    svg,
  };
}
