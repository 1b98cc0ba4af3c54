import { connect, type Server, type Socket } from 'node:net';

/** A raw TCP connection to the server, for what fetch cannot send (stalled bodies, bad HTTP, a Host header). */
export interface RawConnection {
  socket: Socket;
  /** Everything received so far, as latin1 text. */
  received(): string;
  /** Resolves once the server closed the connection (or it was reset). */
  closed: Promise<void>;
  isClosed(): boolean;
  /** Waits until the first whole response arrived; rejects after `waitMs` or when closed without one. */
  response(waitMs?: number): Promise<RawResponse>;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  text: string;
}

/**
 * `allowHalfOpen`: keep sending after the server's FIN, as a client still uploading (or a hostile
 * one) does; by default the socket closes its side when the server does, as most clients do.
 */
export function openRaw(port: number, { allowHalfOpen = false } = {}): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen });
    let data = '';
    let closed = false;
    const listeners = new Set<() => void>();
    const notify = () => listeners.forEach((listener) => listener());
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
      notify();
    });
    socket.on('error', () => undefined);
    const closedPromise = new Promise<void>((done) =>
      socket.once('close', () => {
        closed = true;
        notify();
        done();
      }),
    );
    socket.once('connect', () =>
      resolve({
        socket,
        received: () => data,
        closed: closedPromise,
        isClosed: () => closed,
        response: (waitMs = 10_000) =>
          new Promise<RawResponse>((done, fail) => {
            const check = () => {
              const parsed = parseResponse(data);
              if (parsed) {
                cleanup();
                done(parsed);
              } else if (closed) {
                cleanup();
                fail(new Error(`closed without a whole response; received ${JSON.stringify(data.slice(0, 300))}`));
              }
            };
            const timer = setTimeout(() => {
              cleanup();
              fail(new Error(`no whole response within ${waitMs} ms; received ${JSON.stringify(data.slice(0, 300))}`));
            }, waitMs);
            const cleanup = () => {
              clearTimeout(timer);
              listeners.delete(check);
            };
            listeners.add(check);
            check();
          }),
      }),
    );
    socket.once('error', reject);
  });
}

/** The first response in `text` once it is whole (Content-Length framing only), else null. */
export function parseResponse(text: string): RawResponse | null {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? 0);
  const bodyBytes = Buffer.from(text.slice(end + 4), 'latin1');
  if (bodyBytes.length < length) return null;
  const bodyText = bodyBytes.subarray(0, length).toString('utf8');
  let body: unknown = bodyText;
  try {
    body = JSON.parse(bodyText);
  } catch {
    // keep the text
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body, text: bodyText };
}

export function portOf(base: string): number {
  return Number(new URL(base).port);
}

/** Polls until the server holds no connection at all; rejects after `waitMs` with how many remain. */
export async function serverConnectionsDrop(server: Server, waitMs: number): Promise<void> {
  const count = () => new Promise<number>((resolve, reject) => server.getConnections((error, n) => (error ? reject(error) : resolve(n))));
  const deadline = Date.now() + waitMs;
  let open = await count();
  while (open > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    open = await count();
  }
  if (open > 0) throw new Error(`the server still holds ${open} connection(s) after ${waitMs} ms`);
}
