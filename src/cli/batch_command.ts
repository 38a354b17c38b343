import type { Command } from 'commander';
import { DEFAULTS } from '../config/defaults.js';
import type { BatchFlags } from './batch_action.js';

export function registerBatch(program: Command): void {
  program
    .command('batch')
    .description('validate every candidate bundle under a directory into a resumable JSON Lines journal')
    .argument('<dir>', 'directory searched for bundles (folders holding candidate.json)')
    .requiredOption('--out <file>', 'journal file (JSON Lines, one line per candidate, appended and fsync\'d)')
    .option('--policy <file>', 'policy JSON for every candidate')
    .option('--seed <n>', `run seed (default ${DEFAULTS.seed})`)
    .option('--workers <n>', 'worker threads (default: available cores; 0 = in-process)')
    .option('--resume', 'keep the journal lines that still match (same inputs, policy and seed) and continue after them')
    .option('--progress <mode>', 'auto | bar | plain | none (default auto: a bar on a TTY, plain lines otherwise)', 'auto')
    .option('--max-memory <size>', "memory budget for each candidate, e.g. 2G, 512M or bytes (default: half the machine's memory)")
    .option('--queue [url]', 'coordinate the batch over a BullMQ queue on Redis (redis://[user:password@]host[:port][/db] or rediss://; bare: GAUNTLET_REDIS_URL); `gauntlet worker` processes validate', undefined)
    .option('--max-blob <size>', 'with --queue: largest bundle file sent as one blob (default 256M, at most 512M)')
    .option('--redis-timeout <ms>', 'with --queue: stop with exit 3 when Redis has not answered for this long (default 10000)')
    .option('--json <file>', "write a machine summary (counts + exit code) to a file, or '-' for stdout")
    .option('--html-dir <dir>', 'write one HTML page per candidate and an index.html (sortable table of every candidate) into this folder')
    .action(async (dir: string, f: BatchFlags) => (await import('./batch_action.js')).runBatchCommand(dir, f));
}
