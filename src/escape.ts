/**
 * Untrusted text (candidate ids, model artifact names, bundle folder names, paths, column
 * names, cell text quoted in messages) must never reach a terminal raw: a newline or a
 * carriage return in an id could print a forged "Overall: [PASS] APPROVED" line under a
 * rejected run, and an escape sequence (ESC[8m) could hide the real verdict. Every text
 * printer (the validate and per-gate summaries, the batch table and progress, error
 * messages) goes through `escapeText`, so no field can be forgotten.
 *
 * Escaped: C0 controls and DEL (\n, \r, \t by name, the rest as \xHH), C1 controls
 * (U+0080-U+009F, among them U+0085 NEXT LINE and U+009B, a one-character CSI on some
 * terminals), the Unicode line and paragraph separators U+2028/U+2029, the bidirectional
 * marks, embeddings, overrides and isolates (which can reorder what a line appears to say),
 * the byte order mark, and lone surrogates. Backslashes are left as they are: the point is
 * that nothing can move the cursor or split a line, not a reversible encoding.
 */

// Kept as one character class so the text and the JSON escapers cannot drift apart.
const UNSAFE_NON_C0 = '\\x7f-\\x9f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069\\ufeff';
const UNSAFE_TEXT = new RegExp(`[\\x00-\\x1f${UNSAFE_NON_C0}]|[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]`, 'g');
const UNSAFE_IN_JSON = new RegExp(`[${UNSAFE_NON_C0}]`, 'g');

function hex(c: string, width: number): string {
  return c.charCodeAt(0).toString(16).padStart(width, '0');
}

/** One line of text safe for a terminal: control and line-breaking characters shown escaped. O(length). */
export function escapeText(s: string): string {
  return s.replace(UNSAFE_TEXT, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return c.charCodeAt(0) <= 0xff ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`;
  });
}

/**
 * Lines built by Gauntlet, as terminal text: each line escaped on its own before the lines
 * are joined, so a newline inside an untrusted field stays visible as \n and can never start
 * a line of its own (escaping the joined text instead would let it through).
 */
export function textLines(lines: readonly string[]): string {
  return lines.map(escapeText).join('\n') + '\n';
}

/**
 * JSON text from JSON.stringify made safe for line-oriented readers and terminals.
 * JSON.stringify escapes C0 controls but leaves U+2028/U+2029, U+0085 (which many
 * line splitters treat as line breaks), the other C1 controls and bidi overrides raw; they
 * can only occur inside string literals, where \uXXXX denotes the same character, so the
 * value parsed back is unchanged. Structural newlines (pretty-printing) are untouched.
 */
export function escapeJsonText(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${hex(c, 4)}`);
}
