/**
 * The streaming CSV reader: chunk boundaries never change a result or a message, the strict
 * rules (quotes, line endings, UTF-8, line length), and the byte fast paths agree with the
 * general cell parsers.
 */
import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { bufferSource, CsvReader, parseCsv, parseIsoCell, parseIsoDateFast } from '../../src/io/csv.js';
import { parseReturnsCsv } from '../../src/io/returns_csv.js';
import { parseTradesCsv } from '../../src/io/trades_csv.js';
import { firstInvalidUtf8, utf8SequenceAt } from '../../src/io/utf8.js';

const buf = (s: string) => Buffer.from(s, 'utf8');

/** Every record as strings, read with a given chunk size. */
function records(bytes: Uint8Array, chunkBytes: number): { line: number; fields: string[] }[] {
  const r = new CsvReader('x.csv', bufferSource(bytes), { chunkBytes });
  const out: { line: number; fields: string[] }[] = [];
  while (r.next()) out.push({ line: r.line, fields: Array.from({ length: r.fields }, (_, i) => r.text(i)) });
  return out;
}

function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
}

describe('CsvReader: chunk boundaries', () => {
  const text = '\ufeffa,b,c\r\n"x,1","say ""hi""\r\nthere",é€😀\r\n\r\n  \r\n2,,"3"\r\nlast,row,no-newline';
  const bytes = buf(text);
  const want = records(bytes, 1 << 16);
  it('reads the same records and lines with any chunk size (records straddle chunks)', () => {
    expect(want).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x,1', 'say "hi"\r\nthere', 'é€😀'] },
      { line: 6, fields: ['2', '', '3'] },
      { line: 7, fields: ['last', 'row', 'no-newline'] },
    ]);
    for (const chunk of [16, 17, 19, 23, 31, 64]) expect(records(bytes, chunk)).toEqual(want);
  });
  it('words every error the same whatever the chunk size', () => {
    const bad = [
      'a,b\n1,"2"x\n',
      'a,b\n1,2"\n',
      'a,b\n1,"2\n',
      'a,b\r\n1,2\n',
      'a,b\n1,2\r\n',
      'a,b\n1,2\r3\n',
      'a,b\n1,\xff\n',
    ].map((s) => Buffer.from(s, 'latin1'));
    bad.push(Buffer.concat([buf('a,b\n1,'), Buffer.from([0xe2, 0x82])]));
    for (const b of bad) {
      const m = message(() => records(b, 1 << 16));
      expect(m).not.toBe('no error');
      for (const chunk of [16, 17, 18, 19, 20]) expect(message(() => records(b, chunk))).toBe(m);
    }
  });
});

describe('CsvReader: strict rules, with line and column', () => {
  it.each([
    ['a,b\n1,"2"x\n', "x.csv, line 2, column 2: text after a closing quote"],
    ['a,b\n1,2"3\n', "x.csv, line 2, column 2: a quote inside an unquoted field"],
    ['a,b\n1,"2\n3,4\n', 'x.csv, line 2, column 2: unterminated quoted field'],
    ['a,b\r\n1,2\n', 'x.csv, line 2: line ends in LF but line 1 ends in CRLF: mixed line endings'],
    ['a,b\n1,2\n3,4\r\n', 'x.csv, line 3: line ends in CRLF but line 1 ends in LF'],
    ['a,b\r1,2\r', 'x.csv, line 1, column 2: a bare CR'],
  ])('%j', (text, msg) => {
    expect(() => records(buf(text), 1 << 16)).toThrow(msg);
  });
  it('refuses invalid UTF-8 (overlong, surrogate, truncated, stray continuation) naming the line', () => {
    for (const seq of [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xe2, 0x82]]) {
      const b = Buffer.concat([buf('a,b\n1,2\nx,'), Buffer.from(seq), buf('\n')]);
      expect(() => records(b, 1 << 16)).toThrow(/x\.csv, line 3, column 2: invalid UTF-8/);
    }
  });
  it('refuses a line longer than the limit instead of buffering it', () => {
    const r = new CsvReader('x.csv', bufferSource(buf('a,' + 'b'.repeat(5000) + '\n')), { chunkBytes: 64, maxLineBytes: 1024 });
    expect(() => r.next()).toThrow('x.csv, line 1: line longer than 1 KiB');
  });
  it('counts but does not store fields beyond the header width', () => {
    const r = new CsvReader('x.csv', bufferSource(buf('a,b\n' + '1,'.repeat(10_000) + '1\n')));
    r.next();
    r.limitFields(2);
    r.next();
    expect(r.fields).toBe(10_001);
    expect(r.starts.length).toBeLessThanOrEqual(64);
  });
  it('parseCsv keeps its shape for tools and tests', () => {
    const t = parseCsv('x.csv', buf('\ufeffa,b\r\n"1,5","say ""hi"""\r\n2,3\r\n'));
    expect(t.header).toEqual(['a', 'b']);
    expect(t.rows).toEqual([['1,5', 'say "hi"'], ['2', '3']]);
    expect(t.lines).toEqual([2, 3]);
  });
});

