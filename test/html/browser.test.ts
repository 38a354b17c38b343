/**
 * The HTML report in a real browser: headless Chromium (Debian's `chromium`, which the test
 * command installs when it runs as root: scripts/test-prereqs.mjs) driven by playwright-core
 * through the system browser (executablePath; nothing is downloaded). Each page of a batch
 * (the frozen model, a passing candidate, the index) loads with no console error and no
 * request but its own file, every chart has an on-screen size, a screenshot is not blank,
 * the index sorts on a click, and print media hides the navigation and keeps the charts.
 * Screenshots are saved under test-output/html/ (gitignored). Without Chromium the suite
 * prints why and skips.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/bundle.js';
import { colourStats, decodePng } from '../helpers/png.js';
import { pageFileName } from '../../src/cli/html_output.js';

const CHROMIUM = '/usr/bin/chromium';
// The flags these machines need: without the background-networking ones Chromium's own
// connections are refused and logged.
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const OUT = join(process.cwd(), 'test-output', 'html');

const missing = existsSync(CHROMIUM) ? null : `${CHROMIUM} not found (Debian's chromium package; \`npm test\` installs it when run as root)`;
if (missing) console.log(`browser tests of the HTML report skipped: ${missing}`);

// playwright-core types, loaded only when the suite runs.
type PW = typeof import('playwright-core');
type Context = Awaited<ReturnType<PW['chromium']['launchPersistentContext']>>;

describe.skipIf(missing !== null)('HTML report in headless Chromium', () => {
  const root = process.cwd();
  const work = mkdtempSync(join(tmpdir(), 'gauntlet-browser-'));
  const pages = join(work, 'pages');
  let context: Context;

  beforeAll(async () => {
    process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';
    const batch = join(work, 'batch');
    for (const f of ['frozen-model', 'genuine-edge']) cpSync(join(root, 'fixtures', f), join(batch, f), { recursive: true });
    const r = runCli(['batch', batch, '--out', join(work, 'journal.jsonl'), '--html-dir', pages, '--progress', 'none', '--workers', '0']);
    expect(r.code, r.stderr).toBe(1);
    mkdirSync(OUT, { recursive: true });
    const { chromium } = await import('playwright-core');
    context = await chromium.launchPersistentContext(join(work, 'profile'), { executablePath: CHROMIUM, headless: true, args: FLAGS, offline: true, viewport: { width: 1100, height: 900 } });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** Opens a page, recording every request, console error and page error. */
  async function open(file: string) {
    const page = await context.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (q) => requests.push(q.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    const url = pathToFileURL(file).href;
    await page.goto(url, { waitUntil: 'load' });
    return { page, requests, errors, url };
  }

  async function checkPage(name: string, file: string, minCharts: number) {
    const { page, requests, errors, url } = await open(file);
    const charts = await page.$$eval('figure.chart svg', (els) => els.map((e) => {
      const r = e.getBoundingClientRect();
      return { id: e.closest('figure')!.id, width: r.width, height: r.height };
    }));
    expect(charts.length, name).toBeGreaterThanOrEqual(minCharts);
    for (const c of charts) {
      expect(c.width, c.id).toBeGreaterThan(100);
      expect(c.height, c.id).toBeGreaterThan(50);
    }
    const png = await page.screenshot({ fullPage: true, path: join(OUT, `${name}.png`) });
    const stats = colourStats(decodePng(png));
    expect(stats.distinct, `${name}: distinct colours`).toBeGreaterThanOrEqual(32);
    expect(stats.inked, `${name}: share of non-white pixels`).toBeGreaterThan(0.03);
    // Print: no navigation, the charts still drawn.
    await page.emulateMedia({ media: 'print' });
    // (Runs in the page: its globals, typed here without the DOM library.)
    expect(await page.$eval('nav', (n) => (globalThis as unknown as { getComputedStyle(e: unknown): { display: string } }).getComputedStyle(n).display)).toBe('none');
    const printed = await page.$$eval('figure.chart svg', (els) => els.filter((e) => e.getBoundingClientRect().width > 100).length);
    expect(printed).toBe(charts.length);
    expect(errors, `${name}: console errors`).toEqual([]);
    expect(requests, `${name}: requests`).toEqual([url]);
    await page.close();
    return charts;
  }

  it('the frozen model\'s page: every chart on screen, no request, no console error, not blank', async () => {
    const charts = await checkPage('frozen-model', join(pages, pageFileName('frozen-model')), 9);
    expect(charts.map((c) => c.id)).toEqual([
      'chart-win-rate', 'chart-wf-folds', 'chart-wf-equity', 'chart-pbo-logits', 'chart-pbo-degradation', 'chart-pbo-dominance', 'chart-mc-fan', 'chart-mc-drawdown', 'chart-family',
    ]);
  });

  it('a passing candidate\'s page', async () => {
    await checkPage('genuine-edge', join(pages, pageFileName('genuine-edge')), 9);
  });

  it('the batch index: no request but its own, and the table sorts on a click (its inline script runs under the page\'s policy)', async () => {
    const { page, requests, errors, url } = await open(join(pages, 'index.html'));
    const bundles = () => page.$$eval('#candidates tbody tr', (rows) => rows.map((r) => (r as unknown as { cells: { textContent: string }[] }).cells[0].textContent));
    expect(await bundles()).toEqual(['frozen-model', 'genuine-edge']);
    // Sort by PBO: ascending puts the passing candidate (0) first, again reverses it.
    const pbo = page.locator('#candidates thead th', { hasText: /^pbo/ }).locator('button');
    await pbo.click();
    expect(await bundles()).toEqual(['genuine-edge', 'frozen-model']);
    expect(await page.locator('#candidates thead th', { hasText: /^pbo/ }).getAttribute('aria-sort')).toBe('ascending');
    await pbo.click();
    expect(await bundles()).toEqual(['frozen-model', 'genuine-edge']);
    const png = await page.screenshot({ fullPage: true, path: join(OUT, 'index.png') });
    const stats = colourStats(decodePng(png));
    expect(stats.distinct).toBeGreaterThanOrEqual(16);
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
    expect(readdirSync(OUT)).toEqual(expect.arrayContaining(['frozen-model.png', 'genuine-edge.png', 'index.png']));
    await page.close();
  });
});
