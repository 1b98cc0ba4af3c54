import { createEventTracking, HOOKS } from '../../src';
import { silentLogger } from '../../src/runtime/logger';
import { sqlRunner } from '../../src/db/preparedStatements';
import { WebhookStore } from '../../src/webhooks/webhookStore';
import { createContact } from '../helpers/fixtures';
import { testDatabaseUrl } from '../helpers/testRuntime';
import { json, openTestServer, type TestServer } from '../helpers/testServer';
import { openReceiver, waitUntil } from './receiver';

const FAST_RETRY = { baseDelayMs: 10, maxDelayMs: 20, maxAgeMs: 60_000 };

async function register(s: TestServer, url: string, eventKeys?: unknown) {
  const answer = await s.call('/webhooks', json(eventKeys === undefined ? { url } : { url, event_keys: eventKeys }));
  expect(answer.status).toBe(201);
  return answer.body.webhook as { id: number; secret: string; url: string; event_keys: string[] | null };
}

async function deliveriesOf(s: TestServer, id: number) {
  const answer = await s.call(`/webhooks/${id}/deliveries`, { as: 'read' });
  expect(answer.status).toBe(200);
  return answer.body.deliveries;
}

describe('webhooks: registration routes', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer({}, { webhooks: { maxWebhooks: 3 } });
  });
  afterAll(() => s.close());
  beforeEach(() => s.sql('DELETE FROM {schema}.fc_webhooks'));

  test('POST answers the webhook with a whsec_ secret once; GET (list and one) never shows it', async () => {
    const created = await register(s, 'https://hooks.example.com/in', ['Order_Placed', 'order_placed', 'signup']);
    expect(created).toEqual({
      id: expect.any(Number),
      url: 'https://hooks.example.com/in',
      event_keys: ['order_placed', 'signup'],
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]+=*$/),
    });
    const one = await s.call(`/webhooks/${created.id}`, { as: 'read' });
    expect(one.status).toBe(200);
    const { secret: _secret, ...shown } = created;
    expect(one.body.webhook).toEqual(shown);
    const list = await s.call('/webhooks', { as: 'read' });
    expect(list.body).toEqual({ webhooks: [one.body.webhook] });
    expect(JSON.stringify(list.body)).not.toContain('whsec_');
    const all = await register(s, 'http://localhost:9/x');
    expect(all.event_keys).toBeNull();
  });

  test.each([
    ['plain http off the machine', 'http://example.com/hook'],
    ['http to a private address', 'http://10.0.0.1/hook'],
    ['another scheme', 'ftp://127.0.0.1/hook'],
    ['not a URL', 'not a url'],
    ['credentials in the URL', 'https://user:pw@example.com/hook'],
    ['too long', `https://example.com/${'a'.repeat(2100)}`],
    ['missing', undefined],
  ])('422 for a URL that is %s', async (_label, url) => {
    const answer = await s.call('/webhooks', json({ url }));
    expect(answer.status).toBe(422);
    expect(answer.body).toEqual({ message: expect.any(String), error_code: 'invalid_data' });
  });

  test.each(['http://127.0.0.1:8080/h', 'http://127.5.6.7/h', 'http://[::1]:9/h', 'http://LOCALHOST/h', 'https://example.com/h'])(
    'accepts %s',
    async (url) => {
      await register(s, url);
    },
  );

  test('422 for bad event_keys; 422 past the maximum number of webhooks', async () => {
    for (const keys of [[], [''], [42], 'x'.repeat(200), Array.from({ length: 101 }, (_, i) => `k${i}`)]) {
      expect((await s.call('/webhooks', json({ url: 'https://example.com/h', event_keys: keys }))).status).toBe(422);
    }
    for (let i = 0; i < 3; i += 1) await register(s, `https://example.com/${i}`);
    const over = await s.call('/webhooks', json({ url: 'https://example.com/4' }));
    expect(over.status).toBe(422);
    expect(over.body.message).toContain('At most 3 webhooks');
  });

  test('capabilities: read may list, only manage may create or delete; no credential is 401', async () => {
    const created = await register(s, 'https://example.com/h');
    expect((await s.call('/webhooks', { ...json({ url: 'https://example.com/h' }), as: 'read' })).status).toBe(403);
    expect((await s.call(`/webhooks/${created.id}`, { method: 'DELETE', as: 'read' })).status).toBe(403);
    expect((await s.call('/webhooks', { as: null })).status).toBe(401);
    expect((await s.call(`/webhooks/${created.id}/deliveries`, { as: null })).status).toBe(401);
    expect((await s.call(`/webhooks/${created.id}`, { method: 'DELETE' })).body).toEqual({ message: 'Webhook has been deleted.', id: created.id });
    expect((await s.call(`/webhooks/${created.id}`, { as: 'read' })).status).toBe(404);
    expect((await s.call(`/webhooks/${created.id}/deliveries`, { as: 'read' })).status).toBe(404);
    expect((await s.call(`/webhooks/${created.id}`, { method: 'DELETE' })).status).toBe(404);
  });
});

