import { mkdirSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { databaseAnswers } from './databaseAnswers';
import { readOwner, removeOwner, writeOwner } from './embeddedOwner';
import { EmbeddedSessionQueue } from './embeddedSessionQueue';

export interface EmbeddedPostgresOptions {
  /** Folder that persists the database; ignored when `inMemory` is true. */
  dataDir: string;
  inMemory: boolean;
  /** Connections the loopback server accepts; must cover the pool. */
  maxConnections: number;
  /** Loopback port; 0 picks a free one. */
  port?: number;
}

export interface EmbeddedPostgres {
  /** A `postgres://` URL the ordinary `pg` driver connects to. */
  url: string;
  /** Where the data lives (`memory://` for an in-memory database). */
  dataDir: string;
  /** True when another process already serves this data folder and we only connect to it. */
  shared: boolean;
  stop(): Promise<void>;
}

/**
 * Starts PGlite (PostgreSQL compiled to WASM, in this process) and serves it on a loopback port, so
 * the same `pg` driver, SQL and migrations run against it as against a real server. The wire
 * protocol per connection is pglite-socket's handler; the sharing of PGlite's one session between
 * connections is ours (see EmbeddedSessionQueue).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = options.inMemory ? 'memory://' : resolve(options.dataDir);
  if (!options.inMemory) {
    mkdirSync(dataDir, { recursive: true });
    const owner = readOwner(dataDir);
    // A live pid whose server does not answer is a recycled pid of a process that died: start anew.
    if (owner && (await databaseAnswers(owner.url))) return { url: owner.url, dataDir, shared: true, stop: async () => undefined };
  }
  // Loaded lazily: deployments on a real server never pay PGlite's start-up time and memory.
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketHandler } = await import('@electric-sql/pglite-socket');

  const db = await PGlite.create(dataDir);
  const queue = new EmbeddedSessionQueue(db);
  type Handler = InstanceType<typeof PGLiteSocketHandler>;
  const handlers = new Set<Handler>();

  const server = createServer((socket: Socket) => {
    const handler = new PGLiteSocketHandler({
      queryQueue: queue as unknown as ConstructorParameters<typeof PGLiteSocketHandler>[0]['queryQueue'],
      closeOnDetach: true,
    });
    handlers.add(handler);
    handler.addEventListener('close', () => handlers.delete(handler));
    handler.addEventListener('error', () => handlers.delete(handler));
    handler.attach(socket).catch(() => socket.destroy());
  });
  server.maxConnections = options.maxConnections;

  try {
    await new Promise<void>((resolveListen, rejectListen) => {
      server.once('error', rejectListen);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
    });
  } catch (error) {
    await db.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  if (!options.inMemory) writeOwner(dataDir, { pid: process.pid, url });

  return {
    url,
    dataDir,
    shared: false,
    async stop() {
      await Promise.all([...handlers].map((handler) => handler.detach(true)));
      handlers.clear();
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
      await db.close();
      if (!options.inMemory) removeOwner(dataDir);
    },
  };
}
