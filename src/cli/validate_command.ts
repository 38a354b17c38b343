import type { Command } from 'commander';
import { DEFAULTS } from '../config/defaults.js';
import type { ValidateFlags } from './validate_action.js';

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
    .option('--max-memory <size>', "memory budget, e.g. 2G, 512M or bytes (default: half the machine's memory); larger plans are refused up front")
    .option('--against <manifest>', "champion manifest (id, model SHA-256, its last report): adds a champion-vs-candidate column; its id and model hash must be its report's, and the report must share this run's policy, seed and engine")
    .option('--revalidate-champion', "with --against: when the champion's report was made under another policy, seed or engine, re-run the bundle it names (same files required) instead of refusing")
    .option('--junit <file>', 'write JUnit XML: one testcase per gate, failures with value, threshold and reason')
    .option('--github', 'print GitHub Actions workflow commands (::error per failed gate) and append a Markdown summary to $GITHUB_STEP_SUMMARY when it is set')
    .option('--markdown <file>', 'write a Markdown summary of the gates')
    .option('--html <file>', "also write the report as one self-contained HTML page (charts inline), or '-' for stdout")
    .action(async (bundle: string, flags: ValidateFlags) => (await import('./validate_action.js')).runValidate(bundle, flags));
}
