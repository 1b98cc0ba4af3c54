import type { FastifyInstance } from 'fastify';
import { CredentialStore } from '../auth/credentialStore';
import { createEventTracking, type EventTrackingRuntime } from '../createEventTracking';
import { buildServer } from '../rest/buildServer';
import { REST_PREFIX } from '../rest/publicUrl';
import type { ServerConfig } from './config';
import { createServerLogger } from './serverLogger';

export interface RunningServer {
  app: FastifyInstance;
  runtime: EventTrackingRuntime;
  /** e.g. http://127.0.0.1:8080/wp-json/fluent-crm/v2 */
  baseUrl: string;
  /** Created on the first start, when no credential existed; shown once. */
  administrator: { name: string; password: string } | null;
  /** Stops accepting, finishes in-flight requests and hook work, closes the database. */
  stop(): Promise<void>;
}

/** Opens the database (migrating it), makes sure a credential exists, and listens. */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const logger = createServerLogger(config.logLevel);
  const runtime = await createEventTracking({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    schema: config.schema,
    preparedStatements: config.preparedStatements,
    reads: config.reads,
    timeZone: config.timeZone,
    logger,
  });
  try {
    const credentials = new CredentialStore(runtime.dataSource, runtime.database.schema);
    const administrator = await credentials.ensureAdministrator();
    const app = await buildServer({
      runtime,
      credentials,
      logger: false,
      loggerInstance: logger,
      trustProxy: config.trustProxy,
      failedAuthLimit: config.failedAuthLimit,
      hashQueue: config.hashQueue,
      maxConcurrentBatches: config.maxConcurrentBatches,
      connectionLimits: config.connectionLimits,
      publicUrl: config.publicUrl,
    });
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    let stopping: Promise<void> | undefined;
    return {
      app,
      runtime,
      baseUrl: `http://${host}:${port}${REST_PREFIX}`,
      administrator,
      stop() {
        stopping ??= (async () => {
          await app.close();
          await credentials.idle();
          await runtime.close();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await runtime.close();
    throw error;
  }
}
