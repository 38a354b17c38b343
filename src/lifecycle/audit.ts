/**
 * The registry's audit log (docs/lifecycle.md, "The audit log"): `audit.jsonl`, append-only,
 * one JSON line per event, hash-chained, and the anchor of its tail, `head.json`.
 *
 * A line is `{"seq":N,"prev":"<hash of line N-1>","at":...,"by":...,"event":...,"data":{...},"hash":"<sha256>"}`
 * where `hash` is the SHA-256 of the line's exact bytes up to (not including) `,"hash":`,
 * followed by `}`: the line as it was before its hash was added. So editing any byte of a line
 * breaks that line's own hash (the first bad line is named), recomputing it breaks the next
 * line's `prev`, and removing lines from the end makes the log shorter than `head.json` (lines,
 * hash of the last line) says. Line 1's `prev` is 64 zeros.
 *
 * Appends are one write of the whole line on an O_APPEND descriptor, checked and fsync'd
 * before the event counts as done, so a crash leaves whole lines (a torn tail without its
 * newline is never a committed event: readers ignore it and the next locked command cuts it).
 * Lines are JSON.stringify output with U+2028/U+2029/U+0085 and the other C1 and bidi controls
 * escaped (src/escape.ts), so any line splitter sees one event per line.
 */
import { closeSync, constants, fstatSync, fsyncSync, ftruncateSync, openSync } from 'node:fs';
import { userInfo, hostname } from 'node:os';
import { z } from 'zod';
import { registryError } from '../errors.js';
import { escapeJsonText } from '../escape.js';
import { sha256Hex } from '../io/hash.js';
import { writeAll, writeError } from '../io/atomic.js';

export const GENESIS = '0'.repeat(64);
const HEX64 = /^[0-9a-f]{64}$/;

export const AUDIT_EVENTS = ['init', 'promote', 'refused', 'rollback', 'monitor'] as const;
export type AuditEvent = (typeof AUDIT_EVENTS)[number];

export const auditLineSchema = z.strictObject({
  seq: z.number().int().min(1),
  prev: z.string().regex(HEX64),
  at: z.iso.datetime({ offset: true }),
  by: z.string(),
  event: z.enum(AUDIT_EVENTS),
  data: z.record(z.string(), z.unknown()),
  hash: z.string().regex(HEX64),
});
export type AuditLine = z.infer<typeof auditLineSchema>;

export const headSchema = z.strictObject({
  format: z.literal('gauntlet-audit-head'),
  formatVersion: z.literal(1),
  lines: z.number().int().min(1),
  sha256: z.string().regex(HEX64),
});
export type Head = z.infer<typeof headSchema>;

/** Who made an event: user, host and pid (a user name the system cannot give is its uid). */
export function actor(): string {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = `uid ${process.getuid?.() ?? '?'}`;
  }
  return `${user}@${hostname()} pid ${process.pid}`;
}

/**
 * The text of line `seq` (without its newline): the JSON of the fields in a fixed order,
 * then its own hash over those exact bytes. O(size of data).
 */
export function auditLineText(fields: { seq: number; prev: string; at: string; by: string; event: AuditEvent; data: Record<string, unknown> }): string {
  const body = escapeJsonText(JSON.stringify({ seq: fields.seq, prev: fields.prev, at: fields.at, by: fields.by, event: fields.event, data: fields.data }));
  const hash = sha256Hex(body);
  return `${body.slice(0, -1)},"hash":"${hash}"}`;
}

const HASH_SUFFIX = /,"hash":"([0-9a-f]{64})"\}$/;

/** The problem with one line as text, or null: its own hash over its exact bytes. */
function selfHashProblem(text: string): { hash: string } | string {
  const m = HASH_SUFFIX.exec(text);
  if (!m) return 'does not end with its own "hash" field';
  const body = text.slice(0, m.index) + '}';
  if (sha256Hex(body) !== m[1]) return 'its SHA-256 does not match its "hash" field: the line was edited';
  return { hash: m[1] };
}

export interface ChainProblem {
  /** 1-based line of audit.jsonl. */
  line: number;
  problem: string;
}

