/**
 * One registry change at a time (docs/lifecycle.md, "The lock"): two promotes started together
 * end with exactly one promotion, the other refused in one line (exit 2) and nothing corrupted;
 * a promote that meets a held lock is refused at once and changes nothing; a lock left by a
 * process that no longer runs is recovered, said on stderr and recorded in the audit event.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initRegistry } from '../../src/lifecycle/promote.js';
import { readRegistry } from '../../src/lifecycle/registry.js';
import { verifyRegistry } from '../../src/lifecycle/status.js';
import { tempDir } from '../helpers/bundle.js';
import { runCliAsync, waitForFile } from '../helpers/spawn.js';
import { approvedBundle, executor, fixedNow, rejectedBundle, treeSnapshot } from '../helpers/registry.js';

const HELPER = fileURLToPath(new URL('../../dist/test/helpers/registry_step.js', import.meta.url));

let root = '';
let template = '';
let approved = '';
let approved2 = '';
beforeAll(async () => {
  root = tempDir('gauntlet-lock-');
  approved = approvedBundle(join(root, 'approved'));
  approved2 = approvedBundle(join(root, 'approved2'), 'cand-b2');
  template = join(root, 'template');
  await initRegistry(template, { executor, now: fixedNow, seed: 42, production: rejectedBundle(join(root, 'rejected')) });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function copy(name: string): string {
  const dir = join(root, name);
  cpSync(template, dir, { recursive: true });
  return dir;
}

describe('the registry lock', () => {
  it('two promotes of one bundle started together: exactly one wins, the other gets one clear line, nothing is corrupted', async () => {
    const dir = copy('race');
    const [a, b] = await Promise.all([0, 1].map(() => runCliAsync(['promote', approved, '--to', 'shadow', '--registry', dir, '--workers', '0'])));
    const codes = [a.code, b.code].sort();
    expect(codes).toEqual([0, 2]);
    const loser = a.code === 2 ? a : b;
    expect(loser.stderr.trim().split('\n')).toHaveLength(1);
    // Either it met the lock, or it came after the winner and found the model already in shadow.
    expect(loser.stderr).toMatch(/^gauntlet: error \[(E_REGISTRY_LOCKED|E_STAGE)\]: /);
    const s = readRegistry(dir);
    expect(s.lines.map((l) => l.event)).toEqual(['init', 'promote']);
    expect(verifyRegistry(dir).ok).toBe(true);
    expect(existsSync(join(dir, 'registry.lock'))).toBe(false);
  });

  it('a promote that meets a held lock is refused at once (E_REGISTRY_LOCKED) and changes nothing; the holder then completes', async () => {
    const dir = copy('held');
    const marker = join(root, 'held.paused');
    const release = join(root, 'held.release');
    const holder = new Promise<number | null>((resolve) => {
      const c = spawn(process.execPath, [HELPER, 'shadow', dir, approved, `pause:validated:${marker}:${release}`], { stdio: 'ignore' });
      c.on('close', (code) => resolve(code));
    });
    expect(await waitForFile(marker)).toBe(true);
    const before = treeSnapshot(dir);
    const r = await runCliAsync(['promote', approved2, '--to', 'shadow', '--registry', dir, '--workers', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^gauntlet: error \\[E_REGISTRY_LOCKED\\]: .*held: the registry is in use by another gauntlet command \\(pid \\d+, lock file .*registry\\.lock\\)`));
    expect(treeSnapshot(dir)).toEqual(before);
    writeFileSync(release, '');
    expect(await holder).toBe(0);
    expect(readRegistry(dir).stages.shadow).toMatchObject({ id: 'cand-b' });
    expect(verifyRegistry(dir).ok).toBe(true);
  });

  it('a stale lock of a dead process is recovered, said on stderr and recorded in the audit event', async () => {
    const dir = copy('stale');
    // A pid that is certainly not running: a child that has already exited.
    const dead = await new Promise<number>((resolve) => {
      const c = spawn(process.execPath, ['-e', '0']);
      c.on('close', () => resolve(c.pid!));
    });
    writeFileSync(join(dir, 'registry.lock'), `${dead} ${hostname()}\n`);
    const r = await runCliAsync(['promote', approved, '--to', 'shadow', '--registry', dir, '--workers', '0']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`gauntlet: note: removed a stale lock .*registry\\.lock left by pid ${dead}, which is no longer running`));
    const s = readRegistry(dir);
    const event = s.lines[s.lines.length - 1];
    expect(event.event).toBe('promote');
    expect((event.data as { notes?: string[] }).notes?.[0]).toMatch(new RegExp(`removed a stale lock .* pid ${dead}`));
    expect(existsSync(join(dir, 'registry.lock'))).toBe(false);
  });
});
