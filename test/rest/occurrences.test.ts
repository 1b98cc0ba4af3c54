import { createContact } from '../helpers/fixtures';
import { json, openTestServer, type TestServer } from '../helpers/testServer';

const NO_ROUTE = { code: 'rest_no_route', message: 'No route was found matching the URL and request method.', data: { status: 404 } };

describe('GET /subscribers/{id}/tracking-events/{eventId}/occurrences', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer();
  });
  afterAll(() => s.close());
  beforeEach(() => s.reset());

  const TRACKS = [
    { value: 'first', provider: 'shop', occurred_at: '2026-01-10T08:00:00Z' },
    { value: 'second', provider: 'app', occurred_at: '2026-01-11 09:30:15' },
    { value: { total: 3 }, provider: 'shop', occurred_at: '2026-01-12T12:00:00+02:00' },
  ];

  /** A contact whose event `viewed` was tracked three times over REST, with values and occurred_at. */
  async function trackedThrice() {
    const contact = await createContact(s.rt);
    let id = 0;
    for (const track of TRACKS) {
      const response = await s.call('/subscribers/track-event', json({ event_key: 'viewed', title: 'Viewed', subscriber_id: contact.id, ...track }));
      expect(response.status).toBe(200);
      id = response.body.id;
    }
    return { contact, eventId: id, path: `/subscribers/${contact.id}/tracking-events/${id}/occurrences` };
  }

  test('the history after 3 tracks: counters 3, 2, 1 newest first, with values, providers and occurred_at as given', async () => {
    const { contact, eventId, path } = await trackedThrice();
    const response = await s.call(path, { as: 'read' });
    expect(response.status).toBe(200);
    expect(Object.keys(response.body)).toEqual(['occurrences']);
    const page = response.body.occurrences;
    expect(page).toMatchObject({ current_page: 1, per_page: 15, total: 3, from: 1, to: 3, last_page: 1, path: `${s.base}${path}/` });
    expect(page.data.map((o: { counter: number; value: string; provider: string; occurred_at: string }) => [o.counter, o.value, o.provider, o.occurred_at])).toEqual([
      [3, '{"total":3}', 'shop', '2026-01-12 10:00:00'],
      [2, 'second', 'app', '2026-01-11 09:30:15'],
      [1, 'first', 'shop', '2026-01-10 08:00:00'],
    ]);
    expect(page.data[0]).toEqual({
      id: expect.any(Number),
      event_id: eventId,
      subscriber_id: contact.id,
      counter: 3,
      value: '{"total":3}',
      provider: 'shop',
      created_by: 0,
      idempotency_key: null,
      occurred_at: '2026-01-12 10:00:00',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
    });
    // The FluentCRM counter row stays one row, with the last value.
    expect(await s.sql('SELECT counter, value FROM {schema}.fc_event_tracking')).toEqual([{ counter: 3, value: '{"total":3}' }]);
  });

  test.each([
    ['page=1&per_page=2', { current_page: 1, per_page: 2, from: 1, to: 2, last_page: 2 }, [3, 2]],
    ['page=2&per_page=2', { current_page: 2, per_page: 2, from: 3, to: 3, prev_page_url: expect.stringContaining('page=1') }, [1]],
    ['page=abc&per_page=1', { current_page: 1, next_page_url: expect.stringContaining('page=2') }, [3]],
    ['page=9&per_page=2', { current_page: 9, from: null, to: null, total: 3 }, []],
  ])('paging: %s', async (query, expected, counters) => {
    const { path } = await trackedThrice();
    const response = await s.call(`${path}?${query}`);
    expect(response.status).toBe(200);
    expect(response.body.occurrences).toMatchObject(expected);
    expect(response.body.occurrences.data.map((o: { counter: number }) => o.counter)).toEqual(counters);
  });

  test.each(['0', '101', 'abc', '2.5'])('per_page=%s → 422 invalid_pagination', async (perPage) => {
    const { path } = await trackedThrice();
    const response = await s.call(`${path}?per_page=${perPage}`);
    expect(response.status).toBe(422);
    expect(response.body).toEqual({ message: expect.stringContaining('per_page must be a whole number from 1 to 100'), error_code: 'invalid_pagination' });
  });

  test('an unknown contact, an unknown event, or another contact\'s event → 404 {message}', async () => {
    const { contact, eventId } = await trackedThrice();
    const other = await createContact(s.rt);
    for (const path of [
      `/subscribers/99999999/tracking-events/${eventId}/occurrences`,
      `/subscribers/${contact.id}/tracking-events/99999999/occurrences`,
      `/subscribers/${other.id}/tracking-events/${eventId}/occurrences`,
    ]) {
      const response = await s.call(path);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ message: expect.stringMatching(/^No tracked event \d+ for contact \d+$/) });
    }
  });

  test('non-numeric ids and other methods → 404 rest_no_route', async () => {
    const { contact, eventId } = await trackedThrice();
    for (const path of [`/subscribers/abc/tracking-events/${eventId}/occurrences`, `/subscribers/${contact.id}/tracking-events/x1/occurrences`]) {
      expect(await s.call(path)).toMatchObject({ status: 404, body: NO_ROUTE });
    }
    expect(await s.call(`/subscribers/${contact.id}/tracking-events/${eventId}/occurrences`, { method: 'DELETE' })).toMatchObject({
      status: 404,
      body: NO_ROUTE,
    });
  });

  test('needs credentials: none → 401', async () => {
    const { path } = await trackedThrice();
    expect((await s.call(path, { as: null })).status).toBe(401);
  });

  test('batch items with occurred_at and idempotency_key appear in the history', async () => {
    const contact = await createContact(s.rt);
    const events = ['2026-02-01T00:00:00Z', '2026-02-02T00:00:00Z'].map((at, i) => ({
      event_key: 'login',
      title: 'Login',
      subscriber_id: contact.id,
      occurred_at: at,
      idempotency_key: `login-${i}`,
    }));
    const batch = await s.call('/subscribers/track-events', json({ events }));
    const eventId = batch.body.results[0].id;
    const response = await s.call(`/subscribers/${contact.id}/tracking-events/${eventId}/occurrences`);
    expect(response.body.occurrences.data.map((o: { counter: number; occurred_at: string; idempotency_key: string }) => [o.counter, o.occurred_at, o.idempotency_key])).toEqual([
      [2, '2026-02-02 00:00:00', 'login-1'],
      [1, '2026-02-01 00:00:00', 'login-0'],
    ]);
  });
});
