import type { FastifyInstance } from 'fastify';
import type { EventTrackingOptions, EventTrackingRuntime } from '../createEventTracking';
import type { PluginSpec } from '../plugins/pluginTypes';
import { readServerConfig, type ServerConfig } from './config';
import { launchServer } from './launchServer';

/** The server's limits, as `npm start` reads them from the environment (README, Configuration); unset ones keep its defaults. */
export type ServerLimits = Partial<
  Pick<
    ServerConfig,
    'trustProxy' | 'failedAuthLimit' | 'hashQueue' | 'maxConcurrentBatches' | 'connectionLimits' | 'publicUrl' | 'metricsPort' | 'shutdownDelayMs'
  >
>;

export interface StartServerOptions extends EventTrackingOptions {
  /** Default 8080; 0 picks a free port (read it from `url`). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Plugin functions or module paths, loaded in this order before the server listens. */
  plugins?: readonly PluginSpec[];
  /** The HTTP server's pino log level (default info; `silent` for none). */
  logLevel?: string;
  limits?: ServerLimits;
}

export interface StartedServer {
  /** The REST API's base, e.g. http://127.0.0.1:8080/wp-json/fluent-crm/v2 */
  url: string;
  runtime: EventTrackingRuntime;
  /** The Fastify instance, listening. */
  app: FastifyInstance;
  /** Created on the first start on a database without credentials; shown once. */
  administrator: { name: string; password: string } | null;
  /** `http://127.0.0.1:PORT/metrics` when `limits.metricsPort` is set. */
  metricsUrl: string | null;
  /** Stops accepting, finishes in-flight requests and hook work, closes the database (idempotent). */
  close(): Promise<void>;
}

/**
 * The REST server inside a host's own process, with the host's automations: `npm start` without the
 * environment. Unset settings take `npm start`'s defaults (not the process environment's values).
 */
export async function startServer(options: StartServerOptions = {}): Promise<StartedServer> {
  const { port, host, plugins, logLevel, limits, ...runtimeOptions } = options;
  const defaults = readServerConfig({});
  const config: ServerConfig = {
    ...defaults,
    ...definedOnly(limits ?? {}),
    port: port ?? defaults.port,
    host: host ?? defaults.host,
    logLevel: logLevel ?? defaults.logLevel,
    databaseUrl: runtimeOptions.databaseUrl,
    dataDir: runtimeOptions.dataDir,
    schema: runtimeOptions.schema,
    timeZone: runtimeOptions.timeZone ?? defaults.timeZone,
    preparedStatements: runtimeOptions.preparedStatements ?? defaults.preparedStatements,
    reads: { ...defaults.reads, ...runtimeOptions.reads },
    connectionLimits: { ...defaults.connectionLimits, ...limits?.connectionLimits },
    plugins: (plugins ?? []).map((plugin) => (typeof plugin === 'string' ? plugin : plugin.name || '(function)')),
  };
  const server = await launchServer(config, { runtimeOptions, plugins: plugins ?? [], logger: runtimeOptions.logger });
  return { url: server.baseUrl, runtime: server.runtime, app: server.app, administrator: server.administrator, metricsUrl: server.metricsUrl, close: () => server.stop() };
}

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}
