import { HOOKS } from '../../src';
import { createContact } from '../helpers/fixtures';
import { json, openTestServer, type TestServer } from '../helpers/testServer';

const ROUTE = '/subscribers/track-events';

describe('POST /subscribers/track-events (batch)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer();
  });
  afterAll(() => s.close());
  beforeEach(() => s.reset());

  const totals = async () =>
    (await s.sql<{ rows: number; total: number; occurrences: number }>(
      `SELECT (SELECT count(*)::int FROM {schema}.fc_event_tracking) AS rows,
              (SELECT coalesce(sum(counter), 0)::int FROM {schema}.fc_event_tracking) AS total,
              (SELECT count(*)::int FROM {schema}.fc_event_occurrences) AS occurrences`,
    ))[0];

  /** Collects the done actions fired while `fn` runs. */
  async function doneDuring<T>(fn: () => Promise<T>): Promise<{ result: T; done: Array<{ id: number; counter: number }> }> {
    const done: Array<{ id: number; counter: number }> = [];
    s.rt.hooks.addAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'test/batch', (event: { id: number; counter: number }) => {
      done.push({ id: event.id, counter: event.counter });
    });
    try {
      const result = await fn();
      await s.rt.drain();
      return { result, done };
    } finally {
      s.rt.hooks.removeAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'test/batch');
    }
  }

  test('1,000 events with 10 bad items: 990 stored, 10 precise errors by index, a done action per stored item', async () => {
    const contacts = await Promise.all(Array.from({ length: 10 }, () => createContact(s.rt)));
    const events: unknown[] = Array.from({ length: 1000 }, (_, i) => ({
      event_key: `key_${i % 100}`,
      title: `Title ${i % 7}`,
      value: `v${i}`,
      provider: 'shop',
      email: contacts[i % 10].email,
    }));
    const first = contacts[0].id;
    const bad: Array<[number, unknown, string, string | RegExp]> = [
      [0, { title: 'no key', subscriber_id: first }, 'invalid_data', 'Invalid data provided. key and event are required'],
      [57, { event_key: 'k', title: '<b></b>', subscriber_id: first }, 'invalid_data', 'Invalid data provided. key and event are required'],
      [199, { event_key: 'k', title: 'T', subscriber_id: 99999999 }, 'subscriber_not_found', 'Subscriber not found'],
      [300, { event_key: 'k', title: 'T', subscriber_id: first, value: 'v'.repeat(70_000) }, 'value_too_long', /70000 bytes/],
      [301, null, 'invalid_data', 'Invalid data provided. key and event are required'],
      [512, { event_key: 'k', title: 'T', email: 'nobody@example.com' }, 'subscriber_not_found', 'Subscriber not found'],
      [640, { event_key: 'k', title: 'T', subscriber_id: first, idempotency_key: 'x'.repeat(192) }, 'invalid_data', /idempotency_key/],
      [777, 'not an object', 'invalid_data', 'Invalid data provided. key and event are required'],
      [888, { event_key: 'k', title: 'T', subscriber_id: first, occurred_at: '2999-01-01T00:00:00Z' }, 'invalid_data', /occurred_at/],
      [999, { event_key: 'k', title: 'T', subscriber: { id: first } }, 'subscriber_not_found', 'Current Subscriber could not be found'],
    ];
    for (const [index, item] of bad) events[index] = item;

    const { result: response, done } = await doneDuring(() => s.call(ROUTE, json({ events })));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ stored: 990, failed: 10 });
    const results = response.body.results as Array<{ index: number; id?: number; error_code?: string; message?: string }>;
    expect(results.map((r) => r.index)).toEqual(events.map((_, i) => i));
    const failures = results.filter((r) => r.error_code !== undefined);
    expect(failures.map((r) => [r.index, r.error_code])).toEqual(bad.map(([index, , code]) => [index, code]));
    for (const [index, , , message] of bad) {
      expect(Object.keys(results[index]).sort()).toEqual(['error_code', 'index', 'message']);
      expect(results[index].message).toEqual(typeof message === 'string' ? message : expect.stringMatching(message));
    }
    const stored = results.filter((r) => r.error_code === undefined);
    for (const result of stored) expect(Object.keys(result).sort()).toEqual(['id', 'index']);

    expect(await totals()).toMatchObject({ total: 990, occurrences: 990 });
    expect(done).toHaveLength(990);
    expect(new Set(done.map((d) => d.id))).toEqual(new Set(stored.map((r) => r.id)));
  });

  test('a batch repeating one event 50 times: counter +50, 50 results with the same id, occurrences 2…51', async () => {
    const contact = await createContact(s.rt);
    const event = { event_key: 'clicked', title: 'Clicked', subscriber_id: contact.id };
    const before = await s.call('/subscribers/track-event', json(event));
    const response = await s.call(ROUTE, json({ events: Array.from({ length: 50 }, (_, i) => ({ ...event, value: `click ${i}` })) }));
    expect(response).toMatchObject({ status: 200, body: { stored: 50, failed: 0 } });
    expect(new Set(response.body.results.map((r: { id: number }) => r.id))).toEqual(new Set([before.body.id]));
    expect(await s.sql('SELECT counter, value FROM {schema}.fc_event_tracking')).toEqual([{ counter: 51, value: 'click 49' }]);
    const counters = await s.sql<{ counter: number }>('SELECT counter FROM {schema}.fc_event_occurrences ORDER BY id');
    expect(counters.map((r) => r.counter)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
  });

  test('idempotency keys: a retried batch adds nothing, fires nothing, and marks every result replayed', async () => {
    const contact = await createContact(s.rt);
    const events = Array.from({ length: 5 }, (_, i) => ({
      event_key: `order_${i % 2}`,
      title: 'Order',
      subscriber_id: contact.id,
      idempotency_key: `order-${i}`,
    }));
    const first = await doneDuring(() => s.call(ROUTE, json({ events })));
    expect(first.result).toMatchObject({ status: 200, body: { stored: 5, failed: 0 } });
    expect(first.result.body.results.some((r: { replayed?: boolean }) => r.replayed)).toBe(false);
    expect(first.done).toHaveLength(5);
    const after = await totals();

    const retry = await doneDuring(() => s.call(ROUTE, json({ events })));
    expect(retry.result).toMatchObject({ status: 200, body: { stored: 5, failed: 0 } });
    expect(retry.result.body.results).toEqual(
      first.result.body.results.map((r: { index: number; id: number }) => ({ index: r.index, id: r.id, replayed: true })),
    );
    expect(retry.done).toHaveLength(0);
    expect(await totals()).toEqual(after);
    expect(after).toMatchObject({ rows: 2, total: 5 });
  });

  test('a bare JSON array is accepted too; an empty batch stores nothing', async () => {
    const contact = await createContact(s.rt);
    const response = await s.call(ROUTE, json([{ event_key: 'k', title: 'T', email: contact.email }]));
    expect(response).toMatchObject({ status: 200, body: { results: [{ index: 0, id: expect.any(Number) }], stored: 1, failed: 0 } });
    expect(await s.call(ROUTE, json({ events: [] }))).toMatchObject({ status: 200, body: { results: [], stored: 0, failed: 0 } });
  });

  test.each([
    ['1,001 events', { events: Array.from({ length: 1001 }, () => ({ event_key: 'k', title: 'T' })) }],
    ['events not an array', { events: { event_key: 'k', title: 'T' } }],
    ['events a string', { events: 'k' }],
    ['no events key', { event_key: 'k', title: 'T' }],
    ['an empty body', undefined],
  ])('%s → 422 invalid_data, nothing stored', async (_name, body) => {
    const init = body === undefined ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: '' } : json(body);
    const response = await s.call(ROUTE, init);
    expect(response.status).toBe(422);
    expect(response.body).toEqual({ message: expect.stringContaining('1000'), error_code: 'invalid_data' });
    expect((await totals()).rows).toBe(0);
  });

  test('the body limit is 10 MiB for this route: 3 MiB is accepted, over 10 MiB is a 413 naming the limit', async () => {
    const contact = await createContact(s.rt);
    const value = 'x'.repeat(60_000);
    const events = Array.from({ length: 50 }, (_, i) => ({ event_key: `k${i}`, title: 'T', value, subscriber_id: contact.id }));
    const big = await s.call(ROUTE, json({ events }));
    expect(big).toMatchObject({ status: 200, body: { stored: 50, failed: 0 } });

    const tooBig = JSON.stringify({ events: Array.from({ length: 180 }, () => ({ event_key: 'k', title: 'T', value })) });
    expect(tooBig.length).toBeGreaterThan(10 * 1024 * 1024);
    const response = await s.call(ROUTE, { method: 'POST', headers: { 'content-type': 'application/json' }, body: tooBig });
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ code: 'rest_request_too_large', message: expect.stringContaining('10485760'), data: { status: 413 } });
    expect((await totals()).total).toBe(50);
  });

  test('a "subscriber" key in an item is ignored; the credential\'s user is the current contact', async () => {
    const mine = await createContact(s.rt, { user_id: 42 });
    const other = await createContact(s.rt);
    const response = await s.call(ROUTE, {
      ...json({ events: [{ event_key: 'k', title: 'Mine', subscriber: { id: other.id } }] }),
      as: 'actingAs42',
    });
    expect(response).toMatchObject({ status: 200, body: { stored: 1 } });
    expect(await s.sql('SELECT subscriber_id, created_by FROM {schema}.fc_event_tracking')).toEqual([
      { subscriber_id: String(mine.id), created_by: '42' },
    ]);
  });

  test('a read-only credential → 403; no credential → 401', async () => {
    const body = json({ events: [{ event_key: 'k', title: 'T' }] });
    expect((await s.call(ROUTE, { ...body, as: 'read' })).status).toBe(403);
    expect((await s.call(ROUTE, { ...body, as: null })).status).toBe(401);
  });
});
