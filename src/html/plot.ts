/**
 * Charts as inline SVG, drawn on the server by Observable Plot on a linkedom document: no
 * browser, no script in the page. Every chart gets a <title> and a <desc> (read by screen
 * readers; `role="img"` and an aria-label name it), fixed pixel sizes that scale down with the
 * page (Plot's `max-width: 100%`), and nothing random or global in its markup: Plot's class
 * name is a constant and no clip paths or patterns (whose ids count up per process) are
 * used, so the same data always gives the same bytes.
 */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';

/** One chart of a page: its anchor, heading, the sentence under it and the SVG. */
export interface Chart {
  id: string;
  title: string;
  /** One or two sentences that say what the chart shows and how to read it (HTML-safe text). */
  caption: string;
  /** Swatches for the legend: label and colour (and a dashed line for reference lines). */
  legend: { label: string; color: string; line?: 'solid' | 'dashed'; opacity?: number }[];
  svg: string;
}

/** A section whose data the report lacks (a version 2 report has no chart data). */
export interface MissingChart {
  id: string;
  title: string;
  missing: string;
}

export type ChartOrMissing = Chart | MissingChart;

let document: unknown = null;

/** The linkedom document Plot draws on (one per process: Plot only creates elements on it). */
function plotDocument(): unknown {
  if (document === null) document = parseHTML('<!doctype html><html><head></head><body></body></html>').document;
  return document;
}

export const CHART_WIDTH = 960;
export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif';

/**
 * Renders `options` to an SVG string and gives it its accessible name and description.
 * `description` says in words what the chart shows (for screen readers and text browsers).
 */
export function renderSvg(options: Plot.PlotOptions, title: string, description: string): string {
  const doc = plotDocument() as { createElementNS(ns: string, name: string): DomNode };
  const el = Plot.plot({
    width: CHART_WIDTH,
    style: { fontFamily: FONT, fontSize: '11px', background: 'white', color: 'black' },
    ...options,
    ariaLabel: title,
    document: doc as unknown as Plot.PlotOptions['document'],
  }) as unknown as DomNode & { outerHTML: string; tagName: string };
  if (el.tagName.toLowerCase() !== 'svg') throw new Error(`chart '${title}' did not render as a bare <svg> (got <${el.tagName}>)`);
  // The accessible name and description as the SVG's first children (text nodes: escaped by the DOM).
  const t = doc.createElementNS(SVG_NS, 'title');
  t.textContent = title;
  const d = doc.createElementNS(SVG_NS, 'desc');
  d.textContent = description;
  el.insertBefore(d, el.firstChild);
  el.insertBefore(t, d);
  el.setAttribute('role', 'img');
  return el.outerHTML;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The few DOM calls made here (linkedom implements them; the project compiles without the DOM library). */
interface DomNode {
  textContent: string | null;
  firstChild: DomNode | null;
  insertBefore(node: DomNode, ref: DomNode | null): void;
  setAttribute(name: string, value: string): void;
}

export { Plot };
