import { FcrmError } from '../../src';
import { failOnCountedPages } from '../helpers/countedPages';
import { createContact, createContactWithEvents } from '../helpers/fixtures';
import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';

describe("api('event_tracker').getEvents", () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await openTestRuntime();
  });
  afterAll(() => t.close());
  beforeEach(() => t.reset());
  failOnCountedPages(); // every page from the ranks, never the count + OFFSET fallback

  const contactWithEvents = (n: number) => createContactWithEvents(t.rt, n);

  test("FluentCRM's paginator: rows newest first, string-typed subscriber_id/counter/created_by", async () => {
    const contact = await contactWithEvents(3);
    await t.rt.api('event_tracker').track({ event_key: 'key_1', title: 'Event 1', subscriber_id: contact.id, value: 'again' });
    const page = await t.rt.api('event_tracker').getEvents(contact.id);
    const path = `/wp-json/fluent-crm/v2/subscribers/${contact.id}/tracking-events/`;
    expect(Object.keys(page).sort()).toEqual(
      ['current_page', 'data', 'first_page_url', 'from', 'last_page', 'last_page_url', 'links', 'next_page_url', 'path', 'per_page', 'prev_page_url', 'to', 'total'].sort(),
    );
    expect(page).toMatchObject({
      current_page: 1,
      per_page: 15,
      total: 3,
      last_page: 1,
      from: 1,
      to: 3,
      next_page_url: null,
      prev_page_url: null,
      path,
      first_page_url: `${path}?page=1`,
      last_page_url: `${path}?page=1`,
    });
    expect(page.data.map((r) => r.event_key)).toEqual(['key_3', 'key_2', 'key_1']);
    expect(page.data[2]).toEqual({
      id: expect.any(Number),
      subscriber_id: String(contact.id),
      counter: '2',
      created_by: '0',
      provider: 'custom',
      event_key: 'key_1',
      title: 'Event 1',
      value: 'again',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
    });
  });

  test('pages: per_page, page past the end, page below 1 or not a number', async () => {
    const contact = await contactWithEvents(5);
    const api = t.rt.api('event_tracker');
    const second = await api.getEvents(contact.id, { page: 2, per_page: 2 });
    expect(second).toMatchObject({ current_page: 2, per_page: 2, total: 5, last_page: 3, from: 3, to: 4 });
    expect(second.data.map((r) => r.event_key)).toEqual(['key_3', 'key_2']);
    expect(second.next_page_url).toMatch(/\?page=3$/);
    expect(second.prev_page_url).toMatch(/\?page=1$/);

    const past = await api.getEvents(contact.id, { page: 9, per_page: 2 });
    expect(past).toMatchObject({ current_page: 9, data: [], from: null, to: null, total: 5, last_page: 3 });

    for (const page of [0, -3, 'abc', '']) {
      expect((await api.getEvents(contact.id, { page, per_page: '2' })).current_page).toBe(1);
    }
  });

  test('a contact without events: an empty first page with last_page 1', async () => {
    const contact = await createContact(t.rt);
    expect(await t.rt.api('event_tracker').getEvents(contact.id)).toMatchObject({
      data: [],
      total: 0,
      from: null,
      to: null,
      last_page: 1,
      current_page: 1,
    });
  });

  test.each([0, -1, 'abc', 1.5, 101])('per_page %p is an invalid_pagination error', async (per_page) => {
    const contact = await createContact(t.rt);
    const error = await t.rt.api('event_tracker').getEvents(contact.id, { per_page }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FcrmError);
    expect(error).toMatchObject({ code: 'invalid_pagination', message: expect.stringContaining('per_page must be a whole number from 1 to 100') });
  });

  test("an unknown contact: FluentCRM's not-found message with the id asked for", async () => {
    await expect(t.rt.api('event_tracker').getEvents(999999)).rejects.toMatchObject({
      code: 'not_found',
      message: 'No query results for model [FluentCrm\\App\\Models\\Subscriber] 999999',
    });
  });

  describe('timestamps, carried as epoch milliseconds by the page and write statements', () => {
    let berlin: TestRuntime;
    beforeAll(async () => {
      berlin = await openTestRuntime({ timeZone: 'Europe/Berlin' });
    });
    afterAll(() => berlin.close());

    test('the page shows the instant stored, in the configured zone, cut (not rounded) to the second', async () => {
      const contact = await createContact(berlin.rt);
      const tracked = await berlin.rt.api('event_tracker').track({ event_key: 'now', title: 'Now', subscriber_id: contact.id });
      await berlin.sql(
        `INSERT INTO {schema}.fc_event_tracking (subscriber_id, event_key, title, created_at, updated_at)
         VALUES ($1, 'edge', 'Edge', '2026-07-01 21:59:59.999999+00', '2026-01-01 22:59:59.5+00'),
                ($1, 'whole', 'Whole', '2026-03-01 12:00:00+00', '2026-03-01 12:00:01+00'),
                ($1, 'old', 'Old', '1969-12-31 22:59:59.75+00', '1969-12-31 23:00:00+00')`,
        [contact.id],
      );
      const page = await berlin.rt.api('event_tracker').getEvents(contact.id);
      const byKey = Object.fromEntries(page.data.map((row) => [row.event_key, [row.created_at, row.updated_at]]));
      expect(byKey).toEqual({
        edge: ['2026-07-01 23:59:59', '2026-01-01 23:59:59'], // CEST and CET
        whole: ['2026-03-01 13:00:00', '2026-03-01 13:00:01'], // whole seconds stay whole (no float drift)
        old: ['1969-12-31 23:59:59', '1970-01-01 00:00:00'],
        now: [tracked.created_at, tracked.updated_at],
      });
      const [stored] = await berlin.sql<{ created: string }>(
        `SELECT to_char(created_at AT TIME ZONE 'Europe/Berlin', 'YYYY-MM-DD HH24:MI:SS') AS created FROM {schema}.fc_event_tracking WHERE id = $1`,
        [tracked.id],
      );
      expect(tracked.created_at).toBe(stored.created);
    });
  });
});
