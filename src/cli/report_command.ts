import type { Command } from 'commander';
import type { ReportFlags } from './report_action.js';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('render a saved validate report (validate --json) as one self-contained HTML page, without recomputing anything')
    .argument('<report>', 'report JSON written by validate --json (schemaVersion 2 or 3)')
    .option('--html <file>', "write the HTML page to a file, or '-' for stdout")
    .action(async (file: string, flags: ReportFlags) => (await import('./report_action.js')).runReport(file, flags));
}
