/**
 * Fault corpus, batch safety (issue 9, item 4): symlink loops and aliases, FIFOs and
 * devices in a batch folder, unreadable folders and files, bundles deleted or changed
 * mid-run, two writers on one journal and stale locks, SIGINT/SIGTERM/SIGKILL at seeded
 * random points in every phase. Each case asserts the exit code, the stderr line count and
 * what the journal (and its lock) hold afterwards. Cases run concurrently.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync, chmodSync, lstatSync, cpSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canDropPrivileges, lineCount, runCliAsync, waitForFile, type AsyncResult } from '../helpers/spawn.js';
import { writeBundle } from '../helpers/bundle.js';
import { APPROVED, batchFolder, caseDir, isRoot, ls, mkfifo, mknod, tmpRoot, writePolicy } from './corpus_helpers.js';
import { entryKey, journalEntryFor, scanBundle } from '../../src/pipeline/batch.js';
import { InProcessExecutor } from '../../src/runtime.js';
import { loadPolicy } from '../../src/io/policy.js';
import { REPORT_SCHEMA_VERSION } from '../../src/report/schema.js';
import { ENGINE_VERSION } from '../../src/version.js';

let root: string;
/** A shared, read-only batch folder of 12 bundles and its uninterrupted journal. */
let shared: string;
let policy: string;
let reference: string;
let refCode: number;
const N_SHARED = 12;

