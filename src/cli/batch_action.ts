/** `gauntlet batch`'s action (flags in batch_command.ts): progress, run, summary. */
import cliProgress from 'cli-progress';
import { DEFAULTS } from '../config/defaults.js';
import { loadPolicy } from '../io/policy.js';
import { batchExitCode, runBatch, type BatchSummary, type JournalEntry } from '../pipeline/batch.js';
import { checkJsonTarget, emitJson, parseChoice, parseMaxMemory, parseSeed, resolveWorkers, setExitCode, withExecutor } from './common.js';
import { textLines } from '../escape.js';
import { assertOutputOutsideInputs, sameOutput, targetError } from '../io/atomic.js';
import { checkJournalTarget } from '../io/journal.js';
import { join } from 'node:path';
import { prepareHtmlDir } from './html_output.js';

/**
 * --html-dir: each candidate's page as soon as its journal line is written (so an interrupted
 * batch keeps the pages of every line it wrote), and the index once the batch ends. A line
 * kept by --resume links to its page when the folder still holds the page of that very line
 * (the journal key in its <meta>).
 */
async function htmlPages(dir: string) {
  const [{ renderReportPage }, { renderBatchIndex }, { fullReport }, out] = await Promise.all([
    import('../html/page.js'), import('../html/index_page.js'), import('../report/schema.js'), import('./html_output.js'),
  ]);
  const written = new Set<string>();
  let made = false;
  const ensureDir = () => {
    if (!made) out.makeHtmlDir(dir);
    made = true;
  };
  return {
    candidate(e: JournalEntry, reportJson: string): void {
      ensureDir();
      const name = out.pageFileName(e.bundle);
      const page = renderReportPage(fullReport(JSON.parse(reportJson), e.bundle), { indexHref: 'index.html', meta: { [out.JOURNAL_KEY_META]: e.key } });
      out.emitHtml(join(dir, name), page);
      written.add(e.bundle);
    },
    index(s: BatchSummary, batchDir: string, journal: string): void {
      ensureDir();
      const rows = s.entries.map((e) => {
        if (e.decision === 'ERROR') return { entry: e, href: null };
        const name = out.pageFileName(e.bundle);
        if (written.has(e.bundle) || out.pageHasKey(join(dir, name), e.key)) return { entry: e, href: name };
        return { entry: e, href: null, note: 'no page: this line was kept from the journal by --resume and the folder has no page for it; run the batch without --resume to draw it' };
      });
      out.emitHtml(join(dir, 'index.html'), renderBatchIndex(rows, { dir: batchDir, journal, total: s.total, interrupted: s.interrupted }));
    },
  };
}
import { usageError } from '../errors.js';

export interface BatchFlags {
  out: string;
  policy?: string;
  seed?: string;
  workers?: string;
  resume?: boolean;
  progress?: string;
  json?: string;
  maxMemory?: string;
  htmlDir?: string;
  /** --queue [url]: coordinate over a BullMQ queue (true: the URL from GAUNTLET_REDIS_URL). */
  queue?: string | true;
  maxBlob?: string;
  redisTimeout?: string;
}

type ProgressMode = 'auto' | 'bar' | 'plain' | 'none';

/**
 * Progress on stderr: a bar on a TTY, a plain line every few seconds otherwise, or nothing.
 * With the queue (`queue`), each also shows the number of live worker processes, refreshed
 * by `workers()` even while no line is written.
 */
