// `npm start`: the REST server on the embedded database (or DATABASE_URL).
import { ConfigError, readServerConfig } from './config';
import { startBanner } from './banner';
import { launchServer } from './launchServer';

async function main(): Promise<void> {
  const server = await launchServer(readServerConfig());
  process.stdout.write(startBanner(server));

  const shutdown = (signal: NodeJS.Signals) => {
    server.app.log.info({ signal }, 'shutting down: finishing in-flight requests and hook work');
    server.stop().then(
      () => {
        process.exitCode = 0;
      },
      (error: unknown) => {
        server.app.log.error({ err: error }, 'shutdown failed');
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
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
});
