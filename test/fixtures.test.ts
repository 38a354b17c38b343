/**
 * The fixture builder (fixtures/build.ts): rebuilding reproduces the committed bundles byte
 * for byte, its SMA-crossover arithmetic equals an independent implementation's grid
 * (test/reference/pbo/brent-ma-grid.csv, built outside this project), and every bundle is
 * internally consistent (trades compound to the selected column, sizes fit the gates).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FROZEN_FAST, FROZEN_ROWS, FROZEN_SLOW, buildBundles, buildFrozenModel, parsePriceSeries, repoRoot, writeBundles } from '../fixtures/build.js';
import { formatNumber } from '../fixtures/lib/format.js';
import { SCENARIOS, buildScenario } from '../fixtures/lib/scenarios.js';
import { smaCrossoverGrid } from '../fixtures/lib/sma_grid.js';
import type { BundleContent } from '../fixtures/lib/bundle.js';

const root = repoRoot();
const fixturesDir = join(root, 'fixtures');
const priceCsv = readFileSync(join(fixturesDir, 'brent-daily.csv'), 'utf8');
const BUNDLES = ['frozen-model', ...SCENARIOS.map((s) => s.name)];

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? listFiles(p, `${prefix}${name}/`) : [`${prefix}${name}`];
  });
}

describe('fixture builder determinism', () => {
  const out = mkdtempSync(join(tmpdir(), 'gauntlet-fixtures-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('rebuilds every committed bundle file byte for byte, and nothing else', () => {
    writeBundles(out);
    const rebuilt = listFiles(out).sort();
    const committed = [...BUNDLES, 'tie-grids', 'cycle'].flatMap((b) => listFiles(join(fixturesDir, b)).map((f) => `${b}/${f}`)).sort();
    expect(rebuilt).toEqual(committed);
    // The bundles, six tie-rich grids, and the lifecycle cycle (a bundle, two live trade files, its policy).
    expect(rebuilt.length).toBe(3 * BUNDLES.length + 6 + 6);
    for (const rel of rebuilt) {
      const a = readFileSync(join(out, rel));
      const b = readFileSync(join(fixturesDir, rel));
      expect(a.equals(b), `${rel} differs from the committed file`).toBe(true);
    }
  });

  it('writes LF-only text with the documented manifest keys', () => {
    for (const [rel, text] of buildBundles(priceCsv)) {
      expect(text.includes('\r'), rel).toBe(false);
      expect(text.endsWith('\n'), rel).toBe(true);
      if (rel.endsWith('candidate.json')) {
        const m = JSON.parse(text);
        expect(Object.keys(m).sort()).toEqual(['createdAt', 'id', 'periodsPerYear', 'returns', 'selected', 'tradeUnit', 'trades']);
        expect(m.periodsPerYear).toBe(252);
      }
    }
  });
});

describe('formatNumber', () => {
  it.each([
    [0, '0'],
    [-0, '0'],
    [0.1 + 0.2, '0.3'],
    [-0.0279971284996, '-0.0279971284996'],
    [1.23456789012345e-7, '0.000000123456789012'],
    [123456.7890123456, '123456.789012'],
    [-2.5e12, '-2500000000000'],
  ])('%s -> %s', (x, s) => {
    expect(formatNumber(x)).toBe(s);
  });
  it('never writes an exponent and keeps 12 significant digits', () => {
    for (const x of [1e-12, 3.3e-9, -7.77e-5, 9.99999999999e20]) {
      const s = formatNumber(x);
      expect(s).not.toMatch(/e/i);
      expect(Math.abs(Number(s) - x)).toBeLessThanOrEqual(Math.abs(x) * 1e-11);
    }
  });
  it('refuses non-finite values', () => {
    expect(() => formatNumber(Number.NaN)).toThrow(/non-finite/);
  });
});

describe('SMA-crossover grid against the independent reference', () => {
  it('reproduces test/reference/pbo/brent-ma-grid.csv to 1e-9 (same dates, columns, signal timing, returns)', () => {
    const ref = readFileSync(join(root, 'test/reference/pbo/brent-ma-grid.csv'), 'utf8').trim().split('\n');
    const header = ref[0].split(',');
    const { dates, prices } = parsePriceSeries(priceCsv);
    const grid = smaCrossoverGrid(prices, dates, FROZEN_FAST, FROZEN_SLOW, FROZEN_ROWS);
    expect(header).toEqual(['date', ...grid.columns]);
    expect(ref.length - 1).toBe(grid.T);
    let maxDiff = 0;
    for (let t = 0; t < grid.T; t++) {
      const cells = ref[t + 1].split(',');
      expect(cells[0]).toBe(grid.dates[t]);
      for (let n = 0; n < grid.N; n++) maxDiff = Math.max(maxDiff, Math.abs(Number(cells[n + 1]) - grid.returns[t * grid.N + n]));
    }
    expect(maxDiff).toBeLessThan(1e-9);
  });
});

function checkBundle(b: BundleContent): void {
  const N = b.columns.length;
  const sel = b.columns.indexOf(b.selected);
  expect(sel).toBeGreaterThanOrEqual(0);
  // The trades are the selected column's holdings: they compound to its total return.
  let column = 1;
  for (let t = 0; t < b.dates.length; t++) column *= 1 + b.returns[t * N + sel];
  let traded = 1;
  for (const tr of b.trades) traded *= 1 + Number(formatNumber(tr.value));
  expect(Math.abs(traded / column - 1)).toBeLessThan(1e-9);
  // Exit times are dates of the period, in order; entries precede exits.
  const dateSet = new Set(b.dates);
  let last = '';
  for (const tr of b.trades) {
    expect(dateSet.has(tr.exitTime)).toBe(true);
    expect(tr.entryTime < tr.exitTime).toBe(true);
    expect(tr.exitTime >= last).toBe(true);
    last = tr.exitTime;
  }
}

describe('bundle consistency', () => {
  it('frozen model: the best full-sample Sharpe configuration and its real round trips', () => {
    const b = buildFrozenModel(priceCsv);
    expect(b.dates.length).toBe(2400);
    expect(b.dates.length % 16).toBe(0);
    checkBundle(b);
  });
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s: T fits S = 16 and 6 + 4x6 windows, >= 100 trades of the selected column', (_name, spec) => {
    const b = buildScenario(spec);
    expect(b.dates.length % 16).toBe(0);
    expect(b.dates.length % 10).toBe(0);
    expect(b.trades.length).toBeGreaterThanOrEqual(100);
    checkBundle(b);
  });
});

describe('price series input', () => {
  it.each([
    ['Date,Price\n2020-04-17,18.27\n2020-04-20,-36.98\n', "line 3, column 'Price': -36.98 is not a positive price"],
    ['Date,Price\n2020-04-17,0\n', "line 2, column 'Price': 0 is not a positive price"],
    ['Date,Price\n2020-04-17,abc\n', "line 2, column 'Price': \"abc\" is not a number"],
    ['Date,Price\n17/04/2020,18\n', "line 2, column 'Date'"],
    ['Date,Price\n2020-04-17,18\n2020-04-17,19\n', 'line 3: dates not increasing'],
  ])('refuses %j', (text, message) => {
    expect(() => parsePriceSeries(text)).toThrow(message);
  });
});
