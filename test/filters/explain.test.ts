import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';
import { item } from './filterTestKit';
import { filterPlan, INDEX_NODES, type FilterStatement, type PlanNode } from './planKit';


/**
 * The generated SQL on 120,000 events (10,000 contacts, 100 keys) after ANALYZE: key filters are
 * answered through fc_event_tracking's indexes, never by reading the whole table. Asserts on the
 * plan PostgreSQL chooses, not on timings.
 */
describe('filters: EXPLAIN on 120,000 events uses the indexes', () => {
  let t: TestRuntime;
  let eventIndexes: Set<string>;
  const CONTACTS = 10_000;
  const EVENTS = 120_000;

  beforeAll(async () => {
    t = await openTestRuntime();
    await t.sql(`INSERT INTO {schema}.fc_subscribers (email) SELECT 'c' || g || '@example.com' FROM generate_series(1, ${CONTACTS}) g`);
    // Contact g % CONTACTS gets key_(g % 100); titles differ per round, so the unique key holds.
    await t.sql(
      `INSERT INTO {schema}.fc_event_tracking (subscriber_id, counter, event_key, title, value)
       SELECT 1 + g % ${CONTACTS}, 1 + g % 5, 'key_' || (g % 100), 'Title ' || (g / ${CONTACTS}), (g % 1000)::text
         FROM generate_series(1, ${EVENTS}) g`,
    );
    await t.sql('ANALYZE {schema}.fc_subscribers');
    await t.sql('ANALYZE {schema}.fc_event_tracking');
    const rows = await t.sql<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'fc_event_tracking'`, [t.schema]);
    eventIndexes = new Set(rows.map((r) => r.indexname));
  }, 120_000);
  afterAll(() => t.close());

  const plan = (kind: FilterStatement, groups: unknown): Promise<PlanNode[]> => filterPlan(t, kind, groups, { contactId: '4321' });

  const onEvents = (all: PlanNode[]) => ({
    indexScans: all.filter((n) => INDEX_NODES.includes(n['Node Type']) && eventIndexes.has(n['Index Name'] ?? '')),
    seqScans: all.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'fc_event_tracking'),
  });

  test('the migrations left the filter indexes in place (and dropped the page index the ranks replaced)', () => {
    expect(eventIndexes).toEqual(
      new Set([
        'fc_event_tracking_pkey',
        'fc_event_tracking_subscriber_key_title_ci',
        'fc_event_tracking_key_subscriber_ci',
        'fc_event_tracking_title_ci',
      ]),
    );
  });

  const KEY_FILTERS: Array<[string, unknown]> = [
    ['key in', [[item('event_tracking_key', 'in', ['key_7', 'KEY_8'])]]],
    ['key not_in', [[item('event_tracking_key', 'not_in', ['key_7'])]]],
    ['key_count >', [[item('event_tracking_key_count', '>', 3, 'key_7')]]],
    ['value =', [[item('event_tracking_value', '=', '7', 'key_7')]]],
    ['total count >', [[item('event_tracking_key_total_count', '>', 2, 'key_7')]]],
    ['total count < (zero included)', [[item('event_tracking_key_total_count', '<', 2, 'key_7')]]],
    ['last seen within', [[item('event_tracking_last_seen', 'within_days', 7, 'key_7')]]],
  ];

  test.each(KEY_FILTERS)('%s: the count is driven by a lower(event_key) index condition, no Seq Scan of the events', async (_name, groups) => {
    const { indexScans, seqScans } = onEvents(await plan('count', groups));
    expect(seqScans).toEqual([]);
    expect(indexScans.some((n) => /lower\(\(event_key\)::text\)/.test(n['Index Cond'] ?? ''))).toBe(true);
  });

  test.each(KEY_FILTERS)('%s: one contact (automation conditions) is an index probe', async (_name, groups) => {
    const { indexScans, seqScans } = onEvents(await plan('one contact', groups));
    expect(seqScans).toEqual([]);
    expect(indexScans.length).toBeGreaterThan(0);
  });

  test('key in: the first page reads the events through an index', async () => {
    const { indexScans, seqScans } = onEvents(await plan('page', [[item('event_tracking_key', 'in', ['key_7'])]]));
    expect(seqScans).toEqual([]);
    expect(indexScans.length).toBeGreaterThan(0);
  });

  test('title =: the lower(title) index', async () => {
    const { indexScans, seqScans } = onEvents(await plan('count', [[item('event_tracking_title', '=', 'title 3')]]));
    expect(seqScans).toEqual([]);
    expect(indexScans.map((n) => n['Index Name'])).toContain('fc_event_tracking_title_ci');
  });
});
