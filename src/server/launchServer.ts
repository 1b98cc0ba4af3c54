import type { FastifyInstance } from 'fastify';
import { CredentialStore } from '../auth/credentialStore';
import { createEventTracking, type EventTrackingOptions, type EventTrackingRuntime } from '../createEventTracking';
import { loadPlugins } from '../plugins/loadPlugins';
import type { PluginSpec } from '../plugins/pluginTypes';
import type { Logger } from '../runtime/logger';
import { buildServer } from '../rest/buildServer';
import { REST_PREFIX } from '../rest/publicUrl';
import type { ServerConfig } from './config';
import { createServerLogger } from './serverLogger';
import { withoutPassword } from '../db/redactUrl';
import { listenMetrics } from '../ops/metricsRoutes';
import { recordServer } from '../db/embeddedOwner';

export interface RunningServer {
  app: FastifyInstance;
  runtime: EventTrackingRuntime;
  /** e.g. http://127.0.0.1:8080/wp-json/fluent-crm/v2 */
  baseUrl: string;
  /** Created on the first start, when no credential existed; shown once. */
  administrator: { name: string; password: string } | null;
  /** The loopback metrics listener's URL (METRICS_PORT), or null. */
  metricsUrl: string | null;
  /**
   * /readyz turns 503 at once; after FCRM_SHUTDOWN_DELAY_MS (for load balancers to notice) it stops
   * accepting, finishes in-flight requests and hook work, closes the database.
   */
  stop(): Promise<void>;
}

/** What an embedding host adds to the configuration (`npm start` has only the configuration). */
export interface LaunchExtras {
  /** Runtime options beyond the configuration (a shared hooks registry, resolveUserEmail, …). */
  runtimeOptions?: EventTrackingOptions;
  /** Replaces `config.plugins`: functions or module paths. */
  plugins?: readonly PluginSpec[];
  /** The runtime's and the plugins' logger (default: the server's pino logger). */
  logger?: Logger;
}

/**
 * Opens the database (migrating it), makes sure a credential exists, loads the plugins in order, and
 * listens. `npm start` and the exported `startServer` both come through here.
 */
export async function launchServer(config: ServerConfig, extras: LaunchExtras = {}): Promise<RunningServer> {
  const serverLogger = createServerLogger(config.logLevel);
  const logger = extras.logger ?? serverLogger;
  // Done actions that earlier processes left undelivered wait for the plugins: delivered before
  // their listeners exist, they would be marked delivered having reached nobody.
  let pluginsLoaded!: (loaded: boolean) => void;
  const startAfter = new Promise<void>((resolve, reject) => {
    pluginsLoaded = (loaded) => (loaded ? resolve() : reject(new Error('start-up failed')));
  });
  const runtime = await createEventTracking({
    ...extras.runtimeOptions,
    outbox: { ...extras.runtimeOptions?.outbox, startAfter },
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    // A second server on the same folder would share this database, then fail when its owner stops.
    exclusiveDataFolder: true,
    schema: config.schema,
    preparedStatements: config.preparedStatements,
    reads: { ...extras.runtimeOptions?.reads, ...config.reads },
    eventDefinitions: { refreshMs: config.eventDefinitionsRefreshMs, ...extras.runtimeOptions?.eventDefinitions },
    retention: { ...config.retention, ...extras.runtimeOptions?.retention },
    timeZone: config.timeZone,
    logger,
    relay: config.relay ?? extras.runtimeOptions?.relay,
  });
  try {
    const credentials = new CredentialStore(runtime.dataSource, runtime.database.schema);
    const administrator = await credentials.ensureAdministrator();
    // A copy: a plugin that changes it changes nothing of the server's.
    const pluginConfig: ServerConfig = structuredClone({
      ...config,
      databaseUrl: config.databaseUrl === undefined ? undefined : withoutPassword(config.databaseUrl),
      relay: config.relay && { ...config.relay, natsUrl: config.relay.natsUrl.split(',').map((url) => withoutPassword(url.trim())).join(',') },
    });
    await loadPlugins(extras.plugins ?? config.plugins, runtime, { logger, config: Object.freeze(pluginConfig) });
    pluginsLoaded(true);
    const app = await buildServer({
      runtime,
      credentials,
      logger: false,
      loggerInstance: serverLogger,
      trustProxy: config.trustProxy,
      failedAuthLimit: config.failedAuthLimit,
      hashQueue: config.hashQueue,
      maxConcurrentBatches: config.maxConcurrentBatches,
      connectionLimits: config.connectionLimits,
      publicUrl: config.publicUrl,
      timeZone: config.timeZone,
    });
    await app.listen({ port: config.port, host: config.host });
    let metricsListener: Awaited<ReturnType<typeof listenMetrics>> | undefined;
    try {
      if (config.metricsPort !== undefined) metricsListener = await listenMetrics(app.fcrmMetrics, config.metricsPort);
    } catch (error) {
      await app.close();
      throw error;
    }
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    const baseUrl = `http://${host}:${port}${REST_PREFIX}`;
    const { dataDir } = runtime.database;
    if (dataDir && dataDir !== 'memory://') recordServer(dataDir, baseUrl);
    let stopping: Promise<void> | undefined;
    return {
      app,
      runtime,
      baseUrl,
      administrator,
      metricsUrl: metricsListener ? `http://127.0.0.1:${metricsListener.port}/metrics` : null,
      stop() {
        stopping ??= (async () => {
          runtime.operations.readiness.beginShutdown();
          if (config.shutdownDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
          await metricsListener?.close();
          await app.close();
          await credentials.idle();
          await runtime.close();
        })();
        return stopping;
      },
    };
  } catch (error) {
    pluginsLoaded(false);
    await runtime.close();
    throw error;
  }
}
