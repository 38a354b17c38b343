/**
 * `npm run build && node dist/bench/input_memory.js [--rows N] [--wide-rows N]`: peak memory
 * of the streaming CSV readers on large inputs, measured as a user would run them (the CLI as
 * a child process under `/usr/bin/time -v`, else the child's own maxRSS), and written into
 * bench/RESULTS.md as the section "Input limits and memory" (the rest of the file is kept).
 *
 * Two inputs, generated in a temp folder and deleted afterwards (never in unit tests):
 * - a trades.csv of 10 M rows (exit_time, return): `winrate` parses and gates it whole;
 *   `montecarlo` parses it and then refuses it by its trade bound (2^21 - 1 trades);
 * - a trades.csv of 1.5 M rows with 100 ignored columns besides exit_time and return.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/engine/executor.js';

const root = packageRoot();
const cli = join(root, 'dist', 'src', 'cli', 'main.js');
const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const ROWS = arg('--rows', 10_000_000);
/** `--before DIR`: also measure another build's CLI (DIR/dist/src/cli/main.js), e.g. the commit before the streaming readers. */
const BEFORE = args.includes('--before') ? args[args.indexOf('--before') + 1] : undefined;
const WIDE_ROWS = arg('--wide-rows', 1_500_000);
const IGNORED = 100;

/** Write `rows` trade lines (one exit_time a second from 2020-01-01, returns from a fixed LCG). */
function writeTrades(file: string, rows: number, ignored: number): void {
  const fd = openSync(file, 'w');
  const extra = Array.from({ length: ignored }, (_, i) => `x${i}`).join(',');
  const filler = Array.from({ length: ignored }, (_, i) => (0.001 * (i % 97)).toFixed(6)).join(',');
  writeSync(fd, `exit_time,${ignored ? extra + ',' : ''}return\n`);
  const t0 = Date.UTC(2020, 0, 1);
  let seed = 12345;
  const parts: string[] = [];
  let pending = 0;
  for (let i = 0; i < rows; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const r = ((seed / 2147483648) * 0.02 - 0.009).toFixed(6);
    const t = new Date(t0 + i * 1000).toISOString().slice(0, 19) + 'Z';
    parts.push(ignored ? `${t},${filler},${r}` : `${t},${r}`);
    if (++pending === 20_000) {
      writeSync(fd, parts.join('\n') + '\n');
      parts.length = 0;
      pending = 0;
    }
  }
  if (parts.length) writeSync(fd, parts.join('\n') + '\n');
  closeSync(fd);
}

interface Measured {
  command: string;
  exit: number | null;
  peakMiB: number;
  seconds: number;
  stderr: string;
}