describe('webhooks: delivery', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer({}, { webhooks: { pollIntervalMs: 50, refreshMs: 50, retry: { ...FAST_RETRY, maxAttempts: 3 } } });
  });
  afterAll(() => s.close());
  beforeEach(async () => {
    await s.sql('DELETE FROM {schema}.fc_webhooks');
    await s.reset();
  });

  test('a done action is POSTed once, signed per Standard Webhooks, only to webhooks of its key (case-insensitive)', async () => {
    const receiver = await openReceiver();
    const other = await openReceiver();
    try {
      const hook = await register(s, receiver.url, ['ORDER_placed']);
      receiver.useSecret(hook.secret);
      const otherHook = await register(s, other.url, ['signup']);
      const contact = await createContact(s.rt);
      const tracked = await s.call('/subscribers/track-event', json({ event_key: 'order_placed', title: 'Order', value: '42', subscriber_id: contact.id }));
      expect(tracked.status).toBe(200);
      await s.rt.api('event_tracker').track({ event_key: 'page_view', title: 'Page', subscriber_id: contact.id }, true);
      await receiver.requests(1);
      await waitUntil(async () => (await deliveriesOf(s, hook.id)).data[0]?.state === 'delivered');

      expect(receiver.received).toHaveLength(1);
      const [request] = receiver.received;
      expect(request.verifyError).toBeUndefined();
      const body = JSON.parse(request.body);
      expect(request.verified).toEqual(body);
      expect(request.headers['webhook-id']).toBe(body.delivery.id);
      expect(request.headers['webhook-signature']).toMatch(/^v1,/);
      expect(body).toEqual({
        delivery: { id: expect.stringMatching(/^\d+$/), attempt: 1 },
        event: expect.objectContaining({ id: tracked.body.id, event_key: 'order_placed', title: 'Order', value: '42', subscriber_id: Number(contact.id) }),
        subscriber: expect.objectContaining({ id: Number(contact.id), email: contact.email }),
      });
      // The delivery id is the done action's outbox row id.
      const [outbox] = await s.sql<{ id: string }>('SELECT id::text FROM {schema}.fc_event_outbox WHERE event_id = $1', [tracked.body.id]);
      expect(body.delivery.id).toBe(outbox.id);

      const page = await deliveriesOf(s, hook.id);
      expect(page).toMatchObject({ total: 1, current_page: 1, per_page: 15, last_page: 1 });
      expect(page.data[0]).toEqual({
        id: expect.any(Number),
        delivery_id: outbox.id,
        event_key: 'order_placed',
        state: 'delivered',
        attempts: 1,
        next_attempt_at: null,
        last_status_code: 200,
        last_error: null,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
      expect((await deliveriesOf(s, otherHook.id)).total).toBe(0);
      expect(other.received).toHaveLength(0);
    } finally {
      await receiver.close();
      await other.close();
    }
  });

  test('a failing receiver is retried with backoff until it answers 2xx; a wrong secret fails verification', async () => {
    const receiver = await openReceiver([500, 503], 204);
    try {
      const hook = await register(s, receiver.url);
      receiver.useSecret(hook.secret);
      const contact = await createContact(s.rt);
      await s.rt.api('event_tracker').track({ event_key: 'signup', title: 'Signed up', subscriber_id: contact.id }, true);
      await receiver.requests(3);
      await waitUntil(async () => (await deliveriesOf(s, hook.id)).data[0]?.state === 'delivered');
      const [row] = (await deliveriesOf(s, hook.id)).data;
      expect(row).toMatchObject({ state: 'delivered', attempts: 3, last_status_code: 204, last_error: null });
      expect(receiver.received.map((r) => JSON.parse(r.body).delivery.attempt)).toEqual([1, 2, 3]);
      expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
      for (const request of receiver.received) expect(request.verifyError).toBeUndefined();

      receiver.useSecret(`whsec_${Buffer.from('not the secret').toString('base64')}`);
      await s.rt.api('event_tracker').track({ event_key: 'signup2', title: 'Again', subscriber_id: contact.id }, true);
      await receiver.requests(4);
      expect(receiver.received[3].verifyError).toBeInstanceOf(Error);
    } finally {
      await receiver.close();
    }
  });

  test('retries exhausted: the delivery is marked failed with the last status', async () => {
    const receiver = await openReceiver([], 503);
    try {
      const hook = await register(s, receiver.url);
      const contact = await createContact(s.rt);
      await s.rt.api('event_tracker').track({ event_key: 'signup', title: 'Signed up', subscriber_id: contact.id }, true);
      await waitUntil(async () => (await deliveriesOf(s, hook.id)).data[0]?.state === 'failed');
      const [row] = (await deliveriesOf(s, hook.id)).data;
      expect(row).toMatchObject({ state: 'failed', attempts: 3, last_status_code: 503, last_error: 'HTTP 503', next_attempt_at: null });
      expect(receiver.received).toHaveLength(3);
    } finally {
      await receiver.close();
    }
  });

  test('a redirect is a failure, never followed', async () => {
    const { createServer } = await import('node:http');
    const target = await openReceiver();
    const redirecting = createServer((_req, res) => res.writeHead(307, { location: target.url }).end());
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    try {
      const port = (redirecting.address() as { port: number }).port;
      const hook = await register(s, `http://127.0.0.1:${port}/`);
      const contact = await createContact(s.rt);
      await s.rt.api('event_tracker').track({ event_key: 'signup', title: 'Signed up', subscriber_id: contact.id }, true);
      await waitUntil(async () => (await deliveriesOf(s, hook.id)).data[0]?.state === 'failed');
      expect((await deliveriesOf(s, hook.id)).data[0]).toMatchObject({ last_status_code: 307 });
      expect(target.received).toHaveLength(0);
    } finally {
      redirecting.closeAllConnections();
      await new Promise((resolve) => redirecting.close(resolve));
      await target.close();
    }
  });

  test('deleting a webhook drops its queued deliveries', async () => {
    const receiver = await openReceiver([], 500);
    try {
      const hook = await register(s, receiver.url);
      const contact = await createContact(s.rt);
      await s.rt.api('event_tracker').track({ event_key: 'signup', title: 'Signed up', subscriber_id: contact.id }, true);
      await receiver.requests(1);
      expect((await s.call(`/webhooks/${hook.id}`, { method: 'DELETE' })).status).toBe(200);
      expect(await s.sql('SELECT id FROM {schema}.fc_webhook_deliveries')).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  test('without webhooks the done action has no webhook listener; one registered by another process is picked up by the refresh', async () => {
    const listening = () => s.rt.hooks.hasAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'fcrm-event-tracking/webhooks');
    const receiver = await openReceiver();
    try {
      expect(listening()).toBe(false);
      // As another process would: straight into the table, without this process knowing.
      await s.sql(`INSERT INTO {schema}.fc_webhooks (url, secret) VALUES ($1, 'whsec_c2VjcmV0c2VjcmV0')`, [receiver.url]);
      await waitUntil(listening);
      const contact = await createContact(s.rt);
      await s.rt.api('event_tracker').track({ event_key: 'signup', title: 'Signed up', subscriber_id: contact.id }, true);
      await receiver.requests(1);
      expect(JSON.parse(receiver.received[0].body).event.title).toBe('Signed up');
      await s.sql('DELETE FROM {schema}.fc_webhooks');
      await waitUntil(() => !listening());
    } finally {
      await receiver.close();
    }
  });

  test('finished deliveries are purged after the retention time; pending ones never', async () => {
    // A runtime of its own without a dispatcher: one would attempt these deliveries meanwhile, and its
    // outcome (pending again) could overwrite a state set here.
    const quiet = await openTestServer({}, { webhooks: { dispatch: false } });
    try {
      const hook = await register(quiet, 'https://example.invalid/h');
      const store = new WebhookStore(sqlRunner(quiet.rt.dataSource, false), quiet.schema);
      const payload = JSON.stringify({ event: {}, subscriber: {} });
      await store.enqueue(['1', '2', '3'].map((deliveryId) => ({ deliveryId, eventKey: 'k', payload })));
      await quiet.sql(`UPDATE {schema}.fc_webhook_deliveries SET state = 'delivered', next_attempt_at = NULL, updated_at = now() - interval '2 hours' WHERE delivery_id = 1`);
      await quiet.sql(`UPDATE {schema}.fc_webhook_deliveries SET state = 'failed', next_attempt_at = NULL, updated_at = now() - interval '2 hours' WHERE delivery_id = 2`);
      await quiet.sql(`UPDATE {schema}.fc_webhook_deliveries SET next_attempt_at = now() + interval '1 day', updated_at = now() - interval '2 hours' WHERE delivery_id = 3`);
      expect(await store.purgeFinished(3_600_000 * 3)).toBe(0);
      expect(await store.purgeFinished(3_600_000)).toBe(2);
      expect((await deliveriesOf(quiet, hook.id)).data.map((d: { delivery_id: string; state: string }) => [d.delivery_id, d.state])).toEqual([['3', 'pending']]);
    } finally {
      await quiet.close();
    }
  });

  test('the URL rule is checked again at send time: a row whose URL is no longer allowed is not sent', async () => {
    const receiver = await openReceiver();
    try {
      const hook = await register(s, receiver.url);
      // As if the rule had been tightened since: the stored URL no longer passes.
      await s.sql(`UPDATE {schema}.fc_webhooks SET url = 'http://example.com/hook' WHERE id = $1`, [hook.id]);
      const contact = await createContact(s.rt);
      await s.rt.api('event_tracker').track({ event_key: 'signup', title: 'Signed up', subscriber_id: contact.id }, true);
      await waitUntil(async () => (await deliveriesOf(s, hook.id)).data[0]?.state === 'failed');
      expect((await deliveriesOf(s, hook.id)).data[0].last_error).toMatch(/^not sent: url must use https/);
      expect(receiver.received).toHaveLength(0);
    } finally {
      await receiver.close();
    }
  });

  test('a done action delivered twice (at least once) is enqueued once per webhook', async () => {
    const hook = await register(s, 'https://example.invalid/h');
    const store = new WebhookStore(sqlRunner(s.rt.dataSource, false), s.schema);
    const item = { deliveryId: '987654', eventKey: 'Signup', payload: JSON.stringify({ event: {}, subscriber: {} }) };
    await store.enqueue([item]);
    await store.enqueue([item, { ...item }]);
    const rows = await s.sql<{ webhook_id: string }>('SELECT webhook_id::text FROM {schema}.fc_webhook_deliveries WHERE delivery_id = 987654');
    expect(rows).toEqual([{ webhook_id: String(hook.id) }]);
  });
});

describe('webhooks: several processes share the queue', () => {
  test('two runtimes on one schema send each delivery once (SKIP LOCKED claims)', async () => {
    const receiver = await openReceiver();
    const a = await openTestServer({}, { webhooks: { pollIntervalMs: 20, refreshMs: 50 } });
    const b = await createEventTracking({ databaseUrl: testDatabaseUrl(), schema: a.schema, logger: silentLogger, webhooks: { pollIntervalMs: 20, refreshMs: 50 } });
    try {
      await register(a, receiver.url);
      const contact = await createContact(a.rt);
      await waitUntil(() => b.hooks.hasAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'fcrm-event-tracking/webhooks'));
      await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a.rt : b).api('event_tracker').track({ event_key: `k${i}`, title: `T${i}`, subscriber_id: contact.id }, true)),
      );
      await receiver.requests(40);
      await waitUntil(async () => (await a.sql<{ n: number }>(`SELECT count(*)::int AS n FROM {schema}.fc_webhook_deliveries WHERE state = 'delivered'`))[0].n === 40);
      const ids = receiver.received.map((r) => r.headers['webhook-id']);
      expect(ids).toHaveLength(40);
      expect(new Set(ids).size).toBe(40);
    } finally {
      await b.close();
      await a.close();
      await receiver.close();
    }
  });
});

