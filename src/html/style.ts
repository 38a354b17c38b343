/**
 * The pages' stylesheet (inline; no web font: the system's sans-serif). Colours from the
 * Okabe-Ito palette (palette.ts); status is always also a word and a symbol. Prints cleanly:
 * no navigation, each chart kept on one page, the banner's colour kept.
 */
export const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1000px; padding: 0 16px 32px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #111; background: #fff; }
h1 { font-size: 22px; margin: 0; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #ccc; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 4px; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; word-break: break-all; }
.banner { margin: 16px 0; padding: 14px 18px; border-radius: 6px; color: #fff; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.banner.approved { background: #0072B2; }
.banner.rejected { background: #B34700; }
.banner .verdict { font-size: 28px; font-weight: 700; letter-spacing: 0.5px; }
.banner p { margin: 4px 0 0; }
nav { font-size: 13px; margin: 8px 0 0; }
nav a { margin-right: 12px; white-space: nowrap; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #e3e3e3; vertical-align: top; }
th { background: #f4f4f4; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.tag { white-space: nowrap; display: inline-block; min-width: 58px; padding: 1px 6px; border-radius: 3px; font-weight: 700; font-size: 12px; text-align: center; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.tag.pass { background: #0072B2; color: #fff; }
.tag.fail { background: #B34700; color: #fff; }
.tag.info, .tag.skip { background: #e6e6e6; color: #222; }
.tag.error { background: #222; color: #fff; }
td.pass { background: #e3f0f8; }
td.fail { background: #fbe6d9; }
td.info, td.skip { background: #f4f4f4; color: #444; }
td.error { background: #eee; }
figure.chart { margin: 14px 0 22px; break-inside: avoid; page-break-inside: avoid; }
figure.chart figcaption { font-size: 13px; color: #333; max-width: 820px; }
figure.chart figcaption strong { display: block; font-size: 14px; color: #111; margin-bottom: 2px; }
figure.chart svg { display: block; max-width: 100%; height: auto; margin-top: 4px; }
.legend { list-style: none; padding: 0; margin: 6px 0 0; font-size: 12px; display: flex; flex-wrap: wrap; gap: 4px 16px; }
.legend li { display: inline-flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 14px; height: 10px; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.swatch.line { height: 0; width: 22px; border-top-width: 2px; border-top-style: solid; }
.swatch.dashed { border-top-style: dashed; }
.missing { padding: 10px 12px; background: #f6f6f6; border-left: 4px solid #999; margin: 12px 0; }
.small-multiples { display: flex; flex-wrap: wrap; gap: 4px 20px; }
.small-multiples figure.chart { margin: 6px 0; flex: 0 1 340px; }
.warnings li { margin: 3px 0; }
details pre { background: #f7f7f7; padding: 8px; overflow-x: auto; font-size: 12px; }
.scroll { overflow-x: auto; }
table.compact { font-size: 12px; }
table.compact th, table.compact td { padding: 4px 6px; }
table.compact th.gate { min-width: 64px; max-width: 92px; }
table.compact details { max-width: 360px; }
table.compact summary { cursor: pointer; }
.small { font-size: 11px; color: #555; }
footer { margin-top: 36px; font-size: 12px; color: #555; border-top: 1px solid #ddd; padding-top: 8px; }
th button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; cursor: pointer; color: inherit; text-align: inherit; }
th button::after { content: " \\2195"; color: #888; font-weight: 400; }
th[aria-sort="ascending"] button::after { content: " \\2191"; color: #111; }
th[aria-sort="descending"] button::after { content: " \\2193"; color: #111; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  nav, th button::after { display: none; }
  a { color: inherit; text-decoration: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  section { break-inside: auto; }
}
`;
