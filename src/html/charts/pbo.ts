/**
 * PBO (CSCV), the pictures of R's `pbo` package: the histogram of the logits lambda with the
 * lambda = 0 line and the overfit side shaded; the selected configuration's OOS metric against
 * its IS metric with the degradation regression (report schemaVersion 3 points); and the two
 * empirical CDFs of the stochastic-dominance check (schemaVersion 3). Numbers from
 * gates.pbo.details.
 */
import type { PboDetails } from '../../gates/pbo/details.js';
import type { GateResultJson } from '../../report/schema.js';
import { count, html, num } from '../escape.js';
import { COLORS } from '../palette.js';
import { Plot, renderSvg, type ChartOrMissing } from '../plot.js';

type Details = Omit<PboDetails, 'degradationPoints' | 'dominanceCdf'> & Partial<Pick<PboDetails, 'degradationPoints' | 'dominanceCdf'>>;

const METRIC: Record<string, string> = { sharpe: 'Sharpe ratio', mean: 'mean return', sortino: 'Sortino ratio' };

export function pboCharts(r: GateResultJson, missing: (what: string) => string): ChartOrMissing[] {
  const d = r.details as Details;
  return [logitHistogram(r, d), degradation(d, missing), dominance(d, missing)];
}

function logitHistogram(r: GateResultJson, d: Details): ChartOrMissing {
  const h = d.logitHistogram;
  const overfit = 'λ ≤ 0: overfit';
  const fine = 'λ > 0';
  const bars = h.counts.map((c, j) => ({ x1: h.edges[j], x2: h.edges[j + 1], count: c, side: h.edges[j + 1] <= 0 ? overfit : fine }));
  const title = `PBO: logits of the selected configuration's OOS rank (PBO = ${num(r.value)})`;
  const description = `Histogram of lambda = logit of the OOS relative rank of the configuration selected in sample, over ${count(d.combinations)} CSCV combinations (S = ${d.S}) in ${h.bins} bins from ${num(h.range[0], 2)} to ${num(h.range[1], 2)}. PBO, the share with lambda <= 0, is ${num(r.value)}.`;
  const svg = renderSvg(
    {
      height: 280,
      x: { label: 'λ = logit of the OOS relative rank of the IS-best configuration →', domain: h.range },
      y: { label: '↑ combinations', grid: true },
      color: { domain: [overfit, fine], range: [COLORS.vermillion, COLORS.skyBlue] },
      marks: [
        Plot.rectY(bars, { x1: 'x1', x2: 'x2', y: 'count', fill: 'side', inset: 0.5 }),
        Plot.ruleY([0], { stroke: COLORS.black }),
        Plot.ruleX([0], { stroke: COLORS.black, strokeWidth: 2, strokeDasharray: '5,3' }),
        Plot.text([0], { x: (x: number) => x, text: () => 'λ = 0', frameAnchor: 'top', dy: 2, dx: 4, textAnchor: 'start' }),
      ],
    },
    title,
    description,
  );
  return {
    id: 'chart-pbo-logits',
    title,
    caption: html(`Each CSCV combination splits the ${d.S} blocks into an in-sample and an out-of-sample half, picks the configuration with the best IS ${METRIC[d.metric] ?? d.metric} and ranks it out of sample; λ ≤ 0 means it fell to the bottom half. PBO = share of combinations with λ ≤ 0 = ${num(r.value)} (threshold ${r.comparison} ${r.threshold}) over ${count(d.combinations)} of ${count(d.combinationsTotal)} combinations${d.sampled ? ' (sampled)' : ''}. Bars left of the dashed line are shaded; a combination with λ exactly 0 counts as overfit but sits in the bar right of it.`),
    legend: [
      { label: overfit, color: COLORS.vermillion },
      { label: fine, color: COLORS.skyBlue },
    ],
    svg,
  };
}

