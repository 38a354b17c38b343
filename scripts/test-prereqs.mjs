#!/usr/bin/env node
/**
 * System programs some test suites need (a real Redis server, a headless Chromium): the test
 * command installs the missing ones itself, with Debian's apt-get, when it runs as root (as
 * CI does). Where that is impossible (not root, no apt-get, no network) it says why in one
 * line and goes on: those suites then skip with the same reason. Never fails the test run.
 *
 * Which programs: PREREQS below (the binary looked up on the PATH, the Debian package).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const PREREQS = [
  { bin: 'redis-server', pkg: 'redis-server', for: 'the BullMQ queue tests' },
  { bin: 'chromium', pkg: 'chromium', for: 'the browser tests of the HTML report' },
];

function onPath(bin) {
  return (process.env.PATH ?? '').split(':').some((d) => d && existsSync(`${d}/${bin}`));
}

function main() {
  const missing = PREREQS.filter((p) => !onPath(p.bin));
  if (missing.length === 0) return;
  const names = missing.map((p) => p.pkg).join(' ');
  if (process.getuid?.() !== 0) {
    console.log(`test-prereqs: ${names} missing and not root: ${missing.map((p) => p.for).join(', ')} will skip`);
    return;
  }
  if (!onPath('apt-get')) {
    console.log(`test-prereqs: ${names} missing and no apt-get: ${missing.map((p) => p.for).join(', ')} will skip`);
    return;
  }
  console.log(`test-prereqs: installing ${names} with apt-get (for ${missing.map((p) => p.for).join(', ')})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const opts = { stdio: ['ignore', 'ignore', 'pipe'], env, timeout: 600_000, encoding: 'utf8' };
  let r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing.map((p) => p.pkg)], opts);
  if (r.status !== 0) {
    // A fresh machine may have no package lists yet.
    spawnSync('apt-get', ['update'], opts);
    r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing.map((p) => p.pkg)], opts);
  }
  const still = missing.filter((p) => !onPath(p.bin));
  if (still.length > 0) {
    const why = (r.stderr ?? '').trim().split('\n').pop() || `apt-get exited ${r.status}`;
    console.log(`test-prereqs: could not install ${still.map((p) => p.pkg).join(' ')} (${why}): ${still.map((p) => p.for).join(', ')} will skip`);
  }
}

main();
