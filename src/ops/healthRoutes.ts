import type { FastifyInstance } from 'fastify';
import type { Readiness } from './readiness';

const checkState = { type: 'string', enum: ['ok', 'unreachable', 'timeout', 'pending', 'unknown', 'shutting_down'] } as const;
const readinessBody = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ready', 'unavailable'] },
    failing: { type: 'string', enum: ['shutdown', 'database', 'migrations'] },
    checks: {
      type: 'object',
      properties: { database: checkState, migrations: checkState, shutdown: checkState },
      required: ['database', 'migrations', 'shutdown'],
    },
  },
  required: ['status', 'checks'],
} as const;

/**
 * `GET /livez` and `GET /readyz`, outside /wp-json and without authentication: they tell an
 * orchestrator only whether to restart or route to this process. Logged at warn and above only,
 * so probes every few seconds do not fill the log.
 */
export function registerHealthRoutes(app: FastifyInstance, readiness: Readiness): void {
  app.get(
    '/livez',
    {
      logLevel: 'warn',
      schema: {
        summary: 'Liveness: 200 while the process runs (no dependency is checked)',
        tags: ['operations'],
        security: [],
        response: { 200: { type: 'object', properties: { status: { type: 'string', const: 'alive' } }, required: ['status'] } },
      },
    },
    async () => ({ status: 'alive' as const }),
  );
  app.get(
    '/readyz',
    {
      logLevel: 'warn',
      schema: {
        summary: 'Readiness: 200 when the database answers and migrations are applied; 503 naming the failing check (also from the start of a shutdown)',
        tags: ['operations'],
        security: [],
        response: { 200: readinessBody, 503: readinessBody },
      },
    },
    async (_request, reply) => {
      const report = await readiness.report();
      if (report.ready) return { status: 'ready' as const, checks: report.checks };
      return reply.code(503).header('cache-control', 'no-store').send({ status: 'unavailable' as const, failing: report.failing, checks: report.checks });
    },
  );
}
