import { HOOKS } from '../../hooks/hookNames';
import { createEventTracking, silentLogger } from '../../src';
import { withEntrance } from '../../src/ops/entrance';
import { startServer, type StartedServer } from '../../src/server/startServer';
import { createContact } from '../helpers/fixtures';
import { json, openTestServer, type TestServer } from '../helpers/testServer';
import { dropSchema, testDatabaseUrl, uniqueSchemaName } from '../helpers/testRuntime';
import { labelValues, sample } from './promText';

const ROUTE = '/wp-json/fluent-crm/v2/subscribers/track-event';

describe('GET /metrics after known traffic', () => {
  let t: TestServer;
  // The poller looks once at start-up, then not again during the test: the pending rows stay pending.
  beforeAll(async () => {
    t = await openTestServer({}, { outbox: { pollIntervalMs: 3_600_000 } });
  });
  afterAll(() => t.close());

  const scrape = async (as: 'read' | 'manage' | null = 'read') => {
    const headers = new Headers();
    if (as) headers.set('authorization', t.auth[as]);
    const response = await fetch(`${t.base.replace('/wp-json/fluent-crm/v2', '')}/metrics`, { headers });
    return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
  };

  test('needs a credential with fcrm_read_contacts: 401 in WordPress shape without one', async () => {
    const refused = await scrape(null);
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.text)).toMatchObject({ code: 'rest_forbidden' });
  });

  test('counts every entrance and result exactly, times done actions and requests by route pattern, reads outbox and pool', async () => {
    const contact = await createContact(t.rt);
    const otherContact = await createContact(t.rt);
    const runs: string[] = [];
    const unregister = t.rt.automations.onEventRecorded({ id: 'metrics-auto', event_key: 'auto' }, () => {
      runs.push('ran');
    });
    const failing = t.rt.automations.onEventRecorded({ id: 'metrics-failing', event_key: 'auto_fail' }, () => {
      throw new Error('planned failure');
    });
    try {
      // rest: 2 stored (one with a key), 1 replay of that key, 1 rejected (no event_key)
      const event = { event_key: 'rest', title: 'Over REST', subscriber_id: contact.id };
      expect((await t.call('/subscribers/track-event', json(event))).status).toBe(200);
      const keyed = { ...json(event), headers: { 'content-type': 'application/json', 'idempotency-key': 'once' } };
      expect((await t.call('/subscribers/track-event', keyed)).status).toBe(200);
      expect((await t.call('/subscribers/track-event', keyed)).headers.get('idempotent-replayed')).toBe('true');
      expect((await t.call('/subscribers/track-event', json({ title: 'No key', subscriber_id: contact.id }))).status).toBe(422);
      // batch: 2 stored, 1 rejected (unknown contact)
      const batch = await t.call('/subscribers/track-events', json({ events: [event, { ...event, title: 'Second' }, { ...event, subscriber_id: 999_999 }] }));
      expect(batch.body).toMatchObject({ stored: 2, failed: 1 });
      // hook: 2 stored, 1 rejected
      t.rt.hooks.doAction(HOOKS.TRACK_EVENT_ACTIVITY, { event_key: 'hook', title: 'Hooked', subscriber_id: contact.id }, true);
      t.rt.hooks.doAction(HOOKS.TRACK_EVENT_ACTIVITY, { event_key: 'hook', title: 'Hooked', subscriber_id: otherContact.id }, true);
      t.rt.hooks.doAction(HOOKS.TRACK_EVENT_ACTIVITY, { event_key: '', title: 'Hooked', subscriber_id: contact.id }, true);
      await t.rt.drain();
      // api: 1 stored, 1 rejected; two automations started by done actions (1 completes, 1 fails)
      await t.rt.api('event_tracker').track({ event_key: 'api', title: 'In process', subscriber_id: contact.id });
      await expect(t.rt.api('event_tracker').track({ event_key: 'api', title: '', subscriber_id: contact.id })).rejects.toThrow();
      await t.rt.api('event_tracker').track({ event_key: 'auto', title: 'Automation', subscriber_id: contact.id }, true);
      await t.rt.api('event_tracker').track({ event_key: 'auto_fail', title: 'Automation', subscriber_id: contact.id }, true);
      // import: 2 stored, 1 rejected
      await withEntrance('import', () =>
        t.rt.api('event_tracker').trackMany([event, { ...event, title: 'Imported' }, { event_key: 'x', title: 'x', subscriber_id: 999_998 }]),
      );
      // 3 done actions recorded by a tool process, waiting for a server to deliver them
      const tool = await createEventTracking({ databaseUrl: testDatabaseUrl(), schema: t.schema, logger: silentLogger, outbox: { deliver: false } });
      try {
        for (let i = 0; i < 3; i += 1) await tool.api('event_tracker').track({ event_key: 'later', title: `Later ${i}`, subscriber_id: contact.id }, true);
      } finally {
        await tool.close();
      }
      expect((await t.call(`/subscribers/${contact.id}/tracking-events`)).status).toBe(200);
      expect((await fetch(`${t.base}/no-such-route/${contact.email}`)).status).toBe(404);
      await t.rt.drain();
      expect(runs).toEqual(['ran']);

      const { status, type, text } = await scrape();
      expect(status).toBe(200);
      expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
      const tracked = (entrance: string, result: string) => sample(text, 'fcrm_events_tracked_total', { entrance, result });
      expect({
        rest: [tracked('rest', 'stored'), tracked('rest', 'replayed'), tracked('rest', 'rejected')],
        batch: [tracked('batch', 'stored'), tracked('batch', 'replayed'), tracked('batch', 'rejected')],
        hook: [tracked('hook', 'stored'), tracked('hook', 'replayed'), tracked('hook', 'rejected')],
        api: [tracked('api', 'stored'), tracked('api', 'replayed'), tracked('api', 'rejected')],
        import: [tracked('import', 'stored'), tracked('import', 'replayed'), tracked('import', 'rejected')],
      }).toEqual({ rest: [2, 1, 1], batch: [2, 0, 1], hook: [2, 0, 1], api: [3, 0, 1], import: [2, 0, 1] });
      // Done actions delivered here: 2 over REST, 2 in the batch, 2 by the hook, 2 automation events.
      expect(sample(text, 'fcrm_done_action_duration_seconds_count')).toBe(8);
      expect(sample(text, 'fcrm_automation_runs_total', { status: 'started' })).toBe(2);
      expect(sample(text, 'fcrm_automation_runs_total', { status: 'completed' })).toBe(1);
      expect(sample(text, 'fcrm_automation_runs_total', { status: 'failed' })).toBe(1);
      expect(sample(text, 'fcrm_outbox_pending')).toBe(3);
      expect(sample(text, 'fcrm_outbox_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(0);
      expect(sample(text, 'fcrm_db_pool_max')).toBe(10);
      expect(sample(text, 'fcrm_db_pool_size')).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'fcrm_db_pool_idle')).toBeGreaterThanOrEqual(0);
      // The scrape's own outbox query may be waiting for a connection while the pool gauges are read.
      expect(sample(text, 'fcrm_db_pool_waiting')).toBeLessThanOrEqual(1);
      // Requests by route pattern: three 200s and one 422 on track-event; the unmatched one under a fixed label.
      const duration = (labels: Record<string, string>) => sample(text, 'http_request_duration_seconds_count', labels);
      expect(duration({ method: 'POST', route: ROUTE, status: '200' })).toBe(3);
      expect(duration({ method: 'POST', route: ROUTE, status: '422' })).toBe(1);
      expect(duration({ method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
      const eventsRoute = labelValues(text, 'http_request_duration_seconds', 'route').find((route) => route.endsWith('/tracking-events'));
      expect(eventsRoute).toMatch(/^\/wp-json\/fluent-crm\/v2\/subscribers\/:id\(.*\)\/tracking-events$/);
      expect(duration({ method: 'GET', route: eventsRoute!, status: '200' })).toBe(1);
      for (const route of labelValues(text, 'http_request_duration_seconds', 'route')) {
        // Patterns only: no ids, no e-mails, nothing of a URL no route matched.
        expect(route).not.toMatch(new RegExp(`/${contact.id}/|@|no-such-route`));
      }
      // The default process and Node metrics.
      expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
    } finally {
      unregister();
      failing();
    }
  });
});

describe('METRICS_PORT: the same metrics without a credential, on loopback only', () => {
  const schema = uniqueSchemaName();
  let server: StartedServer;
  beforeAll(async () => {
    server = await startServer({ port: 0, logLevel: 'silent', databaseUrl: testDatabaseUrl(), schema, logger: silentLogger, limits: { metricsPort: 0 } });
  });
  afterAll(async () => {
    await server?.close();
    await dropSchema(schema);
  });

  test('serves /metrics to a scraper without credentials, counts this runtime only, and answers 404 for anything else', async () => {
    expect(server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const contact = await createContact(server.runtime);
    await server.runtime.api('event_tracker').track({ event_key: 'own', title: 'Own registry', subscriber_id: contact.id });
    const response = await fetch(server.metricsUrl!);
    expect(response.status).toBe(200);
    const text = await response.text();
    // Its own runtime's count: the other test server in this process tracked more under `api`.
    expect(sample(text, 'fcrm_events_tracked_total', { entrance: 'api', result: 'stored' })).toBe(1);
    expect(sample(text, 'fcrm_outbox_pending')).toBe(0);
    expect((await fetch(server.metricsUrl!.replace('/metrics', '/readyz'))).status).toBe(404);
  });
});
