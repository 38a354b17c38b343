/**
 * `npm run bench [-- --quick] [-- --only mc,pbo,wf,batch,cli,queue]`: runs every gate's tinybench suite
 * in one process and writes bench/RESULTS.md and bench/results.json. With `--only`, the
 * sections of the suites run replace their namesakes (or are added) and every other section
 * of the last results is kept as it was, each new one saying which command and day made it. Timings live here and
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
  queue: './queue.bench.js',
};

/** RESULTS.md split into its header (before the first section) and its `## ` sections, in order. */
function splitSections(md: string): { head: string; sections: { title: string; text: string }[] } {
  const parts = md.split(/\n(?=## )/);
  const head = parts[0].startsWith('## ') ? '' : parts.shift()!;
  return { head, sections: parts.map((p) => ({ title: p.slice(3, p.indexOf('\n') < 0 ? undefined : p.indexOf('\n')).trim(), text: p.trimEnd() })) };
}

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
    const resultsFile = join(root, 'bench', 'RESULTS.md');
    const jsonFile = join(root, 'bench', 'results.json');
    const old = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : '';
    const fresh = { command, date, machine, sections: sections.map((s) => ({ title: s.title, ...s.json })) };
    if (onlyArg && old) {
      // A partial run: its sections replace their namesakes, the others stay as they were.
      const prev = splitSections(old);
      const note = `Section produced by \`${command}\` on ${date}, gauntlet ${ENGINE_VERSION}; machine: ${machine.cores} cores (${machine.cpu}), Node ${machine.node}.`;
      const made = new Map(sections.map((s) => [s.title, `## ${s.title}\n\n${note}\n\n${s.markdown.trimEnd()}`]));
      const merged = prev.sections.map((p) => made.get(p.title) ?? p.text);
      for (const [title, text] of made) if (!prev.sections.some((p) => p.title === title)) merged.push(text);
      writeFileSync(resultsFile, [prev.head.trimEnd(), ...merged].join('\n\n') + '\n');
      const oldJson = existsSync(jsonFile) ? (JSON.parse(readFileSync(jsonFile, 'utf8')) as { sections?: { title: string }[]; partialRuns?: unknown[] }) : {};
      const keptJson = (oldJson.sections ?? []).filter((x) => !made.has(x.title));
      writeFileSync(jsonFile, JSON.stringify({ ...oldJson, sections: [...keptJson, ...fresh.sections], partialRuns: [...(oldJson.partialRuns ?? []), { command, date, machine, sections: [...made.keys()] }] }, null, 2) + '\n');
    } else {
      // The input-memory section comes from its own script (bench/input_memory.ts, large files):
      // a suite run keeps the last one instead of dropping it.
      const start = old.indexOf('## Input limits and memory');
      const kept = start < 0 ? '' : old.slice(start, old.indexOf('\n## ', start + 1) < 0 ? undefined : old.indexOf('\n## ', start + 1) + 1);
      writeFileSync(resultsFile, kept ? md.trimEnd() + '\n\n' + kept.trimEnd() + '\n' : md);
      writeFileSync(jsonFile, JSON.stringify(fresh, null, 2) + '\n');
    }
    process.stderr.write('bench: wrote bench/RESULTS.md and bench/results.json\n');
  } else {
    process.stderr.write('bench: quick mode, bench/RESULTS.md left unchanged\n');
  }
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
