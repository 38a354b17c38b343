/**
 * One candidate's HTML report from its validate report (docs/html-report.md): the decision
 * banner, the gate table, champion beside candidate (when the report has a comparison), each
 * gate's pictures (server-side SVG: no script), the deflated-Sharpe family, the warnings and
 * the provenance. Every number shown is the report's (or the chart axis's own tick); the same
 * report always gives the same bytes (no clock, no randomness, no environment).
 *
 * Reads schemaVersion 2 and 3 reports (src/report/schema.ts, fullReport); a version 2 report
 * has no chart data, and the charts that need it say so instead of drawing.
 *
 * O(report size) plus the charts' marks (at most a few thousand).
 */
import { DEFAULT_GATES } from '../gates/index.js';
import type { GateRegistry } from '../gates/registry.js';
import type { GateResult } from '../gates/types.js';
import type { AnyVersionReport, GateResultJson } from '../report/schema.js';
import { ENGINE_VERSION } from '../version.js';
import { html, num } from './escape.js';
import { htmlDocument } from './document.js';
import type { Chart, ChartOrMissing } from './plot.js';
import { winRateChart } from './charts/win_rate.js';
import { walkForwardCharts } from './charts/walk_forward.js';
import { pboCharts } from './charts/pbo.js';
import { monteCarloCharts } from './charts/monte_carlo.js';
import { comparisonCharts, familyChart } from './charts/gauges.js';

export interface PageOptions {
  registry?: GateRegistry;
  /** Link back to a batch's index page (relative URL). */
  indexHref?: string;
  /** Extra <meta> entries (the batch writes the journal key). */
  meta?: Record<string, string>;
}

type Status = 'pass' | 'fail' | 'info' | 'skip';

export function gateStatus(r: { enabled: boolean; advisory: boolean; pass: boolean }): Status {
  if (!r.enabled && !r.advisory) return 'skip';
  if (r.advisory) return 'info';
  return r.pass ? 'pass' : 'fail';
}

const STATUS_TEXT: Record<Status, string> = { pass: '✓ PASS', fail: '✗ FAIL', info: 'ℹ INFO', skip: '– SKIP' };

export function statusTag(s: Status): string {
  return `<span class="tag ${s}">${STATUS_TEXT[s]}</span>`;
}

/** A chart (figure with caption, legend and SVG) or the note that stands in for it. */
export function figure(c: ChartOrMissing): string {
  if ('missing' in c) return `<figure class="chart" id="${c.id}"><figcaption><strong>${html(c.title)}</strong></figcaption><p class="missing">${html(c.missing)}</p></figure>`;
  const legend = c.legend.length
    ? `<ul class="legend" aria-hidden="true">${c.legend
        .map((l) => {
          const style = l.line ? `border-top-color:${l.color}` : `background:${l.color}${l.opacity !== undefined ? `;opacity:${l.opacity}` : ''}`;
          return `<li><span class="swatch${l.line ? ' line' : ''}${l.line === 'dashed' ? ' dashed' : ''}" style="${style}"></span>${html(l.label)}</li>`;
        })
        .join('')}</ul>`
    : '';
  return `<figure class="chart" id="${c.id}"><figcaption><strong>${html(c.title)}</strong>${c.caption}</figcaption>${legend}\n${c.svg}</figure>`;
}

function gateRow(r: GateResultJson, registry: GateRegistry): string {
  const def = registry.get(r.gate);
  const label = def?.label ?? r.gate;
  const status = gateStatus(r);
  let summary = '';
  if (def && status !== 'skip') {
    try {
      summary = def.summary(r as unknown as GateResult);
    } catch {
      summary = ''; // a gate's summary needs fields an older report may lack
    }
  }
  const gated = r.gatedOn !== 'point' && r.gatedValue !== null ? `${num(r.gatedValue)} <span class="small">(${html(r.gatedOn)})</span>` : '';
  const note = status === 'skip' ? 'disabled by the policy' : [r.reason ? `reason ${r.reason}` : '', summary].filter(Boolean).join('; ');
  return `<tr><td><a href="#gate-${html(r.gate)}">${html(label)}</a></td><td class="${status}">${statusTag(status)}</td><td class="num">${num(r.value)}</td><td class="num">${gated}</td><td class="num">${html(r.comparison)} ${html(String(r.threshold))}</td><td>${html(note)}</td></tr>`;
}

