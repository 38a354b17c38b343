/**
 * The inputs corpus (issue 9, part A): bad input, resource abuse, numerics and the security
 * of inputs, each case run as a user would (the compiled CLI as a child process) and checked
 * for its exit code, exactly one line on stderr naming the file / line / column where there
 * is one (plus the warning lines a case expects), and what is (not) on disk afterwards: no
 * report when the run is refused; a finite, parseable report when it is computed.
 *
 * Cases run concurrently (a handful of processes at a time) so the corpus stays fast; no
 * case generates a big file (size limits are exercised with sparse files, memory limits with
 * a small --max-memory). FIFO and /dev/zero cases carry a deadline that proves no hang.
 * Cases that need root (mknod) skip with the reason when not root. The exit-3 case (a worker
 * that crashes, injected through the executor) is in test/e2e/crash.test.ts.
 */
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, tempDir, writeBundle, type BundleSpec } from '../helpers/bundle.js';

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Deadline per run: a FIFO or /dev/zero read that hung would be killed here and fail its case. */
const DEADLINE_MS = 20_000;

function runAsync(args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), DEADLINE_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

type Area = 'csv' | 'json' | 'options' | 'resource' | 'numerics' | 'security';

interface Case {
  area: Area;
  name: string;
  /** The bundle written at `dir` first (default: a standard one); false for none. */
  bundle?: BundleSpec | false;
  setup?: (dir: string) => void;
  /** Command line; `--json <out>` and `--workers 0` are added unless `plain`. */
  args: (dir: string) => string[];
  plain?: boolean;
  code: number | number[];
  /** The one stderr line of a refused run. */
  stderr?: RegExp;
  /** Warning lines ('gauntlet: warning: ...') the case expects on stderr besides. */
  warnings?: RegExp[];
  /** Must not appear anywhere in the output (e.g. the content of a file outside the bundle). */
  secret?: string;
  /** Extra on-disk checks. */
  check?: (dir: string, out: string, r: Result) => void;
  root?: boolean;
}

