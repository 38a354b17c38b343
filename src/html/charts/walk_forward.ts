/**
 * Walk-forward: per fold, the annualised return of the configuration selected in sample, in
 * sample (IS) beside out of sample (OOS), each fold named with its selection; and the stitched
 * OOS equity curve (report schemaVersion 3) with the folds' OOS starts marked. Numbers from
 * gates.walkForward.details (foldResults, stitchedOosEquity).
 */
import type { WalkForwardDetails } from '../../gates/walk_forward/details.js';
import type { GateResultJson } from '../../report/schema.js';
import { count, html, num } from '../escape.js';
import { COLORS } from '../palette.js';
import { Plot, renderSvg, type ChartOrMissing } from '../plot.js';
import { escapeText } from '../../escape.js';
import { utcDate } from '../dates.js';

type Details = Omit<WalkForwardDetails, 'stitchedOosEquity'> & Partial<Pick<WalkForwardDetails, 'stitchedOosEquity'>>;

export function walkForwardCharts(r: GateResultJson, missing: (what: string) => string): ChartOrMissing[] {
  const d = r.details as Details;
  return [foldBars(r, d), stitchedEquity(d, missing)];
}

function foldBars(r: GateResultJson, d: Details): ChartOrMissing {
  // A fold's label: its number and the selected configuration (escaped: names come from the CSV header).
  const label = (f: Details['foldResults'][number]) => `${f.fold}: ${escapeText(f.selected)}${f.averagedOver ? ` (+${f.averagedOver.length - 1} tied)` : ''}`;
  const rows = d.foldResults.flatMap((f) => [
    { fold: label(f), kind: 'IS', value: f.isAnnualisedReturn },
    { fold: label(f), kind: 'OOS', value: f.oosAnnualisedReturn },
  ]);
  const title = 'Walk-forward: IS vs OOS annualised return per fold';
  const description = `${d.folds} ${d.scheme} folds. ` + d.foldResults.map((f) => `Fold ${f.fold} selected ${escapeText(f.selected)}: IS ${num(f.isAnnualisedReturn)}, OOS ${num(f.oosAnnualisedReturn)}`).join('; ') + `. WFER ${num(r.value)}.`;
  const svg = renderSvg(
    {
      height: 300,
      marginBottom: 60,
      fx: { label: 'fold: configuration selected in sample', padding: 0.15, tickRotate: d.folds > 8 ? -30 : 0 },
      x: { axis: null, domain: ['IS', 'OOS'] },
      y: { label: '↑ annualised return', grid: true, tickFormat: '.0%' },
      color: { domain: ['IS', 'OOS'], range: [COLORS.skyBlue, COLORS.blue] },
      marks: [
        Plot.barY(rows, { fx: 'fold', x: 'kind', y: 'value', fill: 'kind' }),
        Plot.ruleY([0], { stroke: COLORS.black }),
      ],
    },
    title,
    description,
  );
  return {
    id: 'chart-wf-folds',
    title,
    caption: html(`In each of the ${d.folds} ${d.scheme} folds (IS:OOS ${d.isOosRatio}:1, gap ${d.gap}) the configuration with the best IS ${d.metric === 'sharpe' ? 'Sharpe ratio' : 'mean return'} is selected and then traded out of sample. Aggregate IS ${num(d.aggregateIsAnnualisedReturn)}, OOS ${num(d.aggregateOosAnnualisedReturn)} annualised: WFER = OOS / IS = ${num(r.value)} (threshold ${r.comparison} ${r.threshold})${r.reason ? `, reason ${r.reason}` : ''}. ${Math.round(d.profitableOosFolds * d.folds)} of ${d.folds} folds were profitable out of sample.`),
    legend: [
      { label: 'in sample (IS)', color: COLORS.skyBlue },
      { label: 'out of sample (OOS)', color: COLORS.blue },
    ],
    svg,
  };
}

function stitchedEquity(d: Details, missing: (what: string) => string): ChartOrMissing {
  const id = 'chart-wf-equity';
  const title = 'Walk-forward: stitched out-of-sample equity';
  const e = d.stitchedOosEquity;
  if (!e) return { id, title, missing: missing('the stitched OOS equity curve') };
  const points = e.dates.map((date, i) => ({ date: utcDate(date), equity: e.equity[i] }));
  const starts = d.foldResults.map((f) => ({ date: utcDate(f.oosDates[0]), fold: `fold ${f.fold}` }));
  if (points.length === 0 || [...points, ...starts].some((p) => p.date === null)) return { id, title, missing: 'the report\'s dates are not ISO 8601 dates, so they cannot be placed on a time axis' };
  const last = e.equity[e.equity.length - 1];
  const description = `The selections' out-of-sample returns, fold after fold, compounded from 1 over ${e.rows} rows${e.sampled ? ` (${e.equity.length} evenly spaced points shown)` : ''}: ${e.complete ? `final equity ${num(last)}` : 'the compounded equity overflowed float64 and the curve stops before it'}.`;
  const svg = renderSvg(
    {
      height: 280,
      x: { type: 'utc', label: 'date →' },
      y: { label: '↑ equity (start = 1)', grid: true },
      marks: [
        Plot.ruleY([1], { stroke: COLORS.grey }),
        Plot.ruleX(starts, { x: 'date', stroke: COLORS.grey, strokeDasharray: '2,3' }),
        Plot.text(starts, { x: 'date', text: 'fold', frameAnchor: 'top', dy: 2, dx: 3, textAnchor: 'start', fill: COLORS.grey }),
        Plot.line(points, { x: 'date', y: 'equity', stroke: COLORS.blue, strokeWidth: 2 }),
      ],
    },
    title,
    description,
  );
  return {
    id,
    title,
    caption: html(`${description} Dotted lines: where each fold's OOS window starts. Stitched OOS Sharpe (annualised) ${num(d.stitchedOosSharpe)}.${e.sampled ? ` ${count(e.equity.length)} of ${count(e.rows)} rows are drawn, evenly spaced (the last one kept).` : ''}`),
    legend: [{ label: 'stitched OOS equity', color: COLORS.blue }],
    svg,
  };
}
