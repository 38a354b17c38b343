/**
 * The HTML report (docs/html-report.md), parsed with linkedom: every expected chart of the
 * frozen model (rejected), a passing scenario (genuine-edge) and a batch index is an <svg>
 * with marks in it, named for screen readers; nothing can fetch anything (no external
 * reference, a Content Security Policy that forbids every request); the sizes stay bounded;
 * the same report gives the same bytes (whatever the worker count, from `validate --html`
 * and `report --html` alike); untrusted text is escaped; version 2 reports render without
 * their chart data, saying so; bad inputs and targets are refused with one line, exit 2.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHTML } from 'linkedom';
import { validateBundle } from '../../src/pipeline/validate.js';
import { resolvePolicy } from '../../src/io/policy.js';
import { InProcessExecutor } from '../../src/runtime.js';
import { fullReport, reportJson, type AnyVersionReport } from '../../src/report/schema.js';
import { renderReportPage } from '../../src/html/page.js';
import { pageFileName } from '../../src/cli/html_output.js';
import { runCli, tempDir, writeBundle } from '../helpers/bundle.js';
import { runCliAsync } from '../helpers/spawn.js';

const root = process.cwd();
const work = tempDir('gauntlet-html-');
afterAll(() => rmSync(work, { recursive: true, force: true }));
const ctx = { executor: new InProcessExecutor(), seed: 42, policy: resolvePolicy({}, 'defaults') };

async function reportOf(bundle: string, extra: Partial<Parameters<typeof validateBundle>[1]> = {}): Promise<AnyVersionReport> {
  return fullReport(JSON.parse(reportJson(await validateBundle(bundle, { ...ctx, ...extra }))), bundle);
}

// Dom types are not in this project's lib: the few calls used here.
interface El {
  tagName: string;
  id: string;
  textContent: string;
  attributes: ArrayLike<{ name: string; value: string }>;
  getAttribute(n: string): string | null;
  querySelector(s: string): El | null;
  querySelectorAll(s: string): El[];
}
function parse(page: string): El {
  return (parseHTML(page) as unknown as { document: El }).document;
}

/** The marks each chart must draw (Plot names each mark's group by its type), and at least how many elements. */
const EXPECTED: Record<string, [string, number][]> = {
  'chart-win-rate': [['rule', 1], ['tick', 1]],
  'chart-wf-folds': [['bar', 2]],
  'chart-wf-equity': [['line', 1]],
  'chart-pbo-logits': [['rect', 10]],
  'chart-pbo-degradation': [['dot', 50], ['line', 1]],
  'chart-pbo-dominance': [['line', 2]],
  'chart-mc-fan': [['area', 2], ['line', 2], ['rule', 1]],
  'chart-mc-drawdown': [['rect', 5]],
  'chart-family': [['dot', 1], ['tick', 4]],
};

/** Every chart is a named <svg> with its marks; returns the charts found. */
function checkCharts(doc: El, ids: string[]): void {
  for (const id of ids) {
    const fig = doc.querySelector(`#${id}`);
    expect(fig, id).not.toBeNull();
    const svg = fig!.querySelector('svg');
    expect(svg, `${id} has an <svg>`).not.toBeNull();
    expect(svg!.getAttribute('role')).toBe('img');
    expect(svg!.getAttribute('aria-label')!.length).toBeGreaterThan(5);
    expect(svg!.querySelector('title')!.textContent.length).toBeGreaterThan(5);
    expect(svg!.querySelector('desc')!.textContent.length).toBeGreaterThan(20);
    const want = EXPECTED[id] ?? [['bar', 1]];
    for (const [mark, least] of want) {
      const groups = svg!.querySelectorAll(`g[aria-label="${mark}"]`);
      const drawn = groups.reduce((n, g) => n + g.querySelectorAll('path, rect, circle, line').length, 0);
      expect(drawn, `${id}: ${mark} marks`).toBeGreaterThanOrEqual(least);
    }
  }
}

const FETCHING_ATTRIBUTES = ['src', 'href', 'xlink:href', 'srcset', 'poster', 'data', 'action', 'formaction', 'background', 'ping', 'manifest'];

