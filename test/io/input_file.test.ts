/**
 * Opening inputs: regular files only (never opening a FIFO or device), size limits from
 * fstat, containment of real paths, and the hash of exactly the bytes read.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GauntletError } from '../../src/errors.js';
import { hashInput, InputFile, readInput } from '../../src/io/input_file.js';
import { readTradesCsv } from '../../src/io/trades_csv.js';
import { bundleFileHashes, inputHashesByRelativePath, loadCandidate } from '../../src/io/candidate.js';
import { tempDir, writeBundle } from '../helpers/bundle.js';

let root: string;
beforeAll(() => {
  root = tempDir('gauntlet-input-');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const opts = { limit: 1024, limitName: 'test inputs' };

function caught(f: () => unknown): GauntletError {
  try {
    f();
  } catch (e) {
    return e as GauntletError;
  }
  throw new Error('expected an error');
}

describe('InputFile', () => {
  it('reads a regular file and hashes exactly its bytes', () => {
    const f = join(root, 'a.txt');
    writeFileSync(f, 'hello');
    const { bytes, sha256 } = readInput(f, opts);
    expect(bytes.toString()).toBe('hello');
    expect(sha256).toBe(createHash('sha256').update('hello').digest('hex'));
    expect(hashInput(f, opts).sha256).toBe(sha256);
  });
  it('refuses FIFOs, devices and folders without opening them (no hang)', () => {
    const fifo = join(root, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const t0 = Date.now();
    expect(caught(() => readInput(fifo, opts))).toMatchObject({ code: 'E_FILE_TYPE', message: `${fifo}: is a FIFO (named pipe), expected a regular file` });
    expect(caught(() => readInput('/dev/zero', opts))).toMatchObject({ code: 'E_FILE_TYPE', message: '/dev/zero: is a character device, expected a regular file' });
    expect(caught(() => readInput(root, opts))).toMatchObject({ code: 'E_FILE_TYPE', message: `${root}: is a directory, expected a regular file` });
    expect(Date.now() - t0).toBeLessThan(5000);
  });
  it('names a missing file, a dangling link and a link loop', () => {
    expect(caught(() => readInput(join(root, 'nope'), opts))).toMatchObject({ code: 'E_FILE_MISSING', message: `${join(root, 'nope')}: file not found` });
    symlinkSync(join(root, 'nowhere'), join(root, 'dangling'));
    expect(caught(() => readInput(join(root, 'dangling'), opts)).message).toMatch(/dangling symbolic link/);
    symlinkSync(join(root, 'loop2'), join(root, 'loop1'));
    symlinkSync(join(root, 'loop1'), join(root, 'loop2'));
    expect(caught(() => readInput(join(root, 'loop1'), opts))).toMatchObject({ code: 'E_FILE_TYPE' });
  });
  it('checks the size limit from fstat before reading (a sparse file costs nothing)', () => {
    const f = join(root, 'sparse');
    writeFileSync(f, '');
    truncateSync(f, 1025);
    expect(caught(() => readInput(f, opts))).toMatchObject({ code: 'E_FILE_TOO_LARGE', message: `${f}: is 1 KiB (1025 bytes), above the 1 KiB limit for test inputs (README, Limits)` });
  });
  it('refuses a file that grows while it is read (what was hashed is what was parsed)', () => {
    const f = join(root, 'grows');
    writeFileSync(f, 'abc');
    const input = new InputFile(f, opts);
    appendFileSync(f, 'def');
    const chunk = Buffer.alloc(16);
    expect(caught(() => {
      while (input.read(chunk, 0, chunk.length) > 0);
    })).toMatchObject({ code: 'E_FILE_CHANGED', message: `${f}: grew while being read (fstat said 3 bytes)` });
    input.close();
  });
  it('refuses a real path outside the containing folder before opening it', () => {
    const inside = join(root, 'bundle');
    mkdirSync(inside);
    writeFileSync(join(root, 'secret.csv'), 'x');
    symlinkSync(join(root, 'secret.csv'), join(inside, 'link.csv'));
    const outside = () => new GauntletError('E_PATH_OUTSIDE_BUNDLE', 'outside');
    expect(caught(() => readInput(join(inside, 'link.csv'), { ...opts, within: { realDir: inside, outside } })).code).toBe('E_PATH_OUTSIDE_BUNDLE');
  });
  it('hashes a streamed CSV from the bytes it parsed', () => {
    const f = join(root, 't.csv');
    const text = 'exit_time,return\n2020-01-01,0.1\n2020-01-02,-0.05\n';
    writeFileSync(f, text);
    const t = readTradesCsv(f, 'return');
    expect(t.sha256).toBe(createHash('sha256').update(text).digest('hex'));
    expect(t.bytes).toBe(text.length);
    expect(Array.from(t.trades.values)).toEqual([0.1, -0.05]);
  });
});

describe('bundleFileHashes (the batch key) follows the loader\'s rules', () => {
  it('hashes what resolves inside the bundle once, skips links out, loops, dangling links and FIFOs unopened', () => {
    const b = writeBundle(join(root, 'keyed'));
    mkdirSync(join(b, 'sub'));
    writeFileSync(join(b, 'sub', 'notes.txt'), 'n');
    symlinkSync('..', join(b, 'sub', 'loop'));
    symlinkSync('../trades.csv', join(b, 'sub', 'trades-link.csv'));
    symlinkSync('/etc/hostname', join(b, 'outside'));
    symlinkSync(join(root, 'nowhere'), join(b, 'dangling'));
    execFileSync('mkfifo', [join(b, 'pipe')]);
    const files = bundleFileHashes(b);
    expect(Object.keys(files)).toEqual(['candidate.json', 'returns.csv', 'sub/notes.txt', 'sub/trades-link.csv', 'trades.csv']);
    expect(files['sub/trades-link.csv']).toBe(files['trades.csv']);
    // The loader's hashes of what it parsed agree with the key's, file by file.
    const c = loadCandidate(b);
    for (const [rel, sha] of Object.entries(inputHashesByRelativePath(c))) expect(files[rel]).toBe(sha);
  });
});
