/**
 * `--junit FILE`, `--github` and `--markdown FILE` for validate, promote and monitor
 * (docs/ci.md): targets checked before any work (like --json), outputs written after the
 * decision (JUnit and Markdown atomically; GitHub workflow commands on stdout and, when
 * GITHUB_STEP_SUMMARY is set, the Markdown summary appended to that file).
 */
import { usageError } from '../errors.js';
import { assertOutputOutsideInputs, resolveOutput, sameOutput, writeOutput } from '../io/atomic.js';
import type { CheckSuite } from '../lifecycle/checks.js';
import { appendStepSummary, githubCommands, junitXml, markdownSummary } from '../lifecycle/ci_outputs.js';

export interface CiFlags {
  junit?: string;
  github?: boolean;
  markdown?: string;
}

/** Refuse bad CI targets before any work (exit 2), as checkJsonTarget does for --json. */
export function checkCiTargets(flags: CiFlags, json: string | undefined, inputs: { files?: (string | undefined)[]; dirs?: (string | undefined)[] }): void {
  if (flags.github && json === '-') throw usageError('--github prints workflow commands on stdout, so it cannot be combined with --json -; write the JSON to a file');
  const outs: [string, string][] = [];
  if (flags.junit !== undefined) outs.push(['--junit', flags.junit]);
  if (flags.markdown !== undefined) outs.push(['--markdown', flags.markdown]);
  for (const [opt, file] of outs) {
    if (file === '-') throw usageError(`${opt} needs a file path ('-' is not accepted: stdout carries the summary)`);
    resolveOutput(file);
    assertOutputOutsideInputs(opt, file, inputs);
    if (json !== undefined && json !== '-' && sameOutput(file, json)) throw usageError(`${opt} and --json name the same file ${file}`);
  }
  if (outs.length === 2 && sameOutput(outs[0][1], outs[1][1])) throw usageError(`--junit and --markdown name the same file ${outs[0][1]}`);
}

export function emitCi(flags: CiFlags, suite: CheckSuite): void {
  if (flags.junit !== undefined) writeOutput(flags.junit, junitXml(suite));
  if (flags.markdown !== undefined) writeOutput(flags.markdown, markdownSummary(suite));
  if (flags.github) {
    process.stdout.write(githubCommands(suite).join('\n') + '\n');
    const summary = process.env.GITHUB_STEP_SUMMARY;
    if (summary) appendStepSummary(summary, markdownSummary(suite));
  }
}
