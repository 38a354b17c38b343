/**
 * A real Redis server for the queue tests: Debian's `redis-server` (installed by
 * scripts/test-prereqs.mjs when the tests run as root), on a free loopback port, with a
 * private temporary folder and no persistence. When the program is missing, `redisMissing()`
 * says why and the suites skip with that reason.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function onPath(bin: string): string | null {
  for (const d of (process.env.PATH ?? '').split(':')) if (d && existsSync(join(d, bin))) return join(d, bin);
  return null;
}

/** Why the queue tests cannot run here, or null when redis-server is available. */
export function redisMissing(): string | null {
  const bin = onPath('redis-server');
  if (!bin) return 'redis-server is not installed (Debian package redis-server; `npm test` installs it when run as root)';
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) return `redis-server --version failed (${(r.stderr || '').trim()})`;
  return null;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1');
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

export class RedisServer {
  private child: ChildProcess | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), 'gauntlet-redis-'));
  constructor(readonly port: number, readonly password?: string) {}

  static async start(password?: string): Promise<RedisServer> {
    const s = new RedisServer(await freePort(), password);
    await s.up();
    return s;
  }

  url(db = 0): string {
    return `redis://${this.password ? `:${encodeURIComponent(this.password)}@` : ''}127.0.0.1:${this.port}/${db}`;
  }

  /** Start (or restart, empty) on the same port; resolves once it accepts connections. */
  async up(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir, '--maxmemory-policy', 'noeviction'];
    if (this.password) args.push('--requirepass', this.password);
    this.child = spawn('redis-server', args, { stdio: 'ignore' });
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      if (this.child.exitCode !== null) throw new Error(`redis-server exited with ${this.child.exitCode}`);
      if (await canConnect(this.port)) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('redis-server did not start within 10 s');
  }

  /** Stop the server (SIGKILL: the abrupt loss the tests are about); resolves once it is gone. */
  async down(): Promise<void> {
    const c = this.child;
    this.child = null;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  }

  async stop(): Promise<void> {
    await this.down();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