let root = '';
beforeAll(() => {
  root = tempDir('gauntlet-corpus-');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

// ---- small builders -------------------------------------------------------------------

const p = (dir: string, f: string) => join(dir, f);
const write = (f: string, content: string | Buffer) => (dir: string) => writeFileSync(p(dir, f), content);
const edit = (f: string, fn: (s: string) => string) => (dir: string) => writeFileSync(p(dir, f), fn(readFileSync(p(dir, f), 'utf8')));
const manifest = (patch: Record<string, unknown>) => edit('candidate.json', (s) => JSON.stringify({ ...JSON.parse(s), ...patch }));
const rawManifest = (text: string | Buffer) => write('candidate.json', text);
const fifo = (f: string) => (dir: string) => {
  rmSync(p(dir, f), { force: true, recursive: true });
  execFileSync('mkfifo', [p(dir, f)]);
};
const link = (f: string, target: string) => (dir: string) => {
  rmSync(p(dir, f), { force: true, recursive: true });
  symlinkSync(target, p(dir, f));
};
const sparse = (f: string, bytes: number) => (dir: string) => {
  writeFileSync(p(dir, f), '');
  truncateSync(p(dir, f), bytes);
};
const all = (...fs: ((dir: string) => void)[]) => (dir: string) => fs.forEach((f) => f(dir));
/** Replace data row `row` (1-based after the header) of a CSV with `line`. */
const row = (f: string, r: number, line: string) => edit(f, (s) => {
  const ls = s.split('\n');
  ls[r] = line;
  return ls.join('\n');
});
/** Replace the header line of a CSV. */
const header = (f: string, line: string) => row(f, 0, line);
const day = (i: number) => new Date(Date.UTC(2015, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
const tradesFile = (values: string[], head = 'exit_time,return') => [head, ...values.map((v, i) => `${day(i)},${v}`)].join('\n') + '\n';
const returnsFile = (T: number, cell: (t: number, n: number) => string, N = 4) =>
  ['date,' + Array.from({ length: N }, (_, n) => `c${n}`).join(','), ...Array.from({ length: T }, (_, t) => `${day(t)},${Array.from({ length: N }, (_, n) => cell(t, n)).join(',')}`)].join('\n') + '\n';
const policy = (obj: unknown) => write('policy.json', JSON.stringify(obj));
const V = (...extra: string[]) => (dir: string) => ['validate', dir, ...extra];
const VP = (...extra: string[]) => (dir: string) => ['validate', dir, '--policy', p(dir, 'policy.json'), ...extra];
const W = (f: string, ...extra: string[]) => (dir: string) => ['winrate', p(dir, f), '--unit', 'return', ...extra];
const PBO = (f: string, ...extra: string[]) => (dir: string) => ['pbo', p(dir, f), ...extra];
const WF = (f: string, ...extra: string[]) => (dir: string) => ['walkforward', p(dir, f), ...extra];
const MC = (f: string, ...extra: string[]) => (dir: string) => ['montecarlo', p(dir, f), '--unit', 'return', ...extra];
const err = (code: string, rest: string) => new RegExp(`^gauntlet: error \\[${code}\\]: ${rest}`);
const SECRET = 'TOP-SECRET-OUTSIDE-THE-BUNDLE';
const outsideFile = (name: string, content: string) => () => writeFileSync(join(root, name), content);
const isRoot = process.getuid?.() === 0;

// ---- the cases ------------------------------------------------------------------------

const csvCases: Case[] = [
  { area: 'csv', name: 'trades: text after a closing quote', setup: row('trades.csv', 3, `2015-01-03,${day(3)},TEST,"0.01"x`), args: V(), code: 2, stderr: err('E_CSV_QUOTE', ".*trades\\.csv, line 4, column 'return': text after a closing quote") },
  { area: 'csv', name: 'trades: quote inside an unquoted field', setup: row('trades.csv', 5, `2015-01-05,${day(5)},TE"ST,0.01`), args: V(), code: 2, stderr: err('E_CSV_QUOTE', ".*trades\\.csv, line 6, column 'symbol': a quote inside an unquoted field") },
  { area: 'csv', name: 'trades: unterminated quoted field', setup: row('trades.csv', 7, `2015-01-07,${day(7)},"TEST,0.01`), args: V(), code: 2, stderr: err('E_CSV_QUOTE', ".*trades\\.csv, line 8, column 'symbol': unterminated quoted field") },
  { area: 'csv', name: 'trades: two return columns', setup: header('trades.csv', 'entry_time,exit_time,return,return'), args: V(), code: 2, stderr: err('E_CSV_COLUMN_DUPLICATE', ".*trades\\.csv, line 1, column 'return': duplicate column name \\(columns 3 and 4\\)") },
  { area: 'csv', name: 'trades: return and pnl', setup: header('trades.csv', 'entry_time,exit_time,pnl,return'), args: V(), code: 2, stderr: err('E_CSV_COLUMN_DUPLICATE', ".*trades\\.csv, line 1, column 'pnl': has both 'return' and 'pnl'") },
  { area: 'csv', name: 'trades: Return next to return', setup: header('trades.csv', 'entry_time,exit_time,Return,return'), args: V(), code: 2, stderr: err('E_CSV_COLUMN_DUPLICATE', ".*trades\\.csv, line 1, column 'return': .*differ only in case") },
  { area: 'csv', name: 'trades: duplicate ignored column', setup: header('trades.csv', 'x,exit_time,x,return'), args: V(), code: 2, stderr: err('E_CSV_COLUMN_DUPLICATE', ".*trades\\.csv, line 1, column 'x'") },
  { area: 'csv', name: 'trades: two exit_time columns', setup: header('trades.csv', 'exit_time,exit_time,symbol,return'), args: V(), code: 2, stderr: err('E_CSV_COLUMN_DUPLICATE', ".*column 'exit_time'") },
  { area: 'csv', name: 'trades: CRLF then LF', setup: edit('trades.csv', (s) => s.replace('\n', '\r\n')), args: V(), code: 2, stderr: err('E_CSV_LINE_ENDING', '.*trades\\.csv, line 2: line ends in LF but line 1 ends in CRLF') },
  { area: 'csv', name: 'trades: LF then CRLF on line 40', setup: edit('trades.csv', (s) => s.split('\n').map((l, i) => (i === 39 ? l + '\r' : l)).join('\n')), args: V(), code: 2, stderr: err('E_CSV_LINE_ENDING', '.*trades\\.csv, line 40: line ends in CRLF but line 1 ends in LF') },
  { area: 'csv', name: 'trades: bare CR line ends', setup: edit('trades.csv', (s) => s.replace(/\n/g, '\r')), args: V(), code: 2, stderr: err('E_CSV_LINE_ENDING', '.*trades\\.csv, line 1, column 4: a bare CR') },
  { area: 'csv', name: 'trades: invalid UTF-8 in an extra field', setup: (d) => writeFileSync(p(d, 'trades.csv'), Buffer.concat([Buffer.from(tradesFile(Array.from({ length: 8 }, () => '0.01'), 'exit_time,return').replace(/\n$/, '') + '\n2015-01-09,0.01,T', 'utf8'), Buffer.from([0xff]), Buffer.from('ST\n')])), args: V(), code: 2, stderr: err('E_ENCODING', ".*trades\\.csv, line 10, column 3: invalid UTF-8 \\(byte 0xff\\)") },
  { area: 'csv', name: 'trades: overlong UTF-8', setup: (d) => writeFileSync(p(d, 'trades.csv'), Buffer.concat([Buffer.from('exit_time,symbol,return\n2015-01-01,'), Buffer.from([0xc0, 0xaf]), Buffer.from(',0.01\n')])), args: V(), code: 2, stderr: err('E_ENCODING', ".*trades\\.csv, line 2, column 'symbol': invalid UTF-8 \\(byte 0xc0\\)") },
  { area: 'csv', name: 'trades: UTF-8 encoded surrogate', setup: (d) => writeFileSync(p(d, 'trades.csv'), Buffer.concat([Buffer.from('exit_time,symbol,return\n2015-01-01,'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(',0.01\n')])), args: V(), code: 2, stderr: err('E_ENCODING', '.*line 2.*invalid UTF-8 \\(byte 0xed\\)') },
  { area: 'csv', name: 'trades: UTF-8 cut short at the end', setup: (d) => writeFileSync(p(d, 'trades.csv'), Buffer.concat([Buffer.from('exit_time,return,symbol\n2015-01-01,0.01,'), Buffer.from([0xe2, 0x82])])), args: V(), code: 2, stderr: err('E_ENCODING', ".*line 2, column 'symbol': invalid UTF-8 \\(byte 0xe2\\)") },
  { area: 'csv', name: 'trades: UTF-16 file', setup: (d) => writeFileSync(p(d, 'trades.csv'), Buffer.from('\ufeffexit_time,return\n2015-01-01,0.1\n', 'utf16le')), args: V(), code: 2, stderr: err('E_ENCODING', '.*trades\\.csv, line 1, column 1: invalid UTF-8 \\(byte 0xff\\)') },
  { area: 'csv', name: 'trades: row too wide', setup: row('trades.csv', 12, `${day(11)},${day(12)},TEST,0.01,extra`), args: V(), code: 2, stderr: err('E_CSV_ROW_WIDTH', '.*trades\\.csv, line 13: expected 4 fields, found 5') },
  { area: 'csv', name: 'trades: row too narrow', setup: row('trades.csv', 12, `${day(12)},0.01`), args: V(), code: 2, stderr: err('E_CSV_ROW_WIDTH', '.*trades\\.csv, line 13: expected 4 fields, found 2') },
  { area: 'csv', name: 'trades: empty file', setup: write('trades.csv', ''), args: V(), code: 2, stderr: err('E_CSV_HEADER', '.*trades\\.csv: file is empty') },
  { area: 'csv', name: 'trades: only a BOM', setup: write('trades.csv', '\ufeff'), args: V(), code: 2, stderr: err('E_CSV_HEADER', '.*trades\\.csv: file is empty') },
  { area: 'csv', name: 'trades: NUL byte in a value', setup: row('trades.csv', 2, `${day(1)},${day(2)},TEST,0.0\u00001`), args: V(), code: 2, stderr: err('E_CSV_VALUE', ".*trades\\.csv, line 3, column 'return': '0\\.0\\\\x001' is not a number") },
  { area: 'csv', name: 'trades: line longer than 16 MiB', setup: write('trades.csv', 'exit_time,return,note\n2015-01-01,0.1,' + 'x'.repeat(17 * 2 ** 20) + '\n'), args: V(), code: 2, stderr: err('E_CSV_LINE_LENGTH', '.*trades\\.csv, line 2: line longer than 16 MiB') },
  { area: 'csv', name: 'returns: text after a closing quote in the header', setup: header('returns.csv', 'date,"c0"c,c1,c2,c3,c4,c5'), args: V(), code: 2, stderr: err('E_CSV_QUOTE', '.*returns\\.csv, line 1, column 2: text after a closing quote') },
  { area: 'csv', name: 'returns: duplicate configuration column', setup: header('returns.csv', 'date,c0,c1,c2,c3,c4,c0'), args: V(), code: 2, stderr: err('E_CSV_COLUMN_DUPLICATE', ".*returns\\.csv, line 1, column 'c0': duplicate column name \\(columns 2 and 7\\)") },
  { area: 'csv', name: 'returns: a second date column', setup: header('returns.csv', 'date,c0,c1,c2,c3,c4,date'), args: V(), code: 2, stderr: err('E_CSV_COLUMN_DUPLICATE', ".*returns\\.csv, line 1, column 'date'") },
  { area: 'csv', name: 'returns: mixed line endings', setup: edit('returns.csv', (s) => s.split('\n').map((l, i) => (i === 100 ? l + '\r' : l)).join('\n')), args: V(), code: 2, stderr: err('E_CSV_LINE_ENDING', '.*returns\\.csv, line 101: line ends in CRLF but line 1 ends in LF') },
  { area: 'csv', name: 'returns: invalid UTF-8 in a column name', setup: (d) => writeFileSync(p(d, 'returns.csv'), Buffer.concat([Buffer.from('date,c0,c'), Buffer.from([0xfe]), Buffer.from(readFileSync(p(d, 'returns.csv'), 'utf8').slice('date,c0,c1'.length))])), args: V(), code: 2, stderr: err('E_ENCODING', '.*returns\\.csv, line 1, column 3: invalid UTF-8') },
  { area: 'csv', name: 'returns: text after a closing quote in a cell', setup: row('returns.csv', 30, `${day(29)},"0.01"5,0,0,0,0,0`), args: V(), code: 2, stderr: err('E_CSV_QUOTE', ".*returns\\.csv, line 31, column 'c0': text after a closing quote") },
  { area: 'csv', name: 'returns: hexadecimal cell', setup: row('returns.csv', 9, `${day(8)},0x10,0,0,0,0,0`), args: V(), code: 2, stderr: err('E_CSV_VALUE', ".*returns\\.csv, line 10, column 'c0': '0x10' is not a number") },
  { area: 'csv', name: 'returns: empty column name', setup: header('returns.csv', 'date,c0,,c2,c3,c4,c5'), args: V(), code: 2, stderr: err('E_CSV_HEADER', '.*returns\\.csv, line 1, column 3: column 3 has an empty name') },
  { area: 'csv', name: 'returns: impossible date', setup: row('returns.csv', 40, '2015-02-30,0,0,0,0,0,0'), args: V(), code: 2, stderr: err('E_CSV_DATE', ".*returns\\.csv, line 41, column 'date': '2015-02-30' is not a valid calendar date") },
  { area: 'csv', name: 'winrate: quoted cells, escaped quotes, a quoted line break, BOM and CRLF are accepted', bundle: false, setup: (d) => { mkdirSync(d); writeFileSync(p(d, 't.csv'), '\ufeffexit_time,note,return\r\n' + Array.from({ length: 120 }, (_, i) => `${day(i)},"a ""quoted"", note\r\nover two lines",${i % 3 ? '0.01' : '-0.01'}`).join('\r\n') + '\r\n'); }, args: W('t.csv'), code: 0 },
  { area: 'csv', name: 'winrate: 100 ignored columns cost nothing but the scan', bundle: false, setup: (d) => { mkdirSync(d); writeFileSync(p(d, 't.csv'), ['exit_time,' + Array.from({ length: 100 }, (_, i) => `x${i}`).join(',') + ',return', ...Array.from({ length: 200 }, (_, i) => `${day(i)},${'1,'.repeat(100)}${i % 4 ? '0.01' : '-0.01'}`)].join('\n') + '\n'); }, args: W('t.csv'), code: 0 },
];

const jsonCases: Case[] = [
  { area: 'json', name: 'candidate: duplicate top-level key', setup: rawManifest('{"id":"a","createdAt":"2026-11-20T00:00:00Z","returns":"returns.csv","trades":"trades.csv","selected":"c0","periodsPerYear":252,"tradeUnit":"return","selected":"c1"}'), args: V(), code: 2, stderr: err('E_JSON_DUPLICATE_KEY', '.*candidate\\.json, line 1, column 150: duplicate key "selected"') },
  { area: 'json', name: 'candidate: duplicate nested key', setup: rawManifest('{\n"id":"a",\n"model": {"artifact": "m", "sha256": "00",\n "sha256": "11"}\n}'), args: V(), code: 2, stderr: err('E_JSON_DUPLICATE_KEY', '.*candidate\\.json, line 4, column 2: duplicate key "model\\.sha256"') },
  { area: 'json', name: 'candidate: trailing comma', setup: rawManifest('{"id":"a",}'), args: V(), code: 2, stderr: err('E_JSON_PARSE', '.*candidate\\.json, line 1, column 11: not valid JSON') },
  { area: 'json', name: 'candidate: a comment', setup: rawManifest('{\n  // the id\n  "id": "a"\n}'), args: V(), code: 2, stderr: err('E_JSON_PARSE', ".*candidate\\.json, line 2, column 3: not valid JSON: expected a double-quoted key") },
  { area: 'json', name: 'candidate: NaN literal', setup: rawManifest('{"periodsPerYear": NaN}'), args: V(), code: 2, stderr: err('E_JSON_PARSE', ".*candidate\\.json, line 1, column 20: not valid JSON: unexpected character 'N'") },
  { area: 'json', name: 'candidate: a number that overflows', setup: rawManifest('{"periodsPerYear": 1e400}'), args: V(), code: 2, stderr: err('E_JSON_PARSE', '.*candidate\\.json, line 1, column 20: not valid JSON: number 1e400 is too large') },
  { area: 'json', name: 'candidate: invalid UTF-8', setup: (d) => writeFileSync(p(d, 'candidate.json'), Buffer.concat([Buffer.from('{"id": "'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')])), args: V(), code: 2, stderr: err('E_ENCODING', '.*candidate\\.json, line 1, column 9: invalid UTF-8') },
  { area: 'json', name: 'candidate: nesting 100,000 deep', setup: rawManifest('{"a":' + '['.repeat(100_000)), args: V(), code: 2, stderr: err('E_JSON_PARSE', '.*candidate\\.json, line 1, column \\d+: not valid JSON: nesting deeper than 64 levels') },
  { area: 'json', name: 'candidate: empty file', setup: rawManifest(''), args: V(), code: 2, stderr: err('E_JSON_PARSE', '.*candidate\\.json, line 1, column 1: not valid JSON: the file holds no JSON value') },
  { area: 'json', name: 'candidate: __proto__ key is just an unknown key', setup: edit('candidate.json', (s) => s.replace('{', '{"__proto__": {"isAdmin": true},')), args: V(), code: 2, stderr: err('E_SCHEMA', '.*candidate\\.json: invalid candidate manifest: .*Unrecognized key.*__proto__') },
  { area: 'json', name: 'candidate: an array, not an object', setup: rawManifest('[1,2]'), args: V(), code: 2, stderr: err('E_SCHEMA', '.*candidate\\.json: invalid candidate manifest') },
  { area: 'json', name: 'candidate: over the 1 MiB JSON limit (sparse)', setup: sparse('candidate.json', 2 * 2 ** 20), args: V(), code: 2, stderr: err('E_FILE_TOO_LARGE', '.*candidate\\.json: is 2 MiB \\(2097152 bytes\\), above the 1 MiB limit for JSON inputs') },
  { area: 'json', name: 'candidate: a NUL in a path', setup: manifest({ returns: 'returns.csv\u0000.txt' }), args: V(), code: 2, stderr: err('E_SCHEMA', '.*candidate\\.json: invalid candidate manifest: .*NUL') },
  { area: 'json', name: 'candidate: a UTF-8 BOM is accepted', setup: edit('candidate.json', (s) => '\ufeff' + s), args: V(), code: [0, 1] },
  { area: 'json', name: 'policy: duplicate key gates.pbo.S', setup: write('policy.json', '{"gates": {"pbo": {"S": 16, "S": 8}}}'), args: VP(), code: 2, stderr: err('E_JSON_DUPLICATE_KEY', '.*policy\\.json, line 1, column 29: duplicate key "gates\\.pbo\\.S"') },
  { area: 'json', name: 'policy: duplicate gate block', setup: write('policy.json', '{"gates": {"pbo": {"enabled": false},\n  "pbo": {"enabled": true}}}'), args: VP(), code: 2, stderr: err('E_JSON_DUPLICATE_KEY', '.*policy\\.json, line 2, column 3: duplicate key "gates\\.pbo"') },
  { area: 'json', name: 'policy: a UTF-8 BOM is accepted', setup: write('policy.json', '\ufeff{"gates": {"pbo": {"S": 16}}}'), args: VP(), code: [0, 1] },
  { area: 'json', name: 'policy: unterminated string', setup: write('policy.json', '{"strict": "yes'), args: VP(), code: 2, stderr: err('E_JSON_PARSE', '.*policy\\.json, line 1, column 12: not valid JSON: unterminated string') },
  { area: 'json', name: 'policy: raw control character in a string', setup: write('policy.json', '{"a\u0007": 1}'), args: VP(), code: 2, stderr: err('E_JSON_PARSE', '.*policy\\.json, line 1, column 4: not valid JSON: control character') },
  { area: 'json', name: 'policy: single quotes', setup: write('policy.json', "{'strict': true}"), args: VP(), code: 2, stderr: err('E_JSON_PARSE', '.*policy\\.json, line 1, column 2') },
  { area: 'json', name: 'policy: over the limit (sparse)', setup: sparse('policy.json', 5 * 2 ** 20), args: VP(), code: 2, stderr: err('E_FILE_TOO_LARGE', '.*policy\\.json: is 5 MiB') },
  { area: 'json', name: 'policy: threshold 1e999', setup: write('policy.json', '{"gates":{"winRate":{"threshold":1e999}}}'), args: VP(), code: 2, stderr: err('E_JSON_PARSE', '.*policy\\.json, line 1, column 34: not valid JSON: number 1e999 is too large') },
  { area: 'json', name: 'champion manifest: duplicate key', setup: write('champion.json', '{"id": "a", "id": "b"}'), args: (d) => ['validate', d, '--against', p(d, 'champion.json')], code: 2, stderr: err('E_JSON_DUPLICATE_KEY', '.*champion\\.json, line 1, column 13: duplicate key "id"') },
  { area: 'json', name: 'champion manifest: over the 64 MiB limit (sparse)', setup: sparse('champion.json', 65 * 2 ** 20), args: (d) => ['validate', d, '--against', p(d, 'champion.json')], code: 2, stderr: err('E_FILE_TOO_LARGE', '.*champion\\.json: is 65 MiB .* above the 64 MiB limit for champion manifests') },
];

const optionCases: Case[] = [
  { area: 'options', name: '--max-memory not a size', args: V('--max-memory', '12X'), code: 2, stderr: err('E_USAGE', "option --max-memory: '12X' is not a size") },
  { area: 'options', name: '--max-memory 0', args: V('--max-memory', '0'), code: 2, stderr: err('E_USAGE', "option --max-memory: '0' is not a size") },
  { area: 'options', name: '--max-memory 4G is accepted', args: V('--max-memory', '4G'), code: [0, 1] },
  { area: 'options', name: '--workers -1', args: V('--workers', '-1'), code: 2, stderr: err('E_USAGE', "option --workers: '-1' is not a whole number") },
  { area: 'options', name: '--workers 1e3', args: V('--workers', '1e3'), code: 2, stderr: err('E_USAGE', "option --workers: '1e3' is not a whole number") },
  { area: 'options', name: 'montecarlo --paths beyond 100 M', args: MC('trades.csv', '--paths', '200000000'), code: 2, stderr: err('E_USAGE', 'option --paths: 200000000 is out of range \\[1, 100000000\\]') },
  { area: 'options', name: 'montecarlo --horizon beyond 10 M', args: MC('trades.csv', '--horizon', '20000000'), code: 2, stderr: err('E_USAGE', 'option --horizon: 20000000 is out of range \\[1, 10000000\\]') },
  { area: 'options', name: 'montecarlo --horizon beyond 10 M in a policy', setup: policy({ gates: { monteCarlo: { horizon: 20_000_000 } } }), args: MC('trades.csv', '--policy', 'POLICY'), code: 2, stderr: err('E_SCHEMA', '.*policy\\.json: invalid policy: .*horizon') },
  { area: 'options', name: 'pbo --max-combinations beyond 1e9', args: PBO('returns.csv', '--max-combinations', '2000000000'), code: 2, stderr: err('E_USAGE', 'option --max-combinations: 2000000000 is out of range') },
  { area: 'options', name: 'pbo maxCombinations 1e300 in a policy', setup: write('policy.json', '{"gates":{"pbo":{"maxCombinations":1e300}}}'), args: VP(), code: 2, stderr: err('E_SCHEMA', '.*policy\\.json: invalid policy: .*maxCombinations') },
  { area: 'options', name: 'montecarlo --block-length 1e300', args: MC('trades.csv', '--block-length', '1e300'), code: 2, stderr: err('E_USAGE', 'invalid options: .*blockLength') },
  { area: 'options', name: 'montecarlo --initial-equity 0', args: MC('trades.csv', '--initial-equity', '0'), code: 2, stderr: err('E_USAGE', 'option --initial-equity: 0 must be > 0') },
  { area: 'options', name: 'montecarlo --threshold NaN', args: MC('trades.csv', '--threshold', 'NaN'), code: 2, stderr: err('E_USAGE', "option --threshold: 'NaN' is not a finite number") },
  { area: 'options', name: 'montecarlo --breach drawdown:1e999', args: MC('trades.csv', '--breach', 'drawdown:1e999'), code: 2, stderr: err('E_USAGE', "option --breach: '1e999' is not a finite number") },
  { area: 'options', name: '--seed 2^32', args: V('--seed', '4294967296'), code: 2, stderr: err('E_USAGE', 'option --seed: 4294967296 is out of range') },
  { area: 'options', name: 'pbo --S 34', args: PBO('returns.csv', '--S', '34'), code: 2, stderr: err('E_USAGE', 'invalid options: .*S') },
  { area: 'options', name: 'walkforward --gap beyond every row', args: WF('returns.csv', '--gap', '999999999'), code: 2, stderr: err('E_WF_INPUT', 'walk-forward: fewer than 6 full folds fit') },
  { area: 'options', name: '--debug is accepted and changes nothing for exit 2', setup: write('trades.csv', ''), args: V('--debug'), code: 2, stderr: err('E_CSV_HEADER', '.*trades\\.csv: file is empty') },
];

const resourceCases: Case[] = [
  { area: 'resource', name: 'pbo S = 32 with every combination (~100 GiB) refused up front', bundle: { T: 320 }, args: PBO('returns.csv', '--S', '32', '--max-combinations', '1000000000'), code: 2, stderr: err('E_RESOURCE_LIMIT', 'pbo: C = 601080390 combinations \\(S = 32\\) x N = 6 columns would need about [\\d.]+ GiB of memory, above the --max-memory budget') },
  { area: 'resource', name: 'pbo S = 32 in a validate policy', setup: policy({ gates: { pbo: { S: 32, maxCombinations: 1_000_000_000 } } }), args: VP(), code: 2, stderr: err('E_RESOURCE_LIMIT', 'pbo: C = 601080390 combinations') },
  { area: 'resource', name: 'pbo S = 20 under --max-memory 16M', args: PBO('returns.csv', '--S', '20', '--max-memory', '16M'), code: 2, stderr: err('E_RESOURCE_LIMIT', 'pbo: C = 184756 combinations \\(S = 20\\) x N = 6 columns would need about [\\d.]+ MiB of memory, above the --max-memory budget of 16 MiB') },
  { area: 'resource', name: 'pbo --logits too large for one report string', args: PBO('returns.csv', '--S', '32', '--max-combinations', '20000000', '--logits', '--max-memory', '1T'), code: 2, stderr: err('E_RESOURCE_LIMIT', 'pbo: --logits for 20000000 combinations would make a JSON report') },
  { area: 'resource', name: 'montecarlo 1e8 paths x 1e7 horizon over the work limit', args: MC('trades.csv', '--paths', '100000000', '--horizon', '10000000', '--method', 'iid', '--max-memory', '1T'), code: 2, stderr: err('E_RESOURCE_LIMIT', 'monteCarlo: 100000000 paths x horizon 10000000 is about 1\\.00e\\+15 inner-loop operations, above the work limit') },
  { area: 'resource', name: 'montecarlo 1e8 paths under --max-memory 1G', args: MC('trades.csv', '--paths', '100000000', '--max-memory', '1G'), code: 2, stderr: err('E_RESOURCE_LIMIT', 'monteCarlo: 100000000 paths x horizon 150 would need about [\\d.]+ GiB of memory, above the --max-memory budget of 1 GiB') },
  { area: 'resource', name: 'validate: the gates together over the budget', setup: policy({ gates: { monteCarlo: { paths: 530_000 } } }), args: VP('--max-memory', '40000000'), code: 2, stderr: err('E_RESOURCE_LIMIT', 'the gates together \\(inputs .*, walkForward .*, pbo .*, monteCarlo .*\\) would need about') },
  { area: 'resource', name: 'validate --max-memory 1M refuses before any gate runs', args: V('--max-memory', '1M'), code: 2, stderr: err('E_RESOURCE_LIMIT', '.*') },
  { area: 'resource', name: 'walkforward under --max-memory 64K', args: WF('returns.csv', '--max-memory', '64K'), code: 2, stderr: err('E_RESOURCE_LIMIT', '.*returns\\.csv: .*rows x 6 columns would need more than .* above the --max-memory budget of 64 KiB') },
  { area: 'resource', name: 'winrate: 300,000 trades under --max-memory 2M, refused while streaming', bundle: false, setup: (d) => { mkdirSync(d); writeFileSync(p(d, 't.csv'), 'exit_time,return\n' + '2020-01-01,0.01\n'.repeat(300_000)); }, args: W('t.csv', '--max-memory', '2M'), code: 2, stderr: err('E_RESOURCE_LIMIT', '.*t\\.csv: \\d+ trades would need more than .* above the --max-memory budget of 2 MiB') },
  { area: 'resource', name: 'pbo: a matrix over --max-memory 1M, refused while streaming', bundle: false, setup: (d) => { mkdirSync(d); writeFileSync(p(d, 'r.csv'), returnsFile(3000, (t, n) => ((t * 7 + n) % 13 / 1000).toFixed(3), 16)); }, args: PBO('r.csv', '--max-memory', '1M'), code: 2, stderr: err('E_RESOURCE_LIMIT', '.*r\\.csv: \\d+ rows x 16 columns would need more than') },
  { area: 'resource', name: '--workers 4096 is capped with one warning, not refused', args: V('--workers', '4096'), plain: true, code: [0, 1], warnings: [/^gauntlet: warning: --workers 4096 capped at \d+ \(4 x \d+ available cores?\)$/] },
  { area: 'resource', name: 'winrate on /dev/zero: refused at once, no hang', bundle: false, args: () => ['winrate', '/dev/zero', '--unit', 'return'], code: 2, stderr: err('E_FILE_TYPE', '/dev/zero: is a character device, expected a regular file') },
  { area: 'resource', name: 'pbo on /dev/urandom', bundle: false, args: () => ['pbo', '/dev/urandom'], code: 2, stderr: err('E_FILE_TYPE', '/dev/urandom: is a character device') },
  { area: 'resource', name: 'winrate on a FIFO with no writer: no hang', bundle: false, setup: (d) => { mkdirSync(d); execFileSync('mkfifo', [p(d, 't.csv')]); }, args: W('t.csv'), code: 2, stderr: err('E_FILE_TYPE', '.*t\\.csv: is a FIFO \\(named pipe\\), expected a regular file') },
  { area: 'resource', name: 'validate: trades.csv is a FIFO', setup: fifo('trades.csv'), args: V(), code: 2, stderr: err('E_FILE_TYPE', '.*trades\\.csv: is a FIFO') },
  { area: 'resource', name: 'validate: returns.csv is a FIFO', setup: fifo('returns.csv'), args: V(), code: 2, stderr: err('E_FILE_TYPE', '.*returns\\.csv: is a FIFO') },
  { area: 'resource', name: 'validate: candidate.json is a FIFO', setup: fifo('candidate.json'), args: V(), code: 2, stderr: err('E_FILE_TYPE', '.*candidate\\.json: is a FIFO') },
  { area: 'resource', name: '--policy is a FIFO', setup: (d) => execFileSync('mkfifo', [p(d, 'policy.json')]), args: VP(), code: 2, stderr: err('E_FILE_TYPE', '.*policy\\.json: is a FIFO') },
  { area: 'resource', name: '--policy /dev/zero', args: V('--policy', '/dev/zero'), code: 2, stderr: err('E_FILE_TYPE', '/dev/zero: is a character device') },
  { area: 'resource', name: '--policy is a directory', args: (d) => ['validate', d, '--policy', d], code: 2, stderr: err('E_FILE_TYPE', '.*: is a directory, expected a regular file') },
  { area: 'resource', name: '--against is a FIFO', setup: (d) => execFileSync('mkfifo', [p(d, 'champion.json')]), args: (d) => ['validate', d, '--against', p(d, 'champion.json')], code: 2, stderr: err('E_FILE_TYPE', '.*champion\\.json: is a FIFO') },
  { area: 'resource', name: 'validate: trades.csv is a directory', setup: (d) => { rmSync(p(d, 'trades.csv')); mkdirSync(p(d, 'trades.csv')); }, args: V(), code: 2, stderr: err('E_FILE_TYPE', '.*trades\\.csv: is a directory') },
  { area: 'resource', name: 'validate: a 5 GiB returns.csv (sparse) refused by size', setup: sparse('returns.csv', 5 * 2 ** 30), args: V(), code: 2, stderr: err('E_FILE_TOO_LARGE', '.*returns\\.csv: is 5 GiB \\(5368709120 bytes\\), above the 4 GiB limit for CSV inputs') },
  { area: 'resource', name: 'winrate: a 5 GiB trades.csv (sparse) refused by size', setup: sparse('trades.csv', 5 * 2 ** 30), args: W('trades.csv'), code: 2, stderr: err('E_FILE_TOO_LARGE', '.*trades\\.csv: is 5 GiB') },
  { area: 'resource', name: 'validate: trades.csv is a character device (mknod)', root: true, setup: (d) => { rmSync(p(d, 'trades.csv')); execFileSync('mknod', [p(d, 'trades.csv'), 'c', '1', '5']); }, args: V(), code: 2, stderr: err('E_FILE_TYPE', '.*trades\\.csv: is a character device'), check: (d) => expect(execFileSync('stat', ['-c', '%F', p(d, 'trades.csv')], { encoding: 'utf8' }).trim()).toBe('character special file') },
  { area: 'resource', name: 'validate: returns.csv is a block device (mknod)', root: true, setup: (d) => { rmSync(p(d, 'returns.csv')); execFileSync('mknod', [p(d, 'returns.csv'), 'b', '7', '200']); }, args: V(), code: 2, stderr: err('E_FILE_TYPE', '.*returns\\.csv: is a block device') },
];

const numericCases: Case[] = [
  { area: 'numerics', name: 'walkforward --periods-per-year 1e308', args: WF('returns.csv', '--periods-per-year', '1e308'), code: 2, stderr: err('E_USAGE', 'option --periods-per-year: 1e\\+308 must be > 0 and at most 1000000') },
  { area: 'numerics', name: 'walkforward --periods-per-year 0', args: WF('returns.csv', '--periods-per-year', '0'), code: 2, stderr: err('E_USAGE', 'option --periods-per-year: 0 must be > 0') },
  { area: 'numerics', name: 'walkforward --periods-per-year -252', args: WF('returns.csv', '--periods-per-year', '-252'), code: 2, stderr: err('E_USAGE', 'option --periods-per-year: -252 must be > 0') },
  { area: 'numerics', name: 'candidate periodsPerYear 1e308', setup: manifest({ periodsPerYear: 1e308 }), args: V(), code: 2, stderr: err('E_SCHEMA', '.*candidate\\.json: invalid candidate manifest: .*periodsPerYear') },
  { area: 'numerics', name: 'candidate initialEquity 1e300', setup: manifest({ initialEquity: 1e300 }), args: V(), code: 2, stderr: err('E_SCHEMA', '.*candidate\\.json: invalid candidate manifest: .*initialEquity') },
  { area: 'numerics', name: 'montecarlo --initial-equity 1e300', args: MC('trades.csv', '--initial-equity', '1e300'), code: 2, stderr: err('E_USAGE', 'option --initial-equity: 1e\\+300 must be > 0 and at most 1e15') },
  { area: 'numerics', name: 'trades: return 1e5 (a unit slip)', setup: row('trades.csv', 8, `${day(7)},${day(8)},TEST,1e5`), args: V(), code: 2, stderr: err('E_TRADE_VALUE', ".*trades\\.csv, line 9, column 'return': return 100000 is beyond \\+1000") },
  { area: 'numerics', name: 'trades: pnl 1e300', bundle: false, setup: (d) => { mkdirSync(d); writeFileSync(p(d, 't.csv'), tradesFile(['1e300', '-5'], 'exit_time,pnl')); }, args: (d) => ['winrate', p(d, 't.csv'), '--unit', 'pnl'], code: 2, stderr: err('E_TRADE_VALUE', ".*t\\.csv, line 2, column 'pnl': pnl 1e\\+300 is beyond \\+-1e15") },
  { area: 'numerics', name: 'trades: +1000 on every trade overflows compounding: named error, not NaN', setup: write('trades.csv', tradesFile(Array.from({ length: 150 }, () => '1000'))), args: MC('trades.csv', '--method', 'iid', '--paths', '200'), code: 2, stderr: err('E_NON_FINITE', '.*trades\\.csv: a resampled equity path overflowed float64') },
  { area: 'numerics', name: 'trades: returns near -1 underflow to zero equity: computed finitely', setup: write('trades.csv', tradesFile(Array.from({ length: 150 }, (_, i) => (i % 2 ? '-0.9999999999' : '0.5')))), args: MC('trades.csv', '--paths', '200', '--method', 'iid'), code: 1 },
  { area: 'numerics', name: 'pnl trades at 1e15 on 1e15 equity: computed finitely', setup: write('trades.csv', tradesFile(Array.from({ length: 150 }, (_, i) => (i % 3 ? '1e15' : '-1e15')), 'exit_time,pnl')), args: (d) => ['montecarlo', p(d, 'trades.csv'), '--unit', 'pnl', '--initial-equity', '1e15', '--paths', '200'], code: [0, 1] },
  { area: 'numerics', name: 'returns of 1e-140: mean metrics compute finitely', setup: all(write('returns.csv', returnsFile(320, (t, n) => `${(((t * 31 + n * 17) % 23) - 11 + (n === 0 ? 3 : 0))}e-140`, 6)), policy({ gates: { pbo: { metric: 'mean' }, walkForward: { metric: 'mean' } } })), args: VP(), code: [0, 1] },
  { area: 'numerics', name: 'returns of 1e-140: Sharpe computes finitely', setup: write('returns.csv', returnsFile(320, (t, n) => `${(((t * 31 + n * 17) % 23) - 11)}e-140`, 6)), args: WF('returns.csv'), code: [0, 1] },
  { area: 'numerics', name: 'returns of 1e-170: squares would underflow, refused by name (exit 2)', setup: write('returns.csv', returnsFile(320, (t, n) => `${(((t * 31 + n * 17) % 23) - 11)}e-170`, 6)), args: WF('returns.csv'), code: 2, stderr: err('E_CSV_VALUE', ".*returns\\.csv, line 2, column 'c0': -1\\.1e-169 is too small to be a per-period return") },
  { area: 'numerics', name: 'subnormal returns (5e-324) refused by name (exit 2)', setup: write('returns.csv', returnsFile(320, (t, n) => ((t + n) % 3 === 0 ? '5e-324' : (t + n) % 3 === 1 ? '-1e-323' : '0'), 6)), args: PBO('returns.csv', '--metric', 'mean'), code: 2, stderr: err('E_CSV_VALUE', ".*returns\\.csv, line 2, column 'c0': 5e-324 is too small to be a per-period return") },
  { area: 'numerics', name: 'returns at +-1000 exactly: computed finitely', setup: write('returns.csv', returnsFile(320, (t, n) => (((t * 7 + n * 3) % 5) - 2 > 0 ? '1000' : '-1000'), 6)), args: WF('returns.csv', '--metric', 'mean'), code: [0, 1] },
  { area: 'numerics', name: 'returns of 1000.5 refused', setup: row('returns.csv', 50, `${day(49)},1000.5,0,0,0,0,0`), args: V(), code: 2, stderr: err('E_CSV_VALUE', ".*returns\\.csv, line 51, column 'c0': 1000\\.5 is not a per-period simple return") },
  { area: 'numerics', name: 'returns cell 1e400', setup: row('returns.csv', 60, `${day(59)},0,1e400,0,0,0,0`), args: V(), code: 2, stderr: err('E_CSV_VALUE', ".*returns\\.csv, line 61, column 'c1': '1e400' overflows") },
  { area: 'numerics', name: 'pbo sortino without a negative return', setup: write('returns.csv', returnsFile(320, (t, n) => `0.0${1 + ((t + n) % 5)}`, 6)), args: PBO('returns.csv', '--metric', 'sortino'), code: 2, stderr: err('E_PBO_ZERO_VARIANCE', ".*returns\\.csv, column 'c0': there is no negative return") },
  { area: 'numerics', name: 'trailing breach 1e15 never reached: computed finitely', setup: write('trades.csv', tradesFile(Array.from({ length: 150 }, (_, i) => (i % 3 ? '10' : '-20')), 'exit_time,pnl')), args: (d) => ['montecarlo', p(d, 'trades.csv'), '--unit', 'pnl', '--initial-equity', '1000', '--breach', 'trailing:1e15', '--paths', '200'], code: 0 },
];

const securityCases: Case[] = [
  { area: 'security', name: 'returns path climbs out with ..', setup: manifest({ returns: '../../etc/passwd' }), args: V(), code: 2, stderr: err('E_PATH_OUTSIDE_BUNDLE', '.*candidate\\.json: "returns": "\\.\\./\\.\\./etc/passwd" is outside the bundle directory') },
  { area: 'security', name: 'trades path is absolute', setup: manifest({ trades: '/etc/passwd' }), args: V(), code: 2, stderr: err('E_PATH_OUTSIDE_BUNDLE', '.*"trades": "/etc/passwd" is outside the bundle') },
  { area: 'security', name: 'returns path climbs out through a subfolder', setup: manifest({ returns: 'sub/../../x.csv' }), args: V(), code: 2, stderr: err('E_PATH_OUTSIDE_BUNDLE', '.*"returns": "sub/\\.\\./\\.\\./x\\.csv" is outside') },
  { area: 'security', name: 'trades.csv links to /etc/hostname', setup: link('trades.csv', '/etc/hostname'), args: V(), code: 2, stderr: err('E_PATH_OUTSIDE_BUNDLE', '.*"trades": "trades\\.csv" links outside the bundle directory') },
  { area: 'security', name: 'trades.csv links to a sibling folder', setup: all(outsideFile('sibling-trades.csv', tradesFile(['0.01'])), link('trades.csv', '../sibling-trades.csv')), args: V(), code: 2, stderr: err('E_PATH_OUTSIDE_BUNDLE', '.*"trades": "trades\\.csv" links outside') },
  { area: 'security', name: 'returns through a linked folder leading outside', setup: all((d) => mkdirSync(join(root, 'outside-data'), { recursive: true }), (d) => writeFileSync(join(root, 'outside-data', 'returns.csv'), readFileSync(p(d, 'returns.csv'))), (d) => symlinkSync(join(root, 'outside-data'), p(d, 'data')), manifest({ returns: 'data/returns.csv' })), args: V(), code: 2, stderr: err('E_PATH_OUTSIDE_BUNDLE', '.*"returns": "data/returns\\.csv" links outside') },
  { area: 'security', name: 'a link to a file inside the bundle is fine', setup: all((d) => writeFileSync(p(d, 'real-trades.csv'), readFileSync(p(d, 'trades.csv'))), link('trades.csv', 'real-trades.csv')), args: V(), code: [0, 1], check: (_d, out) => expect(JSON.parse(readFileSync(out, 'utf8')).provenance.inputs[2].path).toMatch(/trades\.csv$/) },
  { area: 'security', name: 'candidate.json links outside: refused, content never echoed', setup: all(outsideFile('secret-candidate.json', JSON.stringify({ id: SECRET, createdAt: '2026-11-20T00:00:00Z', returns: 'returns.csv', trades: 'trades.csv', selected: 'c0', periodsPerYear: 252, tradeUnit: 'return' })), link('candidate.json', '../secret-candidate.json')), args: V(), code: 2, secret: SECRET, stderr: err('E_PATH_OUTSIDE_BUNDLE', '.*candidate\\.json: links outside the bundle directory') },
  { area: 'security', name: 'candidate.json links to a non-JSON secret outside', setup: all(outsideFile('shadow', `${SECRET}:x:0:0`), link('candidate.json', '../shadow')), args: V(), code: 2, secret: SECRET, stderr: err('E_PATH_OUTSIDE_BUNDLE', '.*candidate\\.json: links outside') },
  { area: 'security', name: 'candidate.json links to /dev/zero', setup: link('candidate.json', '/dev/zero'), args: V(), code: 2, stderr: err('E_FILE_TYPE', '.*candidate\\.json: is a character device') },
  { area: 'security', name: 'candidate.json is a directory', setup: (d) => { rmSync(p(d, 'candidate.json')); mkdirSync(p(d, 'candidate.json')); }, args: V(), code: 2, stderr: err('E_FILE_TYPE', '.*candidate\\.json: is a directory') },
  { area: 'security', name: 'candidate.json is a dangling link', setup: link('candidate.json', 'nowhere.json'), args: V(), code: 2, stderr: err('E_FILE_MISSING', '.*candidate\\.json: dangling symbolic link') },
  { area: 'security', name: 'trades.csv is a link loop', setup: all(link('trades.csv', 'loop.csv'), link('loop.csv', 'trades.csv')), args: V(), code: 2, stderr: err('E_FILE_TYPE', '.*trades\\.csv: symbolic link loop') },
  { area: 'security', name: 'model artifact declared but missing', setup: manifest({ model: { artifact: 'model.bin', sha256: 'a'.repeat(64) } }), args: V(), code: 2, stderr: err('E_FILE_MISSING', '.*model\\.bin: file not found: a model artifact declared in candidate\\.json must be a file of the bundle') },
  { area: 'security', name: 'model artifact is a dangling link', setup: all(manifest({ model: { artifact: 'model.bin', sha256: 'a'.repeat(64) } }), link('model.bin', 'gone.bin')), args: V(), code: 2, stderr: err('E_FILE_MISSING', '.*model\\.bin: dangling symbolic link') },
  { area: 'security', name: 'model artifact links outside', setup: all(manifest({ model: { artifact: 'model.bin', sha256: 'a'.repeat(64) } }), link('model.bin', '/etc/hostname')), args: V(), code: 2, stderr: err('E_PATH_OUTSIDE_BUNDLE', '.*"model\\.artifact": "model\\.bin" links outside') },
  { area: 'security', name: 'model artifact is a directory', setup: all(manifest({ model: { artifact: 'model.bin', sha256: 'a'.repeat(64) } }), (d) => mkdirSync(p(d, 'model.bin'))), args: V(), code: 2, stderr: err('E_FILE_TYPE', '.*model\\.bin: is a directory') },
  { area: 'security', name: 'model artifact is a FIFO', setup: all(manifest({ model: { artifact: 'model.bin', sha256: 'a'.repeat(64) } }), fifo('model.bin')), args: V(), code: 2, stderr: err('E_FILE_TYPE', '.*model\\.bin: is a FIFO') },
  { area: 'security', name: 'model artifact path is absolute', setup: manifest({ model: { artifact: '/etc/hostname', sha256: 'a'.repeat(64) } }), args: V(), code: 2, stderr: err('E_PATH_OUTSIDE_BUNDLE', '.*"model\\.artifact": "/etc/hostname" is outside') },
  { area: 'security', name: 'model artifact with another hash', setup: all(write('model.bin', 'weights'), manifest({ model: { artifact: 'model.bin', sha256: 'd'.repeat(64) } })), args: V(), code: 2, stderr: err('E_HASH_MISMATCH', '.*model\\.bin: SHA-256 is 9a129038d9a00aed0cf6a7ea059ca50a813449061ab87848cf1a13eafdf33b2c but candidate\\.json says d{64}') },
  { area: 'security', name: 'model artifact present with its hash: verified in the report', setup: all(write('model.bin', 'weights'), manifest({ model: { artifact: 'model.bin', sha256: '9a129038d9a00aed0cf6a7ea059ca50a813449061ab87848cf1a13eafdf33b2c' } })), args: V(), code: [0, 1], check: (_d, out) => expect(JSON.parse(readFileSync(out, 'utf8')).provenance.inputs[3]).toMatchObject({ role: 'model', bytes: 7, verified: true }) },
  { area: 'security', name: 'a bundle reached through a link works', bundle: false, setup: (d) => { writeBundle(d + '-real'); symlinkSync(d + '-real', d); }, args: V(), code: [0, 1] },
  { area: 'security', name: 'the bundle is a file, not a folder', bundle: false, setup: (d) => writeFileSync(d, 'x'), args: V(), code: 2, stderr: err('E_FILE_TYPE', '.*: is not a directory \\(a candidate bundle is a directory holding candidate\\.json\\)') },
];

/** Batch: the same loader, so the same refusals; nothing outside a bundle is read, nothing hangs. */
const batchCase = (name: string, build: (batch: string) => void, expectLine: (e: any) => void, code: number | number[], secret?: string): Case => ({
  area: 'security',
  name: `batch: ${name}`,
  bundle: false,
  setup: (d) => {
    mkdirSync(d);
    build(d);
  },
  args: (d) => ['batch', d, '--out', d + '.jsonl', '--workers', '0', '--progress', 'none'],
  plain: true,
  code,
  secret,
  check: (d) => {
    const lines = readFileSync(d + '.jsonl', 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    if (secret) expect(lines[0]).not.toContain(secret);
    expectLine(JSON.parse(lines[0]));
  },
});
const batchCases: Case[] = [
  batchCase('trades.csv links outside the bundle', (b) => { writeBundle(join(b, 'a')); writeFileSync(join(root, 'batch-outside.csv'), SECRET); rmSync(join(b, 'a', 'trades.csv')); symlinkSync(join(root, 'batch-outside.csv'), join(b, 'a', 'trades.csv')); }, (e) => {
    expect(e.error.code).toBe('E_PATH_OUTSIDE_BUNDLE');
    expect(Object.keys(e.files)).toEqual(['candidate.json', 'returns.csv']);
  }, 2, SECRET),
  batchCase('candidate.json links outside: no id taken from it', (b) => { writeBundle(join(b, 'a')); writeFileSync(join(root, 'batch-candidate.json'), JSON.stringify({ id: SECRET })); rmSync(join(b, 'a', 'candidate.json')); symlinkSync(join(root, 'batch-candidate.json'), join(b, 'a', 'candidate.json')); }, (e) => {
    expect(e.error.code).toBe('E_PATH_OUTSIDE_BUNDLE');
    expect(e.id).toBeNull();
  }, 2, SECRET),
  batchCase('a FIFO the bundle does not use is skipped, not opened', (b) => { writeBundle(join(b, 'a')); execFileSync('mkfifo', [join(b, 'a', 'notes.fifo')]); }, (e) => {
    expect(e.error).toBeNull();
    expect(Object.keys(e.files)).toEqual(['candidate.json', 'returns.csv', 'trades.csv']);
  }, [0, 1]),
  batchCase('trades.csv is a FIFO: its own error line, no hang', (b) => { writeBundle(join(b, 'a')); rmSync(join(b, 'a', 'trades.csv')); execFileSync('mkfifo', [join(b, 'a', 'trades.csv')]); }, (e) => expect(e.error.code).toBe('E_FILE_TYPE'), 2),
  batchCase('a duplicate key in candidate.json', (b) => { writeBundle(join(b, 'a')); writeFileSync(join(b, 'a', 'candidate.json'), readFileSync(join(b, 'a', 'candidate.json'), 'utf8').replace('{', '{"id": "first",')); }, (e) => expect(e.error.code).toBe('E_JSON_DUPLICATE_KEY'), 2),
  batchCase('a declared model artifact that is missing', (b) => { writeBundle(join(b, 'a'), { manifest: { model: { artifact: 'model.bin', sha256: 'b'.repeat(64) } } }); }, (e) => expect(e.error.code).toBe('E_FILE_MISSING'), 2),
  batchCase('--max-memory applies to each candidate', (b) => writeBundle(join(b, 'a')), (e) => expect(e.error.code).toBe('E_RESOURCE_LIMIT'), 2),
];
// The last batch case needs the flag.
batchCases[batchCases.length - 1].args = (d) => ['batch', d, '--out', d + '.jsonl', '--workers', '0', '--progress', 'none', '--max-memory', '1M'];

const cases: Case[] = [...csvCases, ...jsonCases, ...optionCases, ...resourceCases, ...numericCases, ...securityCases, ...batchCases];

// ---- the runner -----------------------------------------------------------------------

const slug = (s: string) => s.replace(/[^a-z0-9]+/gi, '-').slice(0, 80);

describe.concurrent('inputs corpus', () => {
  it.for(cases.map((c) => ({ ...c, title: `${c.area}: ${c.name}` })))('$title', async (c, ctx) => {
    if (c.root && !isRoot) {
      console.warn(`skipped '${c.name}': needs root (mknod)`);
      ctx.skip();
    }
    const dir = join(root, `${c.area}-${slug(c.name)}`);
    if (c.bundle !== false) writeBundle(dir, c.bundle ?? {});
    c.setup?.(dir);
    const out = `${dir}.report.json`;
    let args = c.args(dir).map((a) => (a === 'POLICY' ? p(dir, 'policy.json') : a));
    // winrate has no pool, so no --workers.
    if (!c.plain) args = [args[0], '--json', out, ...(args[0] === 'winrate' ? [] : ['--workers', '0']), ...args.slice(1)];
    const r = await runAsync(args);
    const codes = Array.isArray(c.code) ? c.code : [c.code];
    ctx.expect(r.signal, `killed: it hung past ${DEADLINE_MS} ms`).toBeNull();
    ctx.expect(codes, r.stderr).toContain(r.code);
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    const warnings = c.warnings ?? [];
    ctx.expect(lines.slice(0, warnings.length).length).toBe(warnings.length);
    warnings.forEach((w, i) => ctx.expect(lines[i]).toMatch(w));
    const rest = lines.slice(warnings.length);
    if (r.code === 2 && c.plain !== true) {
      ctx.expect(rest, r.stderr).toHaveLength(1);
      ctx.expect(rest[0]).toMatch(/^gauntlet: error \[E_[A-Z_]+\]: /);
      if (c.stderr) ctx.expect(rest[0]).toMatch(c.stderr);
      ctx.expect(r.stdout).toBe('');
      ctx.expect(existsSync(out), 'no report is written for a refused run').toBe(false);
    } else if (c.plain !== true) {
      ctx.expect(rest, r.stderr).toEqual([]);
      // Computed: a whole, finite report (JSON.parse refuses NaN and Infinity).
      const report = JSON.parse(readFileSync(out, 'utf8'));
      ctx.expect(JSON.stringify(report)).not.toMatch(/NaN|Infinity/);
    } else if (c.stderr) {
      ctx.expect(rest).toHaveLength(1);
      ctx.expect(rest[0]).toMatch(c.stderr);
    } else {
      ctx.expect(rest, r.stderr).toEqual([]);
    }
    if (c.secret) ctx.expect(r.stdout + r.stderr).not.toContain(c.secret);
    ctx.expect(tempFilesBeside(dir)).toEqual([]);
    c.check?.(dir, out, r);
  });

  it('holds at least 100 cases over every area', () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
    for (const a of ['csv', 'json', 'options', 'resource', 'numerics', 'security']) expect(cases.filter((c) => c.area === a).length).toBeGreaterThanOrEqual(6);
  });
});

/** Temp files of an atomic write left beside this case's report (there must be none). */
function tempFilesBeside(dir: string): string[] {
  const name = dir.slice(root.length + 1);
  return readdirSync(root).filter((f) => f.endsWith('.tmp') && f.includes(name));
}
