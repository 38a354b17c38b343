/**
 * Strict JSON (RFC 8259) for the small documents a user hands Gauntlet: candidate.json, the
 * policy, a champion manifest. JSON.parse is not used because it lets a duplicate key
 * silently win (`{"threshold": 0.9, "threshold": 0.1}`: which one did the author mean, and
 * which one does the next tool take?), and its messages quote the input's first characters.
 * Here:
 * - a duplicate key in one object is an error naming its line, column and key path;
 * - every message names the line and column (as an editor counts them) and never echoes
 *   more than the one offending character;
 * - the bytes must be valid UTF-8; a leading UTF-8 byte-order mark is skipped, exactly as the
 *   CSV readers do;
 * - numbers follow the JSON grammar and must be finite (1e999 is an error, not Infinity);
 * - nesting is capped (MAX_JSON_DEPTH), so a hostile `[[[[...` cannot overflow the stack.
 * Keys are stored as own data properties (so `__proto__` is just an unknown key, which the
 * strict schemas then refuse). O(bytes).
 */
import { GauntletError, inputError } from '../errors.js';
import { MAX_JSON_DEPTH } from '../config/limits.js';
import { firstInvalidUtf8 } from './utf8.js';

class Parser {
  private i = 0;
  constructor(private readonly file: string, private readonly s: string) {}

  /** 1-based line and column (in characters) of index `at`. O(at). */
  private position(at: number): { row: number; columnNumber: number } {
    let row = 1, lineStart = 0;
    for (let k = 0; k < at && k < this.s.length; k++) {
      if (this.s.charCodeAt(k) === 10) {
        row++;
        lineStart = k + 1;
      }
    }
    return { row, columnNumber: at - lineStart + 1 };
  }

  fail(problem: string, at = this.i, code: 'E_JSON_PARSE' | 'E_JSON_DUPLICATE_KEY' = 'E_JSON_PARSE'): GauntletError {
    return inputError(code, { file: this.file, ...this.position(at) }, code === 'E_JSON_PARSE' ? `not valid JSON: ${problem}` : problem);
  }

  private unexpected(): GauntletError {
    if (this.i >= this.s.length) return this.fail('unexpected end of the file: the JSON is cut short');
    const c = this.s[this.i];
    const shown = c === "'" ? '"\'"' : `'${c}'`;
    return this.fail(`unexpected character ${shown}`);
  }

  private ws(): void {
    const s = this.s;
    for (;;) {
      const c = s.charCodeAt(this.i);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.i++;
      else return;
    }
  }

  document(): unknown {
    this.ws();
    if (this.i >= this.s.length) throw this.fail('the file holds no JSON value (it is empty)');
    const v = this.value(0, '$');
    this.ws();
    if (this.i < this.s.length) throw this.fail('unexpected text after the JSON value');
    return v;
  }

  private value(depth: number, path: string): unknown {
    const c = this.s.charCodeAt(this.i);
    if (c === 123 /* { */) return this.object(depth + 1, path);
    if (c === 91 /* [ */) return this.array(depth + 1, path);
    if (c === 34 /* " */) return this.string();
    if (c === 45 /* - */ || (c >= 48 && c <= 57)) return this.number();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    throw this.unexpected();
  }

