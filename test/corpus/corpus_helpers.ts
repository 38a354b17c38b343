/**
 * Shared pieces of the fault corpus (test/corpus): small bundles under a small policy, so
 * each CLI run takes a fraction of a second, and root-only set-ups that skip with a printed
 * reason elsewhere.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { writeBundle, type BundleSpec } from '../helpers/bundle.js';

/** Decided by the small policy below: one approves, the other is rejected (walk-forward, PBO). */
export const APPROVED: BundleSpec = { T: 320, N: 2, trades: 120, seed: 'b' };
export const REJECTED: BundleSpec = { T: 320, N: 2, trades: 120, seed: 'a' };
export const SMALL_POLICY = { gates: { pbo: { S: 4 }, monteCarlo: { paths: 1000 }, walkForward: { folds: 4 } } };

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export function caseDir(root: string, name: string): string {
  return mkdtempSync(join(root, name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40) + '-'));
}

/** A policy file in `dir`; returns its path. */
export function writePolicy(dir: string): string {
  const p = join(dir, 'policy.json');
  writeFileSync(p, JSON.stringify(SMALL_POLICY));
  return p;
}

export function bundle(dir: string, spec: BundleSpec = APPROVED): string {
  return writeBundle(dir, spec);
}

/** `n` bundles b00..b{n-1} under `dir` (alternating approved / rejected, distinct ids). */
export function batchFolder(dir: string, n: number): string {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) writeBundle(join(dir, `b${String(i).padStart(2, '0')}`), { ...(i % 2 ? REJECTED : APPROVED), manifest: { id: `cand-${i}` } });
  return dir;
}

/** Names in a folder (to assert nothing, e.g. no temp file, was left). */
export function ls(dir: string): string[] {
  return readdirSync(dir).sort();
}

/** Mount a tmpfs of `size` at `dir` (root only); null when impossible, with the reason. */
export function mountTmpfs(dir: string, size: string): string | null {
  if (!isRoot) return 'not root: mounting a tiny tmpfs to fill the disk needs root';
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (err) {
    return `mount -t tmpfs failed (${String((err as Error).message).split('\n')[0]})`;
  }
}

/** Unmount (lazily if still busy), so a failed case never leaves a mount behind. */
export function unmount(dir: string): void {
  for (const args of [[dir], ['-l', dir]]) {
    try {
      execFileSync('umount', args, { stdio: 'pipe' });
      return;
    } catch {
      /* busy or not mounted: try the lazy form, then give up */
    }
  }
}

/** mknod a device node (root only); null when done, else the reason it was not. */
export function mknod(path: string, type: 'b' | 'c', major: number, minor: number): string | null {
  if (!isRoot) return 'not root: creating device nodes with mknod needs root';
  try {
    execFileSync('mknod', [path, type, String(major), String(minor)], { stdio: 'pipe' });
    return null;
  } catch (err) {
    return `mknod failed (${String((err as Error).message).split('\n')[0]})`;
  }
}

/** Fill the filesystem holding `dir` with a file named 'filler' until a write fails. */
export function fillUp(dir: string): void {
  const block = Buffer.alloc(4096, 120);
  const fd = openSync(join(dir, 'filler'), 'w');
  try {
    for (;;) writeSync(fd, block);
  } catch {
    /* full */
  } finally {
    closeSync(fd);
  }
}

export function mkfifo(path: string): void {
  execFileSync('mkfifo', [path], { stdio: 'pipe' });
}

export function tmpRoot(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
