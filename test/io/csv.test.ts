import { describe, expect, it } from 'vitest';
import { parseCsv, parseIsoCell, parseNumberCell } from '../../src/io/csv.js';
import { parseReturnsCsv } from '../../src/io/returns_csv.js';
import { parseTradesCsv } from '../../src/io/trades_csv.js';

const buf = (s: string) => Buffer.from(s, 'utf8');

describe('CSV tokenizer', () => {
  it('handles quotes, escaped quotes, CRLF, BOM and a trailing newline', () => {
    const t = parseCsv('x.csv', buf('\ufeffa,b\r\n"1,5","say ""hi"""\r\n2,3\r\n'));
    expect(t.header).toEqual(['a', 'b']);
    expect(t.rows).toEqual([['1,5', 'say "hi"'], ['2', '3']]);
    expect(t.lines).toEqual([2, 3]);
  });
  it('rejects an empty file', () => {
    expect(() => parseCsv('e.csv', buf(''))).toThrow(/e\.csv: file is empty/);
  });
});

describe('cells', () => {
  it('parses decimals and exponents, refuses text, NaN, Inf, hex and empties', () => {
    expect(parseNumberCell('-1.5e-3', 'f', 2, 'c')).toBe(-0.0015);
    expect(parseNumberCell(' .5 ', 'f', 2, 'c')).toBe(0.5);
    expect(() => parseNumberCell('NaN', 'f', 2, 'c')).toThrow("f, line 2, column 'c': non-finite value 'NaN'");
    expect(() => parseNumberCell('inf', 'f', 2, 'c')).toThrow(/non-finite/);
    expect(() => parseNumberCell('0x10', 'f', 2, 'c')).toThrow(/is not a number/);
    expect(() => parseNumberCell('', 'f', 9, 'c')).toThrow("f, line 9, column 'c': empty cell, expected a number");
    expect(() => parseNumberCell('1e999', 'f', 2, 'c')).toThrow(/overflows/);
  });
  it('parses ISO dates and date-times as UTC and refuses impossible dates', () => {
    expect(parseIsoCell('2020-01-02', 'f', 2, 'date')).toBe(Date.UTC(2020, 0, 2));
    expect(parseIsoCell('2020-01-02T10:00:00', 'f', 2, 'date')).toBe(Date.UTC(2020, 0, 2, 10));
    expect(parseIsoCell('2020-01-02T10:00:00+01:00', 'f', 2, 'date')).toBe(Date.UTC(2020, 0, 2, 9));
    expect(() => parseIsoCell('2023-02-30', 'f', 2, 'date')).toThrow(/not a valid calendar date/);
    expect(() => parseIsoCell('02/01/2020', 'f', 2, 'date')).toThrow(/not an ISO 8601/);
  });
});

describe('returns.csv', () => {
  const good = 'date,a,b\n2020-01-01,0.01,-0.02\n2020-01-02,0.0,0.03\n2020-01-03,-0.01,0.01\n';
  it('loads a row-major matrix into a SharedArrayBuffer', () => {
    const m = parseReturnsCsv('r.csv', buf(good));
    expect(m.T).toBe(3);
    expect(m.N).toBe(2);
    expect(m.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(m.data)).toEqual([0.01, -0.02, 0, 0.03, -0.01, 0.01]);
    expect(m.dates[2]).toBe('2020-01-03');
  });
  it.each([
    ['day,a,b\n2020-01-01,1,2\n2020-01-02,1,2\n', "r.csv, line 1, column 'day': first column must be 'date'"],
    ['date,a,a\n2020-01-01,1,2\n2020-01-02,1,2\n', "column 'a': duplicate column name"],
    ['date,a\n2020-01-01,1\n2020-01-02,1\n', 'needs at least 2 configuration columns'],
    ['date,a,b\n2020-01-01,1,2\n', 'needs at least 2 data rows'],
    ['date,a,b\n2020-01-02,1,2\n2020-01-01,1,2\n', "r.csv, line 3, column 'date'"],
    ['date,a,b\n2020-01-01,1,2\n2020-01-02,1\n', 'r.csv, line 3: expected 3 fields, found 2'],
    ['date,a,b\n2020-01-01,1,2\n2020-01-02,1,nan\n', "r.csv, line 3, column 'b': non-finite value 'nan'"],
  ])('refuses %j', (text, message) => {
    expect(() => parseReturnsCsv('r.csv', buf(text))).toThrow(message);
  });
});

