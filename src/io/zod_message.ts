import { z } from 'zod';

/** A zod failure as one line: z.prettifyError's text with its line breaks folded. */
export function zodOneLine(err: z.ZodError): string {
  return z
    .prettifyError(err)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ')
    .replace(/ ✖ /g, '; ✖ ');
}
