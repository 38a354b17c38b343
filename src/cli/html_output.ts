/**
 * Where HTML reports go (docs/html-report.md): `--html FILE|-` (validate, report) and
 * `--html-dir DIR` (batch). Targets are checked before any work, by the same rules as every
 * output (src/io/atomic.ts: atomic for files, refused when they would overwrite an input or
 * land in an input bundle); pages are written atomically, one file each.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, openSync, readSync, closeSync, statSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { usageError } from '../errors.js';
import { assertOutputOutsideInputs, errnoText, resolveOutput, sameOutput, targetError, writeOutput } from '../io/atomic.js';

type Inputs = { files?: (string | undefined)[]; dirs?: (string | undefined)[] };

/** `--html FILE|-`: usable, overwriting no input and distinct from the other outputs. */
export function checkHtmlTarget(target: string | undefined, inputs: Inputs, others: { option: string; path: string | undefined }[] = []): void {
  if (target === undefined) return;
  for (const o of others) {
    if (o.path === undefined) continue;
    if (target === '-' && o.path === '-') throw usageError(`--html - and ${o.option} - cannot both print to stdout; give one of them a file`);
    if (target !== '-' && o.path !== '-' && sameOutput(target, o.path)) throw targetError(target, `--html is the same file as ${o.option}; give each output its own file`);
  }
  if (target === '-') return;
  resolveOutput(target);
  assertOutputOutsideInputs('--html', target, inputs);
}

/** Writes a page to `--html` (stdout for '-'). */
export function emitHtml(target: string, page: string): void {
  if (target === '-') process.stdout.write(page);
  else writeOutput(target, page);
}

/**
 * `--html-dir DIR`: a folder, or a new one whose parent folder exists, outside every input;
 * its index.html must not be another output of the run. Nothing is made here: the batch
 * checks its outputs against the bundles it finds first, and the folder is made when the
 * first page is written (makeHtmlDir). Returns the folder's path.
 */
export function prepareHtmlDir(dir: string, inputs: Inputs, others: { option: string; path: string | undefined }[]): string {
  if (dir === '') throw targetError(dir, 'the --html-dir path is empty');
  let st: Stats | null = null;
  try {
    st = statSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw targetError(dir, `cannot use as --html-dir (${errnoText(err)})`);
  }
  if (st !== null && !st.isDirectory()) throw targetError(dir, '--html-dir is not a folder; give a folder (made if missing) for the pages');
  if (st === null) {
    const parent = dirname(resolve(dir));
    let ok = false;
    try {
      ok = statSync(parent).isDirectory();
    } catch {
      ok = false;
    }
    if (!ok) throw targetError(dir, `cannot make the --html-dir folder: ${parent} is not an existing folder`);
  }
  const index = join(dir, 'index.html');
  assertOutputOutsideInputs('--html-dir', index, inputs);
  for (const o of others) if (o.path !== undefined && o.path !== '-' && sameOutput(index, o.path)) throw targetError(dir, `--html-dir's index.html is ${o.option}; give the pages their own folder`);
  if (st !== null) resolveOutput(index);
  return dir;
}

/** Makes the --html-dir folder if it is still missing (once the batch has checked its outputs). */
export function makeHtmlDir(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw targetError(dir, `cannot make the --html-dir folder (${errnoText(err)})`);
  }
}

/**
 * A candidate page's file name in the --html-dir: the bundle's relative path with every
 * character outside [A-Za-z0-9._-] replaced (so no name can leave the folder or need
 * quoting), plus 8 hex digits of its SHA-256 (so two bundles never share a page, and no page
 * is named index.html).
 */
export function pageFileName(bundle: string): string {
  const slug = bundle.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 80) || 'bundle';
  return `${slug}-${createHash('sha256').update(bundle, 'utf8').digest('hex').slice(0, 8)}.html`;
}

/** The <meta> a batch writes into each candidate page: which journal line it shows. */
export const JOURNAL_KEY_META = 'gauntlet-journal-key';

/** Whether `file` is a page this batch wrote for the journal line with `key` (read from its first 4 KiB). */
export function pageHasKey(file: string, key: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return false;
  }
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.toString('utf8', 0, n).includes(`<meta name="${JOURNAL_KEY_META}" content="${key}">`);
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}
