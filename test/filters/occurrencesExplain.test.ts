import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';
import { item } from './filterTestKit';
import { analyzeFilterTables, filterPlan, INDEX_NODES, type FilterStatement, type PlanNode } from './planKit';

const NOW = new Date('2026-03-15T12:00:00Z');

/**
 * event_tracking_occurrences on 300,000 history rows (5,000 contacts, 30,000 event rows over 100
 * keys, 10 occurrences each, spread over two years) after ANALYZE. The history outgrows the events
 * by the average counter, so reading all of it per filter is what must not happen: the window is
 * an index range on (event_id, occurred_at). Without that index (only (event_id, id DESC) and
 * (subscriber_id, occurred_at)) PostgreSQL chose a Seq Scan of the whole history for these counts.
 */
describe('filters: EXPLAIN of event_tracking_occurrences reads the history through an index', () => {
  let t: TestRuntime;
  const CONTACTS = 5_000;
  const EVENTS = 30_000;
  const PER_EVENT = 10;

  beforeAll(async () => {
    t = await openTestRuntime();
    await t.sql(`INSERT INTO {schema}.fc_subscribers (email) SELECT 'c' || g || '@example.com' FROM generate_series(1, ${CONTACTS}) g`);
    await t.sql(
      `INSERT INTO {schema}.fc_event_tracking (subscriber_id, counter, event_key, title)
       SELECT 1 + g % ${CONTACTS}, ${PER_EVENT}, 'key_' || (g % 100), 'Title ' || (g / ${CONTACTS}) FROM generate_series(1, ${EVENTS}) g`,
    );
    // Occurrence r of event e: (7e + 131r) mod 730 days before NOW, so every window holds some.
    await t.sql(
      `INSERT INTO {schema}.fc_event_occurrences (event_id, subscriber_id, counter, occurred_at)
       SELECT e.id, e.subscriber_id, r, $1::timestamptz - ((e.id * 7 + r * 131) % 730) * interval '1 day'
         FROM {schema}.fc_event_tracking e CROSS JOIN generate_series(1, ${PER_EVENT}) r`,
      [NOW.toISOString()],
    );
    await analyzeFilterTables(t);
  }, 120_000);
  afterAll(() => t.close());

  const plan = (kind: FilterStatement, groups: unknown): Promise<PlanNode[]> => filterPlan(t, kind, groups, { contactId: '4321', now: NOW });

  const occurrences = (operator: string, value: number, days: number) => [[{ ...item('event_tracking_occurrences', operator, value, 'key_7'), days }]];

  test('the migration added (event_id, occurred_at) to the history', async () => {
    const rows = await t.sql<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND indexname = 'fc_event_occurrences_event_time'`, [
      t.schema,
    ]);
    expect(rows.map((r) => r.indexdef)).toEqual([expect.stringMatching(/\(event_id, occurred_at\)$/)]);
  });

  test.each([
    ['count', '> 2 in 30 days', occurrences('>', 2, 30)],
    ['count', '< 2 in 30 days (zero included)', occurrences('<', 2, 30)],
    ['count', '> 2 in 365 days', occurrences('>', 2, 365)],
    ['page', '> 0 in 30 days', occurrences('>', 0, 30)],
    ['one contact', '> 2 in 30 days', occurrences('>', 2, 30)],
    ['one contact', '< 2 in 30 days', occurrences('<', 2, 30)],
  ] as const)('%s, %s: no Seq Scan of the history; the window is an index condition', async (kind, _name, groups) => {
    const all = await plan(kind, groups);
    const onHistory = all.filter((n) => n['Relation Name'] === 'fc_event_occurrences' || (n['Index Name'] ?? '').startsWith('fc_event_occurrences'));
    expect(onHistory.filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
    const ranged = onHistory.filter((n) => INDEX_NODES.includes(n['Node Type']) && /occurred_at >=/.test(n['Index Cond'] ?? ''));
    expect(ranged.map((n) => n['Index Name'])).toEqual(['fc_event_occurrences_event_time']);
  });
});
