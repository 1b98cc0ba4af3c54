import { failOnCountedPages } from '../helpers/countedPages';
import { createContactWithEvents } from '../helpers/fixtures';
import { openTestServer, type TestServer } from '../helpers/testServer';

describe('GET /subscribers/{id}/tracking-events', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer();
  });
  afterAll(() => s.close());
  beforeEach(() => s.reset());
  failOnCountedPages(); // every page from the ranks, never the count + OFFSET fallback

  const contactWithEvents = (n: number) => createContactWithEvents(s.rt, n, { provider: 'woocommerce' });

  test("FluentCRM's paginator: newest first, string-typed subscriber_id/counter/created_by, absolute page URLs", async () => {
    const contact = await contactWithEvents(3);
    const { status, body } = await s.call(`/subscribers/${contact.id}/tracking-events`, { as: 'read' });
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['events']);
    const path = `${s.base}/subscribers/${contact.id}/tracking-events/`;
    expect(body.events).toMatchObject({
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
    });
    expect(body.events.data.map((r: { event_key: string }) => r.event_key)).toEqual(['key_3', 'key_2', 'key_1']);
    expect(body.events.data[0]).toEqual({
      id: expect.any(Number),
      subscriber_id: String(contact.id),
      counter: '1',
      created_by: '0',
      provider: 'woocommerce',
      event_key: 'key_3',
      title: 'Event 3',
      value: '',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
    });
  });

  test.each([
    ['page=2&per_page=2', { current_page: 2, per_page: 2, from: 3, to: 4, last_page: 3 }, ['key_3', 'key_2']],
    ['page=0&per_page=2', { current_page: 1, from: 1, to: 2 }, ['key_5', 'key_4']],
    ['page=abc&per_page=2', { current_page: 1 }, ['key_5', 'key_4']],
    ['page=-4', { current_page: 1, per_page: 15 }, ['key_5', 'key_4', 'key_3', 'key_2', 'key_1']],
    ['page=7&per_page=2', { current_page: 7, from: null, to: null, total: 5 }, []],
  ])('%s', async (query, expected, keys) => {
    const contact = await contactWithEvents(5);
    const { status, body } = await s.call(`/subscribers/${contact.id}/tracking-events?${query}`);
    expect(status).toBe(200);
    expect(body.events).toMatchObject(expected);
    expect(body.events.data.map((r: { event_key: string }) => r.event_key)).toEqual(keys);
  });

  test.each(['0', '-1', 'abc', '101'])('per_page=%s → 422 with a clear message', async (perPage) => {
    const contact = await contactWithEvents(1);
    const { status, body } = await s.call(`/subscribers/${contact.id}/tracking-events?per_page=${perPage}`);
    expect(status).toBe(422);
    expect(body).toEqual({
      message: expect.stringContaining('per_page must be a whole number from 1 to 100'),
      error_code: 'invalid_pagination',
    });
  });

  test('an unknown contact → 404 with the id asked for', async () => {
    const { status, body } = await s.call('/subscribers/999999/tracking-events');
    expect(status).toBe(404);
    expect(body).toEqual({ message: 'No query results for model [FluentCrm\\App\\Models\\Subscriber] 999999' });
  });

  test('a non-numeric id → 404 rest_no_route', async () => {
    const { status, body } = await s.call('/subscribers/abc/tracking-events');
    expect(status).toBe(404);
    expect(body).toEqual({ code: 'rest_no_route', message: 'No route was found matching the URL and request method.', data: { status: 404 } });
  });

  test('an id beyond bigint → 404 not found, not a 500', async () => {
    const { status, body } = await s.call('/subscribers/99999999999999999999999/tracking-events');
    expect(status).toBe(404);
    expect(body.message).toContain('99999999999999999999999');
  });
});
