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
import { checkCiTargets, emitCi, type CiFlags } from './ci_flags.js';
import { championForRun } from '../pipeline/champion_checks.js';
import { validateSuite } from '../lifecycle/checks.js';
import { ENGINE_VERSION } from '../version.js';
import { textLines } from '../escape.js';
import { usageError } from '../errors.js';
import { checkJsonTarget, emitJson, parseMaxMemory, parseSeed, resolveWorkers, setExitCode, textStream, Timings, withExecutor } from './common.js';

export interface ValidateFlags extends CiFlags {
  revalidateChampion?: boolean;
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
  checkCiTargets(flags, flags.json, { dirs: [bundle], files: [flags.policy, flags.against] });
  if (flags.revalidateChampion && flags.against === undefined) throw usageError('--revalidate-champion needs --against <manifest>');
  checkHtmlTarget(flags.html, { dirs: [bundle], files: [flags.policy, flags.against] }, [{ option: '--json', path: flags.json }]);
  const policy = loadPolicy(flags.policy);
  const seed = parseSeed(flags.seed, DEFAULTS.seed);
  const workers = resolveWorkers(flags.workers);
  const maxMemory = parseMaxMemory(flags.maxMemory);
  const stored = flags.against ? loadChampion(flags.against) : undefined;
  // The pool starts first, so its threads load while this thread reads the bundle.
  const report = await withExecutor(workers, async (executor) => {
    // The champion is checked before the candidate's gates run: a report filed under another
    // model, or made under another policy, seed or engine, is refused (or re-run) first.
    let champion = stored;
    if (stored && flags.against) {
      const checked = await championForRun(stored, flags.against, { policySha256: policy.sha256, seed, engineVersion: ENGINE_VERSION }, flags.revalidateChampion === true, { seed, executor, policy, maxMemory });
      champion = checked.champion;
      if (checked.note) process.stderr.write(textLines([`gauntlet: note: ${checked.note}`]));
    }
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
  emitCi(flags, validateSuite(report));
  timings.print(flags.timings === true);
  setExitCode(report.decision === 'APPROVED' ? ExitCode.approved : ExitCode.rejected);
}
