import { HOOKS } from '../../src';
import { createContact } from '../helpers/fixtures';
import { json, openTestServer, type TestServer } from '../helpers/testServer';

// The seed's REST example.
const REST_EVENT = {
  event_key: 'testing_from_rest_api',
  title: 'Testing From REST API',
  value: 'This is my event value with plain text',
  provider: 'woocommerce',
};

describe('POST /subscribers/track-event', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer();
  });
  afterAll(() => s.close());
  beforeEach(() => s.reset());

  const countEvents = async () => (await s.sql<{ n: number }>('SELECT count(*)::int AS n FROM {schema}.fc_event_tracking'))[0].n;

  test('the seed example: 200 {"message":"Event has been tracked","id":…}; a repeat returns the same id', async () => {
    const contact = await createContact(s.rt);
    const first = await s.call('/subscribers/track-event', json({ ...REST_EVENT, email: contact.email }));
    expect(first).toMatchObject({ status: 200, body: { message: 'Event has been tracked', id: expect.any(Number) } });
    expect(Object.keys(first.body).sort()).toEqual(['id', 'message']);
    const again = await s.call('/subscribers/track-event', json({ ...REST_EVENT, email: contact.email, value: 'Hello There' }));
    expect(again).toMatchObject({ status: 200, body: { message: 'Event has been tracked', id: first.body.id } });
    expect(await s.sql('SELECT counter, value, provider FROM {schema}.fc_event_tracking')).toEqual([
      { counter: 2, value: 'Hello There', provider: 'woocommerce' },
    ]);
  });

  test.each([
    ['both missing', {}, ['event_key', 'title']],
    ['event_key missing', { title: 'T' }, ['event_key']],
    ['title empty', { event_key: 'k', title: '' }, ['title']],
    ['title whitespace-only', { event_key: 'k', title: '   ' }, ['title']],
    ['event_key null', { event_key: null, title: 'T' }, ['event_key']],
  ])('%s → 422 with one entry per failing field', async (_name, body, fields) => {
    const contact = await createContact(s.rt);
    const response = await s.call('/subscribers/track-event', json({ ...body, email: contact.email }));
    expect(response.status).toBe(422);
    expect(response.body).toEqual(
      Object.fromEntries(fields.map((f) => [f, { required: `The ${f} field is required.` }])),
    );
    expect(await countEvents()).toBe(0);
  });

  test.each([
    ['an unknown contact', { ...REST_EVENT, email: 'nobody@example.com' }, { message: 'Subscriber not found', error_code: 'subscriber_not_found' }],
    ['a tags-only title', { event_key: 'k', title: '<b></b>', email: '{email}' }, { message: 'Invalid data provided. key and event are required', error_code: 'invalid_data' }],
    ['an array event_key', { event_key: ['a'], title: 'T', email: '{email}' }, { message: 'Invalid data provided. key and event are required', error_code: 'invalid_data' }],
    ['a 70,000-byte value', { event_key: 'k', title: 'T', value: 'v'.repeat(70_000), email: '{email}' }, { message: expect.stringContaining('65535'), error_code: 'value_too_long' }],
    ['no contact and a credential without a user', { event_key: 'k', title: 'T' }, { message: 'Current Subscriber could not be found', error_code: 'subscriber_not_found' }],
  ])('%s → 422 {message, error_code}', async (_name, body, expected) => {
    const contact = await createContact(s.rt);
    const withEmail = JSON.parse(JSON.stringify(body).replace('{email}', contact.email));
    const response = await s.call('/subscribers/track-event', json(withEmail));
    expect(response.status).toBe(422);
    expect(response.body).toEqual(expected);
    expect(await countEvents()).toBe(0);
  });

  test('form-encoded parameters', async () => {
    const contact = await createContact(s.rt);
    const form = new URLSearchParams({ ...REST_EVENT, email: contact.email });
    const response = await s.call('/subscribers/track-event', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    expect(response).toMatchObject({ status: 200, body: { message: 'Event has been tracked' } });
    expect(await s.sql('SELECT event_key, title, provider FROM {schema}.fc_event_tracking')).toEqual([
      { event_key: REST_EVENT.event_key, title: REST_EVENT.title, provider: 'woocommerce' },
    ]);
  });

  // curl -d '{…}' without -H 'Content-Type: application/json' sends the JSON as a form body.
  test('a JSON body sent as form data: the 422 says so, keeping the required rule', async () => {
    const contact = await createContact(s.rt);
    const hint = 'the body looks like JSON: send Content-Type: application/json';
    const asForm = (body: string) => s.call('/subscribers/track-event', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    const sent = await asForm(JSON.stringify({ ...REST_EVENT, email: contact.email }));
    expect(sent.status).toBe(422);
    expect(sent.body).toEqual({
      event_key: { required: `The event_key field is required; ${hint}` },
      title: { required: `The title field is required; ${hint}` },
    });
    // An `=` inside the JSON splits it into key and value; it is still recognised.
    const withEquals = await asForm(JSON.stringify({ ...REST_EVENT, value: 'a=b', email: contact.email }));
    expect(withEquals.body).toMatchObject({ event_key: { required: `The event_key field is required; ${hint}` } });
    // An ordinary form body that lacks the field keeps FluentCRM's message.
    const plain = await asForm(new URLSearchParams({ title: 'T', email: contact.email }).toString());
    expect(plain.body).toEqual({ event_key: { required: 'The event_key field is required.' } });
    expect(await countEvents()).toBe(0);
    // The same on POST /subscribers, whose only required field is the e-mail.
    const contactAsForm = await s.call('/subscribers', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: JSON.stringify({ email: 'form@example.com' }),
    });
    expect(contactAsForm).toMatchObject({ status: 422, body: { email: { required: `The email field is required; ${hint}` } } });
  });

  test('query-string parameters, with the JSON body winning where both have a key', async () => {
    const contact = await createContact(s.rt);
    const query = new URLSearchParams({ event_key: 'from_query', title: 'From Query', email: contact.email });
    expect((await s.call(`/subscribers/track-event?${query}`, { method: 'POST' })).status).toBe(200);
    expect((await s.call(`/subscribers/track-event?${query}`, json({ event_key: 'from_body' }))).status).toBe(200);
    const keys = await s.sql<{ event_key: string; title: string }>('SELECT event_key, title FROM {schema}.fc_event_tracking ORDER BY id');
    expect(keys).toEqual([
      { event_key: 'from_query', title: 'From Query' },
      { event_key: 'from_body', title: 'From Query' },
    ]);
  });

  test('a "subscriber" key in the request is ignored (FluentCRM answers 200 with id null and stores nothing)', async () => {
    const contact = await createContact(s.rt);
    const other = await createContact(s.rt);
    const stringy = await s.call('/subscribers/track-event', json({ ...REST_EVENT, subscriber: 'abc', email: contact.email }));
    expect(stringy).toMatchObject({ status: 200, body: { id: expect.any(Number) } });
    const objecty = await s.call('/subscribers/track-event', json({ ...REST_EVENT, subscriber: { id: other.id }, email: contact.email }));
    expect(objecty.status).toBe(200);
    expect(await s.sql('SELECT subscriber_id, counter FROM {schema}.fc_event_tracking')).toEqual([
      { subscriber_id: String(contact.id), counter: 2 },
    ]);
  });

  test('repeatable (the PHP second argument) is accepted and ignored; other keys like id and counter change nothing', async () => {
    const contact = await createContact(s.rt);
    const response = await s.call('/subscribers/track-event', json({ ...REST_EVENT, email: contact.email, repeatable: false, id: 5, counter: 9 }));
    expect(response.status).toBe(200);
    expect(await s.sql('SELECT counter FROM {schema}.fc_event_tracking')).toEqual([{ counter: 1 }]);
  });

  test('the done action fires for REST-tracked events', async () => {
    const contact = await createContact(s.rt);
    const done: Array<[{ event_key: string; counter: number }, { email: string }]> = [];
    s.rt.hooks.addAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'test/rest', (event, subscriber) => {
      done.push([event, subscriber]);
    });
    try {
      await s.call('/subscribers/track-event', json({ ...REST_EVENT, email: contact.email }));
      expect(done).toHaveLength(1);
      expect(done[0][0]).toMatchObject({ event_key: REST_EVENT.event_key, counter: 1 });
      expect(done[0][1]).toMatchObject({ email: contact.email });
    } finally {
      s.rt.hooks.removeAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'test/rest');
    }
  });

  test("a credential that acts as a user: that user's contact is the current contact, and created_by is the user id", async () => {
    const contact = await createContact(s.rt, { user_id: 42 });
    const response = await s.call('/subscribers/track-event', { ...json({ event_key: 'k', title: 'Mine' }), as: 'actingAs42' });
    expect(response.status).toBe(200);
    expect(await s.sql('SELECT subscriber_id, created_by FROM {schema}.fc_event_tracking')).toEqual([
      { subscriber_id: String(contact.id), created_by: '42' },
    ]);
  });

  test('500 concurrent POSTs of one event for one contact: every response 200, one row, counter 500', async () => {
    const contact = await createContact(s.rt);
    const responses = await Promise.all(
      Array.from({ length: 500 }, () => s.call('/subscribers/track-event', json({ ...REST_EVENT, subscriber_id: contact.id }))),
    );
    expect(responses.filter((r) => r.status !== 200)).toEqual([]);
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect(await s.sql('SELECT counter FROM {schema}.fc_event_tracking')).toEqual([{ counter: 500 }]);
  });
});
