import { context, SpanKind, SpanStatusCode, trace, type Context, type Link, type TracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { Delivery } from '../../hooks/hookMap';
import type { EventWriting } from '../tracking/coalescingWriter';
import type { Tracing } from './tracing';

const NAME = 'fcrm-event-tracking';
const w3c = new W3CTraceContextPropagator();
const getter = { get: (carrier: Record<string, string>, key: string) => carrier[key], keys: (carrier: Record<string, string>) => Object.keys(carrier) };

/** Loaded only when tracing is on (see openTracing): the SDK side of Tracing. */
export async function createOtelTracing(source: { provider: TracerProvider } | { otlp: NodeJS.ProcessEnv }): Promise<Tracing> {
  // Spans follow async work only with a context manager; a host that registered one keeps its own.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  let owned: { shutdown(): Promise<void> } | undefined;
  let provider: TracerProvider;
  if ('provider' in source) {
    provider = source.provider;
  } else {
    const [{ BasicTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
    ]);
    // The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT (and _HEADERS, _TIMEOUT…) itself.
    const basic = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': source.otlp.OTEL_SERVICE_NAME || NAME }),
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
    });
    provider = basic;
    owned = basic;
  }
  const tracer = provider.getTracer(NAME);

  const contextFrom = (traceparent: string | null | undefined): Context | undefined => {
    if (!traceparent) return context.active();
    return w3c.extract(context.active(), { traceparent }, getter);
  };

  return {
    enabled: true,
    tracer,
    traceparent() {
      const carrier: Record<string, string> = {};
      w3c.inject(context.active(), carrier, { set: (c, key, value) => (c[key] = value) });
      return carrier.traceparent ?? null;
    },
    contextFrom,
    wrapWriter(writer: EventWriting): EventWriting {
      return {
        write: (items) =>
          tracer.startActiveSpan(
            'fcrm.event_write',
            // A write waits for a place and may share its statement with other callers (group commit).
            { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql', 'db.operation.name': 'INSERT', 'fcrm.items': items.length } },
            async (span) => {
              try {
                return await writer.write(items);
              } catch (error) {
                span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.name });
                throw error;
              } finally {
                span.end();
              }
            },
          ),
      };
    },
    done(delivery: Delivery | null, parent: string | null | undefined, dispatch) {
      const parentContext = contextFrom(parent) ?? context.active();
      const links: Link[] = [];
      // A later delivery (the poller's) continues the trace of the call that recorded it; its own pass is linked.
      if (parent) {
        const current = trace.getSpanContext(context.active());
        if (current) links.push({ context: current });
      }
      const span = tracer.startSpan(
        'fluent_crm/track_event_activity_done',
        {
          kind: SpanKind.INTERNAL,
          links,
          attributes: delivery ? { 'fcrm.delivery.id': delivery.id, 'fcrm.delivery.attempt': delivery.attempt } : {},
        },
        parentContext,
      );
      const pending = context.with(trace.setSpan(parentContext, span), dispatch);
      if (!pending) {
        span.end();
        return undefined;
      }
      return pending.finally(() => span.end());
    },
    async close() {
      await owned?.shutdown();
    },
  };
}
