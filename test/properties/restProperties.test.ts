import { openTestServer, type TestServer } from '../helpers/testServer';

const filters = (groups: unknown) => `filter_type=advanced&advanced_filters=${encodeURIComponent(JSON.stringify(groups))}`;
const orderTotal = (operator: string, value: unknown, extra: Record<string, unknown> = {}) => [
  [{ source: ['event_tracking', 'event_tracking_property'], extra_value: 'order_placed', property: 'order.total', operator, value, ...extra }],
];

/** GET /subscribers?filter_type=advanced with event_tracking_property items, over HTTP. */
describe('GET /subscribers: event_tracking_property', () => {
  let s: TestServer;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    s = await openTestServer();
    for (const name of ['ann', 'ben', 'cat']) {
      ids[name] = (await s.rt.api('contacts').createOrUpdate({ email: `${name}@example.com`, first_name: name })).id;
    }
    const track = (name: string, value: unknown) => s.rt.api('event_tracker').track({ subscriber_id: ids[name], event_key: 'order_placed', title: 'Order', value });
    await track('ann', { order: { total: 150 } });
    await track('ben', { order: { total: 150 } });
    await track('ben', { order: { total: 20 } });
    await track('cat', 'no object');
  });
  afterAll(() => s.close());

  const emails = (body: { subscribers: { data: Array<{ email: string }> } }) => body.subscribers.data.map((c) => c.email);

  test('an order-total segment: latest and any scope, a form-style string value', async () => {
    const latest = await s.call(`/subscribers?${filters(orderTotal('>', '100'))}`, { as: 'read' });
    expect(latest.status).toBe(200);
    expect(emails(latest.body)).toEqual(['ann@example.com']);
    const any = await s.call(`/subscribers?${filters(orderTotal('>', 100, { scope: 'any', days: 30 }))}`, { as: 'read' });
    expect(emails(any.body)).toEqual(['ben@example.com', 'ann@example.com']);
    const none = await s.call(`/subscribers?${filters(orderTotal('not_exists', null))}`, { as: 'read' });
    expect(emails(none.body)).toEqual(['cat@example.com']);
  });

  test('indexed_properties over REST: PUT builds the indexes, the segment answers the same; a boolean property is a 422', async () => {
    const schema = { type: 'object', properties: { order: { type: 'object', properties: { total: { type: 'number' }, paid: { type: 'boolean' } } } } };
    const put = (body: unknown) => ({ method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const rejected = await s.call('/event-definitions/order_placed', put({ schema, mode: 'report', indexed_properties: ['order.paid'] }));
    expect(rejected.status).toBe(422);
    expect(rejected.body).toEqual({ message: expect.stringMatching(/indexed_properties can only index number and string properties/), error_code: 'invalid_definition' });
    const saved = await s.call('/event-definitions/order_placed', put({ schema, mode: 'report', indexed_properties: ['order.total'] }));
    expect(saved.status).toBe(200);
    expect(saved.body.definition.indexed_properties).toEqual(['order.total']);
    expect((await s.call('/event-definitions/order_placed', { as: 'read' })).body.definition.indexed_properties).toEqual(['order.total']);
    const [{ n }] = await s.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = $1 AND indexname LIKE 'fc\\_evprop\\_%'`,
      [s.schema],
    );
    expect(n).toBe(2);
    const latest = await s.call(`/subscribers?${filters(orderTotal('>', '100'))}`, { as: 'read' });
    expect(emails(latest.body)).toEqual(['ann@example.com']);
    const any = await s.call(`/subscribers?${filters(orderTotal('>', 100, { scope: 'any', days: 30 }))}`, { as: 'read' });
    expect(emails(any.body)).toEqual(['ben@example.com', 'ann@example.com']);
    expect((await s.call('/event-definitions/order_placed', { method: 'DELETE' })).status).toBe(200);
  });

  test('a malformed item → 422 invalid_filter naming it', async () => {
    const { status, body } = await s.call(`/subscribers?${filters(orderTotal('>', 'a lot'))}`, { as: 'read' });
    expect(status).toBe(422);
    expect(body).toEqual({ message: expect.stringMatching(/^Filter group 1, item 1: value "a lot" must be a number/), error_code: 'invalid_filter' });
  });
});
