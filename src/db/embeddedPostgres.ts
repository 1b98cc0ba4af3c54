import { createServer, type AddressInfo, type Socket } from 'node:net';
import { resolve } from 'node:path';
import type { Logger } from '../runtime/logger';
import { databaseAnswers } from './databaseAnswers';
import { makeDataFolderPrivate } from './dataFolderPermissions';
import { AUTH_TIMEOUT_MS, authenticateConnection, MAX_UNAUTHENTICATED_MESSAGE_BYTES } from './embeddedAuth/authenticateConnection';
import { scramVerifier } from './embeddedAuth/scram';
import { fatalError, SQLSTATE } from './embeddedAuth/wireMessages';
import { DataFolderInUseError } from './dataFolderInUse';
import { readOwner, removeOwner, writeOwner } from './embeddedOwner';
import { newEmbeddedPassword, readOrCreatePassword } from './embeddedPassword';
import { EmbeddedSessionQueue } from './embeddedSessionQueue';
import { DEFAULT_EMBEDDED_SHARED_BUFFERS, embeddedStartParams } from './embeddedSettings';
import { initialiseDataFolderInChild, needsInitialisation } from './initialiseDataFolder';

export interface EmbeddedPostgresOptions {
  /** Folder that persists the database; ignored when `inMemory` is true. */
  dataDir: string;
  inMemory: boolean;
  /** Connections the loopback server accepts; must cover the pool. */
  maxConnections: number;
  /** Loopback port; 0 picks a free one. */
  port?: number;
  /** Where the fix of a data folder open to other users is reported. */
  logger?: Pick<Logger, 'warn'>;
  /** How long a client may take to authenticate (default 5 s). */
  authTimeoutMs?: number;
  /** A server's open: refuse a folder another live process serves, rather than share it (DataFolderInUseError). */
  exclusive?: boolean;
  /** PostgreSQL's shared_buffers (default 16MB, see embeddedSettings.ts). */
  sharedBuffers?: string;
}

export interface EmbeddedPostgres {
  /** A `postgres://` URL the ordinary `pg` driver connects to; it carries the password, never show it. */
  url: string;
  /** Where the data lives (`memory://` for an in-memory database). */
  dataDir: string;
  /** True when another process already serves this data folder and we only connect to it. */
  shared: boolean;
  stop(): Promise<void>;
}

/** The role PGlite runs as, and the only user name the loopback server lets in. */
const USER = 'postgres';

/**
 * Connections still authenticating at once. Beyond it the oldest is dropped: an honest client
 * authenticates in milliseconds, so a local user holding sockets open without a password cannot
 * keep the pool's own new connections out (a fixed cap on all sockets would let them).
 */
export const MAX_AUTHENTICATING = 32;

/**
 * Starts PGlite (PostgreSQL compiled to WASM, in this process) and serves it on a loopback port, so
 * the same `pg` driver, SQL and migrations run against it as against a real server. Every
 * connection first authenticates with SCRAM-SHA-256 against the data folder's password (see
 * embeddedAuth/); the wire protocol after that is pglite-socket's handler; the sharing of
 * PGlite's one session between connections is ours (see EmbeddedSessionQueue).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = options.inMemory ? 'memory://' : resolve(options.dataDir);
  let password: string;
  if (options.inMemory) {
    password = newEmbeddedPassword();
  } else {
    const { wasOpen, loosened } = makeDataFolderPrivate(dataDir);
    if (wasOpen) {
      options.logger?.warn(
        { dataDir, entries: loosened },
        `The data folder ${dataDir} was open to other users: made it private (folders 0700, files 0600)`,
      );
    }
    password = readOrCreatePassword(dataDir);
    const owner = readOwner(dataDir);
    // A live pid whose server does not answer is a recycled pid of a process that died: start anew.
    if (owner) {
      const url = withPassword(owner.url, password);
      if (await databaseAnswers(url)) {
        if (options.exclusive) throw new DataFolderInUseError(dataDir, owner);
        return { url, dataDir, shared: true, stop: async () => undefined };
      }
    }
  }
  // Loaded lazily: deployments on a real server never pay PGlite's start-up time and memory.
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketHandler } = await import('@electric-sql/pglite-socket');

  // A new folder is initialised in a child process, whose initdb memory leaves with it.
  if (!options.inMemory && needsInitialisation(dataDir)) await initialiseDataFolderInChild(dataDir);
  const db = await PGlite.create(dataDir, {
    startParams: embeddedStartParams(PGlite.defaultStartParams, options.sharedBuffers ?? DEFAULT_EMBEDDED_SHARED_BUFFERS),
  });
  // initdb's files on a first start are unpacked 0666/0777: make them private before anyone connects.
  if (!options.inMemory) makeDataFolderPrivate(dataDir);
  const queue = new EmbeddedSessionQueue(db);
  type Handler = InstanceType<typeof PGLiteSocketHandler>;
  const handlers = new Set<Handler>();
  const auth = {
    user: USER,
    verifier: scramVerifier(password),
    timeoutMs: options.authTimeoutMs ?? AUTH_TIMEOUT_MS,
    maxMessageBytes: MAX_UNAUTHENTICATED_MESSAGE_BYTES,
  };

  const serve = (socket: Socket, startupPacket: Buffer) => {
    const handler = new PGLiteSocketHandler({
      queryQueue: queue as unknown as ConstructorParameters<typeof PGLiteSocketHandler>[0]['queryQueue'],
      closeOnDetach: true,
    });
    handlers.add(handler);
    handler.addEventListener('close', () => handlers.delete(handler));
    handler.addEventListener('error', () => handlers.delete(handler));
    handler.attach(socket).catch(() => socket.destroy());
    // PGlite answers the replayed startup packet with AuthenticationOk, ParameterStatus and ReadyForQuery.
    socket.unshift(startupPacket);
    socket.resume();
  };
  // Connections still authenticating: stop() closes them rather than wait for their deadline.
  const authenticating = new Set<Socket>();
  const server = createServer((socket: Socket) => {
    if (authenticating.size >= MAX_AUTHENTICATING) {
      const oldest = authenticating.values().next().value as Socket;
      authenticating.delete(oldest);
      oldest.destroy();
    }
    authenticating.add(socket);
    socket.once('close', () => authenticating.delete(socket));
    authenticateConnection(socket, auth, (startupPacket) => {
      authenticating.delete(socket);
      // Only authenticated sessions count against the cap, as PostgreSQL checks max_connections after login.
      if (handlers.size >= options.maxConnections) {
        socket.end(fatalError(SQLSTATE.tooManyConnections, 'sorry, too many clients already'));
        return;
      }
      serve(socket, startupPacket);
    });
  });

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
  // The owner file holds the URL without the password: reading it is not enough to connect.
  const publicUrl = `postgres://${USER}@127.0.0.1:${port}/postgres`;
  if (!options.inMemory) writeOwner(dataDir, { pid: process.pid, url: publicUrl });

  return {
    url: withPassword(publicUrl, password),
    dataDir,
    shared: false,
    async stop() {
      for (const socket of authenticating) socket.destroy();
      await Promise.all([...handlers].map((handler) => handler.detach(true)));
      handlers.clear();
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
      await db.close();
      if (!options.inMemory) {
        removeOwner(dataDir);
        // Files PostgreSQL wrote through fopen while running came out 0644; leave none at rest.
        makeDataFolderPrivate(dataDir);
      }
    },
  };
}

function withPassword(url: string, password: string): string {
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
}
