/**
 * Test-only child process for the registry's fault-injection and lock tests: runs one
 * lifecycle change through the library with a step hook (production code has none) that, at
 * the named step, either kills this process with SIGKILL (as a power cut or the OOM killer
 * would) or pauses it until a release file appears (so another command meets the held lock).
 * Compiled by `npm run build` to dist/test/helpers/registry_step.js.
 *
 *   node registry_step.js <action> <registry> <arg> kill:<step>|pause:<step>:<marker>:<release>|none
 *   action: shadow (arg: bundle) | production (arg: id@version) | rollback | monitor (arg: live trades, production stage)
 */
import { existsSync, writeFileSync } from 'node:fs';
import { InProcessExecutor } from '../../src/runtime.js';
import { promoteToProduction, promoteToShadow, rollback } from '../../src/lifecycle/promote.js';
import { monitorStage } from '../../src/lifecycle/monitor.js';
import type { StepName } from '../../src/lifecycle/registry.js';

const [action, dir, arg, how] = process.argv.slice(2);
const [mode, at, marker, release] = how.split(':');
const sleeper = new Int32Array(new SharedArrayBuffer(4));

function step(name: StepName): void {
  if (name !== at) return;
  if (mode === 'kill') process.kill(process.pid, 'SIGKILL');
  if (mode === 'pause') {
    writeFileSync(marker, String(process.pid));
    const until = Date.now() + 30_000;
    while (!existsSync(release) && Date.now() < until) Atomics.wait(sleeper, 0, 0, 10);
  }
}

const executor = new InProcessExecutor();
const now = () => new Date('2026-11-20T12:00:00Z');
const note = (l: string) => process.stderr.write(`note: ${l}\n`);
const run = async () => {
  if (action === 'shadow') return promoteToShadow(dir, arg, { executor, now, note, step });
  if (action === 'production') return promoteToProduction(dir, arg, { executor, now, note, step });
  if (action === 'rollback') return rollback(dir, { now, note, step });
  if (action === 'monitor') return monitorStage(dir, arg, { stage: 'production', executor, asOf: new Date('2016-06-01'), now, note, step });
  throw new Error(`unknown action ${action}`);
};
run().then(
  (r) => process.stdout.write(`${(r as { decision?: string; status?: string }).decision ?? (r as { status?: string }).status}\n`),
  (err) => {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    process.exitCode = 2;
  },
);
