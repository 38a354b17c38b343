/**
 * Monte Carlo: the fan of equity paths (5/25/50/75/95% bands per step) with the breach level
 * and the unshuffled trade sequence, and the histogram of the paths' maximum drawdown with
 * the limit line and the breach share (report schemaVersion 3). Numbers from
 * gates.monteCarlo.details.
 */
import type { MonteCarloDetails } from '../../gates/monte_carlo/details.js';
import type { GateResultJson } from '../../report/schema.js';
import { count, html, num } from '../escape.js';
import { COLORS } from '../palette.js';
import { Plot, renderSvg, type ChartOrMissing } from '../plot.js';

type Details = Omit<MonteCarloDetails, 'fan' | 'originalPath' | 'maxDrawdownHistogram'> & Partial<Pick<MonteCarloDetails, 'fan' | 'originalPath' | 'maxDrawdownHistogram'>>;

const METHOD: Record<string, string> = { stationary: 'stationary bootstrap', iid: 'iid bootstrap', permutation: 'permutation' };

export function monteCarloCharts(r: GateResultJson, missing: (what: string) => string): ChartOrMissing[] {
  const d = r.details as Details;
  return [fan(r, d, missing), drawdowns(r, d, missing)];
}

/**
 * The level a path that never rose above its start breaches at: the static and trailing rules'
 * own line, and for the drawdown rule its level under the starting peak (it moves up with each
 * path's running peak).
 */
function breachLevel(d: Details): { level: number; words: string } {
  const { rule, limit } = d.breach;
  const start = d.startEquity;
  if (rule === 'trailing') return { level: start - limit, words: `trailing rule: ${num(limit, 2)} below the running peak; drawn from the start` };
  if (rule === 'static') return { level: start * (1 - limit), words: `static rule: ${num(limit * 100, 1)}% below the start` };
  return { level: start * (1 - limit), words: `drawdown rule: ${num(limit * 100, 1)}% below the running peak; drawn under the starting equity` };
}

function fan(r: GateResultJson, d: Details, missing: (what: string) => string): ChartOrMissing {
  const id = 'chart-mc-fan';
  const title = 'Monte Carlo: fan of resampled equity paths';
  const f = d.fan;
  const o = d.originalPath;
  if (!f || !o) return { id, title, missing: missing('the fan quantiles and the unshuffled path') };
  // Every path starts at the starting equity (step 0).
  const s0 = d.startEquity;
  const bands = [{ step: 0, p5: s0, p25: s0, p50: s0, p75: s0, p95: s0 }, ...f.steps.map((step, i) => ({ step, p5: f.p5[i], p25: f.p25[i], p50: f.p50[i], p75: f.p75[i], p95: f.p95[i] }))];
  const original = [{ step: 0, equity: s0 }, ...o.steps.map((step, i) => ({ step, equity: o.equity[i] }))];
  const b = breachLevel(d);
  const description = `${count(d.paths)} ${METHOD[d.method] ?? d.method} paths of ${count(d.horizon)} trades from equity ${num(s0, 2)}; bands over the first ${count(f.paths)} paths at ${f.steps.length} steps${f.sampled ? ' (evenly spaced)' : ''}. Median final equity ${num(f.p50[f.p50.length - 1])}, 5% ${num(f.p5[f.p5.length - 1])}, 95% ${num(f.p95[f.p95.length - 1])}. Unshuffled sequence: final equity ${num(d.originalSequence.finalEquity)}, max drawdown ${num(d.originalSequence.maxDrawdown)}${d.originalSequence.breached ? ', breached' : ''}. Breach level ${num(b.level)} (${b.words}).`;
  const svg = renderSvg(
    {
      height: 340,
      x: { label: 'trades →', domain: [0, Math.max(f.horizon, o.trades)] },
      // Returns compound: equally likely gains and losses are equal distances on a log axis.
      y: d.unit === 'return' ? { type: 'log', label: `↑ equity (start = ${num(s0, 2)}, log scale)`, grid: true, tickFormat: '~g' } : { label: '↑ equity', grid: true },
      marks: [
        Plot.areaY(bands, { x: 'step', y1: 'p5', y2: 'p95', fill: COLORS.skyBlue, fillOpacity: 0.35 }),
        Plot.areaY(bands, { x: 'step', y1: 'p25', y2: 'p75', fill: COLORS.skyBlue, fillOpacity: 0.75 }),
        Plot.line(bands, { x: 'step', y: 'p50', stroke: COLORS.blue, strokeWidth: 2 }),
        Plot.line(original, { x: 'step', y: 'equity', stroke: COLORS.black, strokeWidth: 1.5, strokeDasharray: '6,3' }),
        Plot.ruleY([b.level], { stroke: COLORS.vermillion, strokeWidth: 2, strokeDasharray: '5,3' }),
        Plot.text([b.level], { y: (y: number) => y, text: () => `breach level ${num(b.level)}`, frameAnchor: 'left', dy: -7, dx: 4, textAnchor: 'start', fill: COLORS.vermillion }),
      ],
    },
    title,
    description,
  );
  return {
    id,
    title,
    caption: html(`${description} The gate's estimate: ${count(d.breaches)} of ${count(d.paths)} paths breached (${num(r.value)}, threshold ${r.comparison} ${r.threshold}).${f.paths < d.paths ? ` The bands are quantiles over the first ${count(f.paths)} of the ${count(d.paths)} paths (a uniform sample: the paths are exchangeable); the breach count is over all of them.` : ''}`),
    legend: [
      { label: 'median', color: COLORS.blue, line: 'solid' },
      { label: '25-75%', color: COLORS.skyBlue, opacity: 0.75 },
      { label: '5-95%', color: COLORS.skyBlue, opacity: 0.35 },
      { label: 'unshuffled trades', color: COLORS.black, line: 'dashed' },
      { label: 'breach level', color: COLORS.vermillion, line: 'dashed' },
    ],
    svg,
  };
}

