import { openTestServer, type TestServer } from '../helpers/testServer';

const filters = (groups: unknown) => `advanced_filters=${encodeURIComponent(JSON.stringify(groups))}`;
const keyIn = (...keys: string[]) => [[{ source: ['event_tracking', 'event_tracking_key'], operator: 'in', value: keys }]];

describe('GET /subscribers (advanced filters) and GET /reports/ajax-options', () => {
  let s: TestServer;
  let ids: Record<string, number>;

  beforeAll(async () => {
    s = await openTestServer();
    ids = {};
    for (const name of ['ann', 'ben', 'cat']) {
      ids[name] = (await s.rt.api('contacts').createOrUpdate({ email: `${name}@example.com`, first_name: name })).id;
    }
    const track = (name: string, event_key: string, title: string, value = '') =>
      s.rt.api('event_tracker').track({ subscriber_id: ids[name], event_key, title, value });
    await track('ann', 'Signup', 'Signed up');
    await track('ben', 'signup', 'Signed up', 'newsletter');
    await track('ben', 'purchase', 'Bought Pro');
    await track('ben', 'purchase', 'Bought Pro');
    await track('cat', 'PURCHASE', 'Bought Basic');
    await track('cat', 'abandoned_cart', 'Left');
  });
  afterAll(() => s.close());

  test('filter_type=advanced&advanced_filters=<json>: {"subscribers": <paginator>} of matching contacts, newest first', async () => {
    const { status, body } = await s.call(`/subscribers?filter_type=advanced&${filters(keyIn('signup'))}`, { as: 'read' });
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['subscribers']);
    expect(body.subscribers).toMatchObject({
      current_page: 1,
      per_page: 15,
      total: 2,
      from: 1,
      to: 2,
      path: `${s.base}/subscribers/`,
      first_page_url: `${s.base}/subscribers/?page=1`,
    });
    expect(body.subscribers.data.map((c: { email: string }) => c.email)).toEqual(['ben@example.com', 'ann@example.com']);
    expect(body.subscribers.data[0]).toEqual({
      id: ids.ben,
      user_id: null,
      email: 'ben@example.com',
      first_name: 'ben',
      last_name: null,
      status: 'subscribed',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
    });
  });

  test('every property works over HTTP, ORed groups too', async () => {
    const groups = [
      [{ source: ['event_tracking', 'event_tracking_key_count'], operator: '>', value: '1', extra_value: 'purchase' }],
      [{ source: ['event_tracking', 'event_tracking_title'], operator: 'contains', value: 'left' }],
    ];
    const { status, body } = await s.call(`/subscribers?filter_type=advanced&${filters(groups)}`);
    expect(status).toBe(200);
    expect(body.subscribers.data.map((c: { id: number }) => c.id)).toEqual([ids.cat, ids.ben]);
  });

  test('no filter_type: the advanced filters still apply; filter_type=simple ignores them, as FluentCRM does', async () => {
    expect((await s.call(`/subscribers?${filters(keyIn('abandoned_cart'))}`)).body.subscribers.total).toBe(1);
    expect((await s.call(`/subscribers?filter_type=simple&${filters(keyIn('abandoned_cart'))}`)).body.subscribers.total).toBe(3);
    expect((await s.call('/subscribers')).body.subscribers.total).toBe(3);
  });

  test('search, paging and with_events=1', async () => {
    const searched = await s.call('/subscribers?search=BEN');
    expect(searched.body.subscribers.data.map((c: { email: string }) => c.email)).toEqual(['ben@example.com']);
    expect(searched.body.subscribers.data[0]).not.toHaveProperty('events');

    const paged = await s.call('/subscribers?per_page=1&page=2');
    expect(paged.body.subscribers).toMatchObject({ current_page: 2, last_page: 3, total: 3, from: 2, to: 2 });
    expect(paged.body.subscribers.data.map((c: { id: number }) => c.id)).toEqual([ids.ben]);

    const expanded = await s.call(`/subscribers?with_events=1&${filters(keyIn('purchase'))}`);
    const ben = expanded.body.subscribers.data.find((c: { id: number }) => c.id === ids.ben);
    expect(ben.events).toEqual([
      expect.objectContaining({ event_key: 'purchase', title: 'Bought Pro', counter: '2', subscriber_id: String(ids.ben) }),
      expect.objectContaining({ event_key: 'signup', counter: '1', value: 'newsletter' }),
    ]);
  });

  test('the curl form: advanced_filters URL-encoded by --data-urlencode (spaces as +)', async () => {
    const json = '[[{"source":["event_tracking","event_tracking_title"],"operator":"=","value":"Bought Pro"}]]';
    const query = new URLSearchParams({ filter_type: 'advanced', advanced_filters: json }).toString();
    expect(query).toContain('Bought+Pro');
    expect((await s.call(`/subscribers?${query}`)).body.subscribers.data.map((c: { id: number }) => c.id)).toEqual([ids.ben]);
  });

  test.each([
    ['malformed JSON', 'advanced_filters=%5B%5B%7B', 'Filters are not valid JSON'],
    ['a bad operator', filters([[{ source: ['event_tracking', 'event_tracking_key_count'], operator: '~', value: 1, extra_value: 'k' }]]), 'Filter group 1, item 1: operator "~" is not allowed for event_tracking_key_count (use =, !=, <, >)'],
    ['a missing extra_value', filters([[{ source: ['event_tracking', 'event_tracking_value'], operator: '=', value: 'x' }]]), 'needs extra_value'],
    ['another source', filters([[{ source: ['tags', 'tag'], operator: 'in', value: [1] }]]), 'only event_tracking filters are supported'],
    ['an unknown filter_type', 'filter_type=fuzzy', 'filter_type must be "advanced" or "simple"'],
  ])('%s → 422 invalid_filter', async (_name, query, message) => {
    const { status, body } = await s.call(`/subscribers?${query}`);
    expect(status).toBe(422);
    expect(body).toEqual({ message: expect.stringContaining(message), error_code: 'invalid_filter' });
  });

  test.each(['0', '-1', 'abc', '101'])('per_page=%s → 422 invalid_pagination', async (perPage) => {
    const { status, body } = await s.call(`/subscribers?per_page=${perPage}`);
    expect(status).toBe(422);
    expect(body).toEqual({ message: expect.stringContaining('per_page must be a whole number from 1 to 100'), error_code: 'invalid_pagination' });
  });

  test('with_events other than 1/0/true/false, or a repeated parameter → 422 invalid_data', async () => {
    expect(await s.call('/subscribers?with_events=yes')).toMatchObject({ status: 422, body: { error_code: 'invalid_data' } });
    expect(await s.call('/subscribers?page=1&page=2')).toMatchObject({ status: 422, body: { error_code: 'invalid_data' } });
  });

  test('needs a credential: 401 without, and the read capability is enough', async () => {
    expect((await s.call('/subscribers', { as: null })).status).toBe(401);
    expect((await s.call('/reports/ajax-options?option_key=event_tracking_keys', { as: null })).status).toBe(401);
    expect((await s.call('/subscribers', { as: 'read' })).status).toBe(200);
  });

  test('the route for one contact is untouched', async () => {
    expect(await s.call(`/subscribers/${ids.cat}`)).toMatchObject({ status: 200, body: { subscriber: { id: ids.cat } } });
  });

  test('ajax-options event_tracking_keys: distinct keys (any case), first stored spelling, ascending', async () => {
    const { status, body } = await s.call('/reports/ajax-options?option_key=event_tracking_keys', { as: 'read' });
    expect(status).toBe(200);
    expect(body).toEqual({
      options: [
        { id: 'abandoned_cart', title: 'abandoned_cart' },
        { id: 'purchase', title: 'purchase' },
        { id: 'Signup', title: 'Signup' },
      ],
    });
  });

  test('ajax-options with an unknown or missing option_key → 422 saying what is offered', async () => {
    expect(await s.call('/reports/ajax-options?option_key=tags')).toEqual({
      status: 422,
      body: { message: 'Unknown option_key "tags"; this server offers: event_tracking_keys, event_tracking_properties.', error_code: 'invalid_data' },
      headers: expect.anything(),
    });
    expect((await s.call('/reports/ajax-options')).body.message).toBe('option_key is required; this server offers: event_tracking_keys, event_tracking_properties.');
  });
});

