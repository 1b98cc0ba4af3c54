import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { FastifyInstance } from 'fastify';

/** The route label of requests no route matched (never the raw URL: labels must stay few). */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * One server's metrics: `http_request_duration_seconds` and the default process/Node metrics in a
 * registry of the server's own, served together with the runtime's (`text()`).
 */
export class ServerMetrics {
  private readonly own = new Registry();
  private defaultsStarted = false;
  readonly requestDuration: Histogram<'method' | 'route' | 'status'>;

  constructor(private readonly runtimeRegistry: Registry) {
    this.requestDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: `Time from a request's arrival to its answer, by method, route pattern (${UNMATCHED_ROUTE} when none matched) and status.`,
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.own],
    });
  }

  get contentType(): string {
    return this.own.contentType;
  }

  /** The exposition text. Process metrics start at the first scrape: a server nobody scrapes runs no GC observer. */
  async text(): Promise<string> {
    if (!this.defaultsStarted) {
      this.defaultsStarted = true;
      collectDefaultMetrics({ register: this.own });
    }
    // Two registries with disjoint names, one after the other (merging would copy the metrics once, at build).
    const [runtime, own] = await Promise.all([this.runtimeRegistry.metrics(), this.own.metrics()]);
    return `${runtime.trimEnd()}\n\n${own}`;
  }

  /** Times every request of `app` (route patterns only). */
  observe(app: FastifyInstance): void {
    app.addHook('onResponse', (request, reply, done) => {
      const route = request.is404 ? UNMATCHED_ROUTE : (request.routeOptions.url ?? UNMATCHED_ROUTE);
      this.requestDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
      done();
    });
  }
}