function degradation(d: Details, missing: (what: string) => string): ChartOrMissing {
  const id = 'chart-pbo-degradation';
  const metric = METRIC[d.metric] ?? d.metric;
  const title = `PBO: performance degradation (OOS vs IS ${metric} of the selected configuration)`;
  const p = d.degradationPoints;
  if (!p) return { id, title, missing: missing('the IS/OOS pairs of the degradation scatter') };
  const points = p.is.map((x, i) => ({ is: x, oos: p.oos[i] }));
  const { slope, intercept, r2 } = d.degradation;
  const marks = [
    Plot.ruleY([0], { stroke: COLORS.grey }),
    Plot.dot(points, { x: 'is', y: 'oos', r: 2, fill: COLORS.blue, fillOpacity: 0.35, stroke: null }),
  ];
  if (slope !== null && intercept !== null && points.length > 0) {
    let lo = Infinity, hi = -Infinity;
    for (const q of points) { if (q.is < lo) lo = q.is; if (q.is > hi) hi = q.is; }
    marks.push(Plot.line([{ x: lo, y: intercept + slope * lo }, { x: hi, y: intercept + slope * hi }], { x: 'x', y: 'y', stroke: COLORS.vermillion, strokeWidth: 2 }));
  }
  const fit = slope === null || intercept === null ? 'no regression (a variance is 0)' : `OOS = ${num(intercept)} ${slope < 0 ? '−' : '+'} ${num(Math.abs(slope))} × IS, R² ${num(r2)}`;
  const description = `${count(points.length)} of ${count(p.combinations)} combinations${p.sampled ? ' (evenly spaced)' : ''}: the IS ${metric} of the configuration selected in sample against its OOS ${metric}; regression over all combinations: ${fit}. Probability of an OOS loss ${num(d.probabilityOfLoss)}.`;
  const svg = renderSvg(
    {
      height: 320,
      x: { label: `IS ${metric} of the selected configuration →`, grid: true },
      y: { label: `↑ OOS ${metric}`, grid: true },
      marks,
    },
    title,
    description,
  );
  return {
    id,
    title,
    caption: html(`${description} A slope below 0 means the better a configuration looked in sample, the worse it did out of sample. ${p.sampled ? `${count(points.length)} of the ${count(p.combinations)} points are drawn, evenly spaced in lexicographic order; the regression uses all of them.` : ''}`),
    legend: [
      { label: 'one CSCV combination', color: COLORS.blue, opacity: 0.5 },
      { label: 'regression (all combinations)', color: COLORS.vermillion, line: 'solid' },
    ],
    svg,
  };
}

function dominance(d: Details, missing: (what: string) => string): ChartOrMissing {
  const id = 'chart-pbo-dominance';
  const metric = METRIC[d.metric] ?? d.metric;
  const title = 'PBO: stochastic dominance (empirical CDFs of the OOS metric)';
  const c = d.dominanceCdf;
  if (!c) return { id, title, missing: missing('the dominance CDF points') };
  const selected = 'selected configuration (F_opt)';
  const pooled = 'all configurations (F_all)';
  const rows = c.x.flatMap((x, j) => [
    { x, F: c.selected[j], who: selected },
    { x, F: c.pooled[j], who: pooled },
  ]);
  const dom = d.dominance;
  const verdict = `first-order dominance ${dom.firstOrder ? 'holds' : 'fails'}, second-order ${dom.secondOrder ? 'holds' : 'fails'} (minimum integral ${num(dom.minIntegral, 6)} at ${num(dom.minIntegralAt)})`;
  const description = `Empirical CDFs of the OOS ${metric}: of the configuration selected in sample (F_opt) and of every configuration (F_all), at ${c.x.length} points of the ${c.gridBins}-bin dominance grid; ${verdict}.`;
  const svg = renderSvg(
    {
      height: 300,
      x: { label: `OOS ${metric} →`, grid: true },
      y: { label: '↑ share of values below', domain: [0, 1], grid: true },
      color: { domain: [selected, pooled], range: [COLORS.vermillion, COLORS.blue] },
      marks: [
        Plot.line(rows, { x: 'x', y: 'F', z: 'who', stroke: 'who', curve: 'step-after', strokeWidth: 2 }),
      ],
    },
    title,
    description,
  );
  return {
    id,
    title,
    caption: html(`${description} Selection helps when F_opt lies below F_all (the selected configuration's OOS values are larger): first-order dominance is F_opt ≤ F_all everywhere.`),
    legend: [
      { label: selected, color: COLORS.vermillion, line: 'solid' },
      { label: pooled, color: COLORS.blue, line: 'solid' },
    ],
    svg,
  };
}
