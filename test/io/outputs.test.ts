/**
 * Unit tests for the output side (issue 9): the escaping functions, output targets and
 * atomic writes, the journal writer and its lock. The CLI-level cases are in test/corpus.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeJsonText, escapeText, textLines } from '../../src/escape.js';
import { GauntletError } from '../../src/errors.js';
import { resolveOutput, sameOutput, writeError, writeFileAtomic, writeOutput } from '../../src/io/atomic.js';
import { JournalLock, JournalWriter, lockPathFor, readJournalLines } from '../../src/io/journal.js';
import { tempDir } from '../helpers/bundle.js';

let root: string;
beforeAll(() => {
  root = tempDir('gauntlet-outputs-');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('escapeText: nothing that moves the cursor or splits a line gets through', () => {
  it.each([
    ['newline and carriage return', 'a\nb\rc', 'a\\nb\\rc'],
    ['tab, NUL, BEL, DEL', '\t\x00\x07\x7f', '\\t\\x00\\x07\\x7f'],
    ['ESC sequences', '\x1b[8mhidden\x1b]0;t\x07', '\\x1b[8mhidden\\x1b]0;t\\x07'],
    ['C1 controls (NEL, CSI)', '\u0085\u009b', '\\x85\\x9b'],
    ['line and paragraph separators', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
    ['bidi overrides, isolates and marks', '\u202e\u2066\u200f\u061c', '\\u202e\\u2066\\u200f\\u061c'],
    ['BOM and lone surrogates', '\ufeff\ud800x\udc00', '\\ufeff\\ud800x\\udc00'],
  ])('%s', (_label, input, expected) => {
    expect(escapeText(input)).toBe(expected);
    expect(escapeText(expected)).toBe(expected); // idempotent: escapes are plain ASCII
  });
  it('leaves printable text alone (accents, CJK, emoji pairs, backslashes)', () => {
    const s = 'café 東京 😀 a\\b "q" \'q\'';
    expect(escapeText(s)).toBe(s);
  });
  it('textLines escapes each line on its own: a newline inside a field never starts a line', () => {
    const text = textLines([`candidate 'x\nOverall: [PASS] APPROVED'`, 'Overall: [FAIL] REJECTED']);
    expect(text.split('\n')).toEqual(["candidate 'x\\nOverall: [PASS] APPROVED'", 'Overall: [FAIL] REJECTED', '']);
  });
  it('GauntletError messages use the same escaping', () => {
    expect(new GauntletError('E_SCHEMA', 'id\u2028x\x1b[2J').message).toBe('id\\u2028x\\x1b[2J');
  });
});

describe('escapeJsonText: one line per JSON Lines record, same parsed value', () => {
  it('escapes U+2028/U+2029/U+0085, C1 and bidi controls inside strings, keeps structural newlines', () => {
    const value = { id: 'a\u2028b\u2029c\u0085d\u009b\u202ee\x7f', n: 1 };
    const pretty = JSON.stringify(value, null, 2);
    const safe = escapeJsonText(pretty);
    expect(safe).not.toMatch(/[\u2028\u2029\u0085\u009b\u202e\x7f]/);
    expect(safe.split('\n')).toHaveLength(pretty.split('\n').length);
    expect(JSON.parse(safe)).toEqual(value);
    const line = escapeJsonText(JSON.stringify(value));
    expect(line.split(/\r\n|[\n\r\u0085\u2028\u2029]/)).toHaveLength(1);
  });
});

describe('output targets', () => {
  it('refuses an empty path, a folder, a missing folder and a dangling link, each in one line', () => {
    const d = join(root, 'targets');
    mkdirSync(d);
    symlinkSync(join(d, 'nowhere'), join(d, 'dangling'));
    const cases: [string, RegExp][] = [
      ['', /^'': the output path is empty$/],
      [d, /targets: is a folder; give a file path for the output$/],
      [join(d, 'no', 'r.json'), /no\/r\.json: folder .*no does not exist \(ENOENT: no such file or folder\)$/],
      [join(d, 'dangling'), /dangling: is a symbolic link to a missing file; give the real path$/],
    ];
    for (const [path, msg] of cases) {
      let err: unknown;
      try {
        resolveOutput(path);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(GauntletError);
      expect(err).toMatchObject({ code: 'E_OUTPUT_TARGET', exitCode: 2 });
      expect((err as Error).message).toMatch(msg);
    }
  });
  it('classifies regular files and new paths as atomic, devices as write-through, fd aliases as descriptors', () => {
    const d = join(root, 'kinds');
    mkdirSync(d);
    writeFileSync(join(d, 'f'), 'x');
    expect(resolveOutput(join(d, 'f')).kind).toBe('atomic');
    expect(resolveOutput(join(d, 'new')).kind).toBe('atomic');
    expect(resolveOutput('/dev/null').kind).toBe('through'); // only classified, never written here
    expect(resolveOutput('/dev/stdout')).toEqual({ kind: 'descriptor', fd: 1 });
    expect(resolveOutput('/dev/fd/2')).toEqual({ kind: 'descriptor', fd: 2 });
    expect(resolveOutput(`/proc/${process.pid}/fd/1`)).toEqual({ kind: 'descriptor', fd: 1 });
  });
  it('writes atomically: the whole content, no temp file left; refuses a FIFO for an atomic-only write', () => {
    const d = join(root, 'atomic');
    mkdirSync(d);
    writeOutput(join(d, 'r.json'), 'first');
    writeOutput(join(d, 'r.json'), Buffer.from('second'));
    expect(readFileSync(join(d, 'r.json'), 'utf8')).toBe('second');
    expect(readdirSync(d)).toEqual(['r.json']);
    execFileSync('mkfifo', [join(d, 'p')]);
    expect(() => writeFileAtomic(join(d, 'p'), 'x')).toThrow(/p: must be a regular file or a new path/);
  });
  it('names the file and the system reason in a write error (exit 2)', () => {
    const e = writeError('/x/r.json', Object.assign(new Error('no space'), { code: 'ENOSPC' }));
    expect(e).toMatchObject({ code: 'E_FILE_WRITE', exitCode: 2, message: '/x/r.json: cannot write (ENOSPC: no space left on device)' });
  });
  it('sameOutput sees two spellings of one file', () => {
    const d = join(root, 'same');
    mkdirSync(d);
    writeFileSync(join(d, 'j'), '');
    expect(sameOutput(join(d, 'j'), join(d, '.', 'j'))).toBe(true);
    expect(sameOutput(join(d, 'j'), join(d, 'k'))).toBe(false);
  });
});

describe('journal writer and lock', () => {
  it('appends escaped lines whole and refuses a line with a newline', () => {
    const f = join(root, 'j.jsonl');
    const w = new JournalWriter(f, true);
    w.append(JSON.stringify({ id: 'a\u2028b' }));
    expect(() => w.append('x\ny')).toThrow(/newline/);
    w.close();
    expect(readFileSync(f, 'utf8')).toBe('{"id":"a\\u2028b"}\n');
    expect(readJournalLines(f).map((l) => JSON.parse(l).id)).toEqual(['a\u2028b']);
  });
  it('refuses a FIFO or a folder as the journal without opening it', () => {
    const p = join(root, 'jp');
    execFileSync('mkfifo', [p]);
    expect(() => new JournalWriter(p, false)).toThrow(/--out must be a regular file or a new path/);
    expect(() => new JournalWriter(root, false)).toThrow(/is a folder/);
  });
  it('holds the lock; a live owner refuses, a dead one is recovered with a note, release removes only its own', () => {
    const f = join(root, 'locked.jsonl');
    const lockFile = lockPathFor(f);
    expect(lockFile).toMatch(/locked\.jsonl\.lock$/);
    // pid 1 always runs: a live owner.
    writeFileSync(lockFile, `1 ${hostname()}\n`);
    expect(() => JournalLock.acquire(f)).toThrow(/the journal is in use by another gauntlet batch \(pid 1, lock file .*locked\.jsonl\.lock\)/);
    const dead = spawnSync(process.execPath, ['-e', '']).pid!; // exited and reaped
    writeFileSync(lockFile, `${dead} ${hostname()}\n`);
    const notes: string[] = [];
    const lock = JournalLock.acquire(f, (n) => notes.push(n));
    expect(notes).toEqual([`removed a stale lock ${lockFile} left by pid ${dead}, which is no longer running`]);
    expect(readFileSync(lockFile, 'utf8')).toBe(`${process.pid} ${hostname()}\n`);
    lock.release();
    expect(existsSync(lockFile)).toBe(false);
    // A lock another batch took over is not ours to remove.
    const again = JournalLock.acquire(f);
    writeFileSync(lockFile, `1 ${hostname()}\n`);
    again.release();
    expect(readFileSync(lockFile, 'utf8')).toBe(`1 ${hostname()}\n`);
    rmSync(lockFile);
    expect(readdirSync(root).filter((n) => n.includes('.lock.'))).toEqual([]);
  });
});
