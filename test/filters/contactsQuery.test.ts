import { FcrmError, type Paginator } from '../../src';
import type { ContactListItem } from '../../src/api/contactsApi';
import { checkContactMatches } from '../../src/filters';
import { tableNames } from '../../src/db/tableNames';
import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';
import { item, seedContacts } from './filterTestKit';

describe("api('contacts').query", () => {
  let t: TestRuntime;
  let ids: Map<string, number>;
  const names = (rows: Array<{ id: number }>) => rows.map((r) => [...ids].find(([, id]) => id === r.id)?.[0]);

  beforeAll(async () => {
    t = await openTestRuntime();
    ids = await seedContacts(t, {
      ann: [{ key: 'signup', title: 'Signed up' }],
      ben: [
        { key: 'signup', title: 'Signed up', value: 'old' },
        { key: 'purchase', title: 'Bought', counter: 2 },
      ],
      cat: [],
      dan: [{ key: 'signup', title: 'Signed up' }],
      eve: [{ key: 'purchase', title: 'Bought' }],
    });
    await t.rt.api('contacts').createOrUpdate({ email: 'x_y@example.com', first_name: 'Ann', last_name: 'Percent%Smith' });
  });
  afterAll(() => t.close());

  test("FluentCRM's paginator of contacts, newest id first, with the total", async () => {
    const page = await t.rt.api('contacts').query({ filters: [[item('event_tracking_key', 'in', ['signup'])]], per_page: 2 });
    expect(page).toMatchObject({ current_page: 1, per_page: 2, total: 3, last_page: 2, from: 1, to: 2, path: '/wp-json/fluent-crm/v2/subscribers/' });
    expect(page.next_page_url).toBe('/wp-json/fluent-crm/v2/subscribers/?page=2');
    expect(names(page.data)).toEqual(['dan', 'ben']);
    expect(page.data[0]).toEqual({
      id: ids.get('dan'),
      user_id: null,
      email: 'dan@example.com',
      first_name: 'dan',
      last_name: null,
      status: 'subscribed',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
    });
    const second = await t.rt.api('contacts').query({ filters: [[item('event_tracking_key', 'in', ['signup'])]], per_page: 2, page: 2 });
    expect(names(second.data)).toEqual(['ann']);
    const past = await t.rt.api('contacts').query({ filters: [[item('event_tracking_key', 'in', ['signup'])]], per_page: 2, page: 9 });
    expect(past).toMatchObject({ current_page: 9, data: [], total: 3, from: null, to: null });
  });

  test('no options: every contact', async () => {
    const page = await t.rt.api('contacts').query();
    expect(page.total).toBe(6);
    expect(page.data[0].email).toBe('x_y@example.com');
  });

  test('search: e-mail or name, case-insensitive, wildcards literal, combined with the filters', async () => {
    const search = async (text: string, filters?: unknown) => (await t.rt.api('contacts').query({ search: text, filters })).data.map((c) => c.email);
    expect(await search('BEN@')).toEqual(['ben@example.com']);
    expect(await search('ann')).toEqual(['x_y@example.com', 'ann@example.com']);
    expect(await search('ann', [[item('event_tracking_key', 'in', ['signup'])]])).toEqual(['ann@example.com']);
    expect(await search('_')).toEqual(['x_y@example.com']);
    expect(await search('%smith')).toEqual(['x_y@example.com']);
    expect(await search('ann percent')).toEqual(['x_y@example.com']); // first and last name as one
    expect(await search('   ')).toHaveLength(6);
  });

  /** Counts the SELECT statements `fn` sends, through whichever query runner (plain or in a transaction). */
  async function selectsDuring(fn: () => Promise<unknown>): Promise<number> {
    const original = t.rt.dataSource.createQueryRunner.bind(t.rt.dataSource);
    let selects = 0;
    const spy = jest.spyOn(t.rt.dataSource, 'createQueryRunner').mockImplementation((mode) => {
      const runner = original(mode);
      const query = runner.query.bind(runner);
      runner.query = ((sql: string, ...rest: unknown[]) => {
        if (/^\s*SELECT/i.test(sql)) selects += 1;
        return (query as (...args: unknown[]) => Promise<unknown>)(sql, ...rest);
      }) as typeof runner.query;
      return runner;
    });
    try {
      await fn();
    } finally {
      spy.mockRestore();
    }
    return selects;
  }

  test('with_events: each contact with its events, newest first, in one extra query for the page', async () => {
    let page: Paginator<ContactListItem> | undefined;
    expect(await selectsDuring(async () => (page = await t.rt.api('contacts').query({ with_events: true })))).toBe(3); // rows, count, events
    const ben = page!.data.find((c) => c.id === ids.get('ben'));
    expect(ben?.events?.map((e) => e.event_key)).toEqual(['purchase', 'signup']);
    expect(ben?.events?.[0]).toEqual({
      id: expect.any(Number),
      subscriber_id: String(ids.get('ben')),
      counter: '2',
      created_by: '0',
      provider: 'custom',
      event_key: 'purchase',
      title: 'Bought',
      value: '',
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(page!.data.find((c) => c.id === ids.get('cat'))?.events).toEqual([]);
    expect(await selectsDuring(() => t.rt.api('contacts').query({ with_events: true, per_page: 2 }))).toBe(3); // whatever the page size
    let plain: typeof page;
    expect(await selectsDuring(async () => (plain = await t.rt.api('contacts').query()))).toBe(2);
    expect(plain!.data[0]).not.toHaveProperty('events');
  });

  test('per_page follows getEvents: 1 to 100, else invalid_pagination', async () => {
    await expect(t.rt.api('contacts').query({ per_page: 0 })).rejects.toMatchObject({ code: 'invalid_pagination' });
    await expect(t.rt.api('contacts').query({ per_page: '101' })).rejects.toBeInstanceOf(FcrmError);
    expect((await t.rt.api('contacts').query({ per_page: '100', page: 'abc' })).current_page).toBe(1);
  });

  test('checkContactMatches: one contact against the groups (for automation conditions)', async () => {
    const tables = tableNames(t.schema);
    const groups = [[item('event_tracking_key_count', '>', 1, 'purchase')]];
    expect(await checkContactMatches(t.rt.dataSource, tables, ids.get('ben')!, groups)).toBe(true);
    expect(await checkContactMatches(t.rt.dataSource, tables, String(ids.get('eve')), groups)).toBe(false);
    expect(await checkContactMatches(t.rt.dataSource, tables, ids.get('cat')!, [])).toBe(true);
    expect(await checkContactMatches(t.rt.dataSource, tables, 999999, [])).toBe(false);
    expect(await checkContactMatches(t.rt.dataSource, tables, 'abc', groups)).toBe(false);
    await expect(checkContactMatches(t.rt.dataSource, tables, 'abc', '[')).rejects.toMatchObject({ code: 'invalid_filter' });
  });
});
