import type { Context, Tracer, TracerProvider } from '@opentelemetry/api';
import type { Delivery } from '../../hooks/hookMap';
import type { EventWriting } from '../tracking/coalescingWriter';

/** A done action's listeners, dispatched: a promise when some listener left work to wait for. */
export type DoneDispatch = () => Promise<void> | undefined;

/**
 * What the runtime traces. Off (`NO_TRACING`) unless enabled: then nothing of the OpenTelemetry SDK is
 * loaded and every method is a plain pass-through, so tracing costs nothing when off.
 */
export interface Tracing {
  readonly enabled: boolean;
  /** The tracer spans are made with; null when off. */
  readonly tracer: Tracer | null;
  /** The active context as a W3C `traceparent` (kept in the outbox row); null when off or no span is active. */
  traceparent(): string | null;
  /** The context a W3C `traceparent` (header or outbox row) names, under the active one; the active one when none. */
  contextFrom(traceparent: string | null | undefined): Context | undefined;
  /** The writer, with a span per write (its caller's child); the same writer when off. */
  wrapWriter(writer: EventWriting): EventWriting;
  /** Dispatches a done action inside its span (child of `parent` when given, else of the active context). */
  done(delivery: Delivery | null, parent: string | null | undefined, dispatch: DoneDispatch): Promise<void> | undefined;
  /** Flushes and stops what the runtime started itself (the OTLP exporter); nothing of a host's provider. */
  close(): Promise<void>;
}

export const NO_TRACING: Tracing = {
  enabled: false,
  tracer: null,
  traceparent: () => null,
  contextFrom: () => undefined,
  wrapWriter: (writer) => writer,
  done: (_delivery, _parent, dispatch) => dispatch(),
  close: async () => undefined,
};

export interface TracingOptions {
  /**
   * Spans go to this provider (a host's own, or one with an InMemorySpanExporter in tests). Without
   * it, tracing is on when OTEL_EXPORTER_OTLP_ENDPOINT is set: spans are exported over OTLP/HTTP.
   */
  tracerProvider?: TracerProvider;
}

/**
 * Tracing as the options and the environment ask: `false` off; a provider: on, with it; otherwise on
 * only when OTEL_EXPORTER_OTLP_ENDPOINT is set. The SDK is loaded only when on.
 */
export async function openTracing(option: TracingOptions | false | undefined, env: NodeJS.ProcessEnv = process.env): Promise<Tracing> {
  if (option === false) return NO_TRACING;
  const provider = option?.tracerProvider;
  if (!provider && !env.OTEL_EXPORTER_OTLP_ENDPOINT) return NO_TRACING;
  const { createOtelTracing } = await import('./otelTracing');
  return createOtelTracing(provider ? { provider } : { otlp: env });
}
