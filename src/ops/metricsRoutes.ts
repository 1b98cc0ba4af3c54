import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { requireCapability } from '../rest/authentication';
import type { RestDeps } from '../rest/restDeps';
import { errorSchemas } from '../rest/schemas';
import type { ServerMetrics } from './serverMetrics';

/** The capability `GET /metrics` on the main port asks for. */
export const METRICS_CAPABILITY = 'fcrm_read_contacts' as const;

/** `GET /metrics` on the main port: Prometheus text, for a credential with fcrm_read_contacts. */
export function registerMetricsRoute(app: FastifyInstance, deps: RestDeps, metrics: ServerMetrics): void {
  app.get(
    '/metrics',
    {
      logLevel: 'warn',
      onRequest: requireCapability(deps, METRICS_CAPABILITY),
      schema: {
        summary: `Prometheus metrics (text exposition format); needs ${METRICS_CAPABILITY}, or use METRICS_PORT on loopback`,
        tags: ['operations'],
        produces: ['text/plain'],
        response: { 200: { type: 'string' }, ...errorSchemas.auth },
      },
    },
    async (_request, reply) => reply.type(metrics.contentType).send(await metrics.text()),
  );
}

/**
 * METRICS_PORT: the same metrics without a credential, on 127.0.0.1 only (a scraper on the host or a
 * sidecar). Answers GET /metrics and nothing else.
 */
export async function listenMetrics(metrics: ServerMetrics, port: number): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found: GET /metrics\n');
      return;
    }
    metrics.text().then(
      (text) => response.writeHead(200, { 'content-type': metrics.contentType }).end(text),
      () => response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics could not be collected\n'),
    );
  });
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