export interface ParsedLog {
  lines: AuditLine[];
  /** The exact text of each complete line. */
  texts: string[];
  /** Bytes of complete lines (where a torn tail starts). */
  completeBytes: number;
  /** A fragment after the last newline (an append cut short), or ''. */
  tornTail: string;
}

/** Split the log's bytes into complete lines and a torn tail. O(bytes). */
export function splitLog(bytes: Buffer): { texts: string[]; completeBytes: number; tornTail: string } {
  const lastNl = bytes.lastIndexOf(0x0a);
  const completeBytes = lastNl + 1;
  const whole = bytes.subarray(0, completeBytes).toString('utf8');
  const texts = whole === '' ? [] : whole.slice(0, -1).split('\n');
  return { texts, completeBytes, tornTail: bytes.subarray(completeBytes).toString('utf8') };
}

/**
 * Check the chain: every complete line parses, matches the line schema, has seq = its line
 * number, its own hash over its exact bytes, and prev = the previous line's hash. Returns the
 * parsed lines, or the first bad line. O(bytes).
 */
export function checkChain(bytes: Buffer): ParsedLog | ChainProblem {
  const { texts, completeBytes, tornTail } = splitLog(bytes);
  const lines: AuditLine[] = [];
  let prev = GENESIS;
  for (let i = 0; i < texts.length; i++) {
    const n = i + 1;
    const text = texts[i];
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return { line: n, problem: 'is not a JSON object (the line was edited or cut)' };
    }
    const parsed = auditLineSchema.safeParse(raw);
    if (!parsed.success) return { line: n, problem: `is not an audit event (${parsed.error.issues[0]?.path.join('.') || 'line'}: ${parsed.error.issues[0]?.message ?? 'invalid'})` };
    const own = selfHashProblem(text);
    if (typeof own === 'string') return { line: n, problem: own };
    const l = parsed.data;
    if (l.seq !== n) return { line: n, problem: `has seq ${l.seq}, expected ${n}: a line was deleted, inserted or moved before it` };
    if (l.prev !== prev) {
      return { line: n, problem: n === 1 ? 'prev is not the genesis hash (64 zeros)' : `prev does not match the hash of line ${n - 1}: a line before it was edited, deleted or moved` };
    }
    prev = l.hash;
    lines.push(l);
  }
  return { lines, texts, completeBytes, tornTail };
}

export function isChainProblem(x: ParsedLog | ChainProblem): x is ChainProblem {
  return (x as ChainProblem).problem !== undefined;
}

/**
 * Append one line (whole, one write) and fsync it. On failure the partial tail is cut off, so
 * the log keeps whole lines only, and E_FILE_WRITE is thrown. O(line).
 */
export function appendAuditLine(file: string, text: string): void {
  if (text.includes('\n')) throw new Error('audit line must not contain a newline');
  const buf = Buffer.from(text + '\n', 'utf8');
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_APPEND);
  } catch (err) {
    throw writeError(file, err, 'cannot open the audit log for appending');
  }
  let before = -1;
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw registryError('E_REGISTRY_INVALID', `${file}: is not a regular file`);
    before = st.size;
    writeAll(fd, buf);
    fsyncSync(fd);
  } catch (err) {
    if (before >= 0) {
      try {
        ftruncateSync(fd, before);
      } catch {
        /* readers drop a torn tail anyway */
      }
    }
    throw writeError(file, err, 'cannot append to the audit log');
  } finally {
    closeSync(fd);
  }
}

/** Cut a torn tail (an append that never completed) back to the last whole line. */
export function truncateLog(file: string, completeBytes: number): void {
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY);
  } catch (err) {
    throw writeError(file, err, 'cannot open the audit log to cut its torn tail');
  }
  try {
    ftruncateSync(fd, completeBytes);
    fsyncSync(fd);
  } catch (err) {
    throw writeError(file, err, 'cannot cut the torn tail of the audit log');
  } finally {
    closeSync(fd);
  }
}

/** head.json's content for a log whose last line is `last` (line number `lines`). */
export function headText(lines: number, lastHash: string): string {
  return JSON.stringify({ format: 'gauntlet-audit-head', formatVersion: 1, lines, sha256: lastHash }, null, 2) + '\n';
}
