import { tableNames } from '../../src/db/tableNames';
import { PROPERTY_SAMPLE_ROWS, propertySampleParams, propertySampleSql } from '../../src/filters/eventPropertyOptions';
import { nodes, type PlanNode } from '../filters/planKit';
import { createContact } from '../helpers/fixtures';
import { openTestServer, type TestServer } from '../helpers/testServer';

const OPTIONS = '/reports/ajax-options?option_key=event_tracking_properties';

describe('GET /reports/ajax-options?option_key=event_tracking_properties', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer();
  });
  afterAll(() => s.close());
  beforeEach(() => s.reset());

  const track = async (events: Array<{ event_key: string; value: unknown; title?: string }>) => {
    const contacts = await Promise.all(events.map(() => createContact(s.rt)));
    const results = await s.rt.api('event_tracker').trackMany(
      events.map((event, i) => ({ title: 'T', ...event, subscriber_id: contacts[i].id })),
    );
    expect(results.every((result) => 'id' in result)).toBe(true);
  };

  test('lists the paths seen in the key\'s values with their JSON types and frequency, in path order; keys compare case-insensitively', async () => {
    await track([
      { event_key: 'order_placed', value: { order: { total: 100, currency: 'EUR' }, items: [{ sku: 'A1', qty: 1 }, { sku: 'B2', note: 'x' }], 'a.b': true } },
      { event_key: 'Order_Placed', value: { order: { total: '99.50', coupon: null }, items: [] } },
      { event_key: 'order_placed', value: 'plain text' },
      { event_key: 'order_placed', value: '{not json' },
      { event_key: 'other', value: { secret: 1 } },
    ]);
    const answer = await s.call(`${OPTIONS}&event_key=ORDER_PLACED`, { as: 'read' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      sampled: 4,
      options: [
        { id: 'a\\.b', title: 'a\\.b', types: ['boolean'], seen: 1 },
        { id: 'items', title: 'items', types: ['array'], seen: 2 },
        { id: 'items.0', title: 'items.0', types: ['object'], seen: 1 },
        { id: 'items.0.qty', title: 'items.0.qty', types: ['number'], seen: 1 },
        { id: 'items.0.sku', title: 'items.0.sku', types: ['string'], seen: 1 },
        { id: 'order', title: 'order', types: ['object'], seen: 2 },
        { id: 'order.coupon', title: 'order.coupon', types: ['null'], seen: 1 },
        { id: 'order.currency', title: 'order.currency', types: ['string'], seen: 1 },
        { id: 'order.total', title: 'order.total', types: ['number', 'string'], seen: 2 },
      ],
    });
  });

  test('limit keeps the most frequent paths; paths stop at 10 segments; a key without values has none', async () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 12; i += 1) deep = { [`d${11 - i}`]: deep };
    await track([
      { event_key: 'k', value: { common: 1, rare: 2 } },
      { event_key: 'k', value: { common: 'x' } },
      { event_key: 'deep', value: deep },
    ]);
    const limited = await s.call(`${OPTIONS}&event_key=k&limit=1`);
    expect(limited.body.options).toEqual([{ id: 'common', title: 'common', types: ['number', 'string'], seen: 2 }]);
    const deepest = (await s.call(`${OPTIONS}&event_key=deep`)).body.options.map((o: { id: string }) => o.id);
    expect(deepest).toHaveLength(10);
    expect(deepest).toContain('d0.d1.d2.d3.d4.d5.d6.d7.d8.d9');
    expect(await s.call(`${OPTIONS}&event_key=nothing_here`)).toMatchObject({ status: 200, body: { options: [], sampled: 0 } });
  });

  test('a missing event_key or a bad limit is a 422; credentials are required', async () => {
    expect(await s.call(OPTIONS)).toMatchObject({
      status: 422,
      body: { error_code: 'invalid_data', message: 'event_key is required for option_key event_tracking_properties.' },
    });
    expect((await s.call(`${OPTIONS}&event_key=%3Cb%3E%3C%2Fb%3E`)).status).toBe(422); // empty once sanitised
    expect((await s.call(`${OPTIONS}&event_key=k&limit=201`)).body.message).toMatch(/from 1 to 200/);
    expect((await s.call(`${OPTIONS}&event_key=k&event_key=j`)).body.message).toMatch(/more than once/);
    expect((await s.call(`${OPTIONS}&event_key=k`, { as: null })).status).toBe(401);
    // The key list is unchanged.
    expect((await s.call('/reports/ajax-options?option_key=event_tracking_keys')).status).toBe(200);
  });

  test(`the sample is read by walking the key's index, at most ${PROPERTY_SAMPLE_ROWS} rows, without sorting the key's rows`, async () => {
    await track(Array.from({ length: 30 }, () => ({ event_key: 'walked', value: { a: 1 } })));
    await s.sql('ANALYZE {schema}.fc_event_tracking');
    // A tiny table: ask which index the plan would use on a big one. SET LOCAL needs one connection.
    const explained = await s.rt.dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL enable_seqscan = off');
      const [{ 'QUERY PLAN': [plan] }]: Array<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }> = await manager.query(
        `EXPLAIN (FORMAT JSON) ${propertySampleSql(tableNames(s.schema))}`,
        propertySampleParams('walked'),
      );
      return plan;
    });
    const planNodes = nodes(explained.Plan);
    expect(planNodes.map((node) => node['Node Type'])).not.toContain('Sort');
    expect(planNodes.find((node) => node['Index Name'])?.['Index Name']).toBe('fc_event_tracking_key_subscriber_ci');
  });
});
