/**
 * A report's date strings as instants, the way the loader reads them (src/io/csv.ts,
 * parseIsoCell): a date is UTC midnight, a date-time without a zone is UTC, so a chart's time
 * axis never depends on the machine's time zone. null for a string that is not ISO 8601 (a
 * report edited by hand). O(length).
 */
import { parseIsoCell } from '../io/csv.js';

export function utcDate(s: string): Date | null {
  try {
    return new Date(parseIsoCell(s, 'report', 0, 'date'));
  } catch {
    return null;
  }
}