function table(headers: string[], rows: string[][], numeric: boolean[] = []): string {
  const th = headers.map((h, i) => `<th${numeric[i] ? ' class="num"' : ''} scope="col">${h}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${numeric[i] ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function missingText(version: number): (what: string) => string {
  return (what) => `This report (schemaVersion ${version}) carries no data for ${what}: chart data entered the report in schemaVersion 3. Validate the candidate again with this engine (gauntlet validate --json) to draw it.`;
}

/** The gate sections: each decision gate's pictures in registry order, then the advisory family. */
function gateSections(report: AnyVersionReport, registry: GateRegistry): { nav: [string, string][]; html: string } {
  const missing = missingText(report.schemaVersion);
  const parts: string[] = [];
  const nav: [string, string][] = [];
  const family: GateResultJson[] = [];
  for (const def of registry.gates) {
    const r = report.gates[def.name] as GateResultJson | undefined;
    if (!r) continue;
    if (def.advisory) {
      family.push(r);
      continue;
    }
    const status = gateStatus(r);
    const head = `<h2 id="gate-${html(def.name)}">${html(def.label)} ${statusTag(status)}</h2>`;
    nav.push([`gate-${def.name}`, def.label]);
    if (status === 'skip') {
      parts.push(`<section>${head}<p class="missing">Disabled by the policy (${html(report.provenance.policySource)}): not computed, not part of the decision.</p></section>`);
      continue;
    }
    let charts: ChartOrMissing[] = [];
    if (def.name === 'winRate') charts = [winRateChart(r)];
    else if (def.name === 'walkForward') charts = walkForwardCharts(r, missing);
    else if (def.name === 'pbo') charts = pboCharts(r, missing);
    else if (def.name === 'monteCarlo') charts = monteCarloCharts(r, missing);
    const verdict = `<p>${html(def.label)} = <strong>${num(r.value)}</strong>${r.gatedOn !== 'point' ? ` (gated on ${html(r.gatedOn)} ${num(r.gatedValue)})` : ''}, threshold ${html(r.comparison)} ${html(String(r.threshold))}: ${status === 'pass' ? 'passes' : 'fails'}${r.reason ? ` (${html(r.reason)})` : ''}.</p>`;
    const warn = r.warnings.length ? `<ul class="warnings">${r.warnings.map((w) => `<li>${html(w)}</li>`).join('')}</ul>` : '';
    parts.push(`<section>${head}${verdict}${warn}\n${charts.map(figure).join('\n')}</section>`);
  }
  if (family.length) {
    nav.push(['family', 'deflated-Sharpe family']);
    const rows = family.map((r) => {
      const def = registry.get(r.gate)!;
      let summary = '';
      try {
        summary = def.summary(r as unknown as GateResult);
      } catch {
        summary = '';
      }
      return [html(def.label), statusTag(gateStatus(r)) + (r.advisory ? '' : ' (gating)'), num(r.value), `${html(r.comparison)} ${html(String(r.threshold))}`, html([r.reason ? `reason ${r.reason}` : '', summary].filter(Boolean).join('; '))];
    });
    parts.push(
      `<section><h2 id="family">Deflated-Sharpe family</h2><p>Computed for every candidate; advisory ([INFO], never part of the decision) unless the policy enables a gate.</p>` +
        table(['gate', 'status', 'value', 'threshold', 'details'], rows, [false, false, true, true, false]) +
        figure(familyChart(family, registry)) +
        '</section>',
    );
  }
  return { nav, html: parts.join('\n') };
}

function provenance(report: AnyVersionReport): string {
  const p = report.provenance;
  const c = report.candidate;
  const kv = (rows: [string, string][]) => `<table>${rows.map(([k, v]) => `<tr><th scope="row">${k}</th><td>${v}</td></tr>`).join('')}</table>`;
  const inputs = table(
    ['role', 'path', 'SHA-256', 'bytes', 'rows', 'columns'],
    p.inputs.map((i) => [html(i.role), `<code>${html(i.path)}</code>`, `<code>${html(i.sha256)}</code>${i.verified === false ? ' (not verified)' : ''}`, String(i.bytes), i.rows === undefined ? '' : String(i.rows), i.columns === undefined ? '' : String(i.columns)]),
    [false, false, false, true, true, true],
  );
  return (
    '<section><h2 id="provenance">Provenance</h2>' +
    kv([
      ['engine', html(`${report.engine.name} ${report.engine.version}`)],
      ['report schemaVersion', String(report.schemaVersion)],
      ['candidate', `${html(c.id)} (created ${html(c.createdAt)})`],
      ['bundle', `<code>${html(c.bundle)}</code>`],
      ['selected configuration', html(c.selected)],
      ['periods per year; trade unit; initial equity', html(`${c.periodsPerYear}; ${c.tradeUnit}; ${c.initialEquity ?? 'none'}`)],
      ['seed', String(p.seed)],
      ['generator; seed scheme', html(`${p.generator}; ${p.seedScheme}`)],
      ['shard sizes', html(Object.entries(p.shardSizes).map(([k, v]) => `${k} ${v}`).join(', '))],
      ['policy', `${html(p.policySource)}, SHA-256 <code>${html(p.policySha256)}</code>`],
    ]) +
    '<h3>Inputs</h3>' +
    inputs +
    `<details><summary>The resolved policy the gates ran under</summary><pre>${JSON.stringify(report.policy, null, 2).split('\n').map(html).join('\n')}</pre></details>` +
    '</section>'
  );
}

export function renderReportPage(report: AnyVersionReport, options: PageOptions = {}): string {
  const registry = options.registry ?? DEFAULT_GATES;
  const approved = report.decision === 'APPROVED';
  const label = (name: string) => registry.get(name)?.label ?? name;
  const failed = report.failedGates.map(label);
  const banner =
    `<header class="banner ${approved ? 'approved' : 'rejected'}" role="banner">` +
    `<h1>Gauntlet report: ${html(report.candidate.id)}</h1>` +
    `<div class="verdict">${approved ? '✓ APPROVED' : '✗ REJECTED'}</div>` +
    `<p>${approved ? 'Every enabled decision gate passed.' : `Failed: ${html(failed.join(', '))} (${failed.length} of ${Object.values(report.gates).filter((g) => g.enabled && !g.advisory).length} gates that decide).`}` +
    ` Seed ${report.provenance.seed}, engine ${html(report.engine.version)}, policy <code>${html(report.provenance.policySha256.slice(0, 12))}</code>.</p>` +
    '</header>';
  const gates = gateSections(report, registry);
  const rows = registry.gates.map((def) => report.gates[def.name] as GateResultJson | undefined).filter((r): r is GateResultJson => r !== undefined).map((r) => gateRow(r, registry));
  const summary =
    '<section><h2 id="summary">Gates</h2>' +
    `<table><thead><tr><th scope="col">gate</th><th scope="col">status</th><th scope="col" class="num">value</th><th scope="col" class="num">gated value</th><th scope="col" class="num">threshold</th><th scope="col">details</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table></section>`;
  let comparison = '';
  const nav: [string, string][] = [['summary', 'gates']];
  if (report.comparison) {
    const c = report.comparison;
    nav.push(['comparison', 'champion vs candidate']);
    const crow = Object.entries(c.gates).map(([g, x]) => [html(label(g)), num(x.champion), num(x.candidate), html(x.better === 'n/a' ? 'n/a' : x.better === 'equal' ? 'equal' : `${x.better} better`)]);
    comparison =
      `<section><h2 id="comparison">Champion vs candidate</h2><p>Champion <strong>${html(c.champion.id)}</strong>${c.champion.decision ? ` (its report: ${html(c.champion.decision)})` : ''}${c.champion.modelSha256 ? `, model <code>${html(c.champion.modelSha256)}</code>` : ''}. "Better" follows each gate's direction.</p>` +
      table(['gate', 'champion', 'candidate', 'better'], crow, [false, true, true, false]) +
      `<div class="small-multiples">${comparisonCharts(c, report as unknown as { gates: Record<string, GateResultJson> }, registry).map(figure).join('\n')}</div></section>`;
  }
  nav.push(...gates.nav);
  const warnings = report.warnings.length
    ? `<section><h2 id="warnings">Warnings</h2><ul class="warnings">${report.warnings.map((w) => `<li>${html(w)}</li>`).join('')}</ul></section>`
    : '<section><h2 id="warnings">Warnings</h2><p>None.</p></section>';
  nav.push(['warnings', `warnings (${report.warnings.length})`], ['provenance', 'provenance']);
  const navHtml = `<nav aria-label="sections">${options.indexHref ? `<a href="${html(options.indexHref)}">← all candidates</a>` : ''}${nav.map(([id, t]) => `<a href="#${html(id)}">${html(t)}</a>`).join('')}</nav>`;
  const footer = `<footer>Rendered by gauntlet ${html(ENGINE_VERSION)} from a schemaVersion ${report.schemaVersion} report (docs/html-report.md). One self-contained file: no script, font, image or other request is loaded. Every number is the report's.</footer>`;
  return htmlDocument({
    title: `Gauntlet: ${report.candidate.id} ${report.decision}`,
    meta: options.meta,
    generator: `gauntlet ${ENGINE_VERSION}`,
    body: `${navHtml}\n${banner}\n<main>\n${summary}\n${comparison}\n${gates.html}\n${warnings}\n${provenance(report)}\n</main>\n${footer}`,
  });
}
