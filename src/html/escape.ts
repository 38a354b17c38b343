/**
 * Text from a report (candidate ids, column names, paths, warnings) as HTML: first made safe
 * as text the way every printer does (src/escape.ts: control, line-breaking and bidi
 * characters shown escaped, so no id can reorder or hide what a line says), then the five
 * HTML-special characters as entities, so no report field can open a tag, an attribute or a
 * script. Used for text content and for attribute values alike. O(length).
 */
import { escapeText } from '../escape.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function html(s: string): string {
  return escapeText(s).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** A number for the page: fixed digits, or 'n/a' for null (a value that could not be computed). */
export function num(x: number | null | undefined, digits = 4): string {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : 'n/a';
}

/** A count with thousands separators (1,234,567), locale-independent. */
export function count(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
