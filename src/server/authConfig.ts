import { isIP } from 'node:net';
import { DEFAULT_HASH_QUEUE_LIMITS, type HashQueueLimits } from '../auth/hashWorkQueue';
import { DEFAULT_FAILED_AUTH_LIMIT, type FailedAuthLimit } from '../rest/failedAuthLimiter';
import { wholeNumber } from './envNumber';

/** The authentication limits `npm start` reads from the environment (see README, Security). */
export interface AuthConfig {
  /** TRUST_PROXY: proxies whose X-Forwarded-For names the client; unset trusts none. */
  trustProxy?: string[];
  /** FCRM_AUTH_FAILURES_PER_MINUTE (default 20). */
  failedAuthLimit: FailedAuthLimit;
  /** FCRM_HASH_CONCURRENCY (default 2) and FCRM_HASH_QUEUE (default 64, half of it per client). */
  hashQueue: HashQueueLimits;
}

/** Names proxy-addr (Fastify's trustProxy) knows for address ranges. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Throws `onError(message)`'s error (ConfigError) for a bad value. */
export function readAuthConfig(env: NodeJS.ProcessEnv, onError: (message: string) => Error): AuthConfig {
  const failures = wholeNumber(env, 'FCRM_AUTH_FAILURES_PER_MINUTE', DEFAULT_FAILED_AUTH_LIMIT.max, 1, onError);
  const running = wholeNumber(env, 'FCRM_HASH_CONCURRENCY', DEFAULT_HASH_QUEUE_LIMITS.running, 1, onError);
  const waiting = wholeNumber(env, 'FCRM_HASH_QUEUE', DEFAULT_HASH_QUEUE_LIMITS.waiting, 0, onError);
  return {
    trustProxy: readTrustProxy(env.TRUST_PROXY, onError),
    failedAuthLimit: { max: failures, windowMs: 60_000 },
    hashQueue: { running, waiting, waitingPerClient: Math.ceil(waiting / 2) },
  };
}

function readTrustProxy(value: string | undefined, onError: (message: string) => Error): string[] | undefined {
  const text = (value ?? '').trim();
  if (['', 'off', 'false', '0'].includes(text.toLowerCase())) return undefined;
  const entries = text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  for (const entry of entries) {
    if (!isProxyEntry(entry)) {
      throw onError(
        `TRUST_PROXY must list the proxies in front of the server, comma-separated addresses or CIDRs ` +
          `(e.g. 127.0.0.1,10.0.0.0/8) or loopback/linklocal/uniquelocal; got ${JSON.stringify(entry)}`,
      );
    }
  }
  return entries;
}

function isProxyEntry(entry: string): boolean {
  if (RANGE_NAMES.has(entry.toLowerCase())) return true;
  const [address, prefix, extra] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
  return bits >= 0 && bits <= (version === 4 ? 32 : 128);
}
