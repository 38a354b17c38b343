#!/usr/bin/env node
/**
 * The gauntlet command line. It only parses, calls and prints: every decision lives in
 * src/pipeline and src/gates. Exit codes: 0 approved, 1 rejected, 2 bad input or usage,
 * 3 internal error (130 when a batch is interrupted).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { ExitCode, toGauntletError } from '../errors.js';
import { ENGINE_VERSION } from '../version.js';
import { registerValidate } from './validate_command.js';
import { registerGateCommands } from './gate_commands.js';
import { registerBatch } from './batch_command.js';
import { registerSchema } from './schema_command.js';
import { registerLifecycle } from './lifecycle_commands.js';
import { registerReport } from './report_command.js';
import { registerWorker } from './worker_command.js';
import { finalExitCode, installStdioGuards, takeExitCode } from './common.js';
import { escapeText, textLines } from '../escape.js';

/**
 * commander echoes the user's arguments in its error messages: escape them like every text,
 * keeping only commander's own "(Did you mean ...?)" suggestion on its second line.
 */
function commanderMessage(s: string): string {
  const m = /^([\s\S]*?)(?:\n(\(Did you mean [^\n]*\?\)))?\n?$/.exec(s)!;
  return escapeText(m[1]) + (m[2] ? '\n' + escapeText(m[2]) : '') + '\n';
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('gauntlet')
    .description('Validate a retrained trading model against four deployment gates: win rate, walk-forward efficiency, PBO (CSCV) and Monte Carlo breach probability.')
    .version(ENGINE_VERSION)
    .option('--debug', 'on an internal error (exit 3), print its stack trace to stderr')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), outputError: (s, write) => write(commanderMessage(s)) });
  registerValidate(program);
  registerGateCommands(program);
  registerBatch(program);
  registerSchema(program);
  registerLifecycle(program);
  registerReport(program);
  registerWorker(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  if (argv.length === 0) {
    // No command is a usage error, not a success: a CI step that lost its arguments must fail.
    process.stderr.write(program.helpInformation());
    return ExitCode.badInput;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return takeExitCode();
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      // commander has already printed its message.
      return ExitCode.badInput;
    }
    const e = toGauntletError(err);
    process.stderr.write(`gauntlet: error [${e.code}]: ${e.message}\n`);
    // Exit 3 is a fault of Gauntlet, not of the input: --debug (or GAUNTLET_DEBUG) adds the
    // stack for the bug report; user mistakes (exit 2) stay one line.
    const debug = program.opts().debug === true || argv.includes('--debug') || Boolean(process.env.GAUNTLET_DEBUG);
    if (e.exitCode === ExitCode.internal && debug && err instanceof Error) process.stderr.write(textLines(String(err.stack).split('\n')));
    return e.exitCode;
  }
}

function invokedDirectly(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}
if (invokedDirectly()) {
  installStdioGuards();
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = finalExitCode(code);
    },
    (err) => {
      process.stderr.write(`gauntlet: internal error: ${escapeText(String(err))}\n`);
      process.exitCode = ExitCode.internal;
    },
  );
}
