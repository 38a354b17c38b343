/**
 * The bad-input table (issue 2): every case exits 2 with exactly one line on stderr that
 * names the file (and line/column where there is one) and the problem, and writes no report.
 */
import { existsSync, readFileSync, writeFileSync, rmSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeBundle } from '../helpers/bundle.js';

let root: string;
beforeAll(() => {
  root = tempDir('gauntlet-bad-');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Mutate = (dir: string) => void;
const edit = (file: string, f: (s: string) => string): Mutate => (dir) => writeFileSync(join(dir, file), f(readFileSync(join(dir, file), 'utf8')));
const manifest = (patch: (m: Record<string, unknown>) => void): Mutate => edit('candidate.json', (s) => {
  const m = JSON.parse(s);
  patch(m);
  return JSON.stringify(m);
});
const policy = (obj: unknown): Mutate => (dir) => writeFileSync(join(dir, 'policy.json'), JSON.stringify(obj));
/** Replace the value in data row `row` (1-based, header excluded), column index `col` (0 = date). */
const cell = (file: string, row: number, col: number, value: string): Mutate =>
  edit(file, (s) => {
    const lines = s.split('\n');
    const parts = lines[row].split(',');
    parts[col] = value;
    lines[row] = parts.join(',');
    return lines.join('\n');
  });

interface Case {
  name: string;
  mutate?: Mutate;
  args?: (dir: string) => string[];
  expect: RegExp;
}

const cases: Case[] = [
  { name: 'missing bundle directory', args: (d) => ['validate', join(d, 'nope')], expect: /nope: bundle directory not found/ },
  { name: 'missing candidate.json', mutate: (d) => rmSync(join(d, 'candidate.json')), expect: /candidate\.json: file not found/ },
  { name: 'candidate.json is not JSON', mutate: (d) => writeFileSync(join(d, 'candidate.json'), '{ id: '), expect: /candidate\.json, line 1, column 3: not valid JSON: expected a double-quoted key/ },
  { name: 'unknown key in candidate.json', mutate: manifest((m) => (m.threshold = 0.5)), expect: /candidate\.json: invalid candidate manifest: .*Unrecognized key.*threshold/ },
  { name: 'path outside the bundle', mutate: manifest((m) => (m.returns = '../../etc/passwd')), expect: /candidate\.json: "returns": "\.\.\/\.\.\/etc\/passwd" is outside the bundle directory/ },
  { name: 'absolute path', mutate: manifest((m) => (m.trades = '/etc/passwd')), expect: /"trades": "\/etc\/passwd" is outside the bundle/ },
  { name: 'symlink leading outside', mutate: (d) => { rmSync(join(d, 'trades.csv')); symlinkSync('/etc/hostname', join(d, 'trades.csv')); }, expect: /"trades": "trades\.csv" links outside the bundle/ },
  { name: 'missing returns file', mutate: (d) => rmSync(join(d, 'returns.csv')), expect: /returns\.csv: file not found/ },
  { name: 'returns without date column', mutate: edit('returns.csv', (s) => s.replace(/^date,/, 'day,')), expect: /returns\.csv, line 1, column 'day': first column must be 'date'/ },
  { name: 'NaN in returns', mutate: cell('returns.csv', 7, 2, 'NaN'), expect: /returns\.csv, line 8, column 'c1': non-finite value 'NaN'/ },
  { name: 'empty cell in returns', mutate: cell('returns.csv', 3, 1, ''), expect: /returns\.csv, line 4, column 'c0': empty cell/ },
  { name: 'text in a number', mutate: cell('returns.csv', 5, 3, 'abc'), expect: /returns\.csv, line 6, column 'c2': 'abc' is not a number/ },
  { name: 'dates not increasing', mutate: cell('returns.csv', 10, 0, '2015-01-02'), expect: /returns\.csv, line 11, column 'date': '2015-01-02' is not after/ },
  { name: 'duplicate column', mutate: edit('returns.csv', (s) => s.replace('c1,', 'c0,')), expect: /returns\.csv, line 1, column 'c0': duplicate column name/ },
  { name: 'too few configuration columns', mutate: (d) => writeBundle(d, { N: 1 }), expect: /returns\.csv, line 1: needs at least 2 configuration columns/ },
  { name: 'selected column missing', mutate: manifest((m) => (m.selected = 'ma_99')), expect: /candidate\.json: "selected": "ma_99" is not a column/ },
  { name: 'trades without exit_time', mutate: edit('trades.csv', (s) => s.replace('exit_time', 'closed')), expect: /trades\.csv, line 1, column 'exit_time': required column is missing/ },
  { name: 'trades in the wrong unit', mutate: edit('trades.csv', (s) => s.replace(',return', ',pnl')), expect: /trades\.csv, line 1, column 'return': required column is missing \(found 'pnl'/ },
  { name: 'unsorted exit_time', mutate: cell('trades.csv', 20, 1, '2014-01-01'), expect: /trades\.csv, line 21, column 'exit_time': '2014-01-01' is before/ },
  { name: 'return <= -1', mutate: cell('trades.csv', 4, 3, '-1.5'), expect: /trades\.csv, line 5, column 'return': return -1\.5 <= -1/ },
  { name: 'empty trades', mutate: edit('trades.csv', (s) => s.split('\n')[0] + '\n'), expect: /trades\.csv: has no trades/ },
  { name: 'pnl without initialEquity', mutate: manifest((m) => (m.tradeUnit = 'pnl')), expect: /candidate\.json: .*initialEquity/ },
  { name: 'model hash mismatch', mutate: (d) => { writeFileSync(join(d, 'model.bin'), 'weights'); manifest((m) => (m.model = { artifact: 'model.bin', sha256: '0'.repeat(64) }))(d); }, expect: /model\.bin: SHA-256 is [0-9a-f]{64} but candidate\.json says 0{64}/ },
  { name: 'threshold out of [0,1]', mutate: policy({ gates: { winRate: { threshold: 1.5 } } }), args: (d) => ['validate', d, '--policy', join(d, 'policy.json')], expect: /policy\.json: invalid policy: .*gates\.winRate\.threshold/ },
  { name: 'unknown key in policy', mutate: policy({ gates: { pbo: { s: 16 } } }), args: (d) => ['validate', d, '--policy', join(d, 'policy.json')], expect: /policy\.json: invalid policy: .*Unrecognized key.*"s"/ },
  { name: 'S odd', mutate: policy({ gates: { pbo: { S: 15 } } }), args: (d) => ['validate', d, '--policy', join(d, 'policy.json')], expect: /S must be even/ },
  { name: 'missing policy file', args: (d) => ['validate', d, '--policy', join(d, 'nope.json')], expect: /nope\.json: file not found/ },
  { name: 'paths < ceil(3/threshold)', mutate: policy({ gates: { monteCarlo: { paths: 50 } } }), args: (d) => ['validate', d, '--policy', join(d, 'policy.json')], expect: /paths|100/ },
  { name: 'T mod S != 0', mutate: (d) => writeBundle(d, { T: 330 }), expect: /330|mod|divisible|truncate/i },
  { name: 'workers not a number', args: (d) => ['validate', d, '--workers', 'two'], expect: /option --workers: 'two' is not a whole number/ },
];

describe('bad input: one line, exit 2, no report', () => {
  it.each(cases)('$name', (c) => {
    const dir = join(root, c.name.replace(/[^a-z0-9]+/gi, '-'));
    writeBundle(dir);
    c.mutate?.(dir);
    const out = join(root, `${c.name.replace(/[^a-z0-9]+/gi, '-')}.report.json`);
    // Case-specific flags come last so they win over these defaults.
    const base = c.args ? c.args(dir) : ['validate', dir];
    const args = [base[0], '--json', out, '--workers', '0', ...base.slice(1)];
    const r = runCli(args);
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^gauntlet: error \[E_[A-Z_]+\]: /);
    expect(lines[0]).toMatch(c.expect);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it('has at least 20 cases', () => expect(cases.length).toBeGreaterThanOrEqual(20));
});

describe('usage errors exit 2', () => {
  it('no command at all', () => {
    const r = runCli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Usage: gauntlet/);
  });
  it('unknown command', () => {
    const r = runCli(['frobnicate']);
    expect(r.code).toBe(2);
  });
  it('unknown option', () => {
    mkdirSync(join(root, 'u'), { recursive: true });
    const r = runCli(['validate', join(root, 'u'), '--nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--nope'/);
  });
});
