/** `gauntlet validate`'s action (flags in validate_command.ts): load, run the gates, print. */
import { DEFAULTS } from '../config/defaults.js';
import { ExitCode } from '../errors.js';
import { loadCandidate } from '../io/candidate.js';
import { loadPolicy } from '../io/policy.js';
import { loadChampion } from '../pipeline/champion.js';
import { validateCandidate } from '../pipeline/validate.js';
import { fullReport, reportJson } from '../report/schema.js';
import { checkHtmlTarget, emitHtml } from './html_output.js';
import { reportText } from '../report/text.js';
import { checkJsonTarget, emitJson, parseMaxMemory, parseSeed, resolveWorkers, setExitCode, textStream, Timings, withExecutor } from './common.js';

export interface ValidateFlags {
  policy?: string;
  seed?: string;
  workers?: string;
  json?: string;
  timings?: boolean;
  against?: string;
  maxMemory?: string;
  html?: string;
}

export async function runValidate(bundle: string, flags: ValidateFlags): Promise<void> {
  const timings = new Timings();
  // Before any work: a bad --json target fails now, not after the gates have run.
  checkJsonTarget(flags.json, { dirs: [bundle], files: [flags.policy, flags.against] });
  checkHtmlTarget(flags.html, { dirs: [bundle], files: [flags.policy, flags.against] }, [{ option: '--json', path: flags.json }]);
  const policy = loadPolicy(flags.policy);
  const seed = parseSeed(flags.seed, DEFAULTS.seed);
  const workers = resolveWorkers(flags.workers);
  const maxMemory = parseMaxMemory(flags.maxMemory);
  const champion = flags.against ? loadChampion(flags.against) : undefined;
  // The pool starts first, so its threads load while this thread reads the bundle.
  const report = await withExecutor(workers, (executor) => {
    const candidate = loadCandidate(bundle, { maxMemory });
    timings.mark('load');
    return validateCandidate(candidate, { seed, executor, policy, champion, maxMemory });
  });
  timings.mark('gates');
  const json = reportJson(report);
  if (flags.json !== undefined) emitJson(flags.json, json);
  if (flags.html !== undefined) {
    // Rendered from the JSON as written, so the page equals `gauntlet report` of that file.
    const { renderReportPage } = await import('../html/page.js');
    emitHtml(flags.html, renderReportPage(fullReport(JSON.parse(json), 'the report')));
    timings.mark('html');
  }
  textStream(flags.html === '-' ? '-' : flags.json).write(reportText(report));
  timings.print(flags.timings === true);
  setExitCode(report.decision === 'APPROVED' ? ExitCode.approved : ExitCode.rejected);
}
