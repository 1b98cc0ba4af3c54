import { createContact } from '../helpers/fixtures';
import { json, openTestServer, type TestServer } from '../helpers/testServer';

const ORDER_SCHEMA = {
  type: 'object',
  properties: {
    order: {
      type: 'object',
      properties: { total: { type: 'number' }, placed_at: { type: 'string', format: 'date-time' } },
      required: ['total'],
    },
  },
  required: ['order'],
};

const put = (body: unknown): RequestInit => ({ ...json(body), method: 'PUT' });

describe('REST /event-definitions', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer();
  });
  afterAll(() => s.close());
  beforeEach(() => s.reset());

  const rowsOf = async (key: string) =>
    (await s.sql<{ n: number }>(`SELECT count(*)::int AS n FROM {schema}.fc_event_tracking WHERE lower(event_key) = lower($1)`, [key]))[0].n;

  test('PUT creates, GET reads, the list lists, PUT again replaces; read credentials read, only manage changes', async () => {
    const created = await s.call('/event-definitions/plan_changed', put({ schema: { type: 'object' }, mode: 'report' }));
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      message: 'Event definition has been saved',
      created: true,
      definition: { event_key: 'plan_changed', mode: 'report', schema: { type: 'object' }, violations: 0, last_violation_at: null },
    });
    expect(created.body.definition.created_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);

    const replaced = await s.call('/event-definitions/PLAN_CHANGED', put({ schema: ORDER_SCHEMA, mode: 'enforce' }));
    expect(replaced.body).toMatchObject({ created: false, definition: { event_key: 'plan_changed', mode: 'enforce', schema: ORDER_SCHEMA } });
    // The schema comes back as it was given, key order included.
    expect(JSON.stringify(replaced.body.definition.schema)).toBe(JSON.stringify(ORDER_SCHEMA));

    const read = await s.call('/event-definitions/Plan_Changed', { as: 'read' });
    expect(read.status).toBe(200);
    expect(read.body.definition).toMatchObject({ event_key: 'plan_changed', mode: 'enforce', violations: 0, recent_violations: [] });

    const listed = await s.call('/event-definitions', { as: 'read' });
    expect(listed.status).toBe(200);
    expect(listed.body.definitions).toMatchObject({ total: 1, current_page: 1, data: [{ event_key: 'plan_changed', mode: 'enforce' }] });
    expect(listed.body.definitions.path).toMatch(/\/wp-json\/fluent-crm\/v2\/event-definitions\/$/); // FluentCRM's paginator path ends in the slash
    expect((await s.call('/event-definitions/', { as: 'read' })).body.definitions.total).toBe(1);

    expect((await s.call('/event-definitions/x', { ...put({ schema: {}, mode: 'report' }), as: 'read' })).status).toBe(403);
    expect((await s.call('/event-definitions/plan_changed', { method: 'DELETE', as: 'read' })).status).toBe(403);
    expect((await s.call('/event-definitions', { as: null })).status).toBe(401);
    expect((await s.call('/event-definitions/plan_changed', { as: null })).body).toMatchObject({ code: 'rest_forbidden' });
  });

  test.each([
    ['a schema that is not an object', { schema: 'string', mode: 'enforce' }, /JSON Schema object/],
    ['no schema', { mode: 'enforce' }, /JSON Schema object/],
    ['an unknown type', { schema: { type: 'objekt' }, mode: 'enforce' }, /not a valid JSON Schema/],
    ['a misspelt keyword', { schema: { type: 'object', requried: ['a'] }, mode: 'enforce' }, /unknown keyword: "requried"/],
    ['an unknown format', { schema: { type: 'string', format: 'colour' }, mode: 'enforce' }, /unknown format "colour"/],
    ['a broken pattern', { schema: { type: 'string', pattern: '(' }, mode: 'enforce' }, /Invalid regular expression/],
    ['a remote $ref', { schema: { $ref: 'https://example.com/s.json' }, mode: 'enforce' }, /can't resolve reference/],
    ['a schema over 32 KiB', { schema: { type: 'object', description: 'x'.repeat(40_000) }, mode: 'enforce' }, /at most 32768/],
    ['a schema nested too deep', { schema: deepSchema(40), mode: 'enforce' }, /deeper than 32/],
    ['no mode', { schema: { type: 'object' } }, /mode must be "enforce" or "report"/],
    ['an unknown mode', { schema: { type: 'object' }, mode: 'strict' }, /mode must be "enforce" or "report"/],
  ])('%s is a 422 invalid_definition and nothing is stored', async (_label, body, message) => {
    const answer = await s.call('/event-definitions/bad_one', put(body));
    expect(answer.status).toBe(422);
    expect(answer.body).toEqual({ error_code: 'invalid_definition', message: expect.stringMatching(message) as unknown as string });
    expect((await s.call('/event-definitions/bad_one')).status).toBe(404);
  });

  test('enforce: a value that does not match is a 422 invalid_properties on track-event and per item in the batch; nothing stored', async () => {
    const contact = await createContact(s.rt);
    expect((await s.call('/event-definitions/order_placed', put({ schema: ORDER_SCHEMA, mode: 'enforce' }))).status).toBe(200);

    const bad = await s.call(
      '/subscribers/track-event',
      json({ event_key: 'Order_Placed', title: 'Order', subscriber_id: contact.id, value: { order: { total: '100', placed_at: 'yesterday', extra: 1 } } }),
    );
    expect(bad.status).toBe(422);
    expect(bad.body).toEqual({
      error_code: 'invalid_properties',
      message: 'The value does not match the event definition of "Order_Placed": order.total must be number (and 1 more).',
      errors: [
        { path: 'order.total', message: 'must be number' },
        { path: 'order.placed_at', message: 'must match format "date-time"' },
      ],
    });
    const missing = await s.call('/subscribers/track-event', json({ event_key: 'order_placed', title: 'Order', subscriber_id: contact.id, value: { order: {} } }));
    expect(missing.body.errors).toEqual([{ path: 'order.total', message: 'is required' }]);
    // A text value (form-encoded, as FluentCRM's forms send it) is a string, not an object.
    const form = await s.call('/subscribers/track-event', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `event_key=order_placed&title=Order&subscriber_id=${contact.id}&value=100`,
    });
    expect(form.body.errors).toEqual([{ path: '', message: 'must be object' }]);
    expect(await rowsOf('order_placed')).toBe(0);

    const good = await s.call('/subscribers/track-event', json({ event_key: 'order_placed', title: 'Order', subscriber_id: contact.id, value: { order: { total: 100 } } }));
    expect(good.status).toBe(200);

    const batch = await s.call(
      '/subscribers/track-events',
      json({
        events: [
          { event_key: 'order_placed', title: 'A', subscriber_id: contact.id, value: { order: { total: 5 } } },
          { event_key: 'ORDER_PLACED', title: 'B', subscriber_id: contact.id, value: { order: { total: 'five' } } },
          { event_key: 'other_key', title: 'C', subscriber_id: contact.id, value: 'anything' },
        ],
      }),
    );
    expect(batch.status).toBe(200);
    expect(batch.body).toMatchObject({ stored: 2, failed: 1 });
    expect(batch.body.results[1]).toEqual({
      index: 1,
      error_code: 'invalid_properties',
      message: expect.stringContaining('order.total must be number') as unknown as string,
      errors: [{ path: 'order.total', message: 'must be number' }],
    });
    expect(await rowsOf('order_placed')).toBe(2);
  });

  test('report: the value is stored, the violation counted and listed with its event and contact', async () => {
    const contact = await createContact(s.rt);
    await s.call('/event-definitions/plan_upgraded', put({ schema: { type: 'object', properties: { plan: { enum: ['pro', 'team'] } } }, mode: 'report' }));
    const tracked = await s.call('/subscribers/track-event', json({ event_key: 'plan_upgraded', title: 'Upgrade', subscriber_id: contact.id, value: { plan: 'gold' } }));
    expect(tracked.status).toBe(200);
    await s.call('/subscribers/track-event', json({ event_key: 'plan_upgraded', title: 'Upgrade', subscriber_id: contact.id, value: { plan: 'pro' } }));
    const { body } = await s.call('/event-definitions/plan_upgraded', { as: 'read' });
    expect(body.definition).toMatchObject({ violations: 1, last_violation_at: expect.stringMatching(/^\d{4}-/) as unknown as string });
    expect(body.definition.recent_violations).toEqual([
      {
        id: expect.any(Number) as unknown as number,
        event_id: tracked.body.id,
        subscriber_id: contact.id,
        errors: [{ path: 'plan', message: 'must be equal to one of the allowed values' }],
        created_at: expect.stringMatching(/^\d{4}-/) as unknown as string,
      },
    ]);
    expect(await rowsOf('plan_upgraded')).toBe(1);
  });

  test('DELETE removes the definition and its violations; then values are not checked; unknown keys are 404', async () => {
    const contact = await createContact(s.rt);
    await s.call('/event-definitions/shop%2Forder.placed', put({ schema: { type: 'number' }, mode: 'enforce' }));
    const event = { event_key: 'shop/order.placed', title: 'T', subscriber_id: contact.id, value: 'not a number' };
    expect((await s.call('/subscribers/track-event', json(event))).body.error_code).toBe('invalid_properties');
    expect((await s.call('/subscribers/track-event', json({ ...event, value: 12.5 }))).status).toBe(200);
    expect((await s.call('/event-definitions/shop/order.placed', { method: 'DELETE' })).body).toEqual({ message: 'Event definition has been deleted' });
    expect((await s.call('/subscribers/track-event', json(event))).status).toBe(200);
    const again = await s.call('/event-definitions/shop/order.placed', { method: 'DELETE' });
    expect(again).toMatchObject({ status: 404, body: { message: 'No event definition for event_key "shop/order.placed"' } });
    expect((await s.call('/event-definitions/never_defined', { as: 'read' })).status).toBe(404);
    expect((await s.call('/event-definitions/%20', put({ schema: {}, mode: 'report' }))).body.error_code).toBe('invalid_definition');
  });

  test('the OpenAPI document describes the routes', async () => {
    const doc = (await (await fetch(`${s.base}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const paths = Object.keys(doc.paths);
    expect(paths).toEqual(expect.arrayContaining(['/wp-json/fluent-crm/v2/event-definitions']));
    const keyed = paths.find((path) => path.startsWith('/wp-json/fluent-crm/v2/event-definitions/'));
    expect(keyed).toBeDefined();
    expect(Object.keys(doc.paths[keyed!]).sort()).toEqual(['delete', 'get', 'put']);
  });
});

function deepSchema(depth: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: 'number' };
  for (let i = 0; i < depth; i += 1) schema = { type: 'object', properties: { a: schema } };
  return schema;
}
