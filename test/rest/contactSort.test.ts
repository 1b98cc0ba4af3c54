import { openTestServer, type TestServer } from '../helpers/testServer';

// GET /subscribers honours FluentCRM's sort_by and sort_type (issue 15, item 3).

interface Row {
  id: number;
  email: string;
  first_name: string | null;
  last_name: string | null;
  status: string;
  user_id: number | null;
  created_at: string;
  updated_at: string;
}

const PEOPLE = [
  { email: 'dora@sort.test', first_name: 'dora', last_name: 'Zed', status: 'subscribed', user_id: 7 },
  { email: 'Bob@sort.test', first_name: 'Bob', last_name: null, status: 'pending', user_id: null },
  { email: 'alice@sort.test', first_name: 'alice', last_name: 'young', status: 'unsubscribed', user_id: 3 },
  { email: 'carl@sort.test', first_name: null, last_name: 'xavier', status: 'subscribed', user_id: 9 },
  { email: 'bob2@sort.test', first_name: 'bob', last_name: 'Zed', status: 'pending', user_id: 3 },
] as const;

describe('GET /subscribers?sort_by=&sort_type=', () => {
  let s: TestServer;
  let rows: Row[];

  beforeAll(async () => {
    s = await openTestServer();
    for (const person of PEOPLE) await s.rt.api('contacts').createOrUpdate(person as never);
    // Ties on the dates, so the id tie-break decides between them.
    await s.sql(`UPDATE {schema}.fc_subscribers SET created_at = '2026-01-01T00:00:00Z', updated_at = '2026-02-01T00:00:00Z' WHERE email IN ('dora@sort.test', 'alice@sort.test')`);
    await s.sql(`UPDATE {schema}.fc_subscribers SET created_at = '2025-06-01T00:00:00Z', updated_at = '2026-03-01T00:00:00Z' WHERE email NOT IN ('dora@sort.test', 'alice@sort.test')`);
    rows = (await s.call('/subscribers?per_page=100')).body.subscribers.data;
    expect(rows).toHaveLength(PEOPLE.length);
  });
  afterAll(() => s.close());

  const listed = async (query: string): Promise<number[]> => {
    const { status, body } = await s.call(`/subscribers?per_page=100&${query}`, { as: 'read' });
    expect({ query, status }).toEqual({ query, status: 200 });
    return body.subscribers.data.map((row: Row) => row.id);
  };

  /** MySQL's order as FluentCRM gets it: text case-insensitively, NULL lowest; ties by id in the same direction. */
  function expected(column: keyof Row, direction: 'ASC' | 'DESC'): number[] {
    const key = (row: Row) => {
      const value = row[column];
      return typeof value === 'string' && column !== 'created_at' && column !== 'updated_at' ? value.toLowerCase() : value;
    };
    const sign = direction === 'ASC' ? 1 : -1;
    return [...rows]
      .sort((a, b) => {
        const [x, y] = [key(a), key(b)];
        if (x !== y) {
          if (x === null) return -sign;
          if (y === null) return sign;
          return (x < y ? -1 : 1) * sign;
        }
        return (a.id - b.id) * sign;
      })
      .map((row) => row.id);
  }

  test('default: id DESC, as before', async () => {
    const ids = rows.map((row) => row.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(await listed('')).toEqual(ids);
    expect(await listed('sort_by=&sort_type=')).toEqual(ids);
  });

  test('sort_by=id&sort_type=ASC answers the oldest first (issue: it returned 2, 1)', async () => {
    expect(await listed('sort_by=id&sort_type=ASC')).toEqual(rows.map((row) => row.id).reverse());
  });

  test.each(['id', 'email', 'first_name', 'last_name', 'status', 'user_id', 'created_at', 'updated_at'] as const)(
    'sort_by=%s, both directions: case-insensitive text, NULL lowest, ties by id',
    async (column) => {
      expect(await listed(`sort_by=${column}&sort_type=ASC`)).toEqual(expected(column, 'ASC'));
      expect(await listed(`sort_by=${column}&sort_type=DESC`)).toEqual(expected(column, 'DESC'));
      expect(await listed(`sort_by=${column}`)).toEqual(expected(column, 'DESC'));
    },
  );

  test('sort_type in any case; sort_by too', async () => {
    const ascending = expected('email', 'ASC');
    expect(await listed('sort_by=email&sort_type=asc')).toEqual(ascending);
    expect(await listed('sort_by=Email&sort_type=Asc')).toEqual(ascending);
    expect(await listed('sort_by=email&sort_type=desc')).toEqual(expected('email', 'DESC'));
  });

  test('together with a search, a filter and pages: the pages concatenate to the sorted list, without overlap', async () => {
    const withB = rows.filter((row) => /b/i.test(`${row.email} ${row.first_name ?? ''} ${row.last_name ?? ''}`)).map((row) => row.id);
    const sorted = expected('last_name', 'ASC').filter((id) => withB.includes(id));
    expect(sorted.length).toBeGreaterThanOrEqual(2);
    const paged: number[] = [];
    for (let page = 1; page <= sorted.length; page += 1) {
      const { body } = await s.call(`/subscribers?search=b&sort_by=last_name&sort_type=ASC&per_page=1&page=${page}`);
      expect(body.subscribers.total).toBe(sorted.length);
      paged.push(...body.subscribers.data.map((row: Row) => row.id));
    }
    expect(paged).toEqual(sorted);

    await s.rt.api('event_tracker').track({ event_key: 'sorted', title: 'Sorted', email: 'dora@sort.test' });
    await s.rt.api('event_tracker').track({ event_key: 'sorted', title: 'Sorted', email: 'alice@sort.test' });
    const filter = encodeURIComponent(JSON.stringify([[{ source: ['event_tracking', 'event_tracking_key'], operator: 'in', value: ['sorted'] }]]));
    const filtered = await listed(`advanced_filters=${filter}&sort_by=first_name&sort_type=asc`);
    expect(filtered.map((id) => rows.find((row) => row.id === id)!.email)).toEqual(['alice@sort.test', 'dora@sort.test']);
  });

  test.each([
    ['sort_by=name', 'sort_by', 'sort_by must be one of id, email, first_name, last_name, status, user_id, created_at, updated_at; "name" was given.'],
    ['sort_by=id%3B%20DROP%20TABLE%20x', 'sort_by', 'sort_by must be one of'],
    ['sort_by=lower(email)', 'sort_by', 'sort_by must be one of'],
    ['sort_by=id&sort_type=up', 'sort_type', 'sort_type must be ASC or DESC; "up" was given.'],
    ['sort_type=DESC%2C%20email', 'sort_type', 'sort_type must be ASC or DESC'],
  ])('%s → 422 rest_invalid_param naming %s', async (query, param, message) => {
    const { status, body } = await s.call(`/subscribers?${query}`);
    expect(status).toBe(422);
    expect(body).toEqual({
      code: 'rest_invalid_param',
      message: expect.stringContaining(message),
      data: { status: 422, params: { [param]: expect.stringContaining(message) } },
    });
  });

  test('a repeated sort parameter is a 422, not a silent pick', async () => {
    expect(await s.call('/subscribers?sort_by=id&sort_by=email')).toMatchObject({ status: 422, body: { error_code: 'invalid_data' } });
  });

  test('in process: api(contacts).query takes sort_by/sort_type and rejects a bad one with invalid_sort', async () => {
    const page = await s.rt.api('contacts').query({ sort_by: 'email', sort_type: 'asc', per_page: 100 });
    expect(page.data.map((row) => row.id)).toEqual(expected('email', 'ASC'));
    await expect(s.rt.api('contacts').query({ sort_by: 'password' })).rejects.toMatchObject({ code: 'invalid_sort' });
  });
});
