import { createEventTracking, FcrmError } from '../../src';
import { silentLogger } from '../../src/runtime/logger';
import { analyzeFilterTables, filterPlan, INDEX_NODES, type FilterStatement, type PlanNode } from '../filters/planKit';
import { openTestRuntime, testDatabaseUrl, type TestRuntime } from '../helpers/testRuntime';

const NOW = new Date('2026-03-15T12:00:00Z');
const ORDER_SCHEMA = {
  type: 'object',
  properties: {
    order: { type: 'object', properties: { total: { type: 'number' }, id: { type: 'string' }, qty: { type: 'integer' } } },
    coupon: { type: 'string' },
    paid: { type: 'boolean' },
  },
};

const property = (path: string, operator: string, value: unknown, extra: Record<string, unknown> = {}) => [
  [{ source: ['event_tracking', 'event_tracking_property'], extra_value: 'order_placed', property: path, operator, value, ...extra }],
];

/**
 * Indexed properties on 2,000 contacts, 4,000 event rows (order_placed and page_viewed) and 40,000
 * occurrences: the definition builds the indexes, the filter's plans read them (EXPLAIN), and the
 * answers are the ones the unindexed filter gives (checked against SQL written here).
 */
describe('indexed_properties: expression indexes for number properties', () => {
  let t: TestRuntime;
  const objects = () =>
    t.sql<{ name: string; valid: boolean }>(
      `SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE c.relnamespace = $1::regnamespace AND starts_with(c.relname, 'fc_evprop_')
       UNION ALL SELECT stxname, true FROM pg_statistic_ext WHERE stxnamespace = $1::regnamespace AND starts_with(stxname, 'fc_evprop_')
       ORDER BY 1`,
      [t.schema],
    );

  beforeAll(async () => {
    t = await openTestRuntime();
    await t.sql(`INSERT INTO {schema}.fc_subscribers (email) SELECT 'c' || g || '@example.com' FROM generate_series(1, 2000) g`);
    await t.sql(
      `INSERT INTO {schema}.fc_event_tracking (subscriber_id, counter, event_key, title, value_json)
       SELECT s.id, 10, k.key, 'T', jsonb_build_object('order', jsonb_build_object('total', (s.id * 7) % 1000, 'id', 'A' || s.id),
                                                       'coupon', CASE WHEN s.id % 100 = 0 THEN 'Rare' WHEN s.id % 2 = 0 THEN 'SPRING' ELSE 'summer' END)
         FROM {schema}.fc_subscribers s CROSS JOIN (VALUES ('order_placed'), ('page_viewed')) AS k(key)`,
    );
    // Occurrence r of event e: its own total ((e * 31 + r) % 1000, one in 50 as a numeric string), (e * 7 + r * 131) % 730 days ago.
    await t.sql(
      `INSERT INTO {schema}.fc_event_occurrences (event_id, subscriber_id, event_key, counter, value_json, occurred_at)
       SELECT e.id, e.subscriber_id, e.event_key, r,
              jsonb_build_object('order', jsonb_build_object('total', CASE WHEN (e.id + r) % 50 = 0 THEN to_jsonb(((e.id * 31 + r) % 1000)::text) ELSE to_jsonb((e.id * 31 + r) % 1000) END),
                                 'coupon', CASE WHEN (e.id + r) % 97 = 0 THEN 'RARE' ELSE 'spring' END),
              $1::timestamptz - ((e.id * 7 + r * 131) % 730) * interval '1 day'
         FROM {schema}.fc_event_tracking e CROSS JOIN generate_series(1, 10) r`,
      [NOW.toISOString()],
    );
    await analyzeFilterTables(t);
  }, 120_000);
  afterAll(() => t.close());

  const definitions = () => t.rt.api('event_definitions');

  test('put builds two indexes and two statistics per property, valid; the definition answers its indexed_properties', async () => {
    const { definition } = await definitions().put('Order_Placed', { schema: ORDER_SCHEMA, mode: 'report', indexed_properties: ['order.total', 'coupon'] });
    expect(definition.indexed_properties).toEqual(['order.total', 'coupon']);
    expect((await definitions().get('order_placed')).indexed_properties).toEqual(['order.total', 'coupon']);
    const made = await objects();
    expect(made.map((o) => o.name.replace(/_[0-9a-f]{24}$/, ''))).toEqual(['fc_evprop_e', 'fc_evprop_e', 'fc_evprop_es', 'fc_evprop_es', 'fc_evprop_o', 'fc_evprop_o', 'fc_evprop_os', 'fc_evprop_os']);
    expect(made.every((o) => o.valid)).toBe(true);
    const methods = await t.sql<{ method: string }>(
      `SELECT a.amname AS method FROM pg_class c JOIN pg_am a ON a.oid = c.relam WHERE c.relnamespace = $1::regnamespace AND starts_with(c.relname, 'fc_evprop_') ORDER BY 1`,
      [t.schema],
    );
    expect(methods.map((m) => m.method)).toEqual(['btree', 'btree', 'btree', 'btree']);
    // Idempotent: the same definition again changes no object.
    await definitions().put('order_placed', { schema: ORDER_SCHEMA, mode: 'report', indexed_properties: ['order.total', 'coupon'] });
    expect(await objects()).toEqual(made);
  });

  const plan = (kind: FilterStatement, groups: unknown): Promise<PlanNode[]> => filterPlan(t, kind, groups, { contactId: '1234', now: NOW, definitions: true });
  const indexNames = (all: PlanNode[]) => all.filter((n) => INDEX_NODES.includes(n['Node Type'])).map((n) => n['Index Name'] ?? '');

  test.each([
    ['count', 'latest', property('order.total', '>', 990), /^fc_evprop_e_/],
    ['page', 'latest', property('order.total', '>', 990), /^fc_evprop_e_/],
    ['count', 'latest, declared number, "995" sent as text', property('order.total', '>=', '995'), /^fc_evprop_e_/],
    ['count', 'any, last 30 days', property('order.total', '>', 900, { scope: 'any', days: 30 }), /^fc_evprop_o_/],
    ['page', 'any, last 30 days', property('order.total', '>', 900, { scope: 'any', days: 30 }), /^fc_evprop_o_/],
    ['count', 'any, no window', property('order.total', '>', 995, { scope: 'any' }), /^fc_evprop_o_/],
    ['count', 'latest, string =', property('coupon', '=', 'rare'), /^fc_evprop_e_/],
    ['page', 'latest, string in', property('coupon', 'in', ['rare', 'none']), /^fc_evprop_e_/],
    ['count', 'any, string =, last 30 days', property('coupon', '=', 'Rare', { scope: 'any', days: 30 }), /^fc_evprop_o_/],
  ] as const)('%s, %s: EXPLAIN shows the property index, no Seq Scan of the events or the history', async (kind, _name, groups, index) => {
    const all = await plan(kind, groups);
    expect(indexNames(all)).toContainEqual(expect.stringMatching(index));
    const scanned = all.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name']);
    expect(scanned).not.toContain('fc_event_tracking');
    expect(scanned).not.toContain('fc_event_occurrences');
  });

  /** The contacts matching, computed here by SQL over the raw JSON (no index, no filter code). */
  const expected = async (scope: 'latest' | 'any', op: '>' | '<=', bound: number, days?: number) => {
    const since = days === undefined ? null : new Date(NOW.getTime() - days * 86_400_000).toISOString();
    const rows =
      scope === 'latest'
        ? await t.sql<{ n: number }>(
            `SELECT count(DISTINCT subscriber_id)::int AS n FROM {schema}.fc_event_tracking
              WHERE lower(event_key) = 'order_placed' AND (value_json #>> '{order,total}')::numeric ${op} $1`,
            [bound],
          )
        : await t.sql<{ n: number }>(
            `SELECT count(DISTINCT o.subscriber_id)::int AS n FROM {schema}.fc_event_occurrences o JOIN {schema}.fc_event_tracking e ON e.id = o.event_id
              WHERE lower(e.event_key) = 'order_placed' AND (o.value_json #>> '{order,total}')::numeric ${op} $1 AND ($2::timestamptz IS NULL OR o.occurred_at >= $2)`,
            [bound, since],
          );
    return rows[0].n;
  };

  test.each([
    ['latest', '>', 990, undefined],
    ['latest', '<=', 3, undefined],
    ['any', '>', 900, 30],
    ['any', '>', 995, undefined],
    ['any', '<=', 2, 365],
  ] as const)('%s %s %d (days %s): the same contacts as the raw JSON says, through the API', async (scope, op, bound, days) => {
    const want = await expected(scope, op, bound, days);
    expect(want).toBeGreaterThan(0);
    const extra: Record<string, unknown> = { scope, ...(days === undefined ? {} : { days }) };
    const { total } = await t.rt.api('contacts').query({ filters: property('order.total', op, bound, extra), now: NOW });
    expect(total).toBe(want);
  });

  test('an indexed string compares case-insensitively, as unindexed: the same contacts as the raw JSON says, for = and in', async () => {
    const [{ latest }] = await t.sql<{ latest: number }>(
      `SELECT count(DISTINCT subscriber_id)::int AS latest FROM {schema}.fc_event_tracking WHERE lower(event_key) = 'order_placed' AND lower(value_json ->> 'coupon') = 'rare'`,
    );
    const since = new Date(NOW.getTime() - 30 * 86_400_000).toISOString();
    const [{ any }] = await t.sql<{ any: number }>(
      `SELECT count(DISTINCT subscriber_id)::int AS any FROM {schema}.fc_event_occurrences
        WHERE event_id IN (SELECT id FROM {schema}.fc_event_tracking WHERE lower(event_key) = 'order_placed') AND lower(value_json ->> 'coupon') = 'rare' AND occurred_at >= $1`,
      [since],
    );
    expect(latest).toBeGreaterThan(0);
    expect(any).toBeGreaterThan(0);
    const total = async (groups: unknown) => (await t.rt.api('contacts').query({ filters: groups, now: NOW })).total;
    expect(await total(property('coupon', '=', 'RARE'))).toBe(latest);
    expect(await total(property('coupon', 'in', ['rAre', 'nothing']))).toBe(latest);
    expect(await total(property('coupon', '=', 'rare', { scope: 'any', days: 30 }))).toBe(any);
    // contains is no equality: no index, the same answer as ever.
    expect(await total(property('coupon', 'contains', 'AR'))).toBe(latest);
  });

  test('an indexed string longer than its index key (5,000 characters) is stored, and compared whole', async () => {
    const long = 'x'.repeat(4_999);
    const ids: string[] = [];
    for (const [email, coupon] of [['long-a@example.com', `${long}A`], ['long-b@example.com', `${long}B`]]) {
      const [{ id }] = await t.sql<{ id: string }>(`INSERT INTO {schema}.fc_subscribers (email) VALUES ($1) RETURNING id`, [email]);
      ids.push(id);
      await t.rt.api('event_tracker').track({ subscriber_id: Number(id), event_key: 'order_placed', title: 'Long', value: JSON.stringify({ coupon }) }, true);
    }
    for (const scope of ['latest', 'any']) {
      const { data } = await t.rt.api('contacts').query({ filters: property('coupon', '=', `${long.toUpperCase()}b`, { scope }) });
      expect(data.map((c) => String(c.id))).toEqual([ids[1]]);
    }
    await t.sql(`DELETE FROM {schema}.fc_subscribers WHERE id = ANY($1::bigint[])`, [ids]);
  });

  test('an event tracked after the indexes exist is found through them, its occurrence carrying its key', async () => {
    const [{ id }] = await t.sql<{ id: string }>(`INSERT INTO {schema}.fc_subscribers (email) VALUES ('late@example.com') RETURNING id`);
    await t.rt.api('event_tracker').track({ subscriber_id: Number(id), event_key: 'ORDER_placed', title: 'Late', value: JSON.stringify({ order: { total: 12345 } }) }, true);
    const [occurrence] = await t.sql<{ event_key: string }>(`SELECT event_key FROM {schema}.fc_event_occurrences WHERE subscriber_id = $1`, [id]);
    expect(occurrence.event_key).toBe('ORDER_placed');
    for (const scope of ['latest', 'any']) {
      const { data } = await t.rt.api('contacts').query({ filters: property('order.total', '>', 10_000, { scope, days: 1 }) });
      expect(data.map((c) => String(c.id))).toEqual([String(id)]);
    }
  });

  test('a 6,000-digit JSON number (a migrated row: the tracker stores canonical doubles only) neither breaks a write nor an index build, and is no number', async () => {
    const [{ id }] = await t.sql<{ id: string }>(`INSERT INTO {schema}.fc_subscribers (email) VALUES ('huge@example.com') RETURNING id`);
    const value = `{"order":{"total":${'9'.repeat(6000)}}}`;
    // Without a bound on the indexed number this row would not fit an index entry (at most ~2,700 bytes).
    const [event] = await t.sql<{ id: string }>(
      `INSERT INTO {schema}.fc_event_tracking (subscriber_id, counter, event_key, title, value, value_json) VALUES ($1, 1, 'order_placed', 'Huge', $2::text, $2::text::jsonb) RETURNING id`,
      [id, value],
    );
    await t.sql(
      `INSERT INTO {schema}.fc_event_occurrences (event_id, subscriber_id, event_key, counter, value, value_json, occurred_at) VALUES ($1, $2, 'order_placed', 1, $3::text, $3::text::jsonb, now())`,
      [event.id, id, value],
    );
    const filter = (scope: string) => t.rt.api('contacts').query({ filters: property('order.total', '>', 10_000, { scope }), search: 'huge@example.com' });
    for (const scope of ['latest', 'any']) expect((await filter(scope)).data).toEqual([]);
    // Rebuilt with the row present.
    await definitions().put('order_placed', { schema: ORDER_SCHEMA, mode: 'report' });
    await definitions().put('order_placed', { schema: ORDER_SCHEMA, mode: 'report', indexed_properties: ['order.total'] });
    expect((await objects()).length).toBe(4);
    for (const scope of ['latest', 'any']) expect((await filter(scope)).data).toEqual([]);
    await t.sql(`DELETE FROM {schema}.fc_subscribers WHERE id = $1`, [id]);
  });

  test.each([
    ['not a list', 'order.total', /must be a list/],
    ['an undeclared path', ['order.missing'], /the schema declares no type for "order.missing"/],
    ['a boolean property', ['paid'], /can only index number and string properties: the schema declares "paid" a boolean/],
    ['the same path twice', ['order.total', 'order.total'], /twice/],
    ['six properties', ['order.total', 'order.qty', 'a', 'b', 'c', 'd'], /at most 5/],
    ['a path that does not parse', ['order..total'], /property paths/],
  ])('%s is invalid_definition, and nothing changes', async (_name, indexed, message) => {
    const before = await objects();
    const error = await definitions()
      .put('order_placed', { schema: ORDER_SCHEMA, mode: 'report', indexed_properties: indexed as string[] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FcrmError);
    expect(error).toMatchObject({ code: 'invalid_definition', message: expect.stringMatching(message) });
    expect(await objects()).toEqual(before);
    expect((await definitions().get('order_placed')).indexed_properties).toEqual(['order.total']);
  });

  test('at most 20 indexed properties over all keys', async () => {
    const schema = { type: 'object', properties: Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((k) => [k, { type: 'integer' }])) };
    // 1 (order_placed) + 5 per key: three keys fit (16), a fourth would make 21, even all at once.
    const settled = await Promise.allSettled(
      ['k1', 'k2', 'k3', 'k4'].map((key) => definitions().put(key, { schema, mode: 'report', indexed_properties: ['a', 'b', 'c', 'd', 'e'] })),
    );
    expect(settled.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const refused = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused?.reason).toMatchObject({ code: 'invalid_definition', message: expect.stringMatching(/at most 20 properties/) });
    const left = ['k1', 'k2', 'k3', 'k4'].find((key, i) => settled[i].status === 'rejected')!;
    await definitions().put(left, { schema, mode: 'report', indexed_properties: ['a', 'b', 'c', 'd'] });
    expect((await objects()).length).toBe(20 * 4);
    for (const key of ['k1', 'k2', 'k3', 'k4']) await definitions().delete(key);
    expect((await objects()).length).toBe(4);
  }, 60_000);

  test('definitions put at the same moment all get their indexes, and deleted at once all lose them', async () => {
    const schema = { type: 'object', properties: { n: { type: 'number' }, s: { type: 'string' } } };
    const keys = ['race_1', 'race_2', 'race_3', 'race_4'];
    const before = (await objects()).length;
    await Promise.all(keys.map((key) => definitions().put(key, { schema, mode: 'report', indexed_properties: ['n', 's'] })));
    const made = await objects();
    expect(made.length).toBe(before + keys.length * 8);
    expect(made.every((o) => o.valid)).toBe(true);
    await Promise.all(keys.map((key) => definitions().delete(key)));
    expect((await objects()).length).toBe(before);
  }, 60_000);

  test('two processes sharing the schema: their changes at the same moment end in the objects of the definitions left', async () => {
    const other = await createEventTracking({ databaseUrl: testDatabaseUrl(), schema: t.schema, logger: silentLogger });
    try {
      const schema = { type: 'object', properties: { n: { type: 'number' } } };
      const before = (await objects()).length;
      const apis = [definitions(), other.api('event_definitions')];
      await Promise.all(['p_1', 'p_2', 'p_3', 'p_4'].map((key, i) => apis[i % 2].put(key, { schema, mode: 'report', indexed_properties: ['n'] })));
      expect((await objects()).length).toBe(before + 16);
      await Promise.all(['p_1', 'p_2', 'p_3'].map((key, i) => apis[(i + 1) % 2].delete(key)));
      const left = await objects();
      expect(left.length).toBe(before + 4);
      expect(left.every((o) => o.valid)).toBe(true);
      await other.api('event_definitions').delete('p_4');
      expect((await objects()).length).toBe(before);
    } finally {
      await other.close();
    }
  }, 60_000);

  test('a definition without indexed_properties drops its indexes; deleting it drops them too', async () => {
    await definitions().put('order_placed', { schema: ORDER_SCHEMA, mode: 'report' });
    expect(await objects()).toEqual([]);
    await definitions().put('order_placed', { schema: ORDER_SCHEMA, mode: 'report', indexed_properties: ['order.total', 'order.qty'] });
    expect((await objects()).length).toBe(8);
    await definitions().delete('order_placed');
    expect(await objects()).toEqual([]);
    // Without the definition the same filter still answers (by the key's rows).
    const { total } = await t.rt.api('contacts').query({ filters: property('order.total', '>', 900, { scope: 'any', days: 30 }), now: NOW });
    expect(total).toBe(await expected('any', '>', 900, 30));
  });
});
