import type { Command } from 'commander';

/** `gauntlet batch` (issue 5) is registered here once the batch pipeline lands. */
export function registerBatch(_program: Command): void {}
