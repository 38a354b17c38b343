/**
 * The shell every page shares: one HTML file with its styles inline and a Content Security
 * Policy that forbids every network request (no default source; inline styles, data: images
 * and, where a page has one, its own inline script by hash): the page renders offline, and a
 * browser opening it loads nothing, whatever the report holds.
 */
import { createHash } from 'node:crypto';
import { html } from './escape.js';
import { STYLE } from './style.js';

export interface Shell {
  title: string;
  /** Extra <meta name content> pairs (the batch's journal key on a candidate page). */
  meta?: Record<string, string>;
  body: string;
  /** An inline script (the index page's sorting); allowed by its SHA-256 in the policy. */
  script?: string;
  generator: string;
}

export function htmlDocument(s: Shell): string {
  const scriptSrc = s.script ? `'sha256-${createHash('sha256').update(s.script, 'utf8').digest('base64')}'` : "'none'";
  const csp = `default-src 'none'; script-src ${scriptSrc}; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`;
  const meta = Object.entries(s.meta ?? {}).map(([k, v]) => `<meta name="${html(k)}" content="${html(v)}">\n`).join('');
  return (
    '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    `<meta http-equiv="Content-Security-Policy" content="${csp}">\n` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    `<meta name="generator" content="${html(s.generator)}">\n` +
    meta +
    `<title>${html(s.title)}</title>\n<style>${STYLE}</style>\n</head>\n<body>\n${s.body}\n` +
    (s.script ? `<script>${s.script}</script>\n` : '') +
    '</body>\n</html>\n'
  );
}
