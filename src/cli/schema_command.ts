/** `gauntlet schema report|policy|candidate|journal|champion`: print a file format's JSON Schema (docs/formats.md). */
import type { Command } from 'commander';

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema (draft 2020-12) of a file Gauntlet reads or writes: report | policy | candidate | journal | champion')
    .argument('<name>', 'report | policy | candidate | journal | champion')
    .action(async (name: string) => {
      const { SCHEMA_NAMES, jsonSchemaText } = await import('../report/json_schemas.js');
      const { parseChoice } = await import('./common.js');
      process.stdout.write(jsonSchemaText(parseChoice('<name>', name, SCHEMA_NAMES)!));
    });
}
