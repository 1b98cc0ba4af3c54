import { Client } from 'pg';
import { countAllTables } from '../helpers/tableCounts';
import { testDatabaseUrl } from '../helpers/testRuntime';
import { json, openTestServer, type TestServer } from '../helpers/testServer';

const embedded = process.env.FCRM_TEST_DB === 'embedded';

/**
 * Issue 17, item 4: the retention pruner (default days, per-key overrides through
 * /event-retention/{event_key}, delivered outbox rows, idempotency claims, finished runs), checked by
 * row counts on every table. Passes are started with rt.retention.prune(); the schedule has its own test.
 */
describe('retention', () => {
  let s: TestServer;
  beforeAll(async () => {
    // batchSize 3: every table needs several batches, so the batch loop and its cursor are exercised.
    s = await openTestServer({}, { retention: { historyDays: 30, background: false, batchSize: 3, pauseRatio: 0 } });
  });
  afterAll(() => s.close());

  const track = async (body: Record<string, unknown>) => {
    const answer = await s.call('/subscribers/track-event', json(body));
    expect(answer.status).toBe(200);
    return answer.body.id as number;
  };
  const ageOccurrences = (eventId: number, days: number) =>
    s.sql(`UPDATE {schema}.fc_event_occurrences SET occurred_at = now() - make_interval(days => $2), created_at = now() - make_interval(days => $2) WHERE event_id = $1`, [eventId, days]);
  const occurrencesOf = async (eventId: number) =>
    Number((await s.sql<{ n: string }>('SELECT count(*) AS n FROM {schema}.fc_event_occurrences WHERE event_id = $1', [eventId]))[0].n);

  test('REST: list, set, read and remove overrides; bad input 400, read-only 403', async () => {
    expect((await s.call('/event-retention')).body).toEqual({ default_days: 30, rules: [] });
    const put = (key: string, body: unknown, as: 'manage' | 'read' = 'manage') =>
      s.call(`/event-retention/${encodeURIComponent(key)}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), as });
    expect(await put('Purchase', { days: null })).toMatchObject({ status: 200, body: { created: true, rule: { event_key: 'Purchase', days: null } } });
    expect(await put('purchase', { days: 400 })).toMatchObject({ status: 200, body: { created: false, rule: { event_key: 'Purchase', days: 400 } } });
    expect((await put('x', { days: 0 })).body).toMatchObject({ code: 'rest_invalid_param', data: { status: 400 } });
    expect((await put('x', { days: 'soon' })).status).toBe(400);
    expect((await put('x', {})).status).toBe(400);
    expect((await put('<b></b>', { days: 3 })).body).toMatchObject({ code: 'rest_invalid_param', data: { status: 400 } });
    expect((await put('x', { days: 3 }, 'read')).status).toBe(403);
    expect((await s.call('/event-retention/PURCHASE', { as: 'read' })).body).toMatchObject({ rule: { event_key: 'Purchase', days: 400 } });
    expect((await s.call('/event-retention/unknown')).body).toMatchObject({ code: 'not_found', data: { status: 404 } });
    expect((await s.call('/event-retention/purchase', { method: 'DELETE', as: 'read' })).status).toBe(403);
    expect((await s.call('/event-retention/purchase', { method: 'DELETE' })).body).toEqual({ message: expect.any(String), deleted: true });
    expect((await s.call('/event-retention/purchase', { method: 'DELETE' })).status).toBe(404);
    expect((await s.call('/event-retention')).body).toEqual({ default_days: 30, rules: [] });
    const { body } = await s.call('/openapi.json', { as: null });
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['/wp-json/fluent-crm/v2/event-retention', '/wp-json/fluent-crm/v2/event-retention/{event_key}']));
  });

  test('a pass prunes what is due and nothing else; counters, event rows, totals and ranks stay', async () => {
    await s.reset();
    const { body } = await s.call('/subscribers', json({ email: 'history@example.com' }));
    const id: number = body.contact.id;
    const t = (event_key: string, extra: Record<string, unknown> = {}) => track({ event_key, title: event_key, subscriber_id: id, ...extra });
    // page_view: old (default 30 days applies) · purchase: old, override "for ever" · login: override 7 days, 10 days old
    // recent: young · pending: old but its done action undelivered · claimed: old but its idempotency claim is kept
    let pageView = 0;
    for (let i = 0; i < 7; i += 1) pageView = await t('page_view');
    const purchase = await t('purchase');
    await t('purchase');
    const login = await t('login');
    const recent = await t('recent');
    const pending = await t('pending');
    const claimed = await t('claimed', { idempotency_key: 'order-1' });
    await s.rt.drain();
    for (const [event, days] of [[pageView, 40], [purchase, 400], [login, 10], [pending, 40], [claimed, 40]] as const) await ageOccurrences(event, days);
    await s.call('/event-retention/purchase', { ...json({ days: null }), method: 'PUT' });
    await s.call('/event-retention/LOGIN', { ...json({ days: 7 }), method: 'PUT' });
    // The pending done action: undelivered and leased far ahead (so the poller leaves it alone).
    await s.sql(`UPDATE {schema}.fc_event_outbox SET delivered_at = NULL, claimed_until = now() + interval '1 day' WHERE event_id = $1`, [pending]);
    // Delivered outbox rows and other claims past the idempotency window (24 h) go; the fresh claim stays.
    await s.sql(`UPDATE {schema}.fc_event_outbox SET delivered_at = now() - interval '25 hours' WHERE event_id = $1`, [pageView]);

    const eventsBefore = await s.sql('SELECT * FROM {schema}.fc_event_tracking ORDER BY id');
    const totalsBefore = await s.sql('SELECT * FROM {schema}.fc_event_totals ORDER BY subscriber_id');
    const ranksBefore = await s.sql('SELECT * FROM {schema}.fc_event_ranks ORDER BY subscriber_id, seq');
    const before = await countAllTables(s);
    const outboxOfPageView = Number((await s.sql<{ n: string }>('SELECT count(*) AS n FROM {schema}.fc_event_outbox WHERE event_id = $1', [pageView]))[0].n);

    const report = await s.rt.retention.prune();
    expect(report).toMatchObject({ occurrences: 7 + 1, outbox: outboxOfPageView, idempotency_keys: 0, automation_runs: 0, skipped: false });
    expect(report.batches).toBeGreaterThan(3);

    const after = await countAllTables(s);
    expect(after).toEqual({ ...before, fc_event_occurrences: before.fc_event_occurrences - 8, fc_event_outbox: before.fc_event_outbox - outboxOfPageView });
    expect(await occurrencesOf(pageView)).toBe(0);
    expect(await occurrencesOf(login)).toBe(0);
    expect(await occurrencesOf(purchase)).toBe(2);
    expect(await occurrencesOf(recent)).toBe(1);
    expect(await occurrencesOf(pending)).toBe(1);
    expect(await occurrencesOf(claimed)).toBe(1);
    expect(await s.sql('SELECT * FROM {schema}.fc_event_tracking ORDER BY id')).toEqual(eventsBefore);
    expect(await s.sql('SELECT * FROM {schema}.fc_event_totals ORDER BY subscriber_id')).toEqual(totalsBefore);
    expect(await s.sql('SELECT * FROM {schema}.fc_event_ranks ORDER BY subscriber_id, seq')).toEqual(ranksBefore);

    // The pages: an event keeps its counter; its occurrences' total is what is kept.
    const events = await s.call(`/subscribers/${id}/tracking-events?per_page=100`);
    expect(events.body.events.total).toBe(eventsBefore.length);
    expect(events.body.events.data.find((e: { id: number }) => e.id === pageView).counter).toBe('7');
    const history = await s.call(`/subscribers/${id}/tracking-events/${pageView}/occurrences`);
    expect(history.body.occurrences).toMatchObject({ total: 0, data: [] });

    // Once the claim has aged past the window, the claim goes and then its occurrence.
    await s.sql(`UPDATE {schema}.fc_event_idempotency_keys SET created_at = now() - interval '25 hours'`);
    expect(await s.rt.retention.prune()).toMatchObject({ idempotency_keys: 1, occurrences: 1 });
    expect(await occurrencesOf(claimed)).toBe(0);
    // A second pass finds nothing more.
    expect(await s.rt.retention.prune()).toMatchObject({ occurrences: 0, outbox: 0, idempotency_keys: 0, automation_runs: 0 });
  });

  (embedded ? test.skip : test)('another process holding the pruning lock: the pass deletes nothing and says skipped (PostgreSQL only: the embedded database has one session, so there is no other process)', async () => {
    await s.reset();
    const { body } = await s.call('/subscribers', json({ email: 'locked@example.com' }));
    const event = await track({ event_key: 'old', title: 'old', subscriber_id: body.contact.id });
    await ageOccurrences(event, 40);
    const other = new Client({ connectionString: testDatabaseUrl() });
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [`fcrm-event-tracking:retention:${s.schema}`]);
      expect(await s.rt.retention.prune()).toMatchObject({ skipped: true, occurrences: 0 });
      expect(await occurrencesOf(event)).toBe(1);
      await other.query('SELECT pg_advisory_unlock_all()');
      expect(await s.rt.retention.prune()).toMatchObject({ skipped: false, occurrences: 1 });
    } finally {
      await other.end();
    }
  });

  test('finished run_multiple automation runs are pruned after automationRunDays; run-once and started runs stay', async () => {
    const t2 = await openTestServer({}, { retention: { automationRunDays: 7, background: false } });
    try {
      const { body } = await t2.call('/subscribers', json({ email: 'runs@example.com' }));
      await t2.sql(
        `INSERT INTO {schema}.fc_automation_runs (automation_id, subscriber_id, run_once, status, finished_at) VALUES
           ('a', $1, false, 'completed', now() - interval '8 days'), ('b', $1, false, 'failed', now() - interval '8 days'),
           ('c', $1, true, 'completed', now() - interval '8 days'), ('d', $1, false, 'completed', now() - interval '6 days'),
           ('e', $1, false, 'started', NULL)`,
        [body.contact.id],
      );
      const before = await countAllTables(t2);
      expect(await t2.rt.retention.prune()).toMatchObject({ automation_runs: 2, occurrences: 0 });
      expect(await countAllTables(t2)).toEqual({ ...before, fc_automation_runs: before.fc_automation_runs - 2 });
      expect((await t2.sql<{ automation_id: string }>('SELECT automation_id FROM {schema}.fc_automation_runs ORDER BY automation_id')).map((r) => r.automation_id)).toEqual(['c', 'd', 'e']);
    } finally {
      await t2.close();
    }
  });

  test('the background schedule runs a first pass after firstPassDelayMs', async () => {
    const t3 = await openTestServer({}, { retention: { historyDays: 1, firstPassDelayMs: 0, intervalMs: 1000 } });
    try {
      const { body } = await t3.call('/subscribers', json({ email: 'bg@example.com' }));
      const answer = await t3.call('/subscribers/track-event', json({ event_key: 'old', title: 'old', subscriber_id: body.contact.id }));
      await t3.sql(`UPDATE {schema}.fc_event_occurrences SET occurred_at = now() - interval '2 days', created_at = now() - interval '2 days' WHERE event_id = $1`, [answer.body.id]);
      // Waits for the next scheduled pass (every second here); jest's timeout bounds it.
      for (;;) {
        const [{ n }] = await t3.sql<{ n: string }>('SELECT count(*) AS n FROM {schema}.fc_event_occurrences');
        if (Number(n) === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await countAllTables(t3)).toMatchObject({ fc_event_occurrences: 0, fc_event_tracking: 1, fc_subscribers: 1 });
    } finally {
      await t3.close();
    }
  });

  test('bad settings fail at start-up', async () => {
    const { createEventTracking } = await import('../../src');
    await expect(createEventTracking({ inMemory: true, retention: { historyDays: 0 } })).rejects.toThrow('retention.historyDays');
    await expect(createEventTracking({ inMemory: true, retention: { batchSize: 0 } })).rejects.toThrow('retention.batchSize');
  });
});
