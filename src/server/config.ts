import { readAuthConfig, type AuthConfig } from './authConfig';
import { wholeNumber } from './envNumber';
import { connectionLimitsProblem, DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from '../rest/connectionLimits';
import { normalisePublicUrl } from '../rest/publicUrl';
import type { RetentionOptions } from '../retention/retentionSettings';
import { readRetentionConfig } from './retentionConfig';
import { readRelayConfig } from '../relay/relayConfig';
import type { RelayOptions } from '../relay/relaySettings';

/** `npm start`'s settings, all from the environment. */
export interface ServerConfig extends AuthConfig {
  port: number;
  host: string;
  /** Unset: the embedded database in `dataDir`. */
  databaseUrl?: string;
  dataDir?: string;
  /** PostgreSQL schema of the tables (default public), as for key:create and import. */
  schema?: string;
  timeZone: string;
  logLevel: string;
  /** FCRM_PREPARED_STATEMENTS=off: no named prepared statements (a transaction-pooling PgBouncer before 1.21). */
  preparedStatements: boolean;
  /** FCRM_MAX_CONCURRENT_BATCHES: batches on POST /subscribers/track-events received and processed at once (default 2). */
  maxConcurrentBatches: number;
  /** FCRM_MAX_CONCURRENT_READS / FCRM_READ_QUEUE: listings and event pages at once, and waiting (default 2 and 32). */
  reads: { maxConcurrent: number; maxQueued: number };
  /** REQUEST_TIMEOUT_MS, HEADERS_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS, MAX_CONNECTIONS. */
  connectionLimits: ConnectionLimits;
  /** PUBLIC_URL: the base of paginator links; unset: the listening address. */
  publicUrl?: string;
  /** FCRM_PLUGINS: module paths (comma-separated), loaded in this order before the server listens. */
  plugins: string[];
  /** FCRM_EVENT_DEFINITIONS_REFRESH_MS: how stale this process's cached event definitions may be (default 1000; 0 = check every batch). */
  eventDefinitionsRefreshMs: number;
  /** FCRM_HISTORY_RETENTION_DAYS, FCRM_AUTOMATION_RUN_RETENTION_DAYS, FCRM_RETENTION_INTERVAL_SECONDS, FCRM_RETENTION_BATCH_SIZE. */
  retention: RetentionOptions;
  /** METRICS_PORT: GET /metrics without a credential on 127.0.0.1 at this port (0: any free one); unset: none. */
  metricsPort?: number;
  /** FCRM_SHUTDOWN_DELAY_MS: on SIGTERM, /readyz answers 503 this long before the server stops accepting (default 0). */
  shutdownDelayMs: number;
  /** FCRM_NATS_URL (+ FCRM_NATS_STREAM, FCRM_NATS_SUBJECT_PREFIX, FCRM_NATS_MAX_AGE_SECONDS): the JetStream relay. */
  relay?: RelayOptions;
  /** WEB_CONCURRENCY or FCRM_WORKERS: server processes sharing the port (default 1; more need DATABASE_URL). */
  workers: number;
}

export class ConfigError extends Error {}

/** pino's levels, as LOG_LEVEL takes them. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const configError = (message: string) => new ConfigError(message);

export function readServerConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = env.PORT === undefined || env.PORT === '' ? 8080 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ConfigError(`PORT must be a whole number from 0 to 65535; got ${JSON.stringify(env.PORT)}`);
  }
  const timeZone = env.FCRM_TIMEZONE || 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new ConfigError(`FCRM_TIMEZONE must be an IANA time zone such as UTC or Europe/Berlin; got ${JSON.stringify(timeZone)}`);
  }
  const prepared = (env.FCRM_PREPARED_STATEMENTS ?? '').trim().toLowerCase();
  if (!['', 'on', 'off', 'true', 'false', '1', '0'].includes(prepared)) {
    throw new ConfigError(`FCRM_PREPARED_STATEMENTS must be on or off; got ${JSON.stringify(env.FCRM_PREPARED_STATEMENTS)}`);
  }
  const connectionLimits: ConnectionLimits = {
    requestTimeoutMs: wholeNumber(env, 'REQUEST_TIMEOUT_MS', DEFAULT_CONNECTION_LIMITS.requestTimeoutMs, 1, configError),
    headersTimeoutMs: wholeNumber(env, 'HEADERS_TIMEOUT_MS', DEFAULT_CONNECTION_LIMITS.headersTimeoutMs, 1, configError),
    keepAliveTimeoutMs: wholeNumber(env, 'KEEP_ALIVE_TIMEOUT_MS', DEFAULT_CONNECTION_LIMITS.keepAliveTimeoutMs, 1, configError),
    maxConnections: wholeNumber(env, 'MAX_CONNECTIONS', DEFAULT_CONNECTION_LIMITS.maxConnections, 1, configError),
  };
  const limitsProblem = connectionLimitsProblem(connectionLimits);
  if (limitsProblem) throw new ConfigError(`HEADERS_TIMEOUT_MS and REQUEST_TIMEOUT_MS: ${limitsProblem}`);
  const logLevel = (env.LOG_LEVEL ?? '').trim() || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got ${JSON.stringify(env.LOG_LEVEL)}`);
  }
  let publicUrl: string | undefined;
  if (env.PUBLIC_URL) {
    try {
      publicUrl = normalisePublicUrl(env.PUBLIC_URL.trim());
    } catch (error) {
      throw new ConfigError(`PUBLIC_URL ${(error as Error).message}`);
    }
  }
  const metricsPort = env.METRICS_PORT?.trim() ? wholeNumber(env, 'METRICS_PORT', 0, 0, configError) : undefined;
  if (metricsPort !== undefined && metricsPort > 65_535) throw new ConfigError(`METRICS_PORT must be a whole number from 0 to 65535; got ${JSON.stringify(env.METRICS_PORT)}`);
  const workerVariable = env.FCRM_WORKERS?.trim() ? 'FCRM_WORKERS' : 'WEB_CONCURRENCY';
  const workers = wholeNumber(env, workerVariable, 1, 1, configError);
  if (workers > 1 && !env.DATABASE_URL) {
    throw new ConfigError(
      `${workerVariable}=${workers} needs DATABASE_URL: the embedded database lives inside one process, so only one server process can use it. ` +
        'Set DATABASE_URL to a PostgreSQL server, or run one worker.',
    );
  }
  return {
    ...readAuthConfig(env, configError),
    metricsPort,
    shutdownDelayMs: wholeNumber(env, 'FCRM_SHUTDOWN_DELAY_MS', 0, 0, configError),
    relay: readRelayConfig(env, configError),
    workers,
    port,
    host: env.HOST || '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.FCRM_DATA_DIR || undefined,
    schema: env.FCRM_SCHEMA?.trim() || undefined,
    timeZone,
    logLevel,
    preparedStatements: !['off', 'false', '0'].includes(prepared),
    connectionLimits,
    publicUrl,
    plugins: (env.FCRM_PLUGINS ?? '').split(',').map((path) => path.trim()).filter((path) => path !== ''),
    maxConcurrentBatches: wholeNumber(env, 'FCRM_MAX_CONCURRENT_BATCHES', 2, 1, configError),
    reads: { maxConcurrent: wholeNumber(env, 'FCRM_MAX_CONCURRENT_READS', 2, 1, configError), maxQueued: wholeNumber(env, 'FCRM_READ_QUEUE', 32, 0, configError) },
    eventDefinitionsRefreshMs: wholeNumber(env, 'FCRM_EVENT_DEFINITIONS_REFRESH_MS', 1_000, 0, configError),
    retention: readRetentionConfig(env, configError),
  };
}
