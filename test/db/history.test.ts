import type { TrackEventData } from '../../src';
import { createContact } from '../helpers/fixtures';
import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';

describe('occurred_at and the event history', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await openTestRuntime({ timeZone: 'UTC' });
  });
  afterAll(() => t.close());
  beforeEach(() => t.reset());

  test('every occurrence is kept with its time, value and provider; the counter row stays as FluentCRM has it', async () => {
    const contact = await createContact(t.rt);
    const api = t.rt.api('event_tracker');
    const base = { event_key: 'login', title: 'Logged in', subscriber_id: contact.id };
    await api.track({ ...base, value: 'web', provider: 'site', occurred_at: '2026-11-01T08:00:00Z' });
    await api.track({ ...base, value: 'app', occurred_at: '2026-11-02 09:30:00' });
    const last = await api.track({ ...base, value: 'api', occurred_at: '2026-11-03T10:00:00+02:00' });
    expect(last).toMatchObject({ counter: 3, value: 'api', provider: 'site' });

    const page = await api.getOccurrences(contact.id, last.id, { per_page: 2 });
    expect(page).toMatchObject({ total: 3, last_page: 2, per_page: 2, current_page: 1 });
    expect(page.data.map((o) => [o.counter, o.value, o.provider, o.occurred_at])).toEqual([
      [3, 'api', 'custom', '2026-11-03 08:00:00'],
      [2, 'app', 'custom', '2026-11-02 09:30:00'],
    ]);
    const second = await api.getOccurrences(contact.id, last.id, { page: 2, per_page: 2 });
    expect(second.data.map((o) => [o.counter, o.value, o.provider])).toEqual([[1, 'web', 'site']]);
  });

  test('without occurred_at the occurrence happened now', async () => {
    const contact = await createContact(t.rt);
    const row = await t.rt.api('event_tracker').track({ event_key: 'k', title: 'T', subscriber_id: contact.id });
    const [occurrence] = await t.sql<{ age: number }>(
      'SELECT extract(epoch FROM now() - occurred_at)::float AS age FROM {schema}.fc_event_occurrences WHERE event_id = $1',
      [row.id],
    );
    expect(Math.abs(occurrence.age)).toBeLessThan(60);
  });

  test.each([
    ['in the future beyond the skew', new Date(Date.now() + 3_600_000).toISOString()],
    ['before the 2000-01-01 floor', '1999-12-31T23:59:59Z'],
    ['not ISO 8601', '26/11/2026'],
    ['a number', 1764115200],
  ])('occurred_at %s is invalid_data, nothing stored', async (_name, occurred_at) => {
    const contact = await createContact(t.rt);
    await expect(t.rt.api('event_tracker').track({ event_key: 'k', title: 'T', subscriber_id: contact.id, occurred_at: occurred_at as TrackEventData['occurred_at'] })).rejects.toMatchObject({
      code: 'invalid_data',
      message: expect.stringContaining('occurred_at'),
    });
    expect(await t.sql('SELECT count(*)::int AS n FROM {schema}.fc_event_occurrences')).toEqual([{ n: 0 }]);
  });

  test('a small clock skew into the future is accepted', async () => {
    const contact = await createContact(t.rt);
    const soon = new Date(Date.now() + 60_000).toISOString();
    await expect(t.rt.api('event_tracker').track({ event_key: 'k', title: 'T', subscriber_id: contact.id, occurred_at: soon })).resolves.toBeDefined();
  });

  test("another contact's event, or an unknown one, is not_found", async () => {
    const a = await createContact(t.rt);
    const b = await createContact(t.rt);
    const row = await t.rt.api('event_tracker').track({ event_key: 'k', title: 'T', subscriber_id: a.id });
    await expect(t.rt.api('event_tracker').getOccurrences(b.id, row.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(t.rt.api('event_tracker').getOccurrences(a.id, 999999)).rejects.toMatchObject({ code: 'not_found' });
  });

  const historyOf = (eventId: number) =>
    t.sql<{ o: number; b: number }>(
      `SELECT (SELECT count(*) FROM {schema}.fc_event_occurrences WHERE event_id = $1)::int AS o,
              (SELECT count(*) FROM {schema}.fc_event_outbox WHERE event_id = $1)::int AS b`,
      [eventId],
    );

  test('an event row deleted by SQL takes its history and outbox rows with it, and only its own', async () => {
    const contact = await createContact(t.rt);
    const api = t.rt.api('event_tracker');
    const gone = await api.track({ event_key: 'gone', title: 'T', subscriber_id: contact.id }, true);
    await api.track({ event_key: 'gone', title: 'T', subscriber_id: contact.id }, true);
    const kept = await api.track({ event_key: 'kept', title: 'T', subscriber_id: contact.id }, true);
    expect(await historyOf(gone.id)).toEqual([{ o: 2, b: 2 }]);

    await t.sql('DELETE FROM {schema}.fc_event_tracking WHERE id = $1', [gone.id]);
    expect(await historyOf(gone.id)).toEqual([{ o: 0, b: 0 }]);
    expect(await historyOf(kept.id)).toEqual([{ o: 1, b: 1 }]);
  });

  test('TRUNCATE of the events empties the history and the outbox', async () => {
    const contact = await createContact(t.rt);
    const row = await t.rt.api('event_tracker').track({ event_key: 'k', title: 'T', subscriber_id: contact.id }, true);
    await t.sql('TRUNCATE {schema}.fc_event_tracking');
    expect(await historyOf(row.id)).toEqual([{ o: 0, b: 0 }]);
    expect(await t.sql('SELECT count(*)::int AS n FROM {schema}.fc_event_occurrences')).toEqual([{ n: 0 }]);
  });

  test('deleting the contact removes its history too', async () => {
    const contact = await createContact(t.rt);
    await t.rt.api('event_tracker').track({ event_key: 'k', title: 'T', subscriber_id: contact.id }, true);
    await t.rt.api('contacts').delete(contact.id);
    expect(await t.sql('SELECT (SELECT count(*) FROM {schema}.fc_event_occurrences)::int AS o, (SELECT count(*) FROM {schema}.fc_event_outbox)::int AS b')).toEqual([
      { o: 0, b: 0 },
    ]);
  });
});
