// `npm start`: the REST server on the embedded database (or DATABASE_URL); with WEB_CONCURRENCY=N
// (or FCRM_WORKERS) and DATABASE_URL, N such servers sharing the port (src/server/cluster.ts).
import cluster from 'node:cluster';
import { ConfigError, readServerConfig } from './config';
import { startBanner } from './banner';
import { runClusterPrimary } from './cluster';
import { launchServer } from './launchServer';
import { createServerLogger } from './serverLogger';

async function main(): Promise<void> {
  const config = readServerConfig();
  if (config.workers > 1 && cluster.isPrimary) {
    process.exitCode = await runClusterPrimary({ workers: config.workers, logger: createServerLogger(config.logLevel) });
    return;
  }
  const server = await launchServer(config);
  // One banner per cluster: the first worker's, or the one that created the administrator credential.
  if (!cluster.isWorker || cluster.worker?.id === 1 || server.administrator) process.stdout.write(startBanner(server));

  let shuttingDown = false;
  const shutdown = (signal: NodeJS.Signals) => {
    // Ctrl+C reaches a cluster's workers twice (from the terminal and from the primary): a second
    // signal must not kill a worker that is finishing its requests.
    if (shuttingDown) return;
    shuttingDown = true;
    server.app.log.info({ signal }, 'shutting down: finishing in-flight requests and hook work');
    server.stop().then(
      () => {
        process.exitCode = 0;
        if (cluster.isWorker) process.disconnect(); // the primary's channel would keep the worker alive
      },
      (error: unknown) => {
        server.app.log.error({ err: error }, 'shutdown failed');
        process.exitCode = 1;
        if (cluster.isWorker) process.disconnect();
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`Configuration error: ${error.message}\n`);
    process.exitCode = 2;
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && (error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    process.stderr.write(
      `The server could not start: ${message}. Another process listens on that port: stop it, or pick another port with PORT (e.g. PORT=8081 npm start; PORT=0 picks a free one).\n`,
    );
    process.exitCode = 1;
    return;
  }
  process.stderr.write(`The server could not start: ${message}\n`);
  process.exitCode = 1;
  if (cluster.isWorker) process.disconnect();
});
