import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';
import { item, matching, seedContacts } from './filterTestKit';

/**
 * First seen = min(created_at), last seen = max(updated_at) over a key's rows (all titles); total
 * count = sum(counter) across titles. A fixed clock (`now`) makes `within_days` exact.
 *   alice: login ×4 (Web) 2026-01-10 08:00 → 2026-03-14 10:00, login ×2 (App) 2026-02-01 → 2026-02-20
 *   bob:   login ×1 2026-03-10 00:00
 *   carol: login ×2 2025-12-31 23:59:59 → 2026-01-05
 *   dave:  only another key; erin: no events
 */
describe('filters: first seen, last seen, total count', () => {
  let t: TestRuntime;
  let ids: Map<string, number>;
  const NOW = new Date('2026-03-15T12:00:00Z');
  const one = (property: string, operator: string, value: unknown, now = NOW) => matching(t, ids, [[item(property, operator, value, 'Login')]], now);

  beforeAll(async () => {
    t = await openTestRuntime();
    ids = await seedContacts(t, {
      alice: [
        { key: 'login', title: 'Web', counter: 4, created_at: '2026-01-10T08:00:00Z', updated_at: '2026-03-14T10:00:00Z' },
        { key: 'LOGIN', title: 'App', counter: 2, created_at: '2026-02-01T00:00:00Z', updated_at: '2026-02-20T00:00:00Z' },
      ],
      bob: [{ key: 'login', title: 'Web', created_at: '2026-03-10T00:00:00Z' }],
      carol: [{ key: 'Login', title: 'Web', counter: 2, created_at: '2025-12-31T23:59:59Z', updated_at: '2026-01-05T00:00:00Z' }],
      dave: [{ key: 'logout', title: 'Web', counter: 9, created_at: '2026-03-15T11:00:00Z' }],
      erin: [],
    });
  });
  afterAll(() => t.close());

  describe('event_tracking_first_seen', () => {
    test('before a day: before it starts', async () => {
      expect(await one('event_tracking_first_seen', 'before', '2026-01-01')).toEqual(['carol']);
      expect(await one('event_tracking_first_seen', 'before', '2026-01-11')).toEqual(['alice', 'carol']);
    });
    test('before a time: strictly earlier; an offset is honoured', async () => {
      expect(await one('event_tracking_first_seen', 'before', '2026-01-10T08:00:00Z')).toEqual(['carol']);
      expect(await one('event_tracking_first_seen', 'before', '2026-01-10T08:00:01Z')).toEqual(['alice', 'carol']);
      expect(await one('event_tracking_first_seen', 'before', '2026-01-10T09:00:00+01:00')).toEqual(['carol']);
      expect(await one('event_tracking_first_seen', 'before', '2026-01-10 09:00:01+01:00')).toEqual(['alice', 'carol']);
    });
    test('after a day: from the next day on; after a time: strictly later', async () => {
      expect(await one('event_tracking_first_seen', 'after', '2026-01-10')).toEqual(['bob']);
      expect(await one('event_tracking_first_seen', 'after', '2026-01-09')).toEqual(['alice', 'bob']);
      expect(await one('event_tracking_first_seen', 'after', '2026-01-10T07:59:59Z')).toEqual(['alice', 'bob']);
      expect(await one('event_tracking_first_seen', 'after', '2025-12-31T23:59:59Z')).toEqual(['alice', 'bob']);
    });
    test('within_days: first seen in the last N days (now − N×24 h, inclusive)', async () => {
      expect(await one('event_tracking_first_seen', 'within_days', 7)).toEqual(['bob']);
      expect(await one('event_tracking_first_seen', 'within_days', '70')).toEqual(['alice', 'bob']);
      expect(await one('event_tracking_first_seen', 'within_days', 1, new Date('2026-03-11T00:00:00Z'))).toEqual(['bob']);
      expect(await one('event_tracking_first_seen', 'within_days', 1, new Date('2026-03-11T00:00:00.001Z'))).toEqual([]);
    });
  });

  describe('event_tracking_last_seen', () => {
    test('before / after', async () => {
      expect(await one('event_tracking_last_seen', 'before', '2026-03-10')).toEqual(['carol']);
      expect(await one('event_tracking_last_seen', 'before', '2026-03-10T00:00:01Z')).toEqual(['bob', 'carol']);
      expect(await one('event_tracking_last_seen', 'after', '2026-03-13')).toEqual(['alice']);
      expect(await one('event_tracking_last_seen', 'after', '2026-01-04')).toEqual(['alice', 'bob', 'carol']);
    });
    test('within_days uses the latest updated_at of any title of the key', async () => {
      expect(await one('event_tracking_last_seen', 'within_days', 2)).toEqual(['alice']);
      expect(await one('event_tracking_last_seen', 'within_days', 6)).toEqual(['alice', 'bob']);
      // Since now − N days, with no upper bound: a row the database stamped a moment "after" the
      // application's clock still counts (the two clocks need not agree).
      expect(await one('event_tracking_last_seen', 'within_days', 5, new Date('2026-01-08T00:00:00Z'))).toEqual(['alice', 'bob', 'carol']);
      expect(await one('event_tracking_last_seen', 'within_days', 2, new Date('2026-01-08T00:00:00Z'))).toEqual(['alice', 'bob']);
    });
  });

  describe('event_tracking_key_total_count: sum of counters across titles; no rows = 0', () => {
    test.each([
      ['=', 6, ['alice']],
      ['>', 1, ['alice', 'carol']],
      ['<', 3, ['bob', 'carol', 'dave', 'erin']], // 0 < 3: contacts without the key are in
      ['<', 1, ['dave', 'erin']],
      ['=', 0, ['dave', 'erin']],
      ['!=', 2, ['alice', 'bob', 'dave', 'erin']],
      ['!=', 0, ['alice', 'bob', 'carol']],
      ['>', -1, ['alice', 'bob', 'carol', 'dave', 'erin']],
      ['>', '5.5', ['alice']],
    ])('%s %s', async (operator, value, expected) => {
      expect(await one('event_tracking_key_total_count', operator, value)).toEqual(expected);
    });

    test('unlike key_count, which compares one row: no single row of alice has counter 6', async () => {
      expect(await one('event_tracking_key_count', '=', 6)).toEqual([]);
      expect(await one('event_tracking_key_count', '=', 4)).toEqual(['alice']);
    });
  });

  test('recency combines with other items', async () => {
    const groups = [[item('event_tracking_first_seen', 'before', '2026-02-01', 'login'), item('event_tracking_key_total_count', '>', 2, 'login')]];
    expect(await matching(t, ids, groups, NOW)).toEqual(['alice']);
  });

  test.each([
    ['within_days 0', 'within_days', 0, 'must be a whole number of days from 1 to 36500'],
    ['within_days 1.5', 'within_days', 1.5, 'whole number of days'],
    ['within_days "abc"', 'within_days', 'abc', 'whole number of days'],
    ['an impossible date', 'before', '2026-02-30', 'must be an ISO date'],
    ['a number as date', 'after', 20260101, 'must be an ISO date'],
    ['a US date', 'after', '01/31/2026', 'must be an ISO date'],
  ])('%s → invalid_filter', async (_name, operator, value, message) => {
    await expect(t.rt.api('contacts').query({ filters: [[item('event_tracking_last_seen', operator, value, 'login')]] })).rejects.toMatchObject({
      code: 'invalid_filter',
      message: expect.stringContaining(message),
    });
  });
});