describe('webhooks: a receiver that never answers delays neither ingest nor in-process listeners', () => {
  test('every event is stored and every done action reaches the other listener while all webhook requests hang', async () => {
    const receiver = await openReceiver([], 'hang');
    const heard: string[] = [];
    const s = await openTestServer({}, { webhooks: { pollIntervalMs: 50, concurrency: 2, timeoutMs: 600_000 } });
    s.rt.hooks.addAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'test/other', (event) => {
      heard.push(event.title);
    });
    try {
      await register(s, receiver.url);
      const contact = await createContact(s.rt);
      const first = await s.call('/subscribers/track-event', json({ event_key: 'e0', title: 'T0', subscriber_id: contact.id }));
      expect(first.status).toBe(200);
      await receiver.requests(1); // the receiver now holds a request open
      for (let i = 1; i < 30; i += 1) {
        const answer = await s.call('/subscribers/track-event', json({ event_key: `e${i}`, title: `T${i}`, subscriber_id: contact.id }));
        expect(answer.status).toBe(200);
      }
      await s.rt.drain();
      expect(heard).toHaveLength(30);
      const [{ n }] = await s.sql<{ n: number }>('SELECT count(*)::int AS n FROM {schema}.fc_event_tracking');
      expect(n).toBe(30);
      const pending = await s.sql<{ n: number }>(`SELECT count(*)::int AS n FROM {schema}.fc_webhook_deliveries`);
      expect(pending[0].n).toBe(30); // all queued; only `concurrency` of them are being sent
      expect(receiver.received.length).toBeLessThanOrEqual(2);
    } finally {
      await s.close(); // aborts the hanging requests
      await receiver.close();
    }
  });
});