/** Nothing in the page can make a request: no external reference of any kind, and a policy that forbids them. */
function checkSelfContained(page: string, doc: El): void {
  expect(page).not.toMatch(/<(?:link|img|iframe|object|embed|video|audio|source|base|frame)\b/i);
  expect(page).not.toMatch(/<script[^>]*\bsrc\s*=/i);
  expect(page).not.toMatch(/@import|url\s*\(/i);
  for (const el of doc.querySelectorAll('*')) {
    for (const a of Array.from(el.attributes)) {
      if (FETCHING_ATTRIBUTES.includes(a.name.toLowerCase())) expect(a.value, `${el.tagName} ${a.name}`).toMatch(/^(#|[A-Za-z0-9_.-]+\.html$)/);
      expect(a.value, `${el.tagName} ${a.name}`).not.toMatch(/https?:\/\//i);
    }
  }
  const csp = doc.querySelector('meta[http-equiv="Content-Security-Policy"]')!.getAttribute('content')!;
  expect(csp).toMatch(/^default-src 'none'; script-src ('none'|'sha256-[A-Za-z0-9+/=]+'); style-src 'unsafe-inline'; img-src data:;/);
}

const V3_CHARTS = Object.keys(EXPECTED);

describe('candidate pages', () => {
  let frozen: AnyVersionReport;
  let frozenPage: string;
  beforeAll(async () => {
    frozen = await reportOf(join(root, 'fixtures', 'frozen-model'));
    frozenPage = renderReportPage(frozen);
  });

  it('the frozen model (rejected): banner, every gate table row, every chart with its marks, provenance, warnings', () => {
    const doc = parse(frozenPage);
    checkCharts(doc, V3_CHARTS);
    checkSelfContained(frozenPage, doc);
    expect(doc.querySelector('.banner.rejected')!.textContent).toMatch(/REJECTED[\s\S]*Failed: win_rate, walk_forward_efficiency, pbo, mc_breach_probability/);
    expect(doc.querySelectorAll('#summary + table tbody tr, section table tbody tr').length).toBeGreaterThanOrEqual(8);
    // The degradation scatter draws each stored point; the fan's median ends at the stored value.
    expect(doc.querySelector("#chart-pbo-degradation")!.querySelectorAll(`g[aria-label="dot"] circle`).length).toBe((frozen.gates.pbo.details as { degradationPoints: { is: number[] } }).degradationPoints.is.length);
    const text = doc.querySelector('main')!.textContent;
    for (const s of ['0.3750', '0.3828', '0.2406', '0.9780', '9,780 of 10,000 paths', frozen.provenance.policySha256, frozen.provenance.inputs[1].sha256, 'only 48 trades']) expect(text).toContain(s);
    expect(doc.querySelector('title')!.textContent).toBe('Gauntlet: brent-ma-8-30-frozen REJECTED');
    // A page with no sortable table has no script at all.
    expect(doc.querySelectorAll('script')).toHaveLength(0);
    expect(frozenPage).toContain("script-src 'none'");
  });

  it('sizes: the page under 1 MB; the report grew by under 100 KB with its chart data', () => {
    expect(Buffer.byteLength(frozenPage)).toBeLessThan(1_000_000);
    const v2 = statSync(join(root, 'test', 'reference', 'reports', 'frozen-model-engine-0.2.0.json')).size;
    const v3 = Buffer.byteLength(reportJson(frozen as never));
    expect(v3 - v2).toBeLessThan(100 * 1024);
  });

  it('the same report gives the same bytes, also rendered again in the same process', () => {
    expect(renderReportPage(frozen)).toBe(frozenPage);
    expect(renderReportPage(fullReport(JSON.parse(JSON.stringify(frozen)), 'copy'))).toBe(frozenPage);
  });

  it('a passing scenario (genuine-edge): APPROVED banner and every chart', async () => {
    const page = renderReportPage(await reportOf(join(root, 'fixtures', 'genuine-edge')));
    const doc = parse(page);
    expect(doc.querySelector('.banner.approved')!.textContent).toMatch(/APPROVED/);
    checkCharts(doc, V3_CHARTS);
    checkSelfContained(page, doc);
    expect(Buffer.byteLength(page)).toBeLessThan(1_000_000);
  });

  it('champion beside candidate, one chart per gate, when the report has a comparison', async () => {
    const champion = JSON.parse(readFileSync(join(root, 'test', 'reference', 'reports', 'frozen-model-engine-0.2.0.json'), 'utf8'));
    const { storedReport } = await import('../../src/report/schema.js');
    const r = await reportOf(join(root, 'fixtures', 'genuine-edge'), { champion: { id: 'frozen', modelSha256: null, report: storedReport(champion, 'champion') } });
    const page = renderReportPage(r);
    const doc = parse(page);
    const ids = Object.keys(r.comparison!.gates).map((g) => `chart-compare-${g}`);
    expect(ids).toHaveLength(8);
    checkCharts(doc, ids);
    expect(doc.querySelector('#comparison')).not.toBeNull();
    expect(doc.querySelector('section table')!.textContent).toBeTruthy();
  });

  it('a version 2 report renders what it has and says what it lacks', () => {
    const v2 = fullReport(JSON.parse(readFileSync(join(root, 'test', 'reference', 'reports', 'frozen-model-engine-0.2.0.json'), 'utf8')), 'v2.json');
    const page = renderReportPage(v2);
    const doc = parse(page);
    checkCharts(doc, ['chart-win-rate', 'chart-wf-folds', 'chart-pbo-logits', 'chart-family']);
    for (const id of ['chart-wf-equity', 'chart-pbo-degradation', 'chart-pbo-dominance', 'chart-mc-fan', 'chart-mc-drawdown']) {
      expect(doc.querySelector(`#${id}`)!.querySelector('svg'), id).toBeNull();
      expect(doc.querySelector(`#${id} .missing`)!.textContent).toMatch(/schemaVersion 2\).*schemaVersion 3/);
    }
    checkSelfContained(page, doc);
  });

  it('untrusted text is escaped: an id, a column name and a bundle path cannot open a tag', async () => {
    const dir = writeBundle(join(work, 'evil<b>'), { manifest: { id: '<img src=x onerror=alert(1)>\u202eevil', selected: '<script>alert(1)</script>' } });
    const csv = readFileSync(join(dir, 'returns.csv'), 'utf8').replace(/^date,c0,/, 'date,<script>alert(1)</script>,');
    writeFileSync(join(dir, 'returns.csv'), csv);
    const page = renderReportPage(await reportOf(dir));
    const doc = parse(page);
    expect(doc.querySelectorAll('script, img')).toHaveLength(0);
    expect(page).not.toContain('<script>alert');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('\\u202eevil');
    expect(page).not.toContain('\u202e');
    checkSelfContained(page, doc);
  });

  it('a disabled gate is shown as skipped, without charts', async () => {
    const page = renderReportPage(await reportOf(join(root, 'fixtures', 'wfer-only'), { policy: resolvePolicy({ gates: { monteCarlo: { enabled: false } } }, 'off.json') }));
    const doc = parse(page);
    expect(doc.querySelector('#chart-mc-fan')).toBeNull();
    expect(doc.querySelector('#gate-monteCarlo')!.textContent).toMatch(/SKIP/);
    expect(page).toMatch(/Disabled by the policy \(off\.json\)/);
  });
});

describe('CLI: validate --html, report --html, batch --html-dir', () => {
  it('validate --html equals report --html of the JSON it wrote, for --workers 0 and 2; report exits 0', async () => {
    const [a, b] = await Promise.all([
      runCliAsync(['validate', 'fixtures/frozen-model', '--workers', '0', '--json', join(work, 'r0.json'), '--html', join(work, 'v0.html')]),
      runCliAsync(['validate', 'fixtures/frozen-model', '--workers', '2', '--json', join(work, 'r2.json'), '--html', join(work, 'v2.html')], { env: { GAUNTLET_MIN_POOL_WORK: '0' } }),
    ]);
    expect([a.code, b.code]).toEqual([1, 1]);
    expect(a.stdout).toMatch(/Overall: \[FAIL\] REJECTED/);
    const v0 = readFileSync(join(work, 'v0.html'));
    expect(readFileSync(join(work, 'v2.html')).equals(v0)).toBe(true);
    const r = runCli(['report', join(work, 'r0.json'), '--html', join(work, 'from-report.html')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*from-report\.html: 'brent-ma-8-30-frozen' REJECTED \(report schemaVersion 3, \d+ KiB\)\n$/);
    expect(readFileSync(join(work, 'from-report.html')).equals(v0)).toBe(true);
    // --html - prints the page; the text summary then goes to stderr.
    const out = runCli(['report', join(work, 'r0.json'), '--html', '-']);
    expect(out.code).toBe(0);
    expect(Buffer.from(out.stdout).equals(v0)).toBe(true);
  });

  it('report refuses what it cannot render, with one line and exit 2', async () => {
    const v1 = join(root, 'test', 'reference', 'reports', 'frozen-model-engine-0.1.0.json');
    const future = join(work, 'future.json');
    writeFileSync(future, JSON.stringify({ schemaVersion: 9, decision: 'APPROVED' }));
    const bad = join(work, 'bad.json');
    writeFileSync(bad, '{"schemaVersion": 3, "schemaVersion": 3}');
    const cases: [string[], RegExp][] = [
      [['report', v1, '--html', join(work, 'x.html')], /E_SCHEMA\]: .*frozen-model-engine-0\.1\.0\.json: a version 1 report .* cannot be rendered/],
      [['report', future, '--html', join(work, 'x.html')], /E_SCHEMA\]: .*future\.json: report schemaVersion 9 is not supported \(this engine reads 1, 2, 3\)/],
      [['report', bad, '--html', join(work, 'x.html')], /E_JSON_DUPLICATE_KEY\]/],
      [['report', join(work, 'missing.json'), '--html', join(work, 'x.html')], /E_FILE_MISSING\]/],
      [['report', future], /E_USAGE\]: report: nothing to write; give --html FILE/],
      [['report', future, '--html', future], /E_OUTPUT_TARGET\]: .*--html would overwrite the input/],
      [['report', future, '--html', work], /E_OUTPUT_TARGET\]: .*is a folder/],
      [['validate', 'fixtures/frozen-model', '--html', 'fixtures/frozen-model/page.html'], /E_OUTPUT_TARGET\]: .*--html is inside the input bundle/],
      [['validate', 'fixtures/frozen-model', '--html', '-', '--json', '-'], /E_USAGE\]: --html - and --json - cannot both print to stdout/],
      [['validate', 'fixtures/frozen-model', '--html', join(work, 'same'), '--json', join(work, 'same')], /E_OUTPUT_TARGET\]: .*--html is the same file as --json/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCliAsync(args)));
    cases.forEach(([args, msg], i) => {
      const r = results[i];
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr, args.join(' ')).toMatch(msg);
    });
    expect(existsSync(join(work, 'x.html'))).toBe(false);
    expect(existsSync('fixtures/frozen-model/page.html')).toBe(false);
  });

  it('batch --html-dir: a page per validated candidate and a sortable index of all; --resume keeps the pages', () => {
    const dir = join(work, 'batch');
    for (const f of ['frozen-model', 'genuine-edge', 'wfer-only']) cpSync(join(root, 'fixtures', f), join(dir, f), { recursive: true });
    mkdirSync(join(dir, 'broken'));
    writeFileSync(join(dir, 'broken', 'candidate.json'), '{}');
    const pages = join(work, 'pages');
    const journal = join(work, 'journal.jsonl');
    const r = runCli(['batch', dir, '--out', journal, '--html-dir', pages, '--progress', 'none', '--workers', '2']);
    expect(r.code).toBe(2); // a malformed bundle
    expect(r.stdout).toContain(`pages: ${join(pages, 'index.html')}`);
    const names = ['frozen-model', 'genuine-edge', 'wfer-only'].map(pageFileName);
    expect(readdirSync(pages).sort()).toEqual([...names, 'index.html'].sort());
    const index = readFileSync(join(pages, 'index.html'), 'utf8');
    const doc = parse(index);
    checkSelfContained(index, doc);
    expect(Buffer.byteLength(index)).toBeLessThan(1_000_000);
    const rows = doc.querySelectorAll('#candidates tbody tr');
    expect(rows.map((row) => row.querySelector('td')!.textContent)).toEqual(['broken', 'frozen-model', 'genuine-edge', 'wfer-only']);
    // Links to each page; the error row has none but its code; 1 + 2 + 8 gates + 1 columns.
    expect(rows.map((row) => row.querySelector('a')?.getAttribute('href') ?? null)).toEqual([null, ...names]);
    expect(rows[0].textContent).toMatch(/E_SCHEMA/);
    expect(rows[1].querySelectorAll('td')).toHaveLength(12);
    expect(rows[1].querySelectorAll('td.fail')).toHaveLength(4);
    expect(rows[2].querySelectorAll('td.pass')).toHaveLength(4);
    expect(rows[2].textContent).toMatch(/APPROVED/);
    expect(doc.querySelector('.banner')!.textContent).toMatch(/1 approved · 2 rejected · 1 error(?!s)/);
    // The only script is the sorting, allowed by its hash.
    expect(doc.querySelectorAll('script')).toHaveLength(1);
    // Each page is the candidate's report page, linking back, with its journal line's key.
    const frozenPage = readFileSync(join(pages, names[0]), 'utf8');
    checkCharts(parse(frozenPage), V3_CHARTS);
    expect(frozenPage).toContain('<a href="index.html">');
    const key = JSON.parse(readFileSync(journal, 'utf8').split('\n')[1]).key;
    expect(frozenPage).toContain(`<meta name="gauntlet-journal-key" content="${key}">`);
    // --resume keeps every line: the index still links every page it finds for those lines...
    const again = runCli(['batch', dir, '--out', journal, '--html-dir', pages, '--progress', 'none', '--resume', '--workers', '0']);
    expect(again.code).toBe(2);
    expect(readFileSync(join(pages, 'index.html'), 'utf8')).toBe(index);
    // ... and says so where the page is gone.
    rmSync(join(pages, names[1]));
    runCli(['batch', dir, '--out', journal, '--html-dir', pages, '--progress', 'none', '--resume', '--workers', '0']);
    const after = parse(readFileSync(join(pages, 'index.html'), 'utf8'));
    const edge = after.querySelectorAll('#candidates tbody tr')[2];
    expect(edge.querySelector('a')).toBeNull();
    expect(edge.textContent).toMatch(/no page: this line was kept from the journal by --resume/);
  });

  it('page names stay in the folder, never collide and are never index.html', () => {
    const names = ['a/b', 'a_b', 'a b', '../../etc/passwd', 'index', '.', '\u202e\n<x>'].map(pageFileName);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) {
      expect(n).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*-[0-9a-f]{8}\.html$/);
      expect(n).not.toBe('index.html');
    }
  });

  it('batch --html-dir must be a folder outside the bundles, not another output', () => {
    const dir = join(work, 'batch2');
    cpSync(join(root, 'fixtures', 'wfer-only'), join(dir, 'wfer-only'), { recursive: true });
    writeFileSync(join(work, 'a-file'), 'x');
    const cases: [string[], RegExp][] = [
      [['--html-dir', join(work, 'a-file')], /E_OUTPUT_TARGET\]: .*a-file: --html-dir is not a folder/],
      [['--html-dir', join(dir, 'wfer-only', 'pages')], /E_OUTPUT_TARGET\]: .*--html-dir is inside the input bundle/],
      [['--html-dir', join(work, 'no', 'such')], /E_OUTPUT_TARGET\]: .*cannot make the --html-dir folder: .* is not an existing folder/],
    ];
    for (const [extra, msg] of cases) {
      const r = runCli(['batch', dir, '--out', join(work, 'j2.jsonl'), '--progress', 'none', '--workers', '0', ...extra]);
      expect(r.code, extra.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), extra.join(' ')).toHaveLength(1);
      expect(r.stderr, extra.join(' ')).toMatch(msg);
    }
    expect(existsSync(join(dir, 'wfer-only', 'pages'))).toBe(false);
    mkdirSync(join(work, 'pages3'));
    const r = runCli(['batch', dir, '--out', join(work, 'pages3', 'index.html'), '--html-dir', join(work, 'pages3'), '--progress', 'none']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/index\.html is --out/);
  });
});
