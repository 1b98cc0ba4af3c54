import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { HOOKS } from '../../hooks/hookNames';
import { createEventTracking, silentLogger } from '../../src';
import { createContact } from '../helpers/fixtures';
import { json, openTestServer, type TestServer } from '../helpers/testServer';
import { testDatabaseUrl } from '../helpers/testRuntime';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const listenerTracer = provider.getTracer('test-listener');

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const idOf = (span: ReadableSpan) => span.spanContext().spanId;
const traceOf = (span: ReadableSpan) => span.spanContext().traceId;

/** Resolves once a finished span satisfies `match`; spans end after the answer is sent, so they are awaited. */
async function finished(match: (span: ReadableSpan) => boolean, what: string): Promise<ReadableSpan> {
  for (let i = 0; i < 250; i += 1) {
    const span = exporter.getFinishedSpans().find(match);
    if (span) return span;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no finished span: ${what}`);
}

describe('OpenTelemetry tracing (in-memory exporter)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await openTestServer({}, { tracing: { tracerProvider: provider } });
  });
  afterAll(() => t.close());
  beforeEach(() => exporter.reset());

  test('one trace: the REST request, its write, its done action and a span a listener makes', async () => {
    const contact = await createContact(t.rt);
    t.rt.hooks.addAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'test/traced-listener', async () => {
      await listenerTracer.startActiveSpan('listener work', async (span) => {
        await new Promise((resolve) => setImmediate(resolve));
        span.end();
      });
    });
    try {
      const answer = await t.call('/subscribers/track-event', json({ event_key: 'traced', title: 'Traced', subscriber_id: contact.id }));
      expect(answer.status).toBe(200);
      const request = await finished((span) => span.name === 'POST /wp-json/fluent-crm/v2/subscribers/track-event', 'the request');
      const write = await finished((span) => span.name === 'fcrm.event_write', 'the write');
      const done = await finished((span) => span.name === 'fluent_crm/track_event_activity_done', 'the done action');
      const listener = await finished((span) => span.name === 'listener work', "the listener's span");
      expect(request.attributes).toMatchObject({ 'http.route': '/wp-json/fluent-crm/v2/subscribers/track-event', 'http.response.status_code': 200 });
      expect(parentOf(request)).toBeUndefined(); // the root: no traceparent header came
      expect(new Set([request, write, done, listener].map(traceOf)).size).toBe(1);
      expect(parentOf(write)).toBe(idOf(request));
      expect(parentOf(done)).toBe(idOf(request));
      expect(parentOf(listener)).toBe(idOf(done));
      expect(done.attributes).toMatchObject({ 'fcrm.delivery.attempt': 1 });
      // The outbox row keeps the request's context, for a later delivery.
      const [row] = await t.sql<{ trace_context: string }>('SELECT trace_context FROM {schema}.fc_event_outbox ORDER BY id DESC LIMIT 1');
      expect(row.trace_context).toBe(`00-${traceOf(request)}-${idOf(request)}-01`);
    } finally {
      t.rt.hooks.removeAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'test/traced-listener');
    }
  });

  test("a caller's traceparent header makes the request span its child", async () => {
    const contact = await createContact(t.rt);
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const init = json({ event_key: 'traced', title: 'Header', subscriber_id: contact.id });
    const answer = await t.call('/subscribers/track-event', { ...init, headers: { ...(init.headers as object), traceparent: `00-${traceId}-${callerSpan}-01` } });
    expect(answer.status).toBe(200);
    const request = await finished((span) => span.name.startsWith('POST ') && traceOf(span) === traceId, 'the request');
    expect(parentOf(request)).toBe(callerSpan);
  });

  test("a done action delivered later by the recovery poller continues the recording call's trace", async () => {
    const contact = await createContact(t.rt);
    // A tool process records the done action (and its trace context) without delivering it.
    const tool = await createEventTracking({
      databaseUrl: testDatabaseUrl(),
      schema: t.schema,
      logger: silentLogger,
      outbox: { deliver: false },
      tracing: { tracerProvider: provider },
    });
    let callerTrace = '';
    let callerSpan = '';
    try {
      await listenerTracer.startActiveSpan('import job', async (span) => {
        callerTrace = span.spanContext().traceId;
        callerSpan = span.spanContext().spanId;
        await tool.api('event_tracker').track({ event_key: 'later', title: 'Delivered later', subscriber_id: contact.id }, true);
        span.end();
      });
    } finally {
      await tool.close();
    }
    // A serving process delivers it with its recovery poller, once its listener is in place.
    const delivered: string[] = [];
    let listenersReady!: () => void;
    const server = await createEventTracking({
      databaseUrl: testDatabaseUrl(),
      schema: t.schema,
      logger: silentLogger,
      outbox: { pollIntervalMs: 3_600_000, startAfter: new Promise<void>((resolve) => (listenersReady = resolve)) },
      tracing: { tracerProvider: provider },
    });
    try {
      server.hooks.addAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'test/poller-listener', (event: { event_key: string }) => {
        listenerTracer.startSpan('poller listener').end();
        delivered.push(event.event_key);
      });
      listenersReady();
      await finished((span) => span.name === 'poller listener', "the poller's delivery");
      await server.drain();
    } finally {
      await server.close();
    }
    expect(delivered).toEqual(['later']);
    const dones = exporter.getFinishedSpans().filter((span) => span.name === 'fluent_crm/track_event_activity_done' && traceOf(span) === callerTrace);
    expect(dones).toHaveLength(1);
    expect(parentOf(dones[0])).toBe(callerSpan);
    expect(dones[0].attributes).toMatchObject({ 'fcrm.delivery.attempt': 1 });
    const listener = exporter.getFinishedSpans().find((span) => span.name === 'poller listener')!;
    expect([traceOf(listener), parentOf(listener)]).toEqual([callerTrace, idOf(dones[0])]);
  });
});

describe('when tracing is on', () => {
  test('off without an option or OTEL_EXPORTER_OTLP_ENDPOINT, and with `false` even when it is set; on with the endpoint', async () => {
    const { openTracing, NO_TRACING } = await import('../../src/ops/tracing');
    expect(await openTracing(undefined, {})).toBe(NO_TRACING);
    expect(await openTracing(false, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe(NO_TRACING);
    const otlp = await openTracing(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' });
    try {
      expect(otlp.enabled).toBe(true);
      expect(otlp.tracer).not.toBeNull();
    } finally {
      await otlp.close();
    }
  });

  test('off, a done action leaves no trace context in its outbox row', async () => {
    const t = await openTestServer();
    try {
      expect(t.rt.operations.tracing.enabled).toBe(false);
      const contact = await createContact(t.rt);
      expect((await t.call('/subscribers/track-event', json({ event_key: 'plain', title: 'Untraced', subscriber_id: contact.id }))).status).toBe(200);
      expect(await t.sql('SELECT trace_context FROM {schema}.fc_event_outbox')).toEqual([{ trace_context: null }]);
    } finally {
      await t.close();
    }
  });
});
