/**
 * Exact ties through the CLI: the tie report and warning, `--ties`, worker-count byte identity
 * on a real tie-rich grid, and a walk-forward fold where every column is flat in sample
 * (exit 2, one line).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/bundle.js';

const grid = join(process.cwd(), 'fixtures', 'tie-grids', 'brent-long-flat.csv');
let root: string;
beforeAll(() => {
  root = tempDir('gauntlet-ties-');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('gauntlet pbo / walkforward on a real tie-rich grid', () => {
  it('reports tiedSelections with a warning, and --workers 1 and 2 give the same bytes', () => {
    const env = { GAUNTLET_MIN_POOL_WORK: '0' };
    const one = runCli(['pbo', grid, '--S', '16', '--workers', '1', '--json', '-'], { env });
    const two = runCli(['pbo', grid, '--S', '16', '--workers', '2', '--json', '-'], { env });
    expect(one.code).toBe(1); // PBO 0.88 on this grid: rejected
    expect(two.stdout).toBe(one.stdout);
    const r = JSON.parse(one.stdout);
    expect(r.details.tiedSelections).toBe(59); // the count numpy/scipy give on this grid (S = 16)
    expect(r.value).toBeCloseTo(0.8766122766122766, 15);
    expect(one.stderr).toMatch(/warning: 59 of 12870 combinations had several configurations tied for best in sample/);
    const wf1 = runCli(['walkforward', grid, '--folds', '10', '--is-oos', '2', '--gap', '5', '--workers', '1', '--json', '-'], { env });
    const wf2 = runCli(['walkforward', grid, '--folds', '10', '--is-oos', '2', '--gap', '5', '--workers', '2', '--json', '-'], { env });
    expect(wf2.stdout).toBe(wf1.stdout);
    expect(JSON.parse(wf1.stdout).details.tiedSelections).toBe(2);
  });

  it('--ties average is accepted and recorded; an unknown rule is a usage error', () => {
    const avg = runCli(['pbo', grid, '--S', '8', '--ties', 'average', '--json', '-']);
    expect(JSON.parse(avg.stdout).details.ties).toBe('average');
    expect(avg.stderr).toMatch(/with `ties: average` each is scored as the average/);
    const bad = runCli(['pbo', grid, '--ties', 'random']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/--ties: 'random' is not one of first, average/);
    const wf = runCli(['walkforward', grid, '--ties', 'lowest']);
    expect(wf.code).toBe(2);
  });

  it('a fold where every column is flat in sample stops with exit 2 naming the fold', () => {
    // T = 40, K = 2, r = 3: L = 8, fold 1's IS = rows 0..23: all columns 0 there.
    const lines = ['date,a,b,c'];
    for (let t = 0; t < 40; t++) {
      const day = new Date(Date.UTC(2020, 0, 1) + t * 86_400_000).toISOString().slice(0, 10);
      lines.push(t < 24 ? `${day},0,0,0` : `${day},${(t % 3) * 0.01 - 0.01},${(t % 2) * 0.02 - 0.01},0.001`);
    }
    const file = join(root, 'flat.csv');
    writeFileSync(file, lines.join('\n') + '\n');
    const out = join(root, 'wf.json');
    const r = runCli(['walkforward', file, '--folds', '2', '--is-oos', '3', '--json', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/walk-forward fold 1: every column's IS returns are constant, so no IS Sharpe is defined/);
    expect(() => readFileSync(out)).toThrow();
    // Under the mean metric a flat column is selectable: no error.
    expect(runCli(['walkforward', file, '--folds', '2', '--is-oos', '3', '--metric', 'mean', '--json', '-']).code).not.toBe(2);
  });
});
