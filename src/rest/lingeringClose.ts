import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** How much of an unwanted request body is read and thrown away after an early answer, and for how long. */
export interface LingerBounds {
  /** Bytes discarded after the answer before the connection is cut. */
  maxBytes: number;
  /** Milliseconds after the answer before the connection is cut. */
  maxMs: number;
}

/** 16 MiB covers a client still sending a body somewhat over the batch route's 10 MiB limit. */
export const DEFAULT_LINGER: LingerBounds = { maxBytes: 16 * 1024 * 1024, maxMs: 5_000 };

const lingering = new WeakSet<Socket>();

/**
 * The one rule for answers sent before the request body has arrived (401/403/429 from the
 * `onRequest` authentication, 413 on Content-Length, 415, …): the answer says `Connection: close`,
 * and the connection is half-closed and then read and discarded up to the bounds before it is
 * closed. Closing at once, as Node does after `Connection: close`, resets a connection the client
 * is still writing to, and a client like `fetch` reports that reset (EPIPE) instead of the answer.
 */
export function registerLingeringClose(app: FastifyInstance, bounds: LingerBounds = DEFAULT_LINGER): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const raw = request.raw;
    if (!raw.complete && announcesBody(raw.headers) && raw.socket) {
      reply.header('connection', 'close');
      lingerOnClose(raw.socket, bounds);
    }
    return payload;
  });
}

function announcesBody(headers: { 'content-length'?: string; 'transfer-encoding'?: string }): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return length !== undefined && length !== '0';
}

/**
 * Node ends a `Connection: close` response with `socket.destroySoon()`; for this socket it becomes:
 * send FIN after the answer, keep reading (Node's parser discards the body) until the client closes,
 * or the bounds are reached, then close.
 */
function lingerOnClose(socket: Socket, bounds: LingerBounds): void {
  if (lingering.has(socket)) return;
  lingering.add(socket);
  socket.destroySoon = () => {
    socket.end();
    let discarded = 0;
    const close = () => {
      clearTimeout(timer);
      socket.destroy();
    };
    const timer = setTimeout(close, bounds.maxMs);
    timer.unref();
    socket.on('data', (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > bounds.maxBytes) close();
    });
    socket.once('end', close);
    socket.once('close', () => clearTimeout(timer));
  };
}