/** Run the CLI and take its peak RSS from GNU time (kilobytes), else from a wrapper's resourceUsage. */
function measure(cliArgs: string[], cliPath = cli): Measured {
  const started = process.hrtime.bigint();
  const hasTime = existsSync('/usr/bin/time');
  const r = hasTime
    ? spawnSync('/usr/bin/time', ['-v', process.execPath, cliPath, ...cliArgs], { encoding: 'utf8', maxBuffer: 64 << 20 })
    : spawnSync(process.execPath, ['-e', `const c=require('child_process').spawnSync(process.execPath,${JSON.stringify([cliPath, ...cliArgs])},{stdio:'inherit'});process.stderr.write('maxRSS '+process.resourceUsage().maxRSS+'\\n');process.exit(c.status)`], { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const m = hasTime ? /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr) : /maxRSS (\d+)/.exec(r.stderr);
  const peakMiB = m ? Number(m[1]) / 1024 : NaN;
  // Messages name the temp folder: show file names only.
  const gauntletLines = r.stderr.split('\n').filter((l) => l.startsWith('gauntlet:') || l.startsWith('warning:')).map((l) => l.replace(/\/\S*\/(trades-[a-z]+\.csv)/g, '$1'));
  return { command: `gauntlet ${cliArgs.map((a) => (a.includes('/') ? a.slice(a.lastIndexOf('/') + 1) : a)).join(' ')}`, exit: hasTime ? Number(/Exit status: (\d+)/.exec(r.stderr)?.[1] ?? r.status) : r.status, peakMiB, seconds, stderr: gauntletLines.join(' / ') };
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'gauntlet-input-memory-'));
  try {
    const long = join(dir, 'trades-long.csv');
    const wide = join(dir, 'trades-wide.csv');
    process.stderr.write(`input_memory: writing ${ROWS} rows...\n`);
    writeTrades(long, ROWS, 0);
    process.stderr.write(`input_memory: writing ${WIDE_ROWS} rows x ${IGNORED + 2} columns...\n`);
    writeTrades(wide, WIDE_ROWS, IGNORED);
    const sizes = { long: statSync(long).size, wide: statSync(wide).size };
    const runs: { input: string; m: Measured; build?: string }[] = [
      { input: `${ROWS.toLocaleString('en-US')} rows x 2 columns, ${(sizes.long / 2 ** 20).toFixed(0)} MiB`, m: measure(['winrate', long, '--unit', 'return']) },
      { input: `${ROWS.toLocaleString('en-US')} rows x 2 columns, ${(sizes.long / 2 ** 20).toFixed(0)} MiB`, m: measure(['montecarlo', long, '--unit', 'return', '--workers', '0']) },
      { input: `${WIDE_ROWS.toLocaleString('en-US')} rows x ${IGNORED + 2} columns (${IGNORED} ignored), ${(sizes.wide / 2 ** 20).toFixed(0)} MiB`, m: measure(['winrate', wide, '--unit', 'return']) },
    ];
    if (BEFORE) {
      const old = join(BEFORE, 'dist', 'src', 'cli', 'main.js');
      runs.push({ input: runs[0].input, m: measure(['winrate', long, '--unit', 'return'], old), build: 'before' });
      runs.push({ input: runs[2].input, m: measure(['winrate', wide, '--unit', 'return'], old), build: 'before' });
    }
    const table = [
      '| input (trades.csv) | build | command | exit | peak RSS (MiB) | wall (s) | stderr |',
      '| --- | --- | --- | ---: | ---: | ---: | --- |',
      ...runs.map(({ input, m, build }) => `| ${input} | ${build ?? 'this'} | \`${m.command}\` | ${m.exit} | ${m.peakMiB.toFixed(0)} | ${m.seconds.toFixed(1)} | ${m.stderr.replace(/\|/g, '\\|').slice(0, 160) || '-'} |`),
    ].join('\n');
    const section = [
      '## Input limits and memory',
      '',
      `Produced by \`node dist/bench/input_memory.js\` on ${new Date().toISOString().slice(0, 10)}: the CLI run as a child process, peak RSS from \`/usr/bin/time -v\` (whole process: Node itself is about 45 MiB).`,
      'The readers stream the file in 1 MiB chunks and keep 8 bytes a trade (plus the final shared copy): the 10 M-row file must peak under 600 MB, and 100 ignored columns cost scan time, not memory.',
      ...(BEFORE ? ['Rows marked "before" ran the previous build (whole file in memory, a string per cell) on the same files (`--before DIR`).'] : []),
      '',
      table,
      '',
    ].join('\n');
    process.stdout.write(section + '\n');
    const resultsFile = join(root, 'bench', 'RESULTS.md');
    const old = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : '# Benchmark results\n';
    writeFileSync(resultsFile, replaceSection(old, section));
    process.stderr.write('input_memory: wrote the section into bench/RESULTS.md\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `md` with its "## Input limits and memory" section replaced by `section` (appended when absent). */
export function replaceSection(md: string, section: string): string {
  const start = md.indexOf('## Input limits and memory');
  if (start < 0) return md.trimEnd() + '\n\n' + section;
  const next = md.indexOf('\n## ', start + 1);
  return md.slice(0, start) + section + (next < 0 ? '' : md.slice(next + 1));
}

if (process.argv[1]?.endsWith('input_memory.js')) main();
