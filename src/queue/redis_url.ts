/**
 * The Redis URL of `--queue` (or GAUNTLET_REDIS_URL): `redis://[user:password@]host[:port][/db]`
 * or `rediss://...` (TLS). Parsed once into connection options and a display form with the
 * password replaced by `***`: only the display form is ever printed, and every message that
 * comes from the server or the client library goes through `redact` first, so a password never
 * reaches the journal, a log line, an error or a report (docs/queue.md, "Secrets").
 */
import { queueErrors } from '../errors.js';

export interface RedisTarget {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls: boolean;
  /** The URL with the password replaced by `***`: the only form that is printed. */
  display: string;
}

/** The environment variable read when `--queue` is given without a URL (keeps the password out of `ps`). */
export const REDIS_URL_ENV = 'GAUNTLET_REDIS_URL';

/**
 * The URL for `--queue`: the flag's value, or GAUNTLET_REDIS_URL when the flag is given bare.
 * Never quotes the raw value in an error (it may hold a password).
 */
export function resolveQueueUrl(flag: string | true, env: NodeJS.ProcessEnv = process.env): RedisTarget {
  if (flag === true) {
    const v = env[REDIS_URL_ENV];
    if (v === undefined || v === '') throw queueErrors.url('--queue', `no URL given and ${REDIS_URL_ENV} is not set`);
    return parseRedisUrl(v, REDIS_URL_ENV);
  }
  return parseRedisUrl(flag, '--queue');
}

function decode(part: string, source: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw queueErrors.url(source, `the ${what} is not valid percent-encoding`);
  }
}

/** Parse a Redis URL (`source` names where it came from in messages). */
export function parseRedisUrl(raw: string, source: string): RedisTarget {
  const m = /^(rediss?):\/\/(?:([^@/?#]*)@)?([^/?#]*)(\/[^?#]*)?(\?[^#]*)?(#.*)?$/i.exec(raw.trim());
  if (!m) throw queueErrors.url(source, 'not a redis:// or rediss:// URL');
  const [, scheme, auth, hostPort, path, query, hash] = m;
  if (query !== undefined || hash !== undefined) throw queueErrors.url(source, 'a query (?...) or fragment (#...) is not supported');
  let username: string | undefined;
  let password: string | undefined;
  if (auth !== undefined) {
    const colon = auth.indexOf(':');
    const u = colon < 0 ? auth : auth.slice(0, colon);
    const p = colon < 0 ? undefined : auth.slice(colon + 1);
    username = u === '' ? undefined : decode(u, source, 'user name');
    password = p === undefined || p === '' ? undefined : decode(p, source, 'password');
    // redis://secret@host: Redis's own convention (and ioredis's) reads a lone part as the password.
    if (colon < 0 && username !== undefined) {
      password = username;
      username = undefined;
    }
  }
  const hp = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(hostPort);
  if (!hp) throw queueErrors.url(source, 'no host, or a malformed host:port');
  const host = hp[1].startsWith('[') ? hp[1].slice(1, -1) : hp[1];
  const port = hp[2] === undefined ? 6379 : Number(hp[2]);
  if (!(port >= 1 && port <= 65535)) throw queueErrors.url(source, `port ${port} is out of range [1, 65535]`);
  let db = 0;
  if (path !== undefined && path !== '/' && path !== '') {
    const d = /^\/(\d{1,5})$/.exec(path);
    if (!d) throw queueErrors.url(source, 'the path must be a database number (/0, /1, ...)');
    db = Number(d[1]);
  }
  const tls = scheme.toLowerCase() === 'rediss';
  const who = username !== undefined || password !== undefined ? `${username ?? ''}${password !== undefined ? ':***' : ''}@` : '';
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { host, port, db, username, password, tls, display: `${tls ? 'rediss' : 'redis'}://${who}${shownHost}:${port}/${db}` };
}

/**
 * `text` with every occurrence of the target's password (raw, and as it would appear
 * percent-encoded in a URL) replaced by `***`. Applied to everything Redis or ioredis says
 * before it is printed or stored.
 */
export function redact(text: string, target: Pick<RedisTarget, 'password'>): string {
  const p = target.password;
  if (p === undefined || p === '') return text;
  let out = text;
  for (const form of new Set([p, encodeURIComponent(p)])) out = out.split(form).join('***');
  return out;
}
