import { describe, expect, it } from 'vitest';
import { parseJsonStrict } from '../../src/io/json.js';
import { GauntletError } from '../../src/errors.js';

const j = (s: string | Uint8Array) => parseJsonStrict('f.json', typeof s === 'string' ? Buffer.from(s, 'utf8') : s);

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as GauntletError).code;
  }
  return 'none';
}

describe('strict JSON', () => {
  it('parses what JSON.parse parses, to equal values', () => {
    const docs = ['{}', '[]', '0', '-0.5e-3', '"a\\u00e9\\n\\"\\\\\\/"', '{"a":[1,2,{"b":null}],"c":true,"d":false}', ' \n\t{"x" : 1 }\r\n', '"\ud83d\ude00"', '1E+2'];
    for (const d of docs) expect(j(d)).toEqual(JSON.parse(d));
  });
  it('skips a UTF-8 byte-order mark, as the CSV readers do', () => {
    expect(j(Buffer.from('\ufeff{"a":1}', 'utf8'))).toEqual({ a: 1 });
  });
  it('refuses a duplicate key with its line, column and path', () => {
    expect(() => j('{\n  "gates": {"pbo": {"S": 16,\n "S": 8}}}')).toThrow('f.json, line 3, column 2: duplicate key "gates.pbo.S"');
    expect(codeOf(() => j('{"a":1,"a":1}'))).toBe('E_JSON_DUPLICATE_KEY');
    // The same key in two different objects is fine.
    expect(j('[{"a":1},{"a":2}]')).toEqual([{ a: 1 }, { a: 2 }]);
  });
  it('keeps __proto__ as an own key, never as a prototype', () => {
    const v = j('{"__proto__": {"polluted": 1}}') as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
  });
  it.each([
    ['', 'line 1, column 1: not valid JSON: the file holds no JSON value'],
    ['{"a":1,}', 'line 1, column 8: not valid JSON: expected a double-quoted key'],
    ['[1,]', 'line 1, column 4: not valid JSON: unexpected character \']\''],
    ['{"a":1} x', 'line 1, column 9: not valid JSON: unexpected text after the JSON value'],
    ['{"a":NaN}', 'line 1, column 6: not valid JSON: unexpected character \'N\''],
    ['{"a":01}', 'line 1, column 7: not valid JSON: invalid number'],
    ['{"a":1.}', 'line 1, column 7: not valid JSON: invalid number'],
    ['{"a":1e999}', 'line 1, column 6: not valid JSON: number 1e999 is too large'],
    ['{"a":"x', 'line 1, column 6: not valid JSON: unterminated string'],
    ['{"a":"\t"}', 'line 1, column 7: not valid JSON: control character in a string'],
    ['{"a":"\\x"}', 'line 1, column 7: not valid JSON: invalid escape'],
    ["{'a':1}", 'line 1, column 2: not valid JSON: expected a double-quoted key'],
    ['// c\n{}', 'line 1, column 1: not valid JSON: unexpected character \'/\''],
    ['{"a" 1}', 'line 1, column 6: not valid JSON: expected \':\' after the key "a"'],
    ['{"a":[1 2]}', "line 1, column 9: not valid JSON: expected ',' or ']'"],
    ['{"a":1', 'line 1, column 7: not valid JSON: unexpected end of the file'],
    ['+1', "line 1, column 1: not valid JSON: unexpected character '+'"],
  ])('refuses %j naming line and column', (text, message) => {
    expect(() => j(text)).toThrow(`f.json, ${message}`);
  });
  it('caps nesting instead of overflowing the stack', () => {
    expect(() => j('['.repeat(100_000))).toThrow(/nesting deeper than 64 levels/);
    expect(j('['.repeat(60) + ']'.repeat(60))).toBeInstanceOf(Array);
  });
  it('refuses invalid UTF-8 with E_ENCODING, naming where', () => {
    expect(() => j(Buffer.from([0x7b, 0x0a, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]))).toThrow('f.json, line 2, column 2: invalid UTF-8 (byte 0xc3)');
    expect(codeOf(() => j(Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22])))).toBe('E_ENCODING'); // an encoded surrogate
  });
  it('never echoes more of the input than one character', () => {
    const secret = 'root:x:0:0:root:/root:/bin/bash';
    try {
      j(secret);
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).not.toContain('root:x');
    }
  });
});
