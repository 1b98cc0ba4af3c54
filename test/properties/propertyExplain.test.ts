import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';
import { analyzeFilterTables, filterPlan, INDEX_NODES, type FilterStatement, type PlanNode } from '../filters/planKit';

const NOW = new Date('2026-03-15T12:00:00Z');

/**
 * event_tracking_property on 100,000 occurrences (2,000 contacts, 10,000 event rows over 100 keys,
 * 10 occurrences each over two years, values objects of 5 properties) after ANALYZE. The property
 * test is no index condition (no general index serves numeric, case-insensitive or date comparisons
 * of any path; a definition's indexed_properties add one per path, see indexedProperties.test.ts);
 * what must hold is that it only ever runs on the key's
 * rows, found through the key index, and for `any` on their occurrences in the window, found through
 * (event_id, occurred_at): never a scan of either whole table.
 */
describe('event_tracking_property: EXPLAIN shows the indexes chosen', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await openTestRuntime();
    await t.sql(`INSERT INTO {schema}.fc_subscribers (email) SELECT 'c' || g || '@example.com' FROM generate_series(1, 2000) g`);
    await t.sql(
      `INSERT INTO {schema}.fc_event_tracking (subscriber_id, counter, event_key, title, value_json)
       SELECT 1 + g % 2000, 10, 'key_' || (g % 100), 'Title ' || (g / 2000),
              jsonb_build_object('order', jsonb_build_object('total', g % 1000), 'coupon', 'C' || g % 7, 'paid', g % 2 = 0, 'tags', '["a"]'::jsonb, 'at', '2026-01-01')
         FROM generate_series(1, 10000) g`,
    );
    await t.sql(
      `INSERT INTO {schema}.fc_event_occurrences (event_id, subscriber_id, counter, value_json, occurred_at)
       SELECT e.id, e.subscriber_id, r, jsonb_set(e.value_json, '{order,total}', to_jsonb((e.id * 31 + r) % 1000)),
              $1::timestamptz - ((e.id * 7 + r * 131) % 730) * interval '1 day'
         FROM {schema}.fc_event_tracking e CROSS JOIN generate_series(1, 10) r`,
      [NOW.toISOString()],
    );
    await analyzeFilterTables(t);
  }, 120_000);
  afterAll(() => t.close());

  const plan = (kind: FilterStatement, groups: unknown): Promise<PlanNode[]> => filterPlan(t, kind, groups, { contactId: '1234', now: NOW });

  const property = (path: string, operator: string, value: unknown, extra: Record<string, unknown> = {}) => [
    [{ source: ['event_tracking', 'event_tracking_property'], extra_value: 'key_7', property: path, operator, value, ...extra }],
  ];
  const on = (all: PlanNode[], table: string) => all.filter((n) => n['Relation Name'] === table || (n['Index Name'] ?? '').startsWith(table));
  const indexNames = (all: PlanNode[]) => all.filter((n) => INDEX_NODES.includes(n['Node Type'])).map((n) => n['Index Name']);

  test.each([
    ['count', 'order.total > 900', property('order.total', '>', 900)],
    ['page', 'order.total > 900', property('order.total', '>', 900)],
    ['one contact', 'order.total > 900', property('order.total', '>', 900)],
    ['count', 'coupon = "c3"', property('coupon', '=', 'c3')],
    ['count', 'order.total != 5 (NOT EXISTS)', property('order.total', '!=', 5)],
    ['count', 'at before 2026-02-01', property('at', 'before', '2026-02-01')],
  ] as const)('latest scope, %s, %s: the key rows through the key index, no Seq Scan of the events', async (kind, _name, groups) => {
    const events = on(await plan(kind, groups), 'fc_event_tracking');
    expect(events.filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
    expect(indexNames(events)).toContainEqual(expect.stringMatching(/^fc_event_tracking_(key_subscriber_ci|subscriber_key_title_ci)$/));
    expect(events.filter((n) => INDEX_NODES.includes(n['Node Type'])).map((n) => n['Index Cond'])).toContainEqual(expect.stringContaining("lower((event_key)::text) = 'key_7'::text"));
  });

  test.each([
    ['count', property('order.total', '>', 900, { scope: 'any', days: 30 })],
    ['page', property('order.total', '>', 900, { scope: 'any', days: 30 })],
    ['one contact', property('order.total', '>', 900, { scope: 'any', days: 30 })],
    ['count', property('order.total', '>', 900, { scope: 'any', days: 365 })],
  ] as const)('any scope, %s, %j: the occurrences through (event_id, occurred_at) with the window as index condition', async (kind, groups) => {
    const all = await plan(kind, groups);
    const history = on(all, 'fc_event_occurrences');
    expect(history.filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
    const ranged = history.filter((n) => INDEX_NODES.includes(n['Node Type']) && /occurred_at >=/.test(n['Index Cond'] ?? ''));
    expect(ranged.map((n) => n['Index Name'])).toEqual(['fc_event_occurrences_event_time']);
    expect(on(all, 'fc_event_tracking').filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
  });
});