function makeProgress(mode: ProgressMode, queue = false) {
  const resolved = mode === 'auto' ? (process.stderr.isTTY ? 'bar' : 'plain') : mode;
  const started = Date.now();
  let bar: cliProgress.SingleBar | null = null;
  let lastPlain = 0;
  let base = 0;
  let done = 0;
  let total = -1;
  let live: number | null = null;
  const rate = (d: number) => (d - base) / Math.max(1e-3, (Date.now() - started) / 60_000);
  const liveText = () => (queue ? `, ${live ?? '?'} live worker${live === 1 ? '' : 's'}` : '');
  const plainLine = () => {
    lastPlain = Date.now();
    const r = rate(done);
    const eta = r > 0 ? ((total - done) / r) * 60 : 0;
    process.stderr.write(`batch: ${done}/${total} candidates, ${r.toFixed(1)}/min, ETA ${eta.toFixed(0)} s${liveText()}\n`);
  };
  return {
    start(t: number, kept: number) {
      base = kept;
      done = kept;
      total = t;
      if (resolved === 'bar') {
        bar = new cliProgress.SingleBar(
          { format: 'batch [{bar}] {value}/{total} candidates | {rate}/min | ETA {eta_formatted}{live}', stream: process.stderr, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, kept, { rate: '0.0', live: liveText() });
      } else if (resolved === 'plain') {
        process.stderr.write(`batch: ${total} candidates${kept ? `, ${kept} already in the journal (resumed)` : ''}${liveText()}\n`);
      }
    },
    line(_e: JournalEntry, d: number, _total: number) {
      done = d;
      if (bar) bar.update(done, { rate: rate(done).toFixed(1), live: liveText() });
      else if (resolved === 'plain' && (Date.now() - lastPlain >= 5000 || done === total)) plainLine();
    },
    workers(n: number) {
      live = n;
      if (bar) bar.update(done, { rate: rate(done).toFixed(1), live: liveText() });
      else if (resolved === 'plain' && total >= 0 && done < total && Date.now() - lastPlain >= 5000) plainLine();
    },
    stop() {
      bar?.stop();
    },
  };
}

export type Progress = ReturnType<typeof makeProgress>;

export function summaryTable(s: BatchSummary, out: string): string {
  const rows: string[] = [];
  if (s.interruptedIn === 'walk') {
    rows.push('Batch: INTERRUPTED while searching for bundles (the journal was not touched)');
  } else {
    rows.push(`Batch: ${s.total} candidates${s.resumed ? ` (${s.resumed} resumed from the journal)` : ''}${s.interrupted ? `, INTERRUPTED${s.interruptedIn === 'resume' ? ' while checking the journal (not touched)' : ''}` : ''}`);
    rows.push(`  approved  ${s.approved}`);
    rows.push(`  rejected  ${s.rejected}`);
    rows.push(`  malformed ${s.malformed}`);
    rows.push(`  crashed   ${s.crashed}`);
  }
  const notApproved = s.entries.filter((e) => e.decision !== 'APPROVED');
  if (notApproved.length) {
    rows.push('');
    rows.push('bundle | id | decision | failed gates / error');
    for (const e of notApproved) {
      const why = e.decision === 'ERROR' ? `${e.error!.code}: ${e.error!.message}` : e.failedGates.join(', ');
      rows.push(`${e.bundle} | ${e.id ?? '-'} | ${e.decision} | ${why}`);
    }
  }
  rows.push(`journal: ${out}`);
  // Bundle folder names, ids and messages come from inputs: each row escaped on its own.
  return textLines(rows);
}

export async function runBatchCommand(dir: string, f: BatchFlags): Promise<void> {
  // Signals first: SIGINT/SIGTERM end every phase (walk, resume check, candidates) with
  // exit 130 and the journal whole. The handlers stay until the process exits: a signal that
  // lands after the last line, while the pool shuts down, must not kill the process with the
  // signal's default action; the batch then ends with its own code. A second signal falls
  // back to the default (immediate exit; the journal is still whole line by line, and the
  // stale lock is recovered by the next run).
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  await runBatchCommandWith(dir, f, controller.signal);
}

async function runBatchCommandWith(dir: string, f: BatchFlags, signal: AbortSignal): Promise<void> {
  // Outputs before any work: the journal and the summary must be distinct, usable targets
  // that overwrite no input.
  checkJournalTarget(f.out);
  if (f.json !== undefined && f.json !== '-' && sameOutput(f.json, f.out)) throw targetError(f.json, "--json is the journal (--out); give the summary its own file, or '-' for stdout");
  assertOutputOutsideInputs('--out', f.out, { files: [f.policy] });
  checkJsonTarget(f.json, { files: [f.policy] });
  // Pages are drawn from each candidate's report, which a queue batch leaves on its workers.
  if (f.queue !== undefined && f.htmlDir !== undefined) throw usageError('--html-dir is not available with --queue (the reports stay on the workers); use a local batch, or gauntlet report on saved reports');
  const htmlDir = f.htmlDir === undefined ? undefined : prepareHtmlDir(f.htmlDir, { files: [f.policy] }, [{ option: '--out', path: f.out }, { option: '--json', path: f.json }]);
  // The renderer (and its charting library) loads only when pages are asked for.
  const pages = htmlDir === undefined ? null : await htmlPages(htmlDir);
  const policy = loadPolicy(f.policy);
  const seed = parseSeed(f.seed, DEFAULTS.seed);
  const workers = resolveWorkers(f.workers);
  const maxMemory = parseMaxMemory(f.maxMemory);
  const mode = parseChoice('--progress', f.progress, ['auto', 'bar', 'plain', 'none'] as const) ?? 'auto';
  if (f.queue === undefined && (f.maxBlob !== undefined || f.redisTimeout !== undefined)) throw usageError(`option ${f.maxBlob !== undefined ? '--max-blob' : '--redis-timeout'} needs --queue`);
  if (f.queue !== undefined) {
    // Loaded only for the queue: a local batch never imports BullMQ or ioredis.
    const { runQueueBatchCommand } = await import('./queue_action.js');
    return runQueueBatchCommand(dir, f, signal, { policy, seed, workers, maxMemory, progress: makeProgress(mode, true), summaryTable });
  }
  const progress = makeProgress(mode);
  let summary: BatchSummary;
  try {
    summary = await withExecutor(
      workers,
      (executor) =>
        runBatch({
          dir,
          out: f.out,
          seed,
          policy,
          executor,
          resume: f.resume === true,
          maxMemory,
          signal,
          outputs: [
            ...(f.json !== undefined && f.json !== '-' ? [{ option: '--json', path: f.json }] : []),
            // The folder itself (it may not exist yet): no page may land in a bundle.
            ...(htmlDir !== undefined ? [{ option: '--html-dir', path: htmlDir }] : []),
          ],
          reports: pages !== null,
          onNote: (line) => process.stderr.write(textLines([`gauntlet: note: ${line}`])),
          onStart: (total, kept) => progress.start(total, kept),
          onLine: (e, done, total, report) => {
            if (pages && report !== null) pages.candidate(e, report);
            progress.line(e, done, total);
          },
        }),
      signal,
    );
  } finally {
    progress.stop();
  }
  if (pages && summary.interruptedIn !== 'walk') pages.index(summary, dir, f.out);
  const code = batchExitCode(summary);
  if (f.json !== undefined) {
    const { entries: _entries, ...counts } = summary;
    emitJson(f.json, JSON.stringify({ ...counts, exitCode: code, journal: f.out }, null, 2) + '\n');
  }
  (f.json === '-' ? process.stderr : process.stdout).write(summaryTable(summary, f.out) + (pages && summary.interruptedIn !== 'walk' ? textLines([`pages: ${join(htmlDir!, 'index.html')}`]) : ''));
  setExitCode(code);
}
