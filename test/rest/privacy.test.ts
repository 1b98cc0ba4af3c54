import { createHash } from 'node:crypto';
import { statementChannel } from '../../src/db/preparedStatements';
import { EXPORT_BATCH } from '../../src/privacy/exportContact';
import { MAX_CONCURRENT_EXPORTS } from '../../src/rest/routes/privacy';
import { isFcrmError } from '../../src';
import { countAllTables, countContactRows } from '../helpers/tableCounts';
import { json, openTestServer, type TestServer } from '../helpers/testServer';

/**
 * Issue 17, item 5: POST /subscribers/{id}/erase, the suppression it leaves, DELETE /suppressions/{email}
 * and GET /subscribers/{id}/export, checked by row counts on every table of the schema.
 */
describe('privacy: erase, suppression, export', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer({}, { retention: { background: false } });
  });
  afterAll(() => s.close());

  /** A contact with events (done actions → outbox rows), an idempotency claim and automation runs. */
  async function contactWithHistory(email: string): Promise<number> {
    const { body } = await s.call('/subscribers', json({ email }));
    const id: number = body.contact.id;
    for (const [key, n] of [['signup', 1], ['page_view', 3]] as const) {
      for (let i = 0; i < n; i += 1) {
        const answer = await s.call('/subscribers/track-event', json({ event_key: key, title: key, subscriber_id: id, value: `v${i}` }));
        expect(answer.status).toBe(200);
      }
    }
    expect((await s.call('/subscribers/track-event', json({ event_key: 'order', title: 'Order', subscriber_id: id, idempotency_key: `k-${id}` }))).status).toBe(200);
    await s.rt.drain();
    await s.sql(`INSERT INTO {schema}.fc_automation_runs (automation_id, subscriber_id, run_once, status) VALUES ('welcome', $1, true, 'completed'), ('nurture', $1, false, 'started')`, [id]);
    return id;
  }

  test('erase deletes the contact and every row referring to it, in every table, and nothing of another contact', async () => {
    const keep = await contactWithHistory('keep.me@example.com');
    const gone = await contactWithHistory('Erase.Me@Example.com');
    const before = await countAllTables(s);
    const goneRows = await countContactRows(s, gone);
    const keepRows = await countContactRows(s, keep);
    // The fixture reaches every table that refers to contacts.
    for (const table of ['fc_event_tracking', 'fc_event_occurrences', 'fc_event_outbox', 'fc_event_idempotency_keys', 'fc_automation_runs', 'fc_event_totals', 'fc_event_ranks']) {
      expect(goneRows[table]).toBeGreaterThan(0);
    }

    const answer = await s.call(`/subscribers/${gone}/erase`, { method: 'POST' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ suppressed: true, erased: { fc_subscribers: 1, fc_event_occurrences: goneRows.fc_event_occurrences } });

    expect(Object.values(await countContactRows(s, gone)).every((n) => n === 0)).toBe(true);
    expect(await countContactRows(s, keep)).toEqual(keepRows);
    const after = await countAllTables(s);
    const expected: Record<string, number> = { ...before, fc_suppressions: before.fc_suppressions + 1 };
    for (const [table, n] of Object.entries(goneRows)) expected[table] -= n;
    expect(after).toEqual(expected);

    // The suppression is the hash of the trimmed, lower-cased address; the address is stored nowhere.
    const [suppression] = await s.sql<{ email_hash: Buffer }>('SELECT email_hash FROM {schema}.fc_suppressions');
    expect(suppression.email_hash.equals(createHash('sha256').update('erase.me@example.com').digest())).toBe(true);
    const columns = await s.sql<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'fc_suppressions' ORDER BY column_name`,
      [s.schema],
    );
    expect(columns.map((c) => c.column_name)).toEqual(['created_at', 'email_hash']);
  });

  test('a suppressed e-mail cannot be created again by any path until DELETE /suppressions/{email}', async () => {
    const id = await contactWithHistory('again@example.com');
    expect((await s.call(`/subscribers/${id}/erase`, { method: 'POST' })).status).toBe(200);

    const refused = await s.call('/subscribers', json({ email: '  AGAIN@example.com ' }));
    expect(refused.status).toBe(422);
    expect(refused.body).toEqual({ code: 'subscriber_suppressed', message: expect.any(String), data: { status: 422 } });
    // The runtime API, and SQL that bypasses both (the trigger on fc_subscribers).
    const viaApi = await s.rt.api('contacts').createOrUpdate({ email: 'again@example.com' }).catch((error: unknown) => error);
    expect(isFcrmError(viaApi) && viaApi.code).toBe('subscriber_suppressed');
    await expect(s.sql(`INSERT INTO {schema}.fc_subscribers (email) VALUES ('Again@Example.com')`)).rejects.toMatchObject({ code: 'FC451' });
    expect(await s.rt.privacy.isSuppressed('again@example.com')).toBe(true);
    const [{ n }] = await s.sql<{ n: string }>(`SELECT count(*) AS n FROM {schema}.fc_subscribers WHERE lower(email) = 'again@example.com'`);
    expect(Number(n)).toBe(0);

    expect((await s.call('/suppressions/again%40example.com', { method: 'DELETE', as: 'read' })).status).toBe(403);
    expect((await s.call('/suppressions/not-an-email', { method: 'DELETE' })).body).toMatchObject({ code: 'rest_invalid_param', data: { status: 400 } });
    const lifted = await s.call('/suppressions/Again%40Example.com', { method: 'DELETE' });
    expect(lifted).toMatchObject({ status: 200, body: { deleted: true } });
    expect((await s.call('/suppressions/again%40example.com', { method: 'DELETE' })).body).toMatchObject({ code: 'not_found', data: { status: 404 } });
    const created = await s.call('/subscribers', json({ email: 'again@example.com' }));
    expect(created).toMatchObject({ status: 200, body: { created: true } });
  });

  test('erase and export: unknown contact 404, read-only credential 403', async () => {
    expect((await s.call('/subscribers/999999/erase', { method: 'POST' })).status).toBe(404);
    expect((await s.call('/subscribers/999999/export')).status).toBe(404);
    const id = await contactWithHistory('auth@example.com');
    expect((await s.call(`/subscribers/${id}/erase`, { method: 'POST', as: 'read' })).status).toBe(403);
    expect((await s.call(`/subscribers/${id}/export`, { as: 'read' })).status).toBe(403);
    expect((await s.call(`/subscribers/${id}/export`, { as: null })).status).toBe(401);
    expect((await countContactRows(s, id)).fc_subscribers).toBe(1);
  });

  test('export streams NDJSON of the contact, its events, every occurrence once (keyset batches) and its runs', async () => {
    const id = await contactWithHistory('export@example.com');
    // More occurrences than one batch, many at the same instant: the keyset must break ties by id.
    const [event] = await s.sql<{ id: string }>(`SELECT id FROM {schema}.fc_event_tracking WHERE subscriber_id = $1 AND event_key = 'page_view'`, [id]);
    const extra = EXPORT_BATCH * 2 + 17;
    await s.sql(
      `INSERT INTO {schema}.fc_event_occurrences (event_id, subscriber_id, counter, occurred_at)
       SELECT $1, $2, 3 + g, timestamptz '2026-01-01 00:00:00+00' + (g / 300) * interval '1 second' FROM generate_series(1, $3) g`,
      [event.id, id, extra],
    );
    const expected = await countContactRows(s, id);

    const statements: string[] = [];
    const listen = (message: unknown) => statements.push((message as { sql: string }).sql);
    statementChannel.subscribe(listen);
    let text: string;
    try {
      const response = await fetch(`${s.base}/subscribers/${id}/export`, { headers: { authorization: s.auth.manage } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
      text = await response.text();
    } finally {
      statementChannel.unsubscribe(listen);
    }
    const lines = text.trimEnd().split('\n').map((line) => JSON.parse(line) as { type: string; data?: { id: number; subscriber_id?: number }; counts?: unknown });
    expect(lines[0]).toMatchObject({ type: 'contact', data: { id, email: 'export@example.com' } });
    const of = (type: string) => lines.filter((line) => line.type === type);
    expect(of('event')).toHaveLength(expected.fc_event_tracking);
    expect(of('automation_run')).toHaveLength(expected.fc_automation_runs);
    const occurrenceIds = of('occurrence').map((line) => line.data!.id);
    expect(occurrenceIds).toHaveLength(expected.fc_event_occurrences);
    expect(new Set(occurrenceIds).size).toBe(occurrenceIds.length);
    expect(lines.at(-1)).toEqual({
      type: 'end',
      counts: { contact: 1, event: expected.fc_event_tracking, occurrence: expected.fc_event_occurrences, automation_run: expected.fc_automation_runs },
    });
    // Batches, not one query for the whole history: one statement per EXPORT_BATCH occurrences (and one more).
    const occurrenceReads = statements.filter((sql) => /FROM\s+\S+\."fc_event_occurrences" o/.test(sql) && /LIMIT/.test(sql));
    expect(occurrenceReads).toHaveLength(Math.floor(expected.fc_event_occurrences / EXPORT_BATCH) + 1);
  });

  test('a client that hangs up mid-export frees its place: more exports than the limit then still stream', async () => {
    const id = await contactWithHistory('hangup@example.com');
    const [event] = await s.sql<{ id: string }>(`SELECT id FROM {schema}.fc_event_tracking WHERE subscriber_id = $1 LIMIT 1`, [id]);
    await s.sql(
      `INSERT INTO {schema}.fc_event_occurrences (event_id, subscriber_id, counter, value, occurred_at)
       SELECT $1, $2, g, repeat('x', 2000), now() FROM generate_series(1, $3) g`,
      [event.id, id, EXPORT_BATCH * 4],
    );
    for (let i = 0; i < MAX_CONCURRENT_EXPORTS + 2; i += 1) {
      const controller = new AbortController();
      const response = await fetch(`${s.base}/subscribers/${id}/export`, { headers: { authorization: s.auth.manage }, signal: controller.signal });
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      await reader.read(); // the first bytes arrived: the stream is under way
      controller.abort();
      await reader.closed.catch(() => undefined);
    }
    // Each hung-up export released its place once the server saw the socket close.
    for (;;) {
      const answer = await fetch(`${s.base}/subscribers/${id}/export`, { headers: { authorization: s.auth.manage } });
      const text = await answer.text();
      if (answer.status === 503) continue; // a hung-up stream not yet noticed; the loop is bounded by jest's timeout
      expect(answer.status).toBe(200);
      expect(text.trimEnd().split('\n').at(-1)).toContain('"type":"end"');
      break;
    }
  });

  test('an erase racing track-events for the same contact leaves no orphan rows and answers no 500', async () => {
    const ROUNDS = 6;
    for (let round = 0; round < ROUNDS; round += 1) {
      const email = `race-${round}@example.com`;
      const id = await contactWithHistory(email);
      const tracks = Array.from({ length: 12 }, (_, i) =>
        s.call('/subscribers/track-event', json({ event_key: `k${i % 4}`, title: 'T', subscriber_id: id, ...(i % 3 === 0 ? { idempotency_key: `r${round}-${i}` } : {}) })),
      );
      const batch = s.call('/subscribers/track-events', json({ events: Array.from({ length: 50 }, (_, i) => ({ event_key: `b${i % 7}`, title: 'T', subscriber_id: id })) }));
      await new Promise((resolve) => setImmediate(resolve));
      const erase = s.call(`/subscribers/${id}/erase`, { method: 'POST' });
      const answers = await Promise.all([...tracks, batch, erase]);
      await s.rt.drain();
      expect((await erase).status).toBe(200);
      for (const answer of answers) {
        expect([200, 422]).toContain(answer.status);
        if (answer.status === 422) expect(answer.body.error_code).toBe('subscriber_not_found');
      }
      expect(await countContactRows(s, id)).toEqual(Object.fromEntries(Object.keys(await countContactRows(s, id)).map((table) => [table, 0])));
      await s.call(`/suppressions/${encodeURIComponent(email)}`, { method: 'DELETE' });
    }
    // Nothing anywhere refers to a contact that does not exist.
    const orphans = await s.sql<{ n: string }>(
      `SELECT (SELECT count(*) FROM {schema}.fc_event_occurrences o WHERE NOT EXISTS (SELECT 1 FROM {schema}.fc_subscribers c WHERE c.id = o.subscriber_id))
            + (SELECT count(*) FROM {schema}.fc_event_outbox o WHERE NOT EXISTS (SELECT 1 FROM {schema}.fc_subscribers c WHERE c.id = o.subscriber_id))
            + (SELECT count(*) FROM {schema}.fc_event_totals o WHERE NOT EXISTS (SELECT 1 FROM {schema}.fc_subscribers c WHERE c.id = o.subscriber_id))
            + (SELECT count(*) FROM {schema}.fc_event_ranks o WHERE NOT EXISTS (SELECT 1 FROM {schema}.fc_subscribers c WHERE c.id = o.subscriber_id)) AS n`,
    );
    expect(Number(orphans[0].n)).toBe(0);
  });

  test('the OpenAPI document lists the privacy routes', async () => {
    const { body } = await s.call('/openapi.json', { as: null });
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining(['/wp-json/fluent-crm/v2/subscribers/{id}/erase', '/wp-json/fluent-crm/v2/subscribers/{id}/export', '/wp-json/fluent-crm/v2/suppressions/{email}']),
    );
  });
});