describe('bounded answers: with_events embeds the latest 15, ajax-options takes search and limit', () => {
  let s: TestServer;
  let busy: number;
  let quiet: number;
  let busyEventIds: number[];

  beforeAll(async () => {
    s = await openTestServer();
    busy = (await s.rt.api('contacts').createOrUpdate({ email: 'busy@example.com' })).id;
    quiet = (await s.rt.api('contacts').createOrUpdate({ email: 'quiet@example.com' })).id;
    const tracker = s.rt.api('event_tracker');
    busyEventIds = [];
    // 20 distinct events, tracked one after another: ids ascend in tracking order.
    for (let i = 1; i <= 20; i++) {
      busyEventIds.push((await tracker.track({ subscriber_id: busy, event_key: `step_${String(i).padStart(2, '0')}`, title: `Step ${i}` })).id);
    }
    await tracker.track({ subscriber_id: busy, event_key: 'step_01', title: 'Step 1' }); // a count, not a new row
    await tracker.track({ subscriber_id: quiet, event_key: 'ping', title: 'Ping' });
    for (const key of ['50%_off', '50_off', '500ff', 'back\\slash', 'backslash', 'Big_Sale', 'bigXsale']) {
      await tracker.track({ subscriber_id: quiet, event_key: key, title: 'K' });
    }
  });
  afterAll(() => s.close());

  test('a contact with 20 events: the newest 15 embedded, newest first, and events_total 20', async () => {
    const { status, body } = await s.call('/subscribers?with_events=1&search=busy', { as: 'read' });
    expect(status).toBe(200);
    const [contact] = body.subscribers.data;
    expect(contact.id).toBe(busy);
    expect(contact.events).toHaveLength(15);
    expect(contact.events.map((e: { id: number }) => e.id)).toEqual(busyEventIds.slice(5).reverse());
    expect(contact.events_total).toBe(20);
  });

  test('in-process query() the same; a contact with one event gets it and events_total 1', async () => {
    const page = await s.rt.api('contacts').query({ with_events: true });
    const byId = new Map(page.data.map((c) => [c.id, c]));
    expect(byId.get(busy)?.events?.map((e) => e.id)).toEqual(busyEventIds.slice(5).reverse());
    expect(byId.get(busy)?.events_total).toBe(20);
    expect(byId.get(quiet)?.events).toHaveLength(8);
    expect(byId.get(quiet)?.events_total).toBe(8);
  });

  test('ajax-options: search is a case-insensitive substring, and the default limit is 20', async () => {
    const keys = async (query: string) =>
      (await s.call(`/reports/ajax-options?option_key=event_tracking_keys${query}`)).body.options.map((o: { id: string }) => o.id);
    expect(await keys('&search=STEP_1')).toEqual(['step_10', 'step_11', 'step_12', 'step_13', 'step_14', 'step_15', 'step_16', 'step_17', 'step_18', 'step_19']);
    expect(await keys('&search=sale')).toEqual(['Big_Sale', 'bigXsale']);
    const firstTwenty = await keys('');
    expect(firstTwenty).toHaveLength(20); // of 28 distinct keys stored
    expect(await keys('&limit=3')).toEqual(firstTwenty.slice(0, 3)); // the first ones in the database's collation
    expect(await keys('&limit=100')).toHaveLength(28);
    expect(await keys('&search=step&limit=100')).toHaveLength(20);
    expect(await keys('&search=nothing-like-it')).toEqual([]);
  });

  test('ajax-options: %, _ and \\ in search are literal', async () => {
    const keys = async (search: string) =>
      (await s.call(`/reports/ajax-options?option_key=event_tracking_keys&search=${encodeURIComponent(search)}`)).body.options.map(
        (o: { id: string }) => o.id,
      );
    expect(await keys('50%')).toEqual(['50%_off']);
    expect(await keys('0_o')).toEqual(['50_off']);
    expect(await keys('g_s')).toEqual(['Big_Sale']);
    expect(await keys('k\\s')).toEqual(['back\\slash']);
    expect(await keys('%')).toEqual(['50%_off']);
  });

  test.each(['0', '101', '-1', 'abc', '2.5', '99999'])('ajax-options limit=%s → 422 invalid_data', async (limit) => {
    const { status, body } = await s.call(`/reports/ajax-options?option_key=event_tracking_keys&limit=${limit}`);
    expect(status).toBe(422);
    expect(body).toEqual({ message: expect.stringContaining('limit must be a whole number from 1 to 100'), error_code: 'invalid_data' });
  });

  test('ajax-options: an over-long or repeated search → 422 invalid_data', async () => {
    const long = await s.call(`/reports/ajax-options?option_key=event_tracking_keys&search=${'x'.repeat(193)}`);
    expect(long).toMatchObject({ status: 422, body: { error_code: 'invalid_data', message: expect.stringContaining('at most 192') } });
    const twice = await s.call('/reports/ajax-options?option_key=event_tracking_keys&search=a&search=b');
    expect(twice).toMatchObject({ status: 422, body: { error_code: 'invalid_data' } });
  });
});
