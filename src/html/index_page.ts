/**
 * A batch's index page (`batch --html-dir`): the page a team opens in the morning after an
 * overnight batch. One row per candidate of the journal (its order: sorted bundle paths) with
 * the decision, each gate's value coloured and labelled by pass / fail / advisory / skipped,
 * the failed gates or the error, and a link to the candidate's own page. The table reads as it
 * is without JavaScript; a small inline script (allowed by its hash in the page's Content
 * Security Policy) makes the columns sortable. Every number is the journal's.
 */
import { DEFAULT_GATES } from '../gates/index.js';
import type { GateRegistry } from '../gates/registry.js';
import type { JournalEntry } from '../report/journal_schema.js';
import { ENGINE_VERSION } from '../version.js';
import { count, html, num } from './escape.js';
import { htmlDocument } from './document.js';
import { gateStatus, statusTag } from './page.js';

export interface IndexRow {
  entry: JournalEntry;
  /** The candidate's page, relative to the index, or null with why there is none. */
  href: string | null;
  note?: string;
}

export interface IndexMeta {
  /** The batch folder and the journal, as given on the command line. */
  dir: string;
  journal: string;
  /** Candidates the batch found (rows may be fewer when it was interrupted). */
  total: number;
  interrupted: boolean;
  registry?: GateRegistry;
}

/** Click a column header to sort by it (numbers as numbers, empty cells last); again to reverse. */
export const SORT_SCRIPT =
  "(function(){var t=document.getElementById('candidates');if(!t)return;var b=t.tBodies[0];" +
  "Array.prototype.forEach.call(t.tHead.rows[0].cells,function(th,col){var btn=document.createElement('button');btn.type='button';" +
  "while(th.firstChild)btn.appendChild(th.firstChild);th.appendChild(btn);btn.addEventListener('click',function(){" +
  "var dir=th.getAttribute('aria-sort')==='ascending'?-1:1;Array.prototype.forEach.call(t.tHead.rows[0].cells,function(o){o.removeAttribute('aria-sort');});" +
  "th.setAttribute('aria-sort',dir>0?'ascending':'descending');var rows=Array.prototype.slice.call(b.rows);" +
  "rows.sort(function(x,y){var a=x.cells[col].getAttribute('data-v'),c=y.cells[col].getAttribute('data-v'),r;" +
  "var na=a===''?NaN:Number(a),nc=c===''?NaN:Number(c);" +
  "if(a===''||c===''){r=a===c?0:(a===''?1:-1);return r||(x.getAttribute('data-i')-y.getAttribute('data-i'));}" +
  "r=!isNaN(na)&&!isNaN(nc)?na-nc:String(a).localeCompare(String(c));" +
  "return r*dir||(x.getAttribute('data-i')-y.getAttribute('data-i'));});" +
  "rows.forEach(function(r){b.appendChild(r);});});});})();";

function cell(content: string, sortValue: string, cls = ''): string {
  return `<td${cls ? ` class="${cls}"` : ''} data-v="${html(sortValue)}">${content}</td>`;
}

export function renderBatchIndex(rows: IndexRow[], meta: IndexMeta): string {
  const registry = meta.registry ?? DEFAULT_GATES;
  const gates = registry.gates;
  const counts = { APPROVED: 0, REJECTED: 0, ERROR: 0 };
  for (const r of rows) counts[r.entry.decision]++;
  const head =
    '<tr><th scope="col">bundle</th><th scope="col">id</th><th scope="col">decision</th>' +
    // Labels wrap at their underscores, so eight gate columns fit a page.
    gates.map((g) => `<th scope="col" class="num gate" title="${html(`${g.name}: ${g.comparison === '>' ? 'higher' : 'lower'} is better`)}">${html(g.label).replace(/_/g, '_<wbr>')}</th>`).join('') +
    '<th scope="col">failed gates / error</th></tr>';
  const body = rows.map((row, i) => {
    const e = row.entry;
    const link = row.href ? `<a href="${html(row.href)}">${html(e.bundle)}</a>` : `${html(e.bundle)}${row.note ? `<br><span class="small">${html(row.note)}</span>` : ''}`;
    const decision = e.decision === 'ERROR' ? `<span class="tag error">! ERROR</span>` : statusTag(e.decision === 'APPROVED' ? 'pass' : 'fail').replace(/PASS|FAIL/, e.decision);
    const gateCells = gates.map((def) => {
      const g = e.gates?.[def.name];
      if (!g) return cell('', '', '');
      const s = gateStatus(g);
      const mark = s === 'pass' ? '✓' : s === 'fail' ? '✗' : s === 'info' ? 'ℹ' : '–';
      const text = s === 'skip' ? '– skip' : `${mark} ${num(g.value)}`;
      return cell(text, g.value === null ? '' : String(g.value), `num ${s}`);
    });
    // An error's message can be long: its code shows, the message opens on a click (no script needed).
    const why = e.decision === 'ERROR' && e.error ? `<details><summary><code>${html(e.error.code)}</code> (exit ${e.error.exitCode})</summary>${html(e.error.message)}</details>` : e.failedGates.map((n) => html(registry.get(n)?.label ?? n).replace(/_/g, '_<wbr>')).join(', ');
    const whySort = e.decision === 'ERROR' && e.error ? e.error.code : e.failedGates.join(',');
    return `<tr data-i="${i}">${cell(link, e.bundle)}${cell(html(e.id ?? '–'), e.id ?? '')}${cell(decision, e.decision)}${gateCells.join('')}${cell(why, whySort)}</tr>`;
  });
  const first = rows[0]?.entry;
  const runs = first ? `Seed ${first.seed}, engine ${html(first.engineVersion)}, policy <code>${html(first.policySha256.slice(0, 12))}</code>, report schemaVersion ${first.schemaVersion}.` : '';
  const status = meta.interrupted ? ` <strong>Interrupted:</strong> ${count(rows.length)} of ${count(meta.total)} candidates are in the journal; rerun with --resume to finish.` : '';
  const body2 =
    `<header class="banner ${counts.REJECTED + counts.ERROR === 0 && !meta.interrupted ? 'approved' : 'rejected'}" role="banner"><h1>Gauntlet batch: ${html(meta.dir)}</h1>` +
    `<div class="verdict">${count(counts.APPROVED)} approved · ${count(counts.REJECTED)} rejected · ${count(counts.ERROR)} error${counts.ERROR === 1 ? '' : 's'}</div>` +
    `<p>${count(rows.length)} candidates; journal <code>${html(meta.journal)}</code>. ${runs}${status}</p></header>\n<main>\n` +
    `<section><h2 id="candidates-heading">Candidates</h2><p>One row per candidate, in the journal's order. A gate's cell: ✓ passed, ✗ failed, ℹ advisory (not part of the decision), – disabled by the policy. Click a column header to sort by it.</p>` +
    `<div class="scroll"><table id="candidates" class="compact" aria-labelledby="candidates-heading"><thead>${head}</thead><tbody>\n${body.join('\n')}\n</tbody></table></div></section>\n</main>\n` +
    `<footer>Rendered by gauntlet ${html(ENGINE_VERSION)} from the batch journal (docs/html-report.md). One self-contained file: the only script is the table's sorting, inline; no script, font, image or other request is loaded.</footer>`;
  return htmlDocument({ title: `Gauntlet batch: ${meta.dir}`, generator: `gauntlet ${ENGINE_VERSION}`, body: body2, script: SORT_SCRIPT });
}
