/**
 * Helpers for the lifecycle tests: small registries built through the library in-process, live
 * trade files dated after a bundle's backtest, and a snapshot of a folder tree to prove that a
 * refused command changed nothing on disk.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InProcessExecutor } from '../../src/runtime.js';
import { writeBundle } from './bundle.js';

export const executor = new InProcessExecutor();
/** A fixed clock, so audit times do not depend on when the test runs. */
export const fixedNow = () => new Date('2026-11-20T12:00:00Z');

/** Every entry under `dir`: relative path -> 'dir', 'link:<target>' or the file's SHA-256 and mode. */
export function treeSnapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out[r] = `link:${readlinkSync(p)}`;
      else if (st.isDirectory()) {
        out[r] = 'dir';
        walk(p, r);
      } else out[r] = `${createHash('sha256').update(readFileSync(p)).digest('hex')} ${(st.mode & 0o7777).toString(8)}`;
    }
  };
  walk(dir, '');
  return out;
}

/** An APPROVED candidate under the default policy (seed 'b' of writeBundle), with its own id. */
export function approvedBundle(dir: string, id = 'cand-b'): string {
  return writeBundle(dir, { seed: 'b', manifest: { id } });
}

/** A REJECTED candidate under the default policy (walk-forward fails). */
export function rejectedBundle(dir: string, id = 'cand-rejected'): string {
  return writeBundle(dir, { seed: 'bundle', manifest: { id } });
}

/**
 * A live trades file: `n` trades drawn in order from `values` (cycled), each shifted by `shift`,
 * exiting one per day from 2016-01-04 (after writeBundle's backtest, which ends in 2015).
 */
export function writeLiveTrades(file: string, values: readonly number[], n: number, shift = 0): string {
  const rows = ['exit_time,return'];
  for (let i = 0; i < n; i++) {
    const d = new Date(Date.UTC(2016, 0, 4) + i * 86_400_000).toISOString().slice(0, 10);
    rows.push(`${d},${(values[i % values.length] + shift).toFixed(6)}`);
  }
  writeFileSync(file, rows.join('\n') + '\n');
  return file;
}

/** The trade values of a bundle's trades.csv (its `return` column). */
export function bundleTradeValues(bundle: string): number[] {
  const lines = readFileSync(join(bundle, 'trades.csv'), 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const col = header.indexOf('return');
  return lines.slice(1).map((l) => Number(l.split(',')[col]));
}
