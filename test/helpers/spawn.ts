/**
 * Asynchronous CLI runs for the fault corpus: many cases run at once, a case can act while
 * the CLI runs (send a signal, close its stdout, change files), and stdout can be a pipe,
 * a closed pipe or a file descriptor.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CLI } from './bundle.js';
import { checkCliStdout } from './json_schema.js';

export interface AsyncResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface AsyncOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** 'pipe' (default); 'closed': the reader closes at once (EPIPE on write); or a descriptor. */
  stdout?: 'pipe' | 'closed' | number;
  /** Called once the process is started (to signal it, watch its files, ...). */
  onStart?: (child: ChildProcess) => void;
  timeoutMs?: number;
  /**
   * Run as this unprivileged uid (and its gid) through util-linux's setpriv: as root, the only
   * way to meet a permission error for real (root is never denied). Needs root and setpriv.
   */
  asUid?: number;
}

/** Whether runCliAsync can drop to another user here (root, with setpriv on the PATH). */
export function canDropPrivileges(): boolean {
  if (process.getuid?.() !== 0) return false;
  return ['/usr/bin/setpriv', '/bin/setpriv', '/usr/sbin/setpriv'].some((p) => existsSync(p));
}

export function runCliAsync(args: string[], opts: AsyncOptions = {}): Promise<AsyncResult> {
  return new Promise((resolve, reject) => {
    const out = opts.stdout ?? 'pipe';
    const [cmd, argv] = opts.asUid === undefined
      ? [process.execPath, [CLI, ...args]]
      : ['setpriv', [`--reuid=${opts.asUid}`, `--regid=${opts.asUid}`, '--clear-groups', process.execPath, CLI, ...args]];
    const child = spawn(cmd, argv, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', typeof out === 'number' ? out : 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    if (out === 'closed') child.stdout!.destroy();
    else child.stdout?.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      try {
        checkCliStdout(stdout);
      } catch (err) {
        reject(err);
        return;
      }
      resolve({ code, signal, stdout, stderr });
    });
    opts.onStart?.(child);
  });
}

/** Resolve once `file` exists (polling every few ms), or after `timeoutMs` regardless. */
export async function waitForFile(file: string, timeoutMs = 20_000, done: () => boolean = () => false): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (existsSync(file)) return true;
    if (done()) return false;
    await new Promise((r) => setTimeout(r, 2));
  }
  return false;
}

/** Lines of stderr (0 when empty). */
export function lineCount(text: string): number {
  return text === '' ? 0 : text.replace(/\n$/, '').split('\n').length;
}

/** Any character that must never reach a terminal raw (everything escapeText escapes but \n). */
export const RAW_CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;