describe('header names', () => {
  it.each([
    ['exit_time,return,return\n2020-01-01,0.1,0.2\n', "t.csv, line 1, column 'return': duplicate column name (columns 2 and 3)"],
    ['exit_time,Return,return\n2020-01-01,0.1,0.2\n', "differ only in case"],
    ['exit_time,sym,sym,return\n2020-01-01,a,b,0.2\n', "column 'sym': duplicate column name"],
    ['exit_time,return,pnl\n2020-01-01,0.1,3\n', "t.csv, line 1, column 'pnl': has both 'return' and 'pnl' columns"],
  ])('trades.csv %j', (text, msg) => {
    expect(() => parseTradesCsv('t.csv', buf(text), 'return')).toThrow(msg);
  });
  it('allows several unnamed ignored columns in trades.csv', () => {
    expect(parseTradesCsv('t.csv', buf('exit_time,,,return\n2020-01-01,a,b,0.1\n'), 'return').trades.n).toBe(1);
  });
  it('refuses a second date column in returns.csv', () => {
    expect(() => parseReturnsCsv('r.csv', buf('date,a,date\n2020-01-01,1,2\n2020-01-02,1,2\n'))).toThrow("r.csv, line 1, column 'date': duplicate column name (columns 1 and 3)");
  });
  it('refuses trade values beyond their range', () => {
    expect(() => parseTradesCsv('t.csv', buf('exit_time,return\n2020-01-01,1000.5\n'), 'return')).toThrow("t.csv, line 2, column 'return': return 1000.5 is beyond +1000");
    expect(() => parseTradesCsv('t.csv', buf('exit_time,pnl\n2020-01-01,-2e15\n'), 'pnl')).toThrow("t.csv, line 2, column 'pnl': pnl -2000000000000000 is beyond +-1e15");
    expect(parseTradesCsv('t.csv', buf('exit_time,return\n2020-01-01,1000\n'), 'return').trades.values[0]).toBe(1000);
  });
});

