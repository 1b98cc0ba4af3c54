import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  /** What Webhook.verify returned, or the error it threw. */
  verified: unknown;
  verifyError: unknown;
}

/** How the receiver answers one request: a status code, or 'hang' (never answer). */
export type Answer = number | 'hang';

/**
 * A loopback HTTP receiver that checks every request's signature with the standardwebhooks package
 * (once `secret` is set) and answers from a script; past the script's end, `otherwise`.
 */
export async function openReceiver(script: Answer[] = [], otherwise: Answer = 200) {
  const received: Received[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const state = { secret: null as string | null };
  const hanging = new Set<import('node:http').ServerResponse>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let verified: unknown;
      let verifyError: unknown;
      try {
        verified = new Webhook(state.secret ?? 'whsec_bm9zZWNyZXQ=').verify(body, request.headers as Record<string, string>);
      } catch (error) {
        verifyError = error;
      }
      received.push({ headers: request.headers, body, verified, verifyError });
      const answer = script.length > 0 ? script.shift()! : otherwise;
      for (const waiter of waiters.filter((w) => received.length >= w.n)) waiter.resolve();
      if (answer === 'hang') {
        hanging.add(response);
        return;
      }
      response.writeHead(answer, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    useSecret(secret: string) {
      state.secret = secret;
    },
    /** Resolves once `n` requests have arrived. */
    requests(n: number): Promise<void> {
      if (received.length >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Polls a condition (of the database, which has no event to await) until it holds. */
export async function waitUntil(condition: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