beforeAll(async () => {
  root = tmpRoot('gauntlet-corpus-batch-');
  policy = writePolicy(root);
  shared = batchFolder(join(root, 'shared'), N_SHARED);
  const out = join(root, 'reference.jsonl');
  const r = await runCliAsync(['batch', shared, '--out', out, '--policy', policy, '--workers', '0', '--progress', 'none']);
  refCode = r.code!;
  expect(refCode).toBe(1);
  reference = readFileSync(out, 'utf8');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Ctx {
  d: string;
  /** The journal (d/j.jsonl). */
  j: string;
  s: Record<string, unknown>;
}

interface Case {
  name: string;
  setup?: (c: Ctx) => string | null | void | Promise<string | null | void>;
  /** Batch folder and extra flags; the journal, policy and --progress none are added. */
  args: (c: Ctx) => string[];
  env?: (c: Ctx) => Record<string, string>;
  /** Run the batch as an unprivileged user (root runs only): permissions then apply for real. */
  unprivileged?: boolean;
  /** Acts while the batch runs. */
  during?: (c: Ctx, child: ChildProcess) => Promise<void>;
  code: number | ((c: Ctx, r: AsyncResult) => number);
  /** null: empty; a RegExp: exactly one line matching; 'note?': empty or one "note:" line. */
  stderr: RegExp | null | 'note?';
  check?: (c: Ctx, r: AsyncResult) => void | Promise<void>;
  timeoutMs?: number;
}

/** The unprivileged user root runs permission cases as. */
const NOBODY = 65534;

/**
 * As root, an unprivileged run needs setpriv and every folder on the way open to 'nobody'
 * (the corpus root, the case folder, the policy); returns the skip reason when impossible.
 */
function unprivilegedSkip(c: Ctx): string | null {
  if (!isRoot) return null;
  if (!canDropPrivileges()) return 'running as root without setpriv: cannot drop to an unprivileged user to meet a real permission error';
  chmodSync(root, 0o755);
  chmodSync(c.d, 0o777);
  chmodSync(policy, 0o644);
  for (const e of readdirSync(join(c.d, 'c'), { recursive: true, withFileTypes: true })) {
    const p = join(e.parentPath, e.name);
    if (e.isDirectory() && !['locked', 'extra'].includes(e.name)) chmodSync(p, 0o777);
    else if (e.isFile()) chmodSync(p, 0o644);
  }
  chmodSync(join(c.d, 'c'), 0o777);
  return null;
}

const lines = (file: string): string[] => {
  const text = readFileSync(file, 'utf8');
  expect(text === '' || text.endsWith('\n')).toBe(true);
  return text === '' ? [] : text.slice(0, -1).split('\n');
};
const records = (file: string) => lines(file).map((l) => JSON.parse(l));
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const noLock = (c: Ctx) => expect(existsSync(`${c.j}.lock`)).toBe(false);
/** Each whole line equals the uninterrupted run's line at the same place. */
const prefixOfReference = (c: Ctx) => {
  const got = lines(c.j);
  const ref = reference.slice(0, -1).split('\n');
  expect(got.length).toBeLessThanOrEqual(ref.length);
  got.forEach((l, i) => expect(l).toBe(ref[i]));
};
/** The pid of a process that has exited and been reaped. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Wait until the journal holds at least n lines (or the process is gone). */
async function untilLines(file: string, n: number, child: ChildProcess): Promise<void> {
  while (child.exitCode === null && child.signalCode === null) {
    if (existsSync(file) && readFileSync(file, 'utf8').split('\n').length - 1 >= n) return;
    await sleep(2);
  }
}

/** A small batch folder in the case's own folder: `n` bundles (approved, rejected, ...). */
const own = (c: Ctx, n = 3) => batchFolder(join(c.d, 'c'), n);

// A loser variant of APPROVED's trades (every trade loses): swaps flip the decision.
function losingTrades(win: string): string {
  const [head, ...rows] = win.trimEnd().split('\n');
  return [head, ...rows.map((r, i) => r.replace(/,[^,]*$/, `,-${(0.003 + (i % 5) * 0.001).toFixed(6)}`))].join('\n') + '\n';
}

/**
 * The walk cases' tree: 10,000 empty folders (walked in a few hundred ms), then 12 bundles
 * (seconds of validation), built once.
 */
let bigTree: string | null = null;
function big(): string {
  if (bigTree) return bigTree;
  const t = join(root, 'bigtree');
  for (let i = 0; i < 100; i++) for (let k = 0; k < 100; k++) mkdirSync(join(t, `d${i}`, `e${k}`), { recursive: true });
  batchFolder(join(t, 'zz'), N_SHARED);
  return (bigTree = t);
}

function signalCase(sig: NodeJS.Signals, workers: string, seed: string): Case {
  return {
    name: `${sig} at a seeded random point (workers ${workers}, seed ${seed}): whole journal, then --resume equals an uninterrupted run`,
    args: () => [shared, '--workers', workers],
    during: async (c, child) => {
      // A seeded point: after k whole lines (0..6 of 12 in-process; 0..2 on a pool, whose
      // lines come in quick bursts), plus a seeded delay, so the signal lands before the first
      // line, between lines or in the middle of candidates.
      const rng = seedrandom(seed);
      const pool = workers !== '0';
      await waitForFile(`${c.j}.lock`, 20_000, () => child.exitCode !== null);
      await untilLines(c.j, Math.floor(rng() * (pool ? 3 : 7)), child);
      await sleep(Math.floor(rng() * (pool ? 10 : 40)));
      child.kill(sig);
    },
    // SIGINT/SIGTERM: 130 while the batch runs. A batch that had already finished (journal
    // complete, lock released) ends with its own code, or, if the signal lands in the last
    // instants of process exit, dies of it, as any process would. SIGKILL: no code.
    code: (c, r) => {
      const finished = readFileSync(c.j, 'utf8') === reference && !existsSync(`${c.j}.lock`);
      if (sig === 'SIGKILL' || (finished && r.signal === sig)) return r.code === null && r.signal === sig ? (null as unknown as number) : refCode;
      return finished ? refCode : 130;
    },
    stderr: null,
    check: async (c, r) => {
      prefixOfReference(c);
      if (sig !== 'SIGKILL') noLock(c);
      if (r.code === 130) expect(r.stdout).toMatch(/INTERRUPTED/);
      const again = await runCliAsync(['batch', shared, '--out', c.j, '--policy', policy, '--workers', workers, '--progress', 'none', '--resume']);
      expect(again.code).toBe(refCode);
      // A SIGKILL leaves its lock behind: the resume recovers it with a one-line note.
      expect(lineCount(again.stderr)).toBeLessThanOrEqual(1);
      if (again.stderr) expect(again.stderr).toMatch(/^gauntlet: note: removed a stale lock .*j\.jsonl\.lock left by pid \d+, which is no longer running\n$/);
      expect(readFileSync(c.j, 'utf8')).toBe(reference);
      noLock(c);
    },
  };
}

function swapCase(seed: string, workers: string): Case {
  return {
    name: `trades.csv swapped at seeded random times (seed ${seed}, workers ${workers}): each decision carries the hash of the bytes it was made from`,
    setup: (c) => {
      const dir = join(c.d, 'c');
      for (let i = 0; i < 6; i++) writeBundle(join(dir, `s${i}`), { ...APPROVED, manifest: { id: `s${i}` } });
      const win = readFileSync(join(dir, 's0', 'trades.csv'), 'utf8');
      c.s.win = win;
      c.s.lose = losingTrades(win);
    },
    args: (c) => [join(c.d, 'c'), '--workers', workers],
    during: async (c, child) => {
      const rng = seedrandom(seed);
      const dir = join(c.d, 'c');
      let n = 0;
      while (child.exitCode === null && child.signalCode === null) {
        const b = join(dir, `s${Math.floor(rng() * 6)}`);
        // Atomic replacement (temp + rename): validation sees one version or the other, whole.
        writeFileSync(join(dir, `.t${n}`), (n++ % 2 ? c.s.win : c.s.lose) as string);
        renameSync(join(dir, `.t${n - 1}`), join(b, 'trades.csv'));
        await sleep(Math.floor(rng() * 4));
      }
    },
    code: (c) => {
      const recs = records(c.j);
      return recs.some((e) => e.decision === 'ERROR') ? 2 : recs.some((e) => e.decision === 'REJECTED') ? 1 : 0;
    },
    stderr: null,
    check: (c) => {
      const recs = records(c.j);
      expect(recs).toHaveLength(6);
      const hWin = sha(c.s.win as string), hLose = sha(c.s.lose as string);
      for (const e of recs) {
        if (e.decision === 'APPROVED') expect(e.files['trades.csv']).toBe(hWin);
        else if (e.decision === 'REJECTED') {
          expect(e.files['trades.csv']).toBe(hLose);
          expect(e.failedGates).toContain('winRate');
        } else {
          // Changed between listing and validating (E_BUNDLE_CHANGED), or, when a swap lands
          // between the loader's stat and its open, refused by the loader itself (E_FILE_CHANGED).
          expect(e.error!.exitCode).toBe(2);
          expect(['E_BUNDLE_CHANGED', 'E_FILE_CHANGED']).toContain(e.error!.code);
        }
      }
      noLock(c);
    },
  };
}

const cases: Case[] = [
  // --- loops, aliases, links ---
  {
    name: 'a symlink loop to the batch folder: each bundle validated once',
    setup: (c) => {
      own(c);
      symlinkSync('.', join(c.d, 'c', 'loop'));
      mkdirSync(join(c.d, 'c', 'sub'));
      symlinkSync('..', join(c.d, 'c', 'sub', 'up'));
    },
    args: (c) => [join(c.d, 'c')],
    code: 1,
    stderr: null,
    check: (c) => {
      expect(records(c.j).map((e) => e.bundle)).toEqual(['b00', 'b01', 'b02']);
      noLock(c);
    },
  },
  {
    name: 'two nested symlink loops (exponential before): the walk ends, each bundle once',
    setup: (c) => {
      own(c);
      for (const d of ['x', 'y']) {
        mkdirSync(join(c.d, 'c', d));
        symlinkSync('..', join(c.d, 'c', d, 'l1'));
        symlinkSync('../..', join(c.d, 'c', d, 'l2'));
        symlinkSync('.', join(c.d, 'c', d, 'self'));
      }
    },
    args: (c) => [join(c.d, 'c')],
    code: 1,
    stderr: null,
    check: (c) => expect(records(c.j).map((e) => e.bundle)).toEqual(['b00', 'b01', 'b02']),
  },
  {
    name: 'a symlink loop inside a bundle: hashed once, validated normally',
    setup: (c) => {
      own(c, 1);
      symlinkSync('.', join(c.d, 'c', 'b00', 'loop'));
      mkdirSync(join(c.d, 'c', 'b00', 'sub'));
      symlinkSync('../..', join(c.d, 'c', 'b00', 'sub', 'up'));
    },
    args: (c) => [join(c.d, 'c')],
    code: 0,
    stderr: null,
    check: (c) => {
      const [e] = records(c.j);
      expect(e.decision).toBe('APPROVED');
      expect(Object.keys(e.files).sort()).toEqual(['candidate.json', 'returns.csv', 'trades.csv']);
    },
  },
  {
    name: 'a symlink alias of a bundle in the batch folder: validated once, under its real name',
    setup: (c) => {
      own(c, 2);
      symlinkSync('b01', join(c.d, 'c', 'a-alias'));
    },
    args: (c) => [join(c.d, 'c')],
    code: 1,
    stderr: null,
    check: (c) => expect(records(c.j).map((e) => e.bundle)).toEqual(['b00', 'b01']),
  },
  {
    name: 'two links to one bundle outside the batch folder: validated once, under the first link',
    setup: (c) => {
      mkdirSync(join(c.d, 'c'));
      writeBundle(join(c.d, 'outside'), APPROVED);
      symlinkSync(join(c.d, 'outside'), join(c.d, 'c', 'l1'));
      symlinkSync(join(c.d, 'outside'), join(c.d, 'c', 'l2'));
    },
    args: (c) => [join(c.d, 'c')],
    code: 0,
    stderr: null,
    check: (c) => expect(records(c.j).map((e) => e.bundle)).toEqual(['l1']),
  },
  {
    name: 'a dangling symlink in the batch folder is skipped',
    setup: (c) => {
      own(c, 2);
      symlinkSync(join(c.d, 'gone'), join(c.d, 'c', 'dangling'));
    },
    args: (c) => [join(c.d, 'c')],
    code: 1,
    stderr: null,
    check: (c) => expect(records(c.j)).toHaveLength(2),
  },
  // --- FIFOs and devices are never opened ---
  {
    name: 'a FIFO in the batch folder is never opened (no hang)',
    setup: (c) => {
      own(c, 2);
      mkfifo(join(c.d, 'c', 'pipe'));
      mkfifo(join(c.d, 'c', 'candidate.json.fifo'));
    },
    args: (c) => [join(c.d, 'c')],
    code: 1,
    stderr: null,
    check: (c) => {
      expect(records(c.j)).toHaveLength(2);
      expect(lstatSync(join(c.d, 'c', 'pipe')).isFIFO()).toBe(true);
    },
  },
  {
    name: 'a FIFO as an extra file inside a bundle is not hashed (no hang); the bundle is validated',
    setup: (c) => {
      own(c, 1);
      mkfifo(join(c.d, 'c', 'b00', 'notes.fifo'));
    },
    args: (c) => [join(c.d, 'c')],
    code: 0,
    stderr: null,
    check: (c) => expect(Object.keys(records(c.j)[0].files)).not.toContain('notes.fifo'),
  },
  {
    name: 'a /dev/zero-like device node inside a bundle is never read',
    setup: (c) => {
      own(c, 1);
      return mknod(join(c.d, 'c', 'b00', 'zero'), 'c', 1, 5);
    },
    args: (c) => [join(c.d, 'c')],
    code: 0,
    stderr: null,
    check: (c) => expect(Object.keys(records(c.j)[0].files)).not.toContain('zero'),
  },
  // --- unreadable folders and files ---
  {
    name: 'an unlistable folder: an exit-2 line of its own, the rest validated',
    setup: (c) => {
      own(c, 2);
      mkdirSync(join(c.d, 'c', 'locked', 'inner'), { recursive: true });
      chmodSync(join(c.d, 'c', 'locked'), 0);
      return unprivilegedSkip(c);
    },
    args: (c) => [join(c.d, 'c')],
    // root is never denied: as root the batch runs as 'nobody', so chmod 000 bites for real.
    unprivileged: true,
    code: 2,
    stderr: null,
    check: (c, r) => {
      const recs = records(c.j);
      expect(recs.map((e) => e.bundle)).toEqual(['b00', 'b01', 'locked']);
      expect(recs[2]).toMatchObject({ decision: 'ERROR', error: { code: 'E_FILE_READ', exitCode: 2 } });
      expect(recs[2].error.message).toMatch(/locked: cannot list folder \(EACCES: permission denied\); skipped/);
      expect(r.stdout).toMatch(/malformed 1/);
      chmodSync(join(c.d, 'c', 'locked'), 0o755);
    },
  },
  {
    name: 'a bundle with an unlistable subfolder: that bundle is an exit-2 line, the batch goes on',
    setup: (c) => {
      own(c, 2);
      mkdirSync(join(c.d, 'c', 'b00', 'extra'));
      chmodSync(join(c.d, 'c', 'b00', 'extra'), 0);
      return unprivilegedSkip(c);
    },
    args: (c) => [join(c.d, 'c')],
    unprivileged: true,
    code: 2,
    stderr: null,
    check: (c) => {
      const recs = records(c.j);
      expect(recs[0]).toMatchObject({ bundle: 'b00', decision: 'ERROR', id: 'cand-0', error: { code: 'E_FILE_READ', exitCode: 2 } });
      expect(recs[1]).toMatchObject({ bundle: 'b01', decision: 'REJECTED' });
      chmodSync(join(c.d, 'c', 'b00', 'extra'), 0o755);
    },
  },
  {
    name: 'a bundle whose trades.csv is a dangling link: exit-2 line, the batch goes on',
    setup: (c) => {
      own(c, 2);
      rmSync(join(c.d, 'c', 'b00', 'trades.csv'));
      symlinkSync('gone.csv', join(c.d, 'c', 'b00', 'trades.csv'));
    },
    args: (c) => [join(c.d, 'c')],
    code: 2,
    stderr: null,
    check: (c) => {
      const recs = records(c.j);
      expect(recs[0]).toMatchObject({ decision: 'ERROR', error: { exitCode: 2 } });
      expect(recs[1].decision).toBe('REJECTED');
    },
  },
  {
    name: 'a bundle whose trades.csv links outside it: exit-2 line, the outside file never hashed',
    setup: (c) => {
      own(c, 1);
      writeFileSync(join(c.d, 'secret.csv'), readFileSync(join(c.d, 'c', 'b00', 'trades.csv')));
      rmSync(join(c.d, 'c', 'b00', 'trades.csv'));
      symlinkSync(join(c.d, 'secret.csv'), join(c.d, 'c', 'b00', 'trades.csv'));
    },
    args: (c) => [join(c.d, 'c')],
    code: 2,
    stderr: null,
    check: (c) => {
      const [e] = records(c.j);
      expect(e.error).toMatchObject({ code: 'E_PATH_OUTSIDE_BUNDLE', exitCode: 2 });
      expect(Object.keys(e.files).sort()).toEqual(['candidate.json', 'returns.csv']);
    },
  },
  {
    name: 'a bundle whose trades.csv is a folder: exit-2 line',
    setup: (c) => {
      own(c, 2);
      rmSync(join(c.d, 'c', 'b01', 'trades.csv'));
      mkdirSync(join(c.d, 'c', 'b01', 'trades.csv'));
    },
    args: (c) => [join(c.d, 'c')],
    code: 2,
    stderr: null,
    check: (c) => expect(records(c.j)[1]).toMatchObject({ decision: 'ERROR', error: { exitCode: 2 } }),
  },
  // --- deleted or changed mid-run ---
  ...([
    ['a bundle deleted mid-run', '0', (d: string) => rmSync(d, { recursive: true })],
    ['a trades.csv deleted mid-run', '1', (d: string) => rmSync(join(d, 'trades.csv'))],
  ] as const).map(([what, workers, remove]): Case => ({
    name: `${what} (workers ${workers}): an exit-2 line of its own, the batch goes on`,
    setup: (c) => void cpSync(shared, join(c.d, 'c'), { recursive: true }),
    args: (c) => [join(c.d, 'c'), '--workers', workers],
    during: async (c, child) => {
      // Freeze the batch once it has written a line, then delete in a bundle it cannot have
      // started: at most `lookahead` (2) candidates are in flight after line k.
      await untilLines(c.j, 1, child);
      child.kill('SIGSTOP');
      const k = lines(c.j).length;
      c.s.target = k + 3;
      expect(c.s.target).toBeLessThan(N_SHARED);
      remove(join(c.d, 'c', `b${String(k + 3).padStart(2, '0')}`));
      child.kill('SIGCONT');
    },
    code: 2,
    stderr: null,
    check: (c) => {
      const got = lines(c.j);
      const ref = reference.slice(0, -1).split('\n');
      const t = c.s.target as number;
      expect(got).toHaveLength(N_SHARED);
      got.forEach((l, i) => {
        if (i === t) expect(JSON.parse(l)).toMatchObject({ bundle: `b${String(t).padStart(2, '0')}`, decision: 'ERROR', error: { code: 'E_FILE_MISSING', exitCode: 2 } });
        else expect(l).toBe(ref[i]);
      });
      noLock(c);
    },
  })),
  swapCase('s1', '0'),
  swapCase('s2', '1'),
  swapCase('s3', '0'),
  swapCase('s4', '1'),
  // --- one writer per journal ---
  {
    name: 'a second batch on a journal in use is refused in one line; the first completes',
    args: () => [shared],
    during: async (c, child) => {
      // Hold the first batch still (SIGSTOP) as soon as it owns the journal (its lock file
      // appears before any work), so the second one certainly meets a live lock even on a
      // loaded machine, then let it finish.
      await waitForFile(`${c.j}.lock`, 20_000, () => child.exitCode !== null);
      child.kill('SIGSTOP');
      expect(existsSync(`${c.j}.lock`), 'the first batch still holds its lock').toBe(true);
      try {
        c.s.second = await runCliAsync(['batch', shared, '--out', c.j, '--policy', policy, '--workers', '0', '--progress', 'none']);
      } finally {
        child.kill('SIGCONT');
      }
    },
    code: () => refCode,
    stderr: null,
    check: (c) => {
      const second = c.s.second as AsyncResult;
      expect(second.code).toBe(2);
      expect(lineCount(second.stderr)).toBe(1);
      expect(second.stderr).toMatch(/E_JOURNAL_LOCKED\].*j\.jsonl: the journal is in use by another gauntlet batch \(pid \d+/);
      expect(second.stdout).toBe('');
      expect(readFileSync(c.j, 'utf8')).toBe(reference);
      noLock(c);
    },
  },
  {
    name: 'a journal locked by a live process: exit 2, journal and lock untouched',
    setup: (c) => {
      writeFileSync(c.j, 'previous\n');
      writeFileSync(`${c.j}.lock`, `${process.pid} ${hostname()}\n`);
    },
    args: () => [shared],
    code: 2,
    stderr: new RegExp(`E_JOURNAL_LOCKED\\].*in use by another gauntlet batch \\(pid ${process.pid}, lock file .*j\\.jsonl\\.lock\\)`),
    check: (c) => {
      expect(readFileSync(c.j, 'utf8')).toBe('previous\n');
      expect(readFileSync(`${c.j}.lock`, 'utf8')).toBe(`${process.pid} ${hostname()}\n`);
    },
  },
  {
    name: 'a journal locked from another host: refused (its pid cannot be checked here)',
    setup: (c) => writeFileSync(`${c.j}.lock`, '12345 some-other-host\n'),
    args: () => [shared],
    code: 2,
    stderr: /E_JOURNAL_LOCKED\].*\(pid 12345 on host some-other-host/,
    check: (c) => expect(existsSync(c.j)).toBe(false),
  },
  {
    name: 'a journal reached through a symlink shares the lock of its real path',
    setup: (c) => {
      writeFileSync(join(c.d, 'real.jsonl'), '');
      symlinkSync('real.jsonl', c.j);
      writeFileSync(join(c.d, 'real.jsonl.lock'), `${process.pid} ${hostname()}\n`);
    },
    args: () => [shared],
    code: 2,
    stderr: /E_JOURNAL_LOCKED\].*real\.jsonl\.lock/,
  },
  {
    name: 'a stale lock of a dead process is recovered with a one-line note and removed at the end',
    setup: (c) => {
      // A pid that certainly ended: a child that has exited (and was reaped).
      writeFileSync(`${c.j}.lock`, `${deadPid()} ${hostname()}\n`);
    },
    args: () => [shared],
    code: () => refCode,
    stderr: /^gauntlet: note: removed a stale lock .*j\.jsonl\.lock left by pid \d+, which is no longer running$/,
    check: (c) => {
      expect(readFileSync(c.j, 'utf8')).toBe(reference);
      noLock(c);
    },
  },
  {
    name: 'an old unreadable lock file is recovered',
    setup: (c) => {
      own(c, 2);
      writeFileSync(`${c.j}.lock`, 'garbage');
      utimesSync(`${c.j}.lock`, new Date(0), new Date(0));
    },
    args: (c) => [join(c.d, 'c')],
    code: 1,
    stderr: /note: removed a stale lock .* left by an unreadable owner/,
    check: (c) => {
      expect(records(c.j)).toHaveLength(2);
      noLock(c);
    },
  },
  // --- signals in every phase ---
  signalCase('SIGINT', '0', 'a'),
  signalCase('SIGINT', '0', 'h'),
  signalCase('SIGTERM', '0', 'b'),
  signalCase('SIGTERM', '0', 'f'),
  signalCase('SIGKILL', '0', 'd'),
  signalCase('SIGINT', '1', 'c'),
  signalCase('SIGTERM', '2', 'g'),
  signalCase('SIGKILL', '1', 'e'),
  ...(['SIGINT', 'SIGTERM'] as const).map((sig): Case => ({
    name: `${sig} during the directory walk: exit 130, the old journal untouched, lock removed`,
    setup: (c) => {
      big();
      writeFileSync(c.j, 'previous\n');
    },
    args: () => [big()],
    during: async (c, child) => {
      // The lock is taken just before the walk, which lasts a few hundred ms.
      await waitForFile(`${c.j}.lock`, 20_000, () => child.exitCode !== null);
      child.kill(sig);
    },
    code: 130,
    stderr: null,
    check: (c, r) => {
      noLock(c);
      if (/^Batch: INTERRUPTED while searching for bundles/.test(r.stdout)) {
        expect(readFileSync(c.j, 'utf8')).toBe('previous\n');
      } else {
        // Only on a machine so loaded that this poll lagged the whole walk: the signal then
        // hit the candidates, and the journal must still be whole.
        console.log(`note: ${sig} reached the batch after its walk (machine under load)`);
        expect(r.stdout).toMatch(/INTERRUPTED/);
        for (const l of lines(c.j)) JSON.parse(l);
      }
    },
  })),
];

async function runCase(c: Case, skip: (note: string) => never): Promise<void> {
  const ctx: Ctx = { d: caseDir(root, c.name), j: '', s: {} };
  ctx.j = join(ctx.d, 'j.jsonl');
  const why = await c.setup?.(ctx);
  if (typeof why === 'string') {
    console.log(`skipped: ${c.name}: ${why}`);
    skip(why);
  }
  const [dir, ...rest] = c.args(ctx);
  const args = ['batch', dir, '--out', ctx.j, '--policy', policy, '--workers', '0', '--progress', 'none', ...rest];
  let during: Promise<void> = Promise.resolve();
  const asUid = c.unprivileged && isRoot ? NOBODY : undefined;
  const r = await runCliAsync(args, { env: c.env?.(ctx), asUid, timeoutMs: c.timeoutMs ?? 45_000, onStart: (child) => (during = c.during ? c.during(ctx, child) : during) });
  await during;
  const code = typeof c.code === 'function' ? c.code(ctx, r) : c.code;
  expect(r.code, r.stderr).toBe(code);
  if (c.stderr === null) expect(r.stderr).toBe('');
  else if (c.stderr !== 'note?') {
    expect(lineCount(r.stderr), r.stderr).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(c.stderr);
  }
  await c.check?.(ctx, r);
}

describe.concurrent('batch safety: loops, FIFOs, unreadable and changing bundles, locks, signals', () => {
  it.for(cases)('$name', async (c, { skip }) => runCase(c, skip));
});

describe('a bundle changed between hashing and validation', () => {
  it('becomes an E_BUNDLE_CHANGED line (exit 2), never a decision under the old hash', async () => {
    const dir = join(root, 'changed');
    writeBundle(join(dir, 'b'), APPROVED);
    const pol = loadPolicy(policy);
    const files = scanBundle(join(dir, 'b')).files;
    const base = { schemaVersion: REPORT_SCHEMA_VERSION, bundle: 'b', key: entryKey('b', files, pol.sha256, 42), seed: 42, policySha256: pol.sha256, engineVersion: ENGINE_VERSION, files };
    const before = await journalEntryFor(base, dir, 42, pol, new InProcessExecutor());
    expect(before.decision).toBe('APPROVED');
    writeFileSync(join(dir, 'b', 'trades.csv'), losingTrades(readFileSync(join(dir, 'b', 'trades.csv'), 'utf8')));
    const after = await journalEntryFor(base, dir, 42, pol, new InProcessExecutor());
    expect(after).toMatchObject({ decision: 'ERROR', gates: null, error: { code: 'E_BUNDLE_CHANGED', exitCode: 2 } });
    expect(after.error!.message).toMatch(/trades\.csv: changed while the batch was reading it \(SHA-256 [0-9a-f]{64} when the bundle was listed, [0-9a-f]{64} when validated\)/);
    expect(statSync(join(dir, 'b', 'trades.csv')).size).toBeGreaterThan(0);
    expect(ls(join(dir, 'b'))).toEqual(['candidate.json', 'returns.csv', 'trades.csv']);
  });
});
