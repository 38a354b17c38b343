/**
 * A registry change killed (SIGKILL) at every step leaves the old state or the new one, with a
 * consistent audit log (docs/lifecycle.md, "Crashes"). The fault is injected through the
 * library's step hook in a test-only child process (test/helpers/registry_step.ts), which kills
 * itself at the chosen step; production code carries no hook of its own.
 *
 * After each kill: `verify` passes (a committed line whose effects are missing counts as
 * consistent), the committed stages are the old ones (killed before the commit) or the new ones
 * (at or after it), the dead process's lock is still there. The next command then removes the
 * stale lock, completes the committed change or removes the staging folder of the uncommitted
 * one, and everything verifies with the final state expected.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initRegistry, promoteToProduction, promoteToShadow } from '../../src/lifecycle/promote.js';
import { monitorStage } from '../../src/lifecycle/monitor.js';
import { readRegistry, REGISTRY_FILES, type Stages } from '../../src/lifecycle/registry.js';
import { verifyRegistry } from '../../src/lifecycle/status.js';
import { tempDir } from '../helpers/bundle.js';
import { approvedBundle, bundleTradeValues, executor, fixedNow, rejectedBundle, writeLiveTrades } from '../helpers/registry.js';

const HELPER = fileURLToPath(new URL('../../dist/test/helpers/registry_step.js', import.meta.url));

function child(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [HELPER, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    c.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    c.on('error', reject);
    c.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

/** Run `tasks` at most `limit` at a time. */
async function pooled<T>(tasks: (() => Promise<T>)[], limit = 4): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]();
    }
  }));
  return out;
}

let root = '';
let approved = '';
let live = '';
/** Templates: production only (A), plus a HEALTHY shadow model (B), plus that model in production (C). */
let A = '', B = '', C = '';
const opts = { executor, now: fixedNow };

beforeAll(async () => {
  root = tempDir('gauntlet-crash-registry-');
  approved = approvedBundle(join(root, 'approved'));
  const rejected = rejectedBundle(join(root, 'rejected'));
  live = writeLiveTrades(join(root, 'live.csv'), bundleTradeValues(approved), 40);
  A = join(root, 'A');
  await initRegistry(A, { ...opts, seed: 42, production: rejected });
  B = join(root, 'B');
  cpSync(A, B, { recursive: true });
  await promoteToShadow(B, approved, opts);
  await monitorStage(B, live, { stage: 'shadow', executor, asOf: new Date('2016-03-01'), now: fixedNow });
  C = join(root, 'C');
  cpSync(B, C, { recursive: true });
  await promoteToProduction(C, 'cand-b@1', opts);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Scenario {
  action: string;
  template: () => string;
  arg: () => string;
  /** Steps in order; from `commitAt` on, the change is committed. */
  steps: string[];
  commitAt: string;
  events: number;
  after: (s: Stages) => void;
}

const SCENARIOS: Scenario[] = [
  {
    action: 'shadow', template: () => A, arg: () => approved,
    steps: ['locked', 'recovered', 'validated', 'staged', 'committed', 'moved', 'stages-written', 'head-written'], commitAt: 'committed', events: 2,
    after: (s) => expect(s.shadow).toMatchObject({ id: 'cand-b', version: 1 }),
  },
  {
    action: 'production', template: () => B, arg: () => 'cand-b@1',
    steps: ['locked', 'recovered', 'validated', 'committed', 'moved', 'stages-written', 'head-written'], commitAt: 'committed', events: 4,
    after: (s) => {
      expect(s.production).toMatchObject({ id: 'cand-b', version: 1 });
      expect(s.shadow).toBeNull();
    },
  },
  {
    action: 'rollback', template: () => C, arg: () => '-',
    steps: ['locked', 'recovered', 'validated', 'committed', 'moved', 'stages-written', 'head-written'], commitAt: 'committed', events: 5,
    after: (s) => expect(s.production).toMatchObject({ id: 'cand-rejected', version: 1 }),
  },
  {
    action: 'monitor', template: () => C, arg: () => live,
    steps: ['locked', 'recovered', 'committed', 'moved', 'stages-written', 'head-written'], commitAt: 'committed', events: 5,
    after: (s) => expect(s.production).toMatchObject({ id: 'cand-b', version: 1 }),
  },
];

describe('SIGKILL at every step of a change leaves the old or the new state, and the next command completes it', () => {
  for (const sc of SCENARIOS) {
    it(`${sc.action}: killed at each of ${sc.steps.join(', ')}`, async () => {
      const runs = sc.steps.map((step, i) => async () => {
        const dir = join(root, `${sc.action}-${i}-${step}`);
        cpSync(sc.template(), dir, { recursive: true });
        const r = await child([sc.action, dir, sc.arg(), `kill:${step}`]);
        return { dir, step, r };
      });
      const results = await pooled(runs);
      const oldState = readRegistry(sc.template());
      for (const { dir, step, r } of results) {
        const committed = sc.steps.indexOf(step) >= sc.steps.indexOf(sc.commitAt);
        expect(r.signal, `${step}: ${r.stderr}`).toBe('SIGKILL');
        // Consistent as it lies: verify passes without any repair.
        const v = verifyRegistry(dir);
        expect(v.ok, `${sc.action} killed at ${step}: ${v.message}`).toBe(true);
        const s = readRegistry(dir);
        expect(existsSync(join(dir, REGISTRY_FILES.lock)), `${step}: the dead process's lock stays`).toBe(true);
        if (committed) {
          expect(s.lines.length, step).toBe(oldState.lines.length + 1);
          sc.after(s.stages);
        } else {
          expect(s.lines.length, step).toBe(oldState.lines.length);
          expect(s.stages, step).toEqual(oldState.stages);
        }
        // The next command: stale lock removed, the interrupted change completed or its leftovers removed.
        const notes: string[] = [];
        const m = await monitorStage(dir, live, { stage: 'production', executor, asOf: new Date('2016-06-01'), now: fixedNow, note: (l) => notes.push(l) });
        expect(['HEALTHY', 'WATCH', 'DEGRADED', 'RETRAIN_DUE']).toContain(m.status);
        expect(notes.some((l) => /removed a stale lock .*registry\.lock left by pid \d+, which is no longer running/.test(l)), `${step}: ${notes.join(' | ')}`).toBe(true);
        const needsCompletion = committed && step !== 'head-written';
        expect(notes.some((l) => /completed audit\.jsonl line \d+/.test(l)), `${step}: ${notes.join(' | ')}`).toBe(needsCompletion);
        if (step === 'staged') expect(notes.some((l) => /removed models\/\.staging-[0-9a-f]+, left by a command interrupted before it committed/.test(l))).toBe(true);
        const after = readRegistry(dir, { hashBundles: 'all' });
        expect(after.lines.length).toBe((committed ? sc.events : sc.events - 1) + 1);
        expect(after.pending).toBeNull();
        expect(readdirSync(join(dir, 'models')).filter((f) => f.startsWith('.staging-'))).toEqual([]);
        expect(verifyRegistry(dir).ok).toBe(true);
        if (committed) sc.after(after.stages);
        else expect(after.stages).toEqual(oldState.stages);
      }
    });
  }
});
