/**
 * The retraining lifecycle's commands (docs/lifecycle.md): registry init/status, promote,
 * rollback, audit verify, monitor. Actions are loaded on first use (lifecycle_actions.ts), like
 * every other command's.
 */
import type { Command } from 'commander';
import { DEFAULTS } from '../config/defaults.js';
import type { InitFlags, MonitorFlags, PromoteFlags, RegistryFlags, StatusFlags } from './lifecycle_actions.js';

const actions = () => import('./lifecycle_actions.js');
const REGISTRY_HELP = 'registry folder (default: $GAUNTLET_REGISTRY)';
const CI = (c: Command) =>
  c
    .option('--junit <file>', 'write JUnit XML: one testcase per gate or check, failures with value, threshold and reason')
    .option('--github', 'print GitHub Actions workflow commands (::error / ::warning) and append a Markdown summary to $GITHUB_STEP_SUMMARY when it is set')
    .option('--markdown <file>', 'write a Markdown summary of the checks');

export function registerLifecycle(program: Command): void {
  const registry = program.command('registry').description('the model registry: create it, show its stages');
  registry
    .command('init')
    .description('create a registry folder: its policy (every promotion validates under it), stage pointers and audit log')
    .argument('<dir>', 'a new path or an empty folder')
    .option('--policy <file>', 'the registry policy (default: the built-in policy); copied into the registry and hashed')
    .option('--production <bundle>', 'record this bundle as the current production model, validated under the registry policy whatever its decision')
    .option('--seed <n>', `the seed of every validation and monitor run in this registry (default ${DEFAULTS.seed})`)
    .option('--workers <n>', 'worker threads (default: available cores; 0 = in-process)')
    .option('--max-memory <size>', "memory budget, e.g. 2G, 512M or bytes (default: half the machine's memory)")
    .option('--json <file>', "write the result as JSON to a file, or '-' for stdout")
    .action(async (dir: string, f: InitFlags) => (await actions()).runInit(dir, f));
  registry
    .command('status')
    .description('the stages (production, shadow, history): model, hash, decision, dates, latest monitor result')
    .option('--registry <dir>', REGISTRY_HELP)
    .option('--json <file>', "write the status as JSON to a file, or '-' for stdout")
    .action(async (f: StatusFlags) => (await actions()).runStatus(f));

  CI(
    program
      .command('promote')
      .description('promote a bundle to shadow (validated under the registry policy and the promotion rules) or a shadow model <id>@<version> to production (after a HEALTHY shadow monitor); exit 0 promoted, 1 refused')
      .argument('<model>', 'a candidate bundle (--to shadow) or <id>@<version> (--to production)')
      .requiredOption('--to <stage>', 'shadow | production')
      .option('--registry <dir>', REGISTRY_HELP)
      .option('--report <file>', '--to shadow: promote on this validate report (checked: same engine, registry policy and seed, the bundle\'s files) instead of validating now')
      .option('--workers <n>', 'worker threads (default: available cores; 0 = in-process)')
      .option('--max-memory <size>', "memory budget, e.g. 2G, 512M or bytes (default: half the machine's memory)")
      .option('--json <file>', "write the result (with the validate report) as JSON to a file, or '-' for stdout"),
  ).action(async (model: string, f: PromoteFlags) => (await actions()).runPromote(model, f));

  program
    .command('rollback')
    .description('put the previous production model back in production')
    .option('--registry <dir>', REGISTRY_HELP)
    .option('--json <file>', "write the result as JSON to a file, or '-' for stdout")
    .action(async (f: RegistryFlags) => (await actions()).runRollback(f));

  program
    .command('audit')
    .description('the registry audit log')
    .command('verify')
    .description('check the hash chain, head, stage pointers, every manifest and bundle file against the log; exit 0 intact, 1 tampered (the first bad line or file is named)')
    .option('--registry <dir>', REGISTRY_HELP)
    .action(async (f: RegistryFlags) => (await actions()).runVerify(f));

  CI(
    program
      .command('monitor')
      .description("compare a stage's live trades with the model's approved evidence: HEALTHY, WATCH, DEGRADED or RETRAIN_DUE; exit 0 healthy or watch, 1 degraded or retrain due; the result is appended to the audit log")
      .argument('<live-trades>', 'live trades since deployment (trades.csv format, the model\'s trade unit)')
      .requiredOption('--stage <stage>', 'production | shadow')
      .option('--registry <dir>', REGISTRY_HELP)
      .option('--as-of <date>', "the date the model's age is measured at (ISO 8601; default: now)")
      .option('--workers <n>', 'worker threads (default: available cores; 0 = in-process)')
      .option('--max-memory <size>', "memory budget, e.g. 2G, 512M or bytes (default: half the machine's memory)")
      .option('--json <file>', "write the result as JSON to a file, or '-' for stdout (the text then goes to stderr)"),
  ).action(async (live: string, f: MonitorFlags) => (await actions()).runMonitor(live, f));
}
