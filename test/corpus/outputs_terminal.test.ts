/**
 * Fault corpus, outputs and terminal safety (issue 9, items 1 and 3). Every case runs the
 * compiled CLI as a child process and asserts the exit code, the stderr line count (one
 * line for an error, none otherwise) and what is, or is not, on disk afterwards. Cases run
 * concurrently; device nodes and tmpfs mounts need root (CI is root) and are skipped with
 * the reason printed otherwise.
 */
import { constants, createReadStream, linkSync, lstatSync, mkdirSync, openSync, closeSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync, chmodSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineCount, RAW_CONTROL, runCliAsync, type AsyncOptions, type AsyncResult } from '../helpers/spawn.js';
import { writeBundle } from '../helpers/bundle.js';
import { APPROVED, REJECTED, batchFolder, bundle, caseDir, fillUp, ls, mkfifo, mknod, mountTmpfs, tmpRoot, unmount, writePolicy } from './corpus_helpers.js';

let root: string;
const mounts: string[] = [];
beforeAll(() => {
  root = tmpRoot('gauntlet-corpus-out-');
});
afterAll(() => {
  for (const m of mounts) unmount(m);
  rmSync(root, { recursive: true, force: true });
});

interface Ctx {
  /** The case's own folder. */
  d: string;
  /** The small policy (in d). */
  p: string;
  /** An approved bundle (d/b). */
  b: string;
  /** State a case's setup passes to its checks. */
  s: Record<string, unknown>;
}

interface Case {
  name: string;
  /** Build what the case needs; a string return is a reason to skip (printed). */
  setup?: (c: Ctx) => string | null | void;
  args: (c: Ctx) => string[];
  opts?: (c: Ctx) => AsyncOptions;
  code: number;
  /**
   * null: stderr must be empty; a RegExp: exactly `stderrLines` (default 1) lines, the first
   * matching; 'summary': the text summary (moved to stderr by --json -).
   */
  stderr: RegExp | null | 'summary';
  stderrLines?: number;
  check?: (c: Ctx, r: AsyncResult) => void;
}

const validate = (c: Ctx, ...rest: string[]) => ['validate', c.b, '--policy', c.p, '--workers', '0', ...rest];
const batch = (c: Ctx, dir: string, out: string, ...rest: string[]) => ['batch', dir, '--out', out, '--policy', c.p, '--workers', '0', '--progress', 'none', ...rest];
const bundleFiles = ['candidate.json', 'returns.csv', 'trades.csv'];
const isJsonReport = (text: string, decision: string) => expect(JSON.parse(text).decision).toBe(decision);

/** Mount a tmpfs at d/m and fill it so that nothing more fits; returns a skip reason or null. */
function fullDisk(c: Ctx, size = '16k'): string | null {
  const m = join(c.d, 'm');
  const why = mountTmpfs(m, size);
  if (why) return why;
  mounts.push(m);
  fillUp(m);
  return null;
}

