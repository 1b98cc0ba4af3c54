/** `npm start`'s settings, all from the environment. */
export interface ServerConfig {
  port: number;
  host: string;
  /** Unset: the embedded database in `dataDir`. */
  databaseUrl?: string;
  dataDir?: string;
  /** PostgreSQL schema of the tables (default public), as for key:create and import. */
  schema?: string;
  timeZone: string;
  logLevel: string;
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
  return {
    port,
    host: env.HOST || '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.FCRM_DATA_DIR || undefined,
    schema: env.FCRM_SCHEMA?.trim() || undefined,
    timeZone,
    logLevel: env.LOG_LEVEL || 'info',
  };
}
