import type { FastifyInstance } from 'fastify';
import type { EventTrackingRuntime } from '../createEventTracking';
import type { RestDeps } from '../rest/restDeps';
import { registerHealthRoutes } from './healthRoutes';
import { traceRequests } from './httpTracing';
import { registerMetricsRoute } from './metricsRoutes';
import { ServerMetrics } from './serverMetrics';

declare module 'fastify' {
  interface FastifyInstance {
    /** This server's metrics (its HTTP and process metrics with its runtime's), for METRICS_PORT. */
    fcrmMetrics: ServerMetrics;
  }
}

/** Before any route is added: requests are timed (and traced, when tracing is on) from here on. */
export function instrumentServer(app: FastifyInstance, runtime: EventTrackingRuntime): ServerMetrics {
  const metrics = new ServerMetrics(runtime.operations.metrics.registry);
  app.decorate('fcrmMetrics', metrics);
  metrics.observe(app);
  traceRequests(app, runtime.operations.tracing);
  return metrics;
}

/** GET /livez, /readyz (no credential) and /metrics (a credential with fcrm_read_contacts), outside /wp-json. */
export function registerOperationsRoutes(app: FastifyInstance, deps: RestDeps, metrics: ServerMetrics): void {
  registerHealthRoutes(app, deps.runtime.operations.readiness);
  registerMetricsRoute(app, deps, metrics);
}
