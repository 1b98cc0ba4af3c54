import { tableNames } from '../../src/db/tableNames';
import { formatTimelineCursor, parseTimelineCursor, TimelineQuery, timelineSql, type TimelineEntry } from '../../src/admin/queries/timelineQuery';
import { calendarDays, TrendQuery, trendSql } from '../../src/admin/queries/trendQuery';
import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';
import { analyzeFilterTables, INDEX_NODES, nodes, type PlanNode } from '../filters/planKit';

const NOW = new Date('2026-03-15T12:00:00Z');
const BIG = 20_000;

/**
 * Contact 1 has three event rows (two titles of page_view, one order) and BIG occurrences spread
 * over 200 days with many equal timestamps (so the keyset's id tiebreak matters); 2,000 other
 * contacts have a few each.
 */
describe('admin queries: timeline keyset pages and event trends', () => {
  let t: TestRuntime;
  let timeline: TimelineQuery;

  beforeAll(async () => {
    t = await openTestRuntime();
    await t.sql(`INSERT INTO {schema}.fc_subscribers (email) SELECT 'c' || g || '@example.com' FROM generate_series(1, 2001) g`);
    await t.sql(
      `INSERT INTO {schema}.fc_event_tracking (subscriber_id, counter, event_key, title) VALUES
         (1, 0, 'page_view', 'Home'), (1, 0, 'page_view', 'Pricing'), (1, 0, 'order', 'Order placed')`,
    );
    await t.sql(
      `INSERT INTO {schema}.fc_event_tracking (subscriber_id, counter, event_key, title)
       SELECT g, 3, CASE WHEN g % 2 = 0 THEN 'page_view' ELSE 'signup' END, 'Home' FROM generate_series(2, 2001) g`,
    );
    // Occurrence g of contact 1: event (g % 3) + 1, at NOW − (g % 200) days − (g % 7) minutes.
    await t.sql(
      `INSERT INTO {schema}.fc_event_occurrences (event_id, subscriber_id, counter, value, occurred_at)
       SELECT (g % 3) + 1, 1, g, 'v' || g, $1::timestamptz - (g % 200) * interval '1 day' - (g % 7) * interval '1 minute'
         FROM generate_series(1, ${BIG}) g`,
      [NOW.toISOString()],
    );
    await t.sql(`UPDATE {schema}.fc_event_tracking e SET counter = (SELECT count(*) FROM {schema}.fc_event_occurrences o WHERE o.event_id = e.id) WHERE subscriber_id = 1`);
    await t.sql(
      `INSERT INTO {schema}.fc_event_occurrences (event_id, subscriber_id, counter, occurred_at)
       SELECT e.id, e.subscriber_id, r, $1::timestamptz - (r * 3) * interval '1 day'
         FROM {schema}.fc_event_tracking e CROSS JOIN generate_series(1, 3) r WHERE e.subscriber_id > 1`,
      [NOW.toISOString()],
    );
    await analyzeFilterTables(t);
    timeline = new TimelineQuery(t.rt.dataSource, tableNames(t.schema));
  }, 120_000);
  afterAll(() => t.close());

  async function expected(key?: string): Promise<string[]> {
    const rows = await t.sql<{ id: string }>(
      `SELECT o.id FROM {schema}.fc_event_occurrences o JOIN {schema}.fc_event_tracking e ON e.id = o.event_id
        WHERE o.subscriber_id = 1 AND ($1::text IS NULL OR e.event_key = $1::text) ORDER BY o.occurred_at DESC, o.id DESC`,
      [key ?? null],
    );
    return rows.map((r) => String(r.id));
  }

  async function walk(key: string | undefined, limit: number, pages: number): Promise<string[]> {
    const seen: string[] = [];
    let before = null;
    for (let i = 0; i < pages; i += 1) {
      const page: TimelineEntry[] = await timeline.page('1', { key, before, limit });
      seen.push(...page.map((e) => e.id));
      if (page.length < limit) break;
      before = parseTimelineCursor(formatTimelineCursor(page[page.length - 1]));
    }
    return seen;
  }

  test('paging the whole history by keyset gives every occurrence once, newest first (ties by id)', async () => {
    const all = await expected();
    expect(all).toHaveLength(BIG);
    expect(await walk(undefined, 997, 100)).toEqual(all);
  });

  test('filtered by key: the key\'s rows of both titles merged, newest first', async () => {
    const pageViews = await expected('page_view');
    expect(await walk('page_view', 501, 100)).toEqual(pageViews);
    const first = await timeline.page('1', { key: 'PAGE_VIEW', limit: 5 });
    expect(first.map((e) => e.id)).toEqual(pageViews.slice(0, 5));
    expect(new Set(first.map((e) => e.title))).toEqual(new Set(['Home', 'Pricing']));
  });

  test('the total is the sum of counters, per key too', async () => {
    expect(await timeline.total('1')).toBe(BIG);
    expect(await timeline.total('1', 'order')).toBe((await expected('order')).length);
  });

  test('a cursor is exact to the microsecond and anything else in the URL means the first page', () => {
    expect(parseTimelineCursor('1773576000123456.42')).toEqual({ occurredMicros: '1773576000123456', id: '42' });
    for (const bad of ['', 'x', '1.2.3', '99999999999999999999.1', '1.99999999999999999999', '-1.2', undefined]) {
      expect(parseTimelineCursor(bad)).toBeNull();
    }
  });

  test('the trend counts occurrences per local day over the window, contacts with the key and its top titles', async () => {
    const trends = new TrendQuery(t.rt.dataSource, tableNames(t.schema), 'UTC');
    const trend = await trends.trend('page_view', 30, NOW);
    expect(trend.perDay).toHaveLength(30);
    expect(trend.perDay[29].day).toBe('2026-03-15');
    expect(trend.perDay[0].day).toBe('2026-02-14');
    const [{ n }] = await t.sql<{ n: string }>(
      `SELECT count(*) AS n FROM {schema}.fc_event_occurrences o JOIN {schema}.fc_event_tracking e ON e.id = o.event_id
        WHERE e.event_key = 'page_view' AND o.occurred_at >= '2026-02-14T00:00:00Z' AND o.occurred_at <= $1`,
      [NOW.toISOString()],
    );
    expect(trend.perDay.reduce((sum, p) => sum + p.count, 0)).toBe(Number(n));
    expect(Number(n)).toBeGreaterThan(0);
    expect(trend.contacts).toBe(1 + 1000);
    expect(trend.topTitles[0]).toEqual({ title: 'Home', contacts: 1001, occurrences: expect.any(Number) });
    expect(trend.topTitles.map((x) => x.title)).toEqual(['Home', 'Pricing']);
  });

  test('calendar days follow the time zone', () => {
    expect(calendarDays(new Date('2026-03-15T23:30:00Z'), 'Asia/Tokyo', 2)).toEqual(['2026-03-15', '2026-03-16']);
    expect(calendarDays(new Date('2026-03-01T12:00:00Z'), 'UTC', 2)).toEqual(['2026-02-28', '2026-03-01']);
  });

  async function plan(sql: string, params: unknown[]): Promise<PlanNode[]> {
    const [{ 'QUERY PLAN': json }] = await t.sql<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
    return nodes(json[0].Plan);
  }
  const seqScans = (all: PlanNode[]) => all.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name']);
  const indexes = (all: PlanNode[]) => all.filter((n) => INDEX_NODES.includes(n['Node Type'])).map((n) => n['Index Name']);

  test('EXPLAIN: a timeline page reads the history through indexes, not a scan', async () => {
    const sql = timelineSql(tableNames(t.schema));
    const deep = ['1', '1773576000000000', '9999999'];
    const all = await plan(sql.all, [...deep, 51]);
    expect(seqScans(all)).toEqual([]);
    expect(indexes(all)).toContain('fc_event_occurrences_subscriber_time');
    const byKey = await plan(sql.byKey, ['1', 'page_view', deep[1], deep[2], 51]);
    expect(seqScans(byKey)).toEqual([]);
    // The contact's rows of the key: by (lower(event_key), subscriber_id) or the (subscriber_id, key, title) unique key.
    expect(indexes(byKey).some((name) => /^fc_event_tracking_(key_subscriber|subscriber_key_title)_ci$/.test(name ?? ''))).toBe(true);
    expect(indexes(byKey)).toContain('fc_event_occurrences_event_time');
  });

  // A key on a small share of the events (here one row of 2,003); for a key on half of all events a
  // scan of this small history is the planner's right choice, and it makes it.
  test('EXPLAIN: the trend reads only the window of the history, through (event_id, occurred_at)', async () => {
    const sql = trendSql(tableNames(t.schema));
    const all = await plan(sql.perDay, ['order', 'UTC', 30, NOW.toISOString()]);
    expect(seqScans(all).filter((r) => r === 'fc_event_occurrences')).toEqual([]);
    const ranged = all.filter((n) => n['Index Name'] === 'fc_event_occurrences_event_time' && /occurred_at >=/.test(n['Index Cond'] ?? ''));
    expect(ranged).toHaveLength(1);
  });
});
