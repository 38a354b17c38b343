/**
 * `gauntlet report <report.json> --html out.html` (flags in report_command.ts): a saved report
 * read strictly (size limit, duplicate keys, its own version's schema; versions that cannot
 * be rendered are refused by name) and rendered as one HTML page. Nothing is recomputed, so
 * the page shows exactly the report's numbers; exit 0 once it is written (the decision is in
 * the page, not the exit code).
 */
import { usageError } from '../errors.js';
import { FILE_LIMITS } from '../config/limits.js';
import { readJsonFile } from '../io/policy.js';
import { fullReport } from '../report/schema.js';
import { renderReportPage } from '../html/page.js';
import { textLines } from '../escape.js';
import { checkHtmlTarget, emitHtml } from './html_output.js';
import { setExitCode } from './common.js';

export interface ReportFlags {
  html?: string;
}

export async function runReport(file: string, flags: ReportFlags): Promise<void> {
  if (flags.html === undefined) throw usageError('report: nothing to write; give --html FILE (or --html - for stdout)');
  checkHtmlTarget(flags.html, { files: [file] });
  // A report is at most the size of a champion manifest's (which embeds one).
  const report = fullReport(readJsonFile(file, FILE_LIMITS.champion), file);
  const page = renderReportPage(report);
  emitHtml(flags.html, page);
  if (flags.html !== '-') process.stdout.write(textLines([`wrote ${flags.html}: '${report.candidate.id}' ${report.decision} (report schemaVersion ${report.schemaVersion}, ${Math.ceil(Buffer.byteLength(page) / 1024)} KiB)`]));
  setExitCode(0);
}