describe('byte fast paths agree with the general parsers', () => {
  it('dates: parseIsoDateFast equals parseIsoCell wherever it answers, and answers the common forms', () => {
    const rng = seedrandom('dates');
    let answered = 0;
    for (let k = 0; k < 20_000; k++) {
      const y = 1000 + Math.floor(rng() * 9000), m = 1 + Math.floor(rng() * 13), d = 1 + Math.floor(rng() * 31);
      const hh = Math.floor(rng() * 25), mm = Math.floor(rng() * 61), ss = Math.floor(rng() * 61);
      const p2 = (v: number) => String(v).padStart(2, '0');
      const forms = [`${y}-${p2(m)}-${p2(d)}`, `${y}-${p2(m)}-${p2(d)}T${p2(hh)}:${p2(mm)}:${p2(ss)}`, `${y}-${p2(m)}-${p2(d)} ${p2(hh)}:${p2(mm)}:${p2(ss)}Z`];
      for (const s of forms) {
        const b = buf(s);
        const fast = parseIsoDateFast(b, 0, b.length);
        let slow: number;
        try {
          slow = parseIsoCell(s, 'f', 2, 'date');
        } catch {
          slow = NaN;
        }
        if (!Number.isNaN(fast)) {
          answered++;
          expect(fast, s).toBe(slow);
        }
      }
    }
    expect(answered).toBeGreaterThan(30_000);
    expect(parseIsoDateFast(buf('2020-02-30'), 0, 10)).toBeNaN();
    expect(parseIsoDateFast(buf('2020-01-01T10:00:00+01:00'), 0, 25)).toBeNaN();
  });
  it('UTF-8: the sequence check agrees with the platform decoder on random bytes', () => {
    const rng = seedrandom('utf8');
    for (let k = 0; k < 2000; k++) {
      const b = Uint8Array.from({ length: 8 }, () => (rng() < 0.5 ? 0x80 + Math.floor(rng() * 0x80) : Math.floor(rng() * 256)));
      let ok = true;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(b);
      } catch {
        ok = false;
      }
      expect(firstInvalidUtf8(b) < 0, Buffer.from(b).toString('hex')).toBe(ok);
    }
    expect(utf8SequenceAt(Buffer.from([0xe2, 0x82]), 0, 2)).toBe(0);
    expect(utf8SequenceAt(Buffer.from([0xe2, 0x82, 0xac]), 0, 3)).toBe(3);
  });
});

describe('returns.csv: the byte fast lane and the general reader agree', () => {
  const rng = seedrandom('lane');
  const rows: string[] = [];
  for (let t = 0; t < 300; t++) {
    const cells = Array.from({ length: 5 }, () => {
      const v = ((rng() - 0.5) / 10).toPrecision(1 + Math.floor(rng() * 17));
      // Some cells the lane cannot certify: quoted, padded, or with more than 15 digits.
      const k = rng();
      return k < 0.05 ? `"${v}"` : k < 0.1 ? ` ${v} ` : v;
    });
    rows.push(`${day(t)},${cells.join(',')}`);
  }
  const plain = 'date,a,b,c,d,e\n' + rows.join('\n') + '\n';
  const quoted = 'date,a,b,c,d,e\n' + rows.map((r) => r.split(',').map((c) => `"${c.replace(/"/g, '').trim()}"`).join(',')).join('\n') + '\n';
  it('same matrix, dates and messages for any chunk size', () => {
    const want = parseReturnsCsv('r.csv', buf(quoted), { chunkBytes: 1 << 16 });
    for (const chunkBytes of [16, 61, 100, 1 << 16]) {
      const got = parseReturnsCsv('r.csv', buf(plain), { chunkBytes });
      expect(Array.from(got.data)).toEqual(Array.from(want.data));
      expect(got.dates).toEqual(want.dates);
    }
    const bad = plain.replace(`${day(200)},`, `${day(100)},`);
    const msg = message(() => parseReturnsCsv('r.csv', buf(bad), { chunkBytes: 1 << 16 }));
    expect(msg).toMatch(/r\.csv, line 202, column 'date': '2015-04-11' is not after the previous row's date/);
    for (const chunkBytes of [16, 61, 100]) expect(message(() => parseReturnsCsv('r.csv', buf(bad), { chunkBytes }))).toBe(msg);
    const mixed = plain.replace(`\n${day(150)},`, `\r\n${day(150)},`);
    expect(message(() => parseReturnsCsv('r.csv', buf(mixed), { chunkBytes: 61 }))).toBe('r.csv, line 151: line ends in CRLF but line 1 ends in LF: mixed line endings');
  });
});

function day(i: number): string {
  return new Date(Date.UTC(2015, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
}