function drawdowns(r: GateResultJson, d: Details, missing: (what: string) => string): ChartOrMissing {
  const id = 'chart-mc-drawdown';
  const title = 'Monte Carlo: maximum drawdown of each path';
  const h = d.maxDrawdownHistogram;
  if (!h) return { id, title, missing: missing('the max-drawdown histogram') };
  const limit = d.breach.limit;
  const beyond = 'at or beyond the limit: breach';
  const within = 'within the limit';
  const bars = h.counts.map((c, j) => ({ x1: h.edges[j], x2: h.edges[j + 1], count: c, side: h.limitOnEdge && h.edges[j] >= limit ? beyond : within }));
  const share = d.breaches / d.paths;
  const q = d.maxDrawdownQuantiles;
  const description = `Maximum drawdown (fraction of the running peak) of each of ${count(d.paths)} paths in ${h.counts.length} bins; median ${num(q.p50)}, 95% ${num(q.p95)}, 99% ${num(q.p99)}. ${h.limitOnEdge ? `Drawdown limit ${num(limit)}: ${count(d.breaches)} paths (${num(share)}) breached.` : `The ${d.breach.rule} rule's limit is not a drawdown fraction, so no limit line is drawn; ${count(d.breaches)} paths (${num(share)}) breached it.`}`;
  const marks = [
    Plot.rectY(bars, { x1: 'x1', x2: 'x2', y: 'count', fill: 'side', inset: 0.5 }),
    Plot.ruleY([0], { stroke: COLORS.black }),
  ];
  if (h.limitOnEdge) {
    marks.push(Plot.ruleX([limit], { stroke: COLORS.black, strokeWidth: 2, strokeDasharray: '5,3' }));
    marks.push(Plot.text([limit], { x: (x: number) => x, text: () => `limit ${num(limit, 2)}: ${num(share * 100, 1)}% of paths at or beyond`, frameAnchor: 'top', dy: 2, dx: 4, textAnchor: 'start' }));
  }
  const svg = renderSvg(
    {
      height: 280,
      x: { label: 'maximum drawdown (fraction of the running peak) →', domain: [h.edges[0], h.edges[h.edges.length - 1]], tickFormat: '.0%' },
      y: { label: '↑ paths', grid: true },
      color: { domain: [within, beyond], range: [COLORS.skyBlue, COLORS.vermillion] },
      marks,
    },
    title,
    description,
  );
  return {
    id,
    title,
    caption: html(`${description} Clopper-Pearson 95% interval of the breach probability [${num(d.clopperPearson95[0])}, ${num(d.clopperPearson95[1])}].`),
    legend: h.limitOnEdge ? [{ label: within, color: COLORS.skyBlue }, { label: beyond, color: COLORS.vermillion }, { label: 'limit', color: COLORS.black, line: 'dashed' }] : [{ label: 'paths', color: COLORS.skyBlue }],
    svg,
  };
}