const outputCases: Case[] = [
  // --- device nodes and FIFOs: written through, never replaced ---
  {
    name: '--json to a /dev/null-like device node leaves it a character device',
    setup: (c) => mknod(join(c.d, 'null'), 'c', 1, 3),
    args: (c) => validate(c, '--json', join(c.d, 'null')),
    code: 0,
    stderr: null,
    check: (c, r) => {
      expect(lstatSync(join(c.d, 'null')).isCharacterDevice()).toBe(true);
      expect(ls(c.d)).toEqual(['b', 'null', 'policy.json']);
      expect(r.stdout).toMatch(/Overall: \[PASS\] APPROVED/);
    },
  },
  {
    name: '--json to a /dev/full-like node: ENOSPC is one line, exit 2, the node stays',
    setup: (c) => mknod(join(c.d, 'full'), 'c', 1, 7),
    args: (c) => validate(c, '--json', join(c.d, 'full')),
    code: 2,
    stderr: /E_FILE_WRITE\].*full: cannot write \(ENOSPC: no space left on device\)/,
    check: (c, r) => {
      expect(lstatSync(join(c.d, 'full')).isCharacterDevice()).toBe(true);
      expect(ls(c.d)).toEqual(['b', 'full', 'policy.json']);
      expect(r.stdout).toBe('');
    },
  },
  {
    name: 'montecarlo --json to a null device node',
    setup: (c) => mknod(join(c.d, 'null'), 'c', 1, 3),
    args: (c) => ['montecarlo', join(c.b, 'trades.csv'), '--unit', 'return', '--paths', '1000', '--workers', '0', '--json', join(c.d, 'null')],
    code: 0,
    stderr: null,
    check: (c) => expect(lstatSync(join(c.d, 'null')).isCharacterDevice()).toBe(true),
  },
  {
    name: 'batch --json to a null device node',
    setup: (c) => mknod(join(c.d, 'null'), 'c', 1, 3),
    args: (c) => batch(c, join(c.d, 'b'), join(c.d, 'j.jsonl'), '--json', join(c.d, 'null')),
    code: 0,
    stderr: null,
    check: (c) => {
      expect(lstatSync(join(c.d, 'null')).isCharacterDevice()).toBe(true);
      expect(readFileSync(join(c.d, 'j.jsonl'), 'utf8').split('\n')).toHaveLength(2);
      expect(ls(c.d)).toEqual(['b', 'j.jsonl', 'null', 'policy.json']);
    },
  },
  {
    name: '--json to a block device node is refused and never touched',
    setup: (c) => mknod(join(c.d, 'blk'), 'b', 7, 250),
    args: (c) => validate(c, '--json', join(c.d, 'blk')),
    code: 2,
    stderr: /E_OUTPUT_TARGET\].*blk: is a block device/,
    check: (c) => expect(lstatSync(join(c.d, 'blk')).isBlockDevice()).toBe(true),
  },
  {
    name: '--json to a FIFO with a reader: the reader gets the report, the FIFO stays',
    setup: (c) => {
      const f = join(c.d, 'fifo');
      mkfifo(f);
      c.s.fifo = f;
      const chunks: Buffer[] = [];
      c.s.read = new Promise<string>((resolve) => {
        createReadStream(f).on('data', (b) => chunks.push(b as Buffer)).on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      });
    },
    args: (c) => validate(c, '--json', join(c.d, 'fifo')),
    code: 0,
    stderr: null,
    check: (c) => {
      expect(lstatSync(join(c.d, 'fifo')).isFIFO()).toBe(true);
      c.s.checkAsync = (c.s.read as Promise<string>).then((text) => isJsonReport(text, 'APPROVED'));
    },
  },
  // --- folders, empty paths, missing folders, links ---
  {
    name: '--json naming a folder is exit 2 and adds nothing to it',
    setup: (c) => mkdirSync(join(c.d, 'out')),
    args: (c) => validate(c, '--json', join(c.d, 'out')),
    code: 2,
    stderr: /E_OUTPUT_TARGET\].*out: is a folder/,
    check: (c) => expect(ls(join(c.d, 'out'))).toEqual([]),
  },
  { name: '--json with an empty path', args: (c) => validate(c, '--json', ''), code: 2, stderr: /E_OUTPUT_TARGET\]: '': the output path is empty/ },
  {
    name: '--json in a folder that does not exist: exit 2, the folder is not created',
    args: (c) => validate(c, '--json', join(c.d, 'nope', 'r.json')),
    code: 2,
    stderr: /nope\/r\.json: folder .*nope does not exist/,
    check: (c) => expect(existsSync(join(c.d, 'nope'))).toBe(false),
  },
  {
    name: '--json to a dangling symlink is refused; the link is left dangling',
    setup: (c) => symlinkSync(join(c.d, 'missing.json'), join(c.d, 'link.json')),
    args: (c) => validate(c, '--json', join(c.d, 'link.json')),
    code: 2,
    stderr: /link\.json: is a symbolic link to a missing file/,
    check: (c) => {
      expect(lstatSync(join(c.d, 'link.json')).isSymbolicLink()).toBe(true);
      expect(existsSync(join(c.d, 'missing.json'))).toBe(false);
    },
  },
  {
    name: '--json through a symlink to a file: the link stays, its target is replaced',
    setup: (c) => {
      writeFileSync(join(c.d, 'real.json'), 'old');
      symlinkSync('real.json', join(c.d, 'link.json'));
    },
    args: (c) => validate(c, '--json', join(c.d, 'link.json')),
    code: 0,
    stderr: null,
    check: (c) => {
      expect(readlinkSync(join(c.d, 'link.json'))).toBe('real.json');
      isJsonReport(readFileSync(join(c.d, 'real.json'), 'utf8'), 'APPROVED');
      expect(ls(c.d)).toEqual(['b', 'link.json', 'policy.json', 'real.json']);
    },
  },
  {
    name: '--json over an existing file: replaced whole, its mode kept, no temp left',
    setup: (c) => {
      writeFileSync(join(c.d, 'r.json'), 'old');
      chmodSync(join(c.d, 'r.json'), 0o600);
    },
    args: (c) => validate(c, '--json', join(c.d, 'r.json')),
    code: 0,
    stderr: null,
    check: (c) => {
      isJsonReport(readFileSync(join(c.d, 'r.json'), 'utf8'), 'APPROVED');
      expect(statSync(join(c.d, 'r.json')).mode & 0o777).toBe(0o600);
      expect(ls(c.d)).toEqual(['b', 'policy.json', 'r.json']);
    },
  },
  // --- outputs that would overwrite an input ---
  {
    name: '--json inside the input bundle is refused; the bundle is unchanged',
    args: (c) => validate(c, '--json', join(c.b, 'report.json')),
    code: 2,
    stderr: /report\.json: --json is inside the input bundle/,
    check: (c) => expect(ls(c.b)).toEqual(bundleFiles),
  },
  {
    name: '--json naming the bundle\'s own candidate.json is refused; it is unchanged',
    setup: (c) => void (c.s.before = readFileSync(join(c.b, 'candidate.json'))),
    args: (c) => validate(c, '--json', join(c.b, 'candidate.json')),
    code: 2,
    stderr: /candidate\.json: --json is inside the input bundle/,
    check: (c) => expect(readFileSync(join(c.b, 'candidate.json'))).toEqual(c.s.before),
  },
  {
    name: 'validate --json equal to --policy is refused',
    setup: (c) => void (c.s.before = readFileSync(c.p)),
    args: (c) => validate(c, '--json', c.p),
    code: 2,
    stderr: /policy\.json: --json would overwrite the input/,
    check: (c) => expect(readFileSync(c.p)).toEqual(c.s.before),
  },
  {
    name: 'winrate --json equal to its trades.csv is refused',
    setup: (c) => void (c.s.before = readFileSync(join(c.b, 'trades.csv'))),
    args: (c) => ['winrate', join(c.b, 'trades.csv'), '--unit', 'return', '--json', join(c.b, 'trades.csv')],
    code: 2,
    stderr: /trades\.csv: --json would overwrite the input/,
    check: (c) => expect(readFileSync(join(c.b, 'trades.csv'))).toEqual(c.s.before),
  },
  {
    name: 'winrate --json naming a hard link of its input is refused',
    setup: (c) => linkSync(join(c.b, 'trades.csv'), join(c.d, 'alias.csv')),
    args: (c) => ['winrate', join(c.b, 'trades.csv'), '--unit', 'return', '--json', join(c.d, 'alias.csv')],
    code: 2,
    stderr: /alias\.csv: --json would overwrite the input/,
    check: (c) => expect(readFileSync(join(c.d, 'alias.csv'))).toEqual(readFileSync(join(c.b, 'trades.csv'))),
  },
  {
    name: 'pbo --json naming a folder',
    setup: (c) => mkdirSync(join(c.d, 'out')),
    args: (c) => ['pbo', join(c.b, 'returns.csv'), '--S', '4', '--workers', '0', '--json', join(c.d, 'out')],
    code: 2,
    stderr: /out: is a folder/,
  },
  // --- stdout: /dev/stdout, closed readers (EPIPE) ---
  {
    name: '--json /dev/stdout on a pipe: the JSON then the summary, exit 0',
    args: (c) => validate(c, '--json', '/dev/stdout'),
    code: 0,
    stderr: null,
    check: (_c, r) => {
      const at = r.stdout.indexOf('Gauntlet ');
      isJsonReport(r.stdout.slice(0, at), 'APPROVED');
      expect(r.stdout.slice(at)).toMatch(/Overall: \[PASS\] APPROVED/);
    },
  },
  {
    name: '--json /dev/stdout redirected to a file: appended to that very file, not replaced',
    setup: (c) => {
      const f = join(c.d, 'stdout.txt');
      c.s.fd = openSync(f, 'w');
      c.s.ino = statSync(f).ino;
    },
    args: (c) => validate(c, '--json', '/dev/stdout'),
    opts: (c) => ({ stdout: c.s.fd as number }),
    code: 0,
    stderr: null,
    check: (c) => {
      const f = join(c.d, 'stdout.txt');
      expect(statSync(f).ino).toBe(c.s.ino);
      const text = readFileSync(f, 'utf8');
      isJsonReport(text.slice(0, text.indexOf('Gauntlet ')), 'APPROVED');
      expect(text).toMatch(/Overall: \[PASS\] APPROVED/);
    },
  },
  { name: 'approved, stdout closed by its reader (EPIPE): exit 0, no stack trace', args: (c) => validate(c), opts: () => ({ stdout: 'closed' }), code: 0, stderr: null },
  { name: '--json - with stdout closed by its reader: exit 0, quiet', args: (c) => validate(c, '--json', '-'), opts: () => ({ stdout: 'closed' }), code: 0, stderr: 'summary' },
  {
    name: 'rejected, stdout closed by its reader: exit 1, quiet',
    setup: (c) => void writeBundle(c.b, REJECTED),
    args: (c) => validate(c),
    opts: () => ({ stdout: 'closed' }),
    code: 1,
    stderr: null,
  },
  { name: 'winrate with stdout closed by its reader: exit 0', args: (c) => ['winrate', join(c.b, 'trades.csv'), '--unit', 'return'], opts: () => ({ stdout: 'closed' }), code: 0, stderr: null },
  { name: 'bad input with stdout closed: still one line on stderr, exit 2', args: (c) => validate(c, '--seed', 'x'), opts: () => ({ stdout: 'closed' }), code: 2, stderr: /option --seed: 'x' is not a whole number/ },
  {
    name: 'batch with stdout closed by its reader: the batch exit code, the journal whole',
    args: (c) => batch(c, join(c.d, 'b'), join(c.d, 'j.jsonl')),
    opts: () => ({ stdout: 'closed' }),
    code: 0,
    stderr: null,
    check: (c) => expect(JSON.parse(readFileSync(join(c.d, 'j.jsonl'), 'utf8')).decision).toBe('APPROVED'),
  },
  // --- a full disk ---
  {
    name: 'disk full: --json leaves no file and no temp, exit 2',
    setup: (c) => fullDisk(c),
    args: (c) => validate(c, '--json', join(c.d, 'm', 'r.json')),
    code: 2,
    stderr: /m\/r\.json: cannot write \(ENOSPC/,
    check: (c) => expect(ls(join(c.d, 'm'))).toEqual(['filler']),
  },
  {
    name: 'disk full: an existing report keeps its old content',
    setup: (c) => {
      const why = mountTmpfs(join(c.d, 'm'), '16k');
      if (why) return why;
      mounts.push(join(c.d, 'm'));
      writeFileSync(join(c.d, 'm', 'r.json'), 'old report');
      fillUp(join(c.d, 'm'));
    },
    args: (c) => validate(c, '--json', join(c.d, 'm', 'r.json')),
    code: 2,
    stderr: /r\.json: cannot write \(ENOSPC/,
    check: (c) => {
      expect(readFileSync(join(c.d, 'm', 'r.json'), 'utf8')).toBe('old report');
      expect(ls(join(c.d, 'm'))).toEqual(['filler', 'r.json']);
    },
  },
  {
    name: 'disk full behind a stdout redirect: exit 2, never 0',
    setup: (c) => {
      const why = fullDisk(c);
      if (why) return why;
      c.s.fd = openSync(join(c.d, 'm', 'stdout.txt'), 'w');
    },
    args: (c) => validate(c),
    opts: (c) => ({ stdout: c.s.fd as number }),
    code: 2,
    stderr: /E_FILE_WRITE\]: stdout: cannot write \(ENOSPC/,
  },
  {
    name: 'disk full: the batch journal stops with one line, whole lines only, no summary',
    setup: (c) => {
      const why = mountTmpfs(join(c.d, 'm'), '12k');
      if (why) return why;
      mounts.push(join(c.d, 'm'));
      batchFolder(join(c.d, 'many'), 14);
    },
    args: (c) => batch(c, join(c.d, 'many'), join(c.d, 'm', 'j.jsonl')),
    code: 2,
    stderr: /E_FILE_WRITE\].*j\.jsonl: cannot append to the journal \(ENOSPC/,
    check: (c, r) => {
      expect(r.stdout).toBe('');
      const text = readFileSync(join(c.d, 'm', 'j.jsonl'), 'utf8');
      expect(text === '' || text.endsWith('\n')).toBe(true);
      const lines = text.split('\n').slice(0, -1);
      expect(lines.length).toBeLessThan(14);
      for (const l of lines) JSON.parse(l);
      expect(ls(join(c.d, 'm'))).toEqual(['j.jsonl']);
    },
  },
  // --- batch outputs ---
  {
    name: 'batch --json equal to --out is refused before anything is written',
    args: (c) => batch(c, join(c.d, 'b'), join(c.d, 'j.jsonl'), '--json', join(c.d, 'j.jsonl')),
    code: 2,
    stderr: /j\.jsonl: --json is the journal \(--out\)/,
    check: (c) => expect(ls(c.d)).toEqual(['b', 'policy.json']),
  },
  {
    name: 'batch --json equal to --out, spelled differently',
    args: (c) => batch(c, join(c.d, 'b'), 'j.jsonl', '--json', join(c.d, '.', 'j.jsonl')),
    opts: (c) => ({ cwd: c.d }),
    code: 2,
    stderr: /--json is the journal/,
    check: (c) => expect(ls(c.d)).toEqual(['b', 'policy.json']),
  },
  {
    name: 'batch --out inside a bundle is refused; no journal, no lock left',
    setup: (c) => void batchFolder(join(c.d, 'many'), 2),
    args: (c) => batch(c, join(c.d, 'many'), join(c.d, 'many', 'b01', 'j.jsonl')),
    code: 2,
    stderr: /b01\/j\.jsonl: --out is inside the input bundle/,
    check: (c) => expect(ls(join(c.d, 'many', 'b01'))).toEqual(bundleFiles),
  },
  {
    name: 'batch --json inside a bundle is refused; the journal is not started',
    setup: (c) => void batchFolder(join(c.d, 'many'), 2),
    args: (c) => batch(c, join(c.d, 'many'), join(c.d, 'j.jsonl'), '--json', join(c.d, 'many', 'b00', 's.json')),
    code: 2,
    stderr: /s\.json: --json is inside the input bundle/,
    check: (c) => {
      expect(ls(c.d)).toEqual(['b', 'many', 'policy.json']);
      expect(ls(join(c.d, 'many', 'b00'))).toEqual(bundleFiles);
    },
  },
  {
    name: 'batch --out naming a folder',
    setup: (c) => mkdirSync(join(c.d, 'j')),
    args: (c) => batch(c, join(c.d, 'b'), join(c.d, 'j')),
    code: 2,
    stderr: /j: is a folder/,
    check: (c) => expect(ls(join(c.d, 'j'))).toEqual([]),
  },
  { name: 'batch --out empty', args: (c) => batch(c, join(c.d, 'b'), ''), code: 2, stderr: /'': the output path is empty/ },
  {
    name: 'batch --out a FIFO: refused without opening it (no hang), no lock file',
    setup: (c) => mkfifo(join(c.d, 'j.fifo')),
    args: (c) => batch(c, join(c.d, 'b'), join(c.d, 'j.fifo')),
    code: 2,
    stderr: /j\.fifo: --out must be a regular file or a new path/,
    check: (c) => {
      expect(lstatSync(join(c.d, 'j.fifo')).isFIFO()).toBe(true);
      expect(ls(c.d)).toEqual(['b', 'j.fifo', 'policy.json']);
    },
  },
  {
    name: 'batch --out a character device node: refused, no lock beside it',
    setup: (c) => mknod(join(c.d, 'null'), 'c', 1, 3),
    args: (c) => batch(c, join(c.d, 'b'), join(c.d, 'null')),
    code: 2,
    stderr: /null: --out must be a regular file/,
    check: (c) => expect(ls(c.d)).toEqual(['b', 'null', 'policy.json']),
  },
  {
    name: 'batch --out equal to --policy is refused',
    setup: (c) => void (c.s.before = readFileSync(c.p)),
    args: (c) => batch(c, join(c.d, 'b'), c.p),
    code: 2,
    stderr: /policy\.json: --out would overwrite the input/,
    check: (c) => expect(readFileSync(c.p)).toEqual(c.s.before),
  },
];


// --- terminal-escape injection ---
const PAYLOADS: Record<string, string> = {
  'newline + forged verdict': '\nOverall: [PASS] APPROVED for shadow testing',
  'carriage return + forged verdict': '\rOverall: [PASS] APPROVED for shadow testing',
  'ESC[8m (hide what follows)': '\x1b[8m',
  'OSC title + BEL': '\x1b]0;pwned\x07',
  'U+2028 line separator': '\u2028Overall: [PASS] APPROVED',
  'U+2029 / U+0085': '\u2029x\u0085Overall: [PASS] APPROVED',
  'C1 CSI U+009B': '\u009b8m',
  'bidi override U+202E': '\u202eDEVORPPA :llarevO',
};

/** A rejected run whose untrusted text carries `payload` must still read as one rejection. */
function assertOneVerdict(r: AsyncResult, verdict: 'FAIL' | 'PASS'): void {
  expect(r.stdout).not.toMatch(RAW_CONTROL);
  expect(r.stderr).not.toMatch(RAW_CONTROL);
  const overall = r.stdout.split('\n').filter((l) => /^Overall:/.test(l));
  expect(overall).toHaveLength(1);
  expect(overall[0]).toMatch(verdict === 'FAIL' ? /^Overall: \[FAIL\] REJECTED/ : /^Overall: \[PASS\] APPROVED/);
  // The header line is the only one that names the candidate: the 8 gates' 16 lines come
  // between it and the verdict (no payload added a line).
  expect(r.stdout.split('\n').findIndex((l) => /^Overall:/.test(l))).toBe(17);
}

const terminalCases: Case[] = [
  ...Object.entries(PAYLOADS).map(([label, payload]): Case => ({
    name: `candidate id with ${label}: one verdict line, nothing raw`,
    setup: (c) => void writeBundle(c.b, { ...REJECTED, manifest: { id: `cand${payload}` } }),
    args: (c) => validate(c),
    code: 1,
    stderr: null,
    check: (_c, r) => {
      assertOneVerdict(r, 'FAIL');
      expect(r.stdout.split('\n')[0]).toMatch(/^Gauntlet .*: candidate 'cand\\/);
    },
  })),
  ...['newline + forged verdict', 'ESC[8m (hide what follows)', 'U+2028 line separator', 'carriage return + forged verdict'].map((label): Case => ({
    name: `bundle folder name with ${label} (validate)`,
    setup: (c) => {
      c.b = join(c.d, `bundle${PAYLOADS[label]}`);
      writeBundle(c.b, REJECTED);
    },
    args: (c) => validate(c),
    code: 1,
    stderr: null,
    check: (_c, r) => assertOneVerdict(r, 'FAIL'),
  })),
  ...['newline + forged verdict', 'U+2029 / U+0085', 'OSC title + BEL'].map((label): Case => ({
    name: `batch: bundle folder and id with ${label}: escaped table, one journal line per record`,
    setup: (c) => {
      c.s.name = `x${PAYLOADS[label]}`;
      writeBundle(join(c.d, 'many', c.s.name as string), { ...REJECTED, manifest: { id: `id${PAYLOADS[label]}` } });
      writeBundle(join(c.d, 'many', 'plain'), { ...REJECTED, manifest: { id: 'plain' } });
    },
    args: (c) => batch(c, join(c.d, 'many'), join(c.d, 'j.jsonl')),
    code: 1,
    stderr: null,
    check: (c, r) => {
      expect(r.stdout).not.toMatch(RAW_CONTROL);
      expect(r.stdout.split('\n').filter((l) => / \| REJECTED \| /.test(l))).toHaveLength(2);
      const bytes = readFileSync(join(c.d, 'j.jsonl'), 'utf8');
      expect(bytes).not.toMatch(/[\u2028\u2029\u0085\r]/);
      const lines = bytes.split(/\r\n|[\n\r\u0085\u2028\u2029]/).slice(0, -1);
      expect(lines).toHaveLength(2);
      const recs = lines.map((l) => JSON.parse(l));
      expect(recs.map((e) => e.bundle).sort()).toEqual(['plain', c.s.name as string].sort());
      expect(recs.find((e) => e.bundle !== 'plain').id).toBe(`id${PAYLOADS[label]}`);
    },
  })),
  {
    name: '--json - keeps the id exact but writes U+2028/U+0085/bidi as \\u escapes',
    setup: (c) => void writeBundle(c.b, { ...APPROVED, manifest: { id: 'a\u2028b\u0085c\u202ed' } }),
    args: (c) => validate(c, '--json', '-'),
    code: 0,
    stderr: 'summary',
    check: (_c, r) => {
      expect(r.stdout).not.toMatch(RAW_CONTROL);
      expect(r.stdout).toContain('a\\u2028b\\u0085c\\u202ed');
      expect(JSON.parse(r.stdout).candidate.id).toBe('a\u2028b\u0085c\u202ed');
    },
  },
  {
    name: '--json FILE writes U+2028 escaped, same value parsed back',
    setup: (c) => void writeBundle(c.b, { ...APPROVED, manifest: { id: 'line\u2028sep' } }),
    args: (c) => validate(c, '--json', join(c.d, 'r.json')),
    code: 0,
    stderr: null,
    check: (c, r) => {
      assertOneVerdict(r, 'PASS');
      const text = readFileSync(join(c.d, 'r.json'), 'utf8');
      expect(text).not.toMatch(RAW_CONTROL);
      expect(JSON.parse(text).candidate.id).toBe('line\u2028sep');
    },
  },
  {
    name: 'model artifact name with ESC and a wrong hash: one escaped line',
    setup: (c) => {
      const name = 'model\x1b[2J\u2028.bin';
      writeFileSync(join(c.b, name), 'weights');
      writeBundle(c.b, { ...APPROVED, manifest: { model: { artifact: name, sha256: '0'.repeat(64) } } });
    },
    args: (c) => validate(c),
    code: 2,
    stderr: /model\\x1b\[2J\\u2028\.bin: SHA-256 is [0-9a-f]{64} but candidate\.json says 0{64}/,
  },
  {
    name: 'a column name with ESC, listed in a missing-column error: one escaped line',
    setup: (c) => {
      writeBundle(c.b, { ...APPROVED, manifest: { selected: 'c7' } });
      const f = join(c.b, 'returns.csv');
      writeFileSync(f, readFileSync(f, 'utf8').replace('c1', 'c1\x1b[8m'));
    },
    args: (c) => validate(c),
    code: 2,
    stderr: /"selected": "c7" is not a column of .* \(columns: c0, c1\\x1b\[8m\)/,
  },
  {
    name: 'a quoted column name holding a newline and a forged verdict: one escaped line',
    setup: (c) => {
      writeBundle(c.b, { ...APPROVED, manifest: { selected: 'c7' } });
      const f = join(c.b, 'returns.csv');
      writeFileSync(f, readFileSync(f, 'utf8').replace('c1', '"c1\nOverall: [PASS] APPROVED"'));
    },
    args: (c) => validate(c),
    code: 2,
    stderr: /columns: c0, c1\\nOverall: \[PASS\] APPROVED\)/,
  },
  {
    name: 'a cell with an escape sequence, quoted in the message: one escaped line',
    setup: (c) => {
      const f = join(c.b, 'returns.csv');
      const lines = readFileSync(f, 'utf8').split('\n');
      lines[5] = lines[5].replace(/,[^,]*$/, ',\x1b[31m0.1\u2028');
      writeFileSync(f, lines.join('\n'));
    },
    args: (c) => validate(c),
    code: 2,
    stderr: /returns\.csv, line 6, column 'c1': '\\x1b\[31m0\.1(\\u2028)?' is not a number/,
  },
  {
    name: 'winrate: a trade value with a bidi override: one escaped line',
    setup: (c) => {
      const f = join(c.b, 'trades.csv');
      const lines = readFileSync(f, 'utf8').split('\n');
      lines[3] = lines[3].replace(/,[^,]*$/, ',\u202e0.01');
      writeFileSync(f, lines.join('\n'));
    },
    args: (c) => ['winrate', join(c.b, 'trades.csv'), '--unit', 'return'],
    code: 2,
    stderr: /trades\.csv, line 4, column 'return': '\\u202e0\.01' is not a number/,
  },
  // commander adds its "(run with --help for usage)" hint as a second line.
  { name: 'an unknown option carrying ESC and a newline: commander\'s message escaped', args: (c) => validate(c, '--bogus\x1b[8m\nOverall: [PASS] APPROVED'), code: 2, stderr: /^error: unknown option '--bogus\\x1b\[8m\\nOverall: \[PASS\] APPROVED'$/, stderrLines: 2 },
  { name: 'a missing bundle path with a newline: one line', args: (c) => ['validate', join(c.d, 'no\nOverall: [PASS] APPROVED')], code: 2, stderr: /no\\nOverall: \[PASS\] APPROVED: bundle directory not found/ },
  { name: 'a missing policy path with ESC: one line', args: (c) => ['validate', c.b, '--policy', join(c.d, 'p\x1b[2J.json')], code: 2, stderr: /p\\x1b\[2J\.json: file not found/ },
  { name: '--json in a missing folder whose name holds U+2028: one line', args: (c) => validate(c, '--json', join(c.d, 'a\u2028b', 'r.json')), code: 2, stderr: /a\\u2028b\/r\.json: folder .* does not exist/ },
];

async function runCase(c: Case, skip: (note: string) => never): Promise<void> {
  const ctx: Ctx = { d: caseDir(root, c.name), p: '', b: '', s: {} };
  ctx.p = writePolicy(ctx.d);
  ctx.b = bundle(join(ctx.d, 'b'), APPROVED);
  const why = c.setup?.(ctx);
  if (typeof why === 'string') {
    console.log(`skipped: ${c.name}: ${why}`);
    skip(why);
  }
  try {
    const r = await runCliAsync(c.args(ctx), c.opts?.(ctx));
    expect(r.code, r.stderr).toBe(c.code);
    if (c.stderr === null) expect(r.stderr).toBe('');
    else if (c.stderr === 'summary') expect(r.stderr).toMatch(/^Gauntlet [\s\S]*\nOverall: [^\n]*\n$/);
    else {
      expect(lineCount(r.stderr), r.stderr).toBe(c.stderrLines ?? 1);
      expect(r.stderr.split('\n')[0]).toMatch(c.stderr);
    }
    expect(r.stderr).not.toMatch(/    at /); // never a stack trace
    c.check?.(ctx, r);
  } finally {
    // A reader still waiting on a FIFO (the CLI never opened it) gets its end of file.
    if (typeof ctx.s.fifo === 'string') {
      try {
        closeSync(openSync(ctx.s.fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        /* no reader left */
      }
    }
    // A descriptor handed to the child as its stdout would keep a tmpfs busy.
    if (typeof ctx.s.fd === 'number') {
      try {
        closeSync(ctx.s.fd);
      } catch {
        /* closed by the check */
      }
    }
  }
  if (ctx.s.checkAsync) await ctx.s.checkAsync;
}

describe.concurrent('outputs: regular files atomically, devices and FIFOs through, bad targets exit 2', () => {
  it.for(outputCases)('$name', async (c, { skip }) => runCase(c, skip));
});

describe.concurrent('terminal safety: untrusted text escaped, one verdict, one line per error', () => {
  it.for(terminalCases)('$name', async (c, { skip }) => runCase(c, skip));
});
