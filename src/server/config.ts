import { readAuthConfig, type AuthConfig } from './authConfig';

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
}

export class ConfigError extends Error {}

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
  return {
    ...readAuthConfig(env, (message) => new ConfigError(message)),
    port,
    host: env.HOST || '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.FCRM_DATA_DIR || undefined,
    schema: env.FCRM_SCHEMA?.trim() || undefined,
    timeZone,
    logLevel: env.LOG_LEVEL || 'info',
    preparedStatements: !['off', 'false', '0'].includes(prepared),
  };
}
