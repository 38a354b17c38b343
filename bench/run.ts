/**
 * `npm run bench [-- --quick] [-- --only mc,pbo,wf,batch,cli]`: runs every gate's tinybench suite
 * in one process and writes bench/RESULTS.md and bench/results.json. Timings live here and
 * only here, never in unit tests. The machines here are small and noisy: read the ratios
 * (fast vs naive measured in the same run, N workers vs 1), not the absolute times.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/engine/executor.js';
import { ENGINE_VERSION } from '../src/version.js';
import type { BenchOptions, BenchSection } from './types.js';

const SUITES: Record<string, string> = {
  mc: './monte_carlo.bench.js',
  pbo: './pbo.bench.js',
  wf: './walk_forward.bench.js',
  batch: './batch.bench.js',
  cli: './cli.bench.js',
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const onlyArg = args.find((a) => a.startsWith('--only='))?.slice(7) ?? (args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined);
  const only = onlyArg ? onlyArg.split(',') : Object.keys(SUITES);
  const cores = availableParallelism();
  const workerCounts = Array.from(new Set([1, 2, 4, 8, 16].filter((w) => w <= cores).concat(cores))).sort((a, b) => a - b);
  const opts: BenchOptions = { quick, workerCounts };
  const sections: BenchSection[] = [];
  for (const key of only) {
    const path = SUITES[key];
    if (!path) throw new Error(`unknown suite '${key}' (have ${Object.keys(SUITES).join(', ')})`);
    process.stderr.write(`bench: running ${key}${quick ? ' (quick)' : ''}...\n`);
    const mod = (await import(path)) as { run: (o: BenchOptions) => Promise<BenchSection> };
    const section = await mod.run(opts);
    process.stdout.write(`\n## ${section.title}\n\n${section.markdown}\n`);
    sections.push(section);
  }
  const machine = {
    cores,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
  const command = `npm run bench${quick ? ' -- --quick' : ''}${onlyArg ? ` -- --only ${onlyArg}` : ''}`;
  const date = new Date().toISOString().slice(0, 10);
  const md = [
    '# Benchmark results',
    '',
    `Produced by \`${command}\` on ${date}, gauntlet ${ENGINE_VERSION}.`,
    '',
    `Machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}.`,
    'Machines here are shared and noisy: compare the ratios (fast kernel vs naive twin in the same run, N workers vs 1), not absolute times.',
    '',
    ...sections.flatMap((s) => [`## ${s.title}`, '', s.markdown, '']),
  ].join('\n');
  const root = packageRoot();
  if (!quick) {
    // The input-memory section comes from its own script (bench/input_memory.ts, large files):
    // a suite run keeps the last one instead of dropping it.
    const resultsFile = join(root, 'bench', 'RESULTS.md');
    const old = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : '';
    const start = old.indexOf('## Input limits and memory');
    const kept = start < 0 ? '' : old.slice(start, old.indexOf('\n## ', start + 1) < 0 ? undefined : old.indexOf('\n## ', start + 1) + 1);
    writeFileSync(resultsFile, kept ? md.trimEnd() + '\n\n' + kept.trimEnd() + '\n' : md);
    writeFileSync(join(root, 'bench', 'results.json'), JSON.stringify({ command, date, machine, sections: sections.map((s) => ({ title: s.title, ...s.json })) }, null, 2) + '\n');
    process.stderr.write('bench: wrote bench/RESULTS.md and bench/results.json\n');
  } else {
    process.stderr.write('bench: quick mode, bench/RESULTS.md left unchanged\n');
  }
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
