import { SpanKind, SpanStatusCode, trace, context, type Context, type Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Tracing } from './tracing';
import { UNMATCHED_ROUTE } from './serverMetrics';

/**
 * A server span per request (child of the caller's `traceparent` header, if any), named by method
 * and route pattern; the route's handler runs inside it, so the tracking call, its write and its done
 * action are its children. Nothing is added when tracing is off.
 */
export function traceRequests(app: FastifyInstance, tracing: Tracing): void {
  const tracer = tracing.tracer;
  if (!tracer) return;
  const spans = new WeakMap<FastifyRequest, { span: Span; context: Context }>();
  app.addHook('onRequest', (request, _reply, done) => {
    const route = request.is404 ? UNMATCHED_ROUTE : (request.routeOptions.url ?? UNMATCHED_ROUTE);
    const header = request.headers.traceparent;
    const parent = (typeof header === 'string' ? tracing.contextFrom(header) : undefined) ?? context.active();
    const span = tracer.startSpan(
      `${request.method} ${route}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'http.route': route } },
      parent,
    );
    spans.set(request, { span, context: trace.setSpan(parent, span) });
    done();
  });
  const end = (request: FastifyRequest, status?: number) => {
    const entry = spans.get(request);
    if (!entry) return;
    spans.delete(request);
    if (status !== undefined) {
      entry.span.setAttribute('http.response.status_code', status);
      if (status >= 500) entry.span.setStatus({ code: SpanStatusCode.ERROR });
    }
    entry.span.end();
  };
  app.addHook('onResponse', (request, reply, done) => {
    end(request, reply.statusCode);
    done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    end(request);
    done();
  });
  // The body arrives on socket events, outside the hook's context: the handler is entered in it explicitly.
  app.addHook('onRoute', (route) => {
    const handler = route.handler;
    route.handler = function tracedHandler(this: FastifyInstance, request, reply) {
      const entry = spans.get(request);
      return entry ? context.with(entry.context, () => handler.call(this, request, reply)) : handler.call(this, request, reply);
    };
  });
}