  private object(depth: number, path: string): Record<string, unknown> {
    if (depth > MAX_JSON_DEPTH) throw this.fail(`nesting deeper than ${MAX_JSON_DEPTH} levels`);
    const out: Record<string, unknown> = {};
    const seen = new Set<string>();
    this.i++;
    this.ws();
    if (this.s.charCodeAt(this.i) === 125 /* } */) {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s.charCodeAt(this.i) !== 34) throw this.i >= this.s.length ? this.unexpected() : this.fail('expected a double-quoted key');
      const keyAt = this.i;
      const key = this.string();
      const keyPath = path === '$' ? key : `${path}.${key}`;
      if (seen.has(key)) {
        throw this.fail(`duplicate key "${keyPath}" (the same key twice in one object: which value was meant?)`, keyAt, 'E_JSON_DUPLICATE_KEY');
      }
      seen.add(key);
      this.ws();
      if (this.s.charCodeAt(this.i) !== 58 /* : */) throw this.i >= this.s.length ? this.unexpected() : this.fail(`expected ':' after the key "${keyPath}"`);
      this.i++;
      this.ws();
      const v = this.value(depth, keyPath);
      // An own data property even for "__proto__", never a prototype change.
      Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      this.ws();
      const c = this.s.charCodeAt(this.i);
      if (c === 44 /* , */) {
        this.i++;
        continue;
      }
      if (c === 125 /* } */) {
        this.i++;
        return out;
      }
      throw this.i >= this.s.length ? this.unexpected() : this.fail("expected ',' or '}' in an object");
    }
  }

  private array(depth: number, path: string): unknown[] {
    if (depth > MAX_JSON_DEPTH) throw this.fail(`nesting deeper than ${MAX_JSON_DEPTH} levels`);
    const out: unknown[] = [];
    this.i++;
    this.ws();
    if (this.s.charCodeAt(this.i) === 93 /* ] */) {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      out.push(this.value(depth, `${path}[${out.length}]`));
      this.ws();
      const c = this.s.charCodeAt(this.i);
      if (c === 44) {
        this.i++;
        continue;
      }
      if (c === 93) {
        this.i++;
        return out;
      }
      throw this.i >= this.s.length ? this.unexpected() : this.fail("expected ',' or ']' in an array");
    }
  }

  private string(): string {
    const s = this.s;
    const start = this.i;
    let j = this.i + 1;
    let out = '';
    let from = j;
    for (;;) {
      if (j >= s.length) throw this.fail('unterminated string', start);
      const c = s.charCodeAt(j);
      if (c === 34) break;
      if (c < 0x20) throw this.fail('control character in a string (write it as an escape such as \\n)', j);
      if (c === 92 /* \ */) {
        out += s.slice(from, j);
        const e = s[j + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in simple) {
          out += simple[e];
          j += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(j + 2, j + 6))) {
          out += String.fromCharCode(parseInt(s.slice(j + 2, j + 6), 16));
          j += 6;
        } else {
          throw this.fail('invalid escape in a string', j);
        }
        from = j;
        continue;
      }
      j++;
    }
    out += s.slice(from, j);
    this.i = j + 1;
    return out;
  }

  private number(): number {
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = this.i;
    const hit = m.exec(this.s);
    if (!hit) throw this.fail('invalid number');
    const after = this.s.charCodeAt(this.i + hit[0].length);
    // "01", "1.", "1e" or "1x": the grammar match stopped short of a token boundary.
    if ((after >= 48 && after <= 57) || after === 46 || after === 101 || after === 69 || (after >= 97 && after <= 122) || (after >= 65 && after <= 90)) {
      throw this.fail('invalid number', this.i + hit[0].length);
    }
    const v = Number(hit[0]);
    if (!Number.isFinite(v)) throw this.fail(`number ${hit[0].length > 40 ? hit[0].slice(0, 40) + '...' : hit[0]} is too large (not a finite float64)`);
    this.i += hit[0].length;
    return v;
  }
}

/**
 * Parse a JSON document from its bytes under the rules above; every problem is one line
 * naming the file, line and column. O(bytes).
 */
export function parseJsonStrict(file: string, bytes: Uint8Array): unknown {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const body = bytes.subarray(bom);
  const bad = firstInvalidUtf8(body);
  if (bad >= 0) {
    let row = 1, lineStart = 0;
    for (let k = 0; k < bad; k++) if (body[k] === 10) { row++; lineStart = k + 1; }
    throw inputError('E_ENCODING', { file, row, columnNumber: bad - lineStart + 1 }, `invalid UTF-8 (byte 0x${body[bad].toString(16).padStart(2, '0')}): the file must be UTF-8 text`);
  }
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  return new Parser(file, text).document();
}
