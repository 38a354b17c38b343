import type { Command } from 'commander';
import { DEFAULTS } from '../config/defaults.js';
import { ExitCode } from '../errors.js';
import { loadCandidate } from '../io/candidate.js';
import { loadPolicy } from '../io/policy.js';
import { loadChampion } from '../pipeline/champion.js';
import { validateCandidate } from '../pipeline/validate.js';
import { reportJson } from '../report/schema.js';
import { reportText } from '../report/text.js';
import { emitJson, parseSeed, resolveWorkers, setExitCode, textStream, Timings, withExecutor } from './common.js';

interface ValidateFlags {
  policy?: string;
  seed?: string;
  workers?: string;
  json?: string;
  timings?: boolean;
  against?: string;
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('run all four gates on a candidate bundle (a directory holding candidate.json); exit 0 approved, 1 rejected')
    .argument('<bundle>', 'candidate bundle directory')
    .option('--policy <file>', 'policy JSON: thresholds and gate options (default: the built-in policy)')
    .option('--seed <n>', `run seed for every resampling gate (default ${DEFAULTS.seed})`)
    .option('--workers <n>', 'worker threads (default: available cores; 0 = in-process, no pool)')
    .option('--json <file>', "write the JSON report to a file, or '-' for stdout (the text summary then goes to stderr)")
    .option('--timings', 'print phase timings to stderr (never into the report)')
    .option('--against <manifest>', "champion manifest (id, model SHA-256, its last report): adds a champion-vs-candidate column")
    .action(async (bundle: string, flags: ValidateFlags) => {
      const timings = new Timings();
      const policy = loadPolicy(flags.policy);
      const seed = parseSeed(flags.seed, DEFAULTS.seed);
      const workers = resolveWorkers(flags.workers);
      const champion = flags.against ? loadChampion(flags.against) : undefined;
      // The pool starts first, so its threads load while this thread reads the bundle.
      const report = await withExecutor(workers, (executor) => {
        const candidate = loadCandidate(bundle);
        timings.mark('load');
        return validateCandidate(candidate, { seed, executor, policy, champion });
      });
      timings.mark('gates');
      const json = reportJson(report);
      if (flags.json !== undefined) emitJson(flags.json, json);
      textStream(flags.json).write(reportText(report));
      timings.print(flags.timings === true);
      setExitCode(report.decision === 'APPROVED' ? ExitCode.approved : ExitCode.rejected);
    });
}
