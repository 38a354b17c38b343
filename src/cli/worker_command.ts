import type { Command } from 'commander';
import type { WorkerFlags } from './queue_action.js';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('validate candidates taken from a BullMQ queue on Redis, for `gauntlet batch --queue` (docs/queue.md)')
    .option('--queue [url]', 'redis://[user:password@]host[:port][/db] or rediss://...; bare: the URL in GAUNTLET_REDIS_URL')
    .option('--workers <n>', 'pool threads (default: available cores; 0 = in-process)')
    .option('--concurrency <n>', 'jobs in hand at once (default: workers + 1)')
    .option('--max-memory <size>', "memory budget per candidate when the coordinator gave none (default: half this machine's memory)")
    .option('--lock-duration <ms>', 'BullMQ job lock: a job whose worker stops renewing it for this long is stalled and run again elsewhere (default 30000)')
    .option('--stalled-interval <ms>', 'how often this worker checks for stalled jobs (default 30000)')
    .option('--redis-timeout <ms>', 'exit 3 when Redis has not answered for this long (default 10000)')
    .action(async (f: WorkerFlags) => (await import('./queue_action.js')).runWorkerCommand(f));
}
