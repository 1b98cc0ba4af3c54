import { checkContactMatches, compileFilterGroups } from '../../src/filters';
import { tableNames } from '../../src/db/tableNames';
import type { PropertyTypeResolver } from '../../src/properties/propertyTest';
import { matching } from '../filters/filterTestKit';
import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';

const NOW = new Date('2026-03-15T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();

/** An event_tracking_property item on order_placed. */
function prop(property: string, operator: string, value?: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const it: Record<string, unknown> = { source: ['event_tracking', 'event_tracking_property'], extra_value: 'order_placed', property, operator, ...extra };
  if (value !== undefined) it.value = value;
  return it;
}

/**
 * event_tracking_property through api('contacts').query and checkContactMatches (matching() checks
 * both agree), over values written by the tracker:
 *   ann: order_placed 60 days ago {order:{total:150,id:"A1"}, items:[{sku:"SKU-1"}], paid:true,
 *        shipped_at:"2026-01-10T08:00:00Z", coupon:"SUMMER-24"}, then 2 days ago {order:{total:50}}
 *   ben: 5 days ago {order:{total:"120"}, tags:["VIP","new"], "a.b":7}
 *   cat: 1 day ago the text "just text" (a scalar: no properties)
 *   dan: no events
 *   eve: ORDER_PLACED with another title 10 days ago {order:{total:99.5}, shipped_at:"2026-02-30", coupon:5}
 *   fay: 3 days ago {order:{total:"lots"}, paid:"true", shipped_at:"soon"}
 */
describe('event_tracking_property filter', () => {
  let t: TestRuntime;
  let ids: Map<string, number>;
  const find = (...items: Array<Record<string, unknown>>) => matching(t, ids, [items], NOW);

  beforeAll(async () => {
    t = await openTestRuntime();
    ids = new Map();
    for (const name of ['ann', 'ben', 'cat', 'dan', 'eve', 'fay']) {
      ids.set(name, (await t.rt.api('contacts').createOrUpdate({ email: `${name}@example.com`, first_name: name })).id);
    }
    const track = (name: string, value: unknown, at: string, title = 'Order', key = 'order_placed') =>
      t.rt.api('event_tracker').track({ subscriber_id: ids.get(name), event_key: key, title, value, occurred_at: at });
    await track('ann', { order: { total: 150, id: 'A1' }, items: [{ sku: 'SKU-1' }], paid: true, shipped_at: '2026-01-10T08:00:00Z', coupon: 'SUMMER-24' }, daysAgo(60));
    await track('ann', { order: { total: 50 } }, daysAgo(2));
    await track('ben', { order: { total: '120' }, tags: ['VIP', 'new'], 'a.b': 7 }, daysAgo(5));
    await track('cat', 'just text', daysAgo(1));
    await track('eve', { order: { total: 99.5 }, shipped_at: '2026-02-30', coupon: 5 }, daysAgo(10), 'Another title', 'ORDER_PLACED');
    await track('fay', { order: { total: 'lots' }, paid: 'true', shipped_at: 'soon' }, daysAgo(3));
  });
  afterAll(() => t.close());

  test('value stays the text it was; value_json holds objects on the event row (latest) and each occurrence (its own)', async () => {
    const events = await t.sql<{ name: string; value: string; value_json: unknown }>(
      `SELECT s.first_name AS name, e.value, e.value_json FROM {schema}.fc_event_tracking e JOIN {schema}.fc_subscribers s ON s.id = e.subscriber_id ORDER BY s.id`,
    );
    expect(events.find((e) => e.name === 'ann')).toEqual({ name: 'ann', value: '{"order":{"total":50}}', value_json: { order: { total: 50 } } });
    expect(events.find((e) => e.name === 'cat')).toEqual({ name: 'cat', value: 'just text', value_json: null });
    const history = await t.sql<{ value_json: { order: { total: number } } }>(
      `SELECT o.value_json FROM {schema}.fc_event_occurrences o WHERE o.subscriber_id = $1 ORDER BY o.id`,
      [ids.get('ann')],
    );
    expect(history.map((h) => h.value_json.order.total)).toEqual([150, 50]);
  });

  test('numbers: latest scope (the default) reads the row as it is now; any scope every occurrence', async () => {
    expect(await find(prop('order.total', '>', 100))).toEqual(['ben']);
    expect(await find(prop('order.total', '>', '100'))).toEqual(['ben']);
    expect(await find(prop('order.total', '>', 100, { scope: 'any' }))).toEqual(['ann', 'ben']);
    expect(await find(prop('order.total', '<=', 99.5))).toEqual(['ann', 'eve']);
    expect(await find(prop('order.total', '>=', 120))).toEqual(['ben']);
    expect(await find(prop('order.total', '<', 1e21))).toEqual(['ann', 'ben', 'eve']);
    expect(await find(prop('order.total', '=', 99.5))).toEqual(['eve']);
  });

  test('the window: any scope counts occurrences of the last `days` days, latest scope rows updated in them', async () => {
    expect(await find(prop('order.total', '>', 100, { scope: 'any', days: 30 }))).toEqual(['ben']);
    expect(await find(prop('order.total', '>', 100, { scope: 'any', days: '90' }))).toEqual(['ann', 'ben']);
    // Latest scope: the row's updated_at, which the tracker stamps with the database's clock.
    const inDays = (days: number) => new Date(Date.now() + days * 86_400_000);
    expect(await matching(t, ids, [[prop('order.total', 'exists', undefined, { days: 4 })]], inDays(0))).toEqual(['ann', 'ben', 'eve', 'fay']);
    expect(await matching(t, ids, [[prop('order.total', 'exists', undefined, { days: 4 })]], inDays(5))).toEqual([]);
  });

  test('negative operators mean "has no such event": contacts without events or values match', async () => {
    expect(await find(prop('order.total', '!=', 50))).toEqual(['ben', 'cat', 'dan', 'eve', 'fay']);
    expect(await find(prop('order.total', 'not_exists'))).toEqual(['cat', 'dan']);
    expect(await find(prop('order.total', 'exists'))).toEqual(['ann', 'ben', 'eve', 'fay']);
    expect(await find(prop('coupon', 'not_contains', 'summer', { scope: 'any' }))).toEqual(['ben', 'cat', 'dan', 'eve', 'fay']);
    expect(await find(prop('order.total', 'not_in', [50, 120]))).toEqual(['cat', 'dan', 'eve', 'fay']);
  });

  test('text: case-insensitive equality and contains (arrays: a string element); numeric strings also equal numbers', async () => {
    expect(await find(prop('items.0.sku', '=', 'sku-1', { scope: 'any' }))).toEqual(['ann']);
    expect(await find(prop('coupon', 'contains', 'MER-2', { scope: 'any' }))).toEqual(['ann']);
    expect(await find(prop('tags', 'contains', 'vip'))).toEqual(['ben']);
    expect(await find(prop('order.total', '=', '50'))).toEqual(['ann']);
    expect(await find(prop('order.total', '=', '120'))).toEqual(['ben']);
    expect(await find(prop('order.total', 'in', ['LOTS', 99.5]))).toEqual(['eve', 'fay']);
    expect(await find(prop('coupon', 'contains', '%', { scope: 'any' }))).toEqual([]);
  });

  test('booleans by equality (a JSON boolean only), dates by the filter date forms, escaped dots in keys', async () => {
    expect(await find(prop('paid', '=', true, { scope: 'any' }))).toEqual(['ann']);
    expect(await find(prop('paid', '=', 'true', { scope: 'any' }))).toEqual(['fay']);
    expect(await find(prop('shipped_at', 'before', '2026-01-11', { scope: 'any' }))).toEqual(['ann']);
    expect(await find(prop('shipped_at', 'after', '2026-01-10T08:00:00Z', { scope: 'any' }))).toEqual([]);
    expect(await find(prop('shipped_at', 'after', '2026-01-09', { scope: 'any' }))).toEqual(['ann']);
    expect(await find(prop('a\\.b', '=', 7))).toEqual(['ben']);
    expect(await find(prop('a.b', 'exists'))).toEqual([]);
  });

  test('values that are not numbers or dates never abort the query, they just do not match', async () => {
    expect(await find(prop('order.total', '>', -1e9))).toEqual(['ann', 'ben', 'eve']);
    expect(await find(prop('shipped_at', 'before', '2100-01-01'))).toEqual([]);
    expect(await find(prop('shipped_at', 'before', '2100-01-01', { scope: 'any' }))).toEqual(['ann']);
  });

  test.each([
    [prop('order..total', '=', 1), /property "order\.\.total" must be a dot path/],
    [prop('a.b.c.d.e.f.g.h.i.j.k', 'exists'), /must be a dot path of 1 to 10/],
    [prop('a\\b', 'exists'), /must be a dot path/],
    [prop('order.total', 'like', 1), /operator "like" is not allowed/],
    [prop('order.total', '>', 'abc'), /value "abc" must be a number for operator >/],
    [prop('order.total', 'before', '2026-02-30'), /must be an ISO date/],
    [prop('order.total', '=', { a: 1 }), /value must be a string, a number or a boolean/],
    [prop('order.total', 'exists', undefined, { scope: 'all' }), /scope "all" must be "latest" or "any"/],
    [prop('order.total', 'exists', undefined, { days: 36501 }), /days 36501 must be a whole number of days from 1 to 36500/],
    [{ ...prop('order.total', 'exists'), extra_value: '' }, /needs extra_value/],
    [{ ...prop('x', '>', 1), property: undefined }, /needs property/],
  ])('malformed items are invalid_filter errors naming the item: %j', async (bad, message) => {
    const query = t.rt.api('contacts').query({ filters: [[prop('order.total', 'exists'), bad]] });
    await expect(query).rejects.toMatchObject({ code: 'invalid_filter', message: expect.stringMatching(/^Filter group 1, item 2: /) });
    await expect(query).rejects.toThrow(message);
  });

  test('a half-filled item (no value yet) is skipped like the other items; exists needs no value', async () => {
    expect(await find(prop('order.total', '>', ''), prop('order.total', 'exists'))).toEqual(['ann', 'ben', 'eve', 'fay']);
  });

  test('declared types (the resolver) override the type the value implies', async () => {
    const tables = tableNames(t.schema);
    const declared: PropertyTypeResolver = (key, path) => (key === 'order_placed' && path.join('.') === 'order.total' ? 'number' : undefined);
    const check = async (item: Record<string, unknown>, propertyType?: PropertyTypeResolver) => {
      const names: string[] = [];
      for (const [name, id] of ids) if (await checkContactMatches(t.rt.dataSource, tables, id, [[item]], NOW, propertyType)) names.push(name);
      return names.sort();
    };
    // "120.0" as text equals no stored text; declared a number, it equals ben's "120".
    expect(await check(prop('order.total', '=', '120.0'))).toEqual([]);
    expect(await check(prop('order.total', '=', '120.0'), declared)).toEqual(['ben']);
    const asText: PropertyTypeResolver = () => 'string';
    expect(() => compileFilterGroups([[prop('order.total', '>', 1)]], { tables, contactAlias: 's', params: [], propertyType: asText })).toThrow(
      expect.objectContaining({ code: 'invalid_filter', message: expect.stringMatching(/order_placed property order\.total.*declared string/) }),
    );
  });
});