describe('trades.csv', () => {
  it('keeps optional columns out of the way and warns under 100 trades', () => {
    const { trades, warnings } = parseTradesCsv('t.csv', buf('symbol,exit_time,return\nX,2020-01-01,0.01\n"Y,Z",2020-01-01,-0.02\n'), 'return');
    expect(Array.from(trades.values)).toEqual([0.01, -0.02]);
    expect(warnings[0]).toMatch(/only 2 trades/);
  });
  it.each([
    ['exit,return\n2020-01-01,0.1\n', 'return', "t.csv, line 1, column 'exit_time': required column is missing"],
    ['exit_time,pnl\n2020-01-01,10\n', 'return', "column 'return': required column is missing (found 'pnl'"],
    ['exit_time,return,pnl\n2020-01-01,0.1,3\n', 'return', 'both'],
    ['exit_time,return\n', 'return', 'has no trades'],
    ['exit_time,return\n2020-01-02,0.1\n2020-01-01,0.1\n', 'return', "t.csv, line 3, column 'exit_time'"],
    ['exit_time,return\n2020-01-01,-1\n', 'return', "t.csv, line 2, column 'return': return -1 <= -1"],
  ])('refuses %j', (text, unit, message) => {
    expect(() => parseTradesCsv('t.csv', buf(text), unit as 'return')).toThrow(message);
  });
  it('allows a pnl below -1 (currency) and equal exit times', () => {
    const { trades } = parseTradesCsv('t.csv', buf('exit_time,pnl\n2020-01-01,-500\n2020-01-01,20\n'), 'pnl');
    expect(trades.n).toBe(2);
  });
});

describe('returns.csv: the streaming path and the quoted path agree', () => {
  it('same matrix, dates and columns whether or not the header is quoted', () => {
    const rows = ['2020-01-01,0.01,-2.5e-3,7', '2020-01-02,-0,0.1234567890123456789,1e2', '2020-01-03,.5,5.,-0.000001'];
    const plain = parseReturnsCsv('r.csv', buf(['date,a,b,c', ...rows].join('\r\n') + '\r\n\r\n'));
    const quoted = parseReturnsCsv('r.csv', buf(['date,"a",b,c', ...rows].join('\n') + '\n'));
    expect(Array.from(plain.data).map((x) => Object.is(x, -0) ? '-0' : x)).toEqual(Array.from(quoted.data).map((x) => Object.is(x, -0) ? '-0' : x));
    expect(plain.dates).toEqual(quoted.dates);
    expect(plain.columns).toEqual(['a', 'b', 'c']);
    expect(plain.data[4]).toBe(0.12345678901234568);
  });
  it.each([
    ['date,a,b\n2020-01-01,1,2,3\n2020-01-02,1,2\n', 'r.csv, line 2: expected 3 fields, found 4'],
    ['date,a,b\n2020-01-01\n2020-01-02,1,2\n', 'r.csv, line 2: expected 3 fields, found 1'],
    ['date,a,b\n2020-01-01,,2\n2020-01-02,1,2\n', "r.csv, line 2, column 'a': empty cell"],
    ['date,a,b\n2020-01-01,1, 2 \n2020-01-02,0x1,2\n', "r.csv, line 3, column 'a': '0x1' is not a number"],
  ])('streaming path messages: %j', (text, message) => {
    expect(() => parseReturnsCsv('r.csv', buf(text))).toThrow(message);
  });
});

describe('returns.csv: magnitude', () => {
  it.each([
    ['date,a,b\n2020-01-01,0.01,1e303\n2020-01-02,0,0\n'],
    ['date,"a",b\n2020-01-01,0.01,-2500\n2020-01-02,0,0\n'],
  ])('refuses a cell beyond +-1000 on both parse paths: %j', (text) => {
    expect(() => parseReturnsCsv('r.csv', buf(text))).toThrow(/r\.csv, line 2, column 'b': .* is not a per-period simple return/);
  });
  it('accepts +-1000 itself', () => {
    expect(parseReturnsCsv('r.csv', buf('date,a,b\n2020-01-01,1000,-1000\n2020-01-02,0,0\n')).data[0]).toBe(1000);
  });
});
