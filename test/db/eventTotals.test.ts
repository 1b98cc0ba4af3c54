import { failOnCountedPages } from '../helpers/countedPages';
import { createContact } from '../helpers/fixtures';
import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';

/**
 * fc_event_totals / fc_event_ranks answer the event list's total and its pages without counting or
 * OFFSET. They are kept by triggers, so these tests write through every path (the API, TypeORM, raw
 * SQL, deletes, TRUNCATE) and compare the pages with what counting and OFFSET say.
 */
describe('event totals and ranks behind the tracking-events pages', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await openTestRuntime();
  });
  afterAll(() => t.close());
  beforeEach(() => t.reset());
  // Every page here comes from the ranks, except in the test that edits them by hand.
  const countedPages = failOnCountedPages();

  const api = () => t.rt.api('event_tracker');

  async function trackDistinct(subscriberId: number, from: number, to: number): Promise<void> {
    const items = [];
    for (let i = from; i <= to; i++) items.push({ subscriber_id: subscriberId, event_key: `key_${i}`, title: `Event ${i}` });
    const results = await api().trackMany(items);
    expect(results.every((r) => 'id' in r)).toBe(true);
  }

  /** The page as counting and OFFSET give it: the reference the ranked pages must equal. */
  async function referencePage(subscriberId: number, perPage: number, page: number) {
    const rows = await t.sql<{ id: string }>(
      'SELECT id FROM {schema}.fc_event_tracking WHERE subscriber_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3',
      [subscriberId, perPage, (page - 1) * perPage],
    );
    const [{ n }] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM {schema}.fc_event_tracking WHERE subscriber_id = $1', [subscriberId]);
    return { ids: rows.map((r) => Number(r.id)), total: n };
  }

  async function expectPagesMatchReference(subscriberId: number, perPage: number): Promise<void> {
    const { total } = await referencePage(subscriberId, perPage, 1);
    const lastPage = Math.max(1, Math.ceil(total / perPage));
    for (let page = 1; page <= lastPage + 1; page++) {
      const got = await api().getEvents(subscriberId, { page, per_page: perPage });
      const want = await referencePage(subscriberId, perPage, page);
      expect({ page, ids: got.data.map((r) => r.id), total: got.total }).toEqual({ page, ids: want.ids, total: want.total });
    }
  }

  async function ranksOf(subscriberId: number): Promise<number[]> {
    const rows = await t.sql<{ seq: string }>('SELECT seq FROM {schema}.fc_event_ranks WHERE subscriber_id = $1 ORDER BY seq', [subscriberId]);
    return rows.map((r) => Number(r.seq));
  }

  async function totalOf(subscriberId: number): Promise<number | null> {
    const rows = await t.sql<{ events: string }>('SELECT events FROM {schema}.fc_event_totals WHERE subscriber_id = $1', [subscriberId]);
    return rows.length === 0 ? null : Number(rows[0].events);
  }

  const oneToN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  test('every page, the one past the end included, equals counting and OFFSET', async () => {
    const contact = await createContact(t.rt);
    await trackDistinct(contact.id, 1, 23);
    await trackDistinct(contact.id, 24, 40);
    await expectPagesMatchReference(contact.id, 15);
    await expectPagesMatchReference(contact.id, 7);
    expect(await ranksOf(contact.id)).toEqual(oneToN(40));
  });

  test('repeats count the counter, not the rows', async () => {
    const contact = await createContact(t.rt);
    await trackDistinct(contact.id, 1, 3);
    await trackDistinct(contact.id, 1, 3);
    await api().track({ subscriber_id: contact.id, event_key: 'KEY_1', title: 'event 1' }); // same row, other case
    expect(await totalOf(contact.id)).toBe(3);
    expect(await ranksOf(contact.id)).toEqual([1, 2, 3]);
    const page = await api().getEvents(contact.id);
    expect(page.total).toBe(3);
    expect(page.data.map((r) => [r.event_key, r.counter])).toEqual([['key_3', '2'], ['key_2', '2'], ['key_1', '3']]);
  });

  test('a contact without events has no totals row and an empty first page', async () => {
    const contact = await createContact(t.rt);
    expect(await totalOf(contact.id)).toBeNull();
    expect(await api().getEvents(contact.id)).toMatchObject({ total: 0, data: [], from: null, to: null });
  });

  test('concurrent writers of one contact number its rows 1..n without gaps or repeats', async () => {
    const contact = await createContact(t.rt);
    const other = await createContact(t.rt);
    await Promise.all(
      Array.from({ length: 24 }, (_, w) =>
        api().trackMany(
          Array.from({ length: 10 }, (_, i) => ({ subscriber_id: i % 3 === 0 ? other.id : contact.id, event_key: `w${w}`, title: `item ${i}` })),
        ),
      ),
    );
    const [{ n }] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM {schema}.fc_event_tracking WHERE subscriber_id = $1', [contact.id]);
    expect(n).toBe(24 * 6);
    expect(await totalOf(contact.id)).toBe(n);
    expect(await ranksOf(contact.id)).toEqual(oneToN(n));
    expect(await ranksOf(other.id)).toEqual(oneToN(24 * 4));
    const pointsAtOwnRows = await t.sql<{ bad: number }>(
      `SELECT count(*)::int AS bad FROM {schema}.fc_event_ranks r
         LEFT JOIN {schema}.fc_event_tracking e ON e.id = r.event_id AND e.subscriber_id = r.subscriber_id
        WHERE e.id IS NULL`,
    );
    expect(pointsAtOwnRows).toEqual([{ bad: 0 }]);
  });

  test('rows written past the API (TypeORM, raw SQL) are counted and paged too', async () => {
    const contact = await createContact(t.rt);
    await trackDistinct(contact.id, 1, 2);
    await t.rt.dataSource.getRepository('TrackedEvent').save({ subscriber_id: String(contact.id), event_key: 'orm', title: 'Saved by TypeORM', counter: 1, created_by: 0, provider: 'custom', value: '' });
    await t.sql(
      `INSERT INTO {schema}.fc_event_tracking (subscriber_id, event_key, title, counter, created_by, provider, value)
       SELECT $1, 'sql_' || g, 'By SQL ' || g, 1, 0, 'custom', '' FROM generate_series(1, 5) g`,
      [contact.id],
    );
    expect(await totalOf(contact.id)).toBe(8);
    await expectPagesMatchReference(contact.id, 3);
  });

  test('deleting rows outside the API renumbers what is left; deleting the contact removes its totals and ranks', async () => {
    const contact = await createContact(t.rt);
    const other = await createContact(t.rt);
    await trackDistinct(contact.id, 1, 20);
    await trackDistinct(other.id, 1, 4);
    await t.sql(`DELETE FROM {schema}.fc_event_tracking WHERE subscriber_id = $1 AND event_key IN ('key_3', 'key_10', 'key_20')`, [contact.id]);
    expect(await totalOf(contact.id)).toBe(17);
    expect(await ranksOf(contact.id)).toEqual(oneToN(17));
    await expectPagesMatchReference(contact.id, 4);
    await trackDistinct(contact.id, 21, 22); // appends after the renumbering
    expect(await ranksOf(contact.id)).toEqual(oneToN(19));
    await expectPagesMatchReference(contact.id, 4);

    await t.sql('DELETE FROM {schema}.fc_event_tracking WHERE subscriber_id = $1', [other.id]);
    expect(await totalOf(other.id)).toBeNull();
    expect(await ranksOf(other.id)).toEqual([]);

    await t.sql('DELETE FROM {schema}.fc_subscribers WHERE id = $1', [contact.id]); // cascades to its events
    expect(await totalOf(contact.id)).toBeNull();
    expect(await ranksOf(contact.id)).toEqual([]);
  });

  test('TRUNCATE of the events (also by CASCADE from the contacts) empties totals and ranks', async () => {
    const contact = await createContact(t.rt);
    await trackDistinct(contact.id, 1, 3);
    await t.sql('TRUNCATE {schema}.fc_event_tracking CASCADE');
    expect(await t.sql('SELECT * FROM {schema}.fc_event_totals')).toEqual([]);
    expect(await t.sql('SELECT * FROM {schema}.fc_event_ranks')).toEqual([]);

    const again = await createContact(t.rt);
    await trackDistinct(again.id, 1, 3);
    await t.reset(); // TRUNCATE fc_subscribers … CASCADE
    expect(await t.sql('SELECT * FROM {schema}.fc_event_ranks')).toEqual([]);
  });

  test('ranks edited by hand are noticed: the page is answered by counting and OFFSET, still exact', async () => {
    const contact = await createContact(t.rt);
    await trackDistinct(contact.id, 1, 10);
    await t.sql('DELETE FROM {schema}.fc_event_ranks WHERE subscriber_id = $1 AND seq = 9', [contact.id]);
    await expectPagesMatchReference(contact.id, 3);
    expect(countedPages.take()).toBeGreaterThan(0); // it did answer by counting (and the watch sees it)
  });

  /** Undoes the newest migrations, down to and including `name` (each later one's down() runs too). */
  async function undoMigrationsThrough(name: string): Promise<void> {
    for (;;) {
      const [last] = await t.sql<{ name: string }>('SELECT name FROM {schema}.migrations ORDER BY id DESC LIMIT 1');
      await t.rt.dataSource.undoLastMigration({ transaction: 'all' });
      if (last.name === name) return;
    }
  }

  test('the migration numbers rows that existed before it', async () => {
    const contact = await createContact(t.rt);
    await trackDistinct(contact.id, 1, 5);
    await undoMigrationsThrough('AddEventTotalsAndRanks1764720000000');
    expect(await t.sql(`SELECT to_regclass('{schema}.fc_event_ranks')::text AS r`)).toEqual([{ r: null }]);
    await t.sql(
      `INSERT INTO {schema}.fc_event_tracking (subscriber_id, event_key, title, counter, created_by, provider, value)
       SELECT $1, 'old_' || g, 'Before ' || g, 1, 0, 'custom', '' FROM generate_series(1, 6) g`,
      [contact.id],
    );
    await t.rt.dataSource.runMigrations({ transaction: 'all' });
    expect(await totalOf(contact.id)).toBe(11);
    expect(await ranksOf(contact.id)).toEqual(oneToN(11));
    await expectPagesMatchReference(contact.id, 4);
  });
});
