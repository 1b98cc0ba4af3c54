import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';
import { item, matching } from './filterTestKit';

/** One row of fc_event_tracking (a key + title) and the times of its occurrences in the history. */
interface SeedHistory {
  key: string;
  title: string;
  at: string[];
  /** The counter row's counter; defaults to the number of occurrences (as the tracker keeps them). */
  counter?: number;
}

/** `event_tracking_occurrences`: OP `value` within the last `days` days, for `key`. */
function occurrences(operator: string, value: unknown, key: unknown, days: unknown): Record<string, unknown> {
  return { ...item('event_tracking_occurrences', operator, value, key), days };
}

const DAY_MS = 86_400_000;

/**
 * "Occurred N times within the last D days", counted from fc_event_occurrences. The history is
 * written by SQL with exact occurred_at values and the clock (`now`) is fixed, so windows are exact.
 *   ann: visited_pricing "Pricing" ×3 and "Pricing (annual)" ×1 in the last 30 days (key spelt two
 *        ways), 2 more in 2025-12 → 4 in 30 days, 6 in 365
 *   ben: one exactly 30 days before now, one a second earlier → 1 in 30 days
 *   cat: 5 in 2025-06 only → 0 in 30 days, 5 in 365
 *   dan: only another key in the window; eve: no events
 *   fay: a counter row of the key (counter 7) but no history (tracked before history existed) → 0
 *   gus: one 2026-03-01 and one 3 minutes after "now" (another clock's stamp) → 2
 */
describe('filters: event_tracking_occurrences (N times within the last D days)', () => {
  let t: TestRuntime;
  let ids: Map<string, number>;
  const NOW = new Date('2026-03-15T12:00:00Z');
  const pricing = (operator: string, value: unknown, days: unknown = 30, now = NOW) =>
    matching(t, ids, [[occurrences(operator, value, 'Visited_Pricing', days)]], now);

  async function seed(contacts: Record<string, SeedHistory[]>): Promise<Map<string, number>> {
    const seeded = new Map<string, number>();
    for (const [name, events] of Object.entries(contacts)) {
      const contact = await t.rt.api('contacts').createOrUpdate({ email: `${name}@example.com`, first_name: name });
      seeded.set(name, contact.id);
      for (const e of events) {
        const [{ id }] = await t.sql<{ id: string }>(
          `INSERT INTO {schema}.fc_event_tracking (subscriber_id, counter, event_key, title) VALUES ($1, $2, $3, $4) RETURNING id`,
          [contact.id, e.counter ?? e.at.length, e.key, e.title],
        );
        await t.sql(
          `INSERT INTO {schema}.fc_event_occurrences (event_id, subscriber_id, counter, occurred_at)
           SELECT $1, $2, n, at FROM unnest($3::timestamptz[]) WITH ORDINALITY AS h(at, n)`,
          [id, contact.id, e.at],
        );
      }
    }
    return seeded;
  }

  beforeAll(async () => {
    t = await openTestRuntime();
    ids = await seed({
      ann: [
        { key: 'visited_pricing', title: 'Pricing', at: ['2025-12-01T09:00:00Z', '2026-02-20T09:00:00Z', '2026-03-10T09:00:00Z', '2026-03-14T09:00:00Z'] },
        { key: 'Visited_Pricing', title: 'Pricing (annual)', at: ['2025-12-02T09:00:00Z', '2026-03-01T09:00:00Z'] },
      ],
      ben: [{ key: 'visited_pricing', title: 'Pricing', at: ['2026-02-13T11:59:59Z', '2026-02-13T12:00:00Z'] }],
      cat: [{ key: 'VISITED_PRICING', title: 'Pricing', at: ['2025-06-01T00:00:00Z', '2025-06-02T00:00:00Z', '2025-06-03T00:00:00Z', '2025-06-04T00:00:00Z', '2025-06-05T00:00:00Z'] }],
      dan: [{ key: 'signup', title: 'Form', at: ['2026-03-14T00:00:00Z', '2026-03-15T00:00:00Z'] }],
      eve: [],
      fay: [{ key: 'visited_pricing', title: 'Pricing', at: [], counter: 7 }],
      gus: [{ key: 'visited_pricing', title: 'Pricing', at: ['2026-03-01T00:00:00Z', '2026-03-15T12:03:00Z'] }],
    });
  });
  afterAll(() => t.close());

  // Counts in the last 30 days: ann 4, ben 1, gus 2, the rest 0.
  test.each([
    ['>', 1, ['ann', 'gus']],
    ['>', 0, ['ann', 'ben', 'gus']],
    ['>', '3.5', ['ann']],
    ['>', -1, ['ann', 'ben', 'cat', 'dan', 'eve', 'fay', 'gus']],
    ['=', 4, ['ann']],
    ['=', '2', ['gus']],
    ['=', 0, ['cat', 'dan', 'eve', 'fay']], // 0 = 0: contacts without occurrences in the window are in
    ['<', 2, ['ben', 'cat', 'dan', 'eve', 'fay']],
    ['<', 1, ['cat', 'dan', 'eve', 'fay']],
    ['<', 0, []],
    ['!=', 1, ['ann', 'cat', 'dan', 'eve', 'fay', 'gus']],
    ['!=', 0, ['ann', 'ben', 'gus']],
  ])('30 days, %s %p', async (operator, value, expected) => {
    expect(await pricing(operator, value)).toEqual(expected);
  });

  test('a longer window counts older occurrences: 365 days → ann 6, ben 2, cat 5, gus 2', async () => {
    expect(await pricing('>', 4, 365)).toEqual(['ann', 'cat']);
    expect(await pricing('=', 2, '365')).toEqual(['ben', 'gus']);
    expect(await pricing('=', 0, 365)).toEqual(['dan', 'eve', 'fay']);
  });

  test('the window starts exactly D×24 h before now, inclusive', async () => {
    // ben's later occurrence is at now − 30 days exactly: in; the other is one second earlier: out.
    expect(await pricing('=', 1, 30)).toEqual(['ben']);
    expect(await pricing('=', 2, 30, new Date(NOW.getTime() - 1000))).toEqual(['ben', 'gus']);
    expect(await pricing('>', 0, 30, new Date(NOW.getTime() + 1))).toEqual(['ann', 'gus']);
    // One day: since 2026-03-14T12:00 → ann's 03-14 09:00 is out, gus's stamp after now is in.
    expect(await pricing('>', 0, 1)).toEqual(['gus']);
    expect(await pricing('>', 0, 1, new Date('2026-03-15T09:00:00Z'))).toEqual(['ann', 'gus']);
  });

  test('every title of the key counts, whatever the spelling of key and filter', async () => {
    // ann: 3 "Pricing" + 1 "Pricing (annual)" in the window; neither title alone reaches 4.
    expect(await matching(t, ids, [[occurrences('=', 4, ' visited_PRICING ', 30)]], NOW)).toEqual(['ann']);
  });

  test('only the history counts: the counter row says nothing about when (fay has counter 7)', async () => {
    expect(await pricing('>', 0, 36_500)).toEqual(['ann', 'ben', 'cat', 'gus']);
    expect(await matching(t, ids, [[item('event_tracking_key_total_count', '>', 6, 'visited_pricing')]])).toEqual(['fay']);
  });

  test('another key is counted apart', async () => {
    expect(await matching(t, ids, [[occurrences('=', 2, 'signup', 7)]], NOW)).toEqual(['dan']);
    expect(await matching(t, ids, [[occurrences('>', 0, 'no_such_key', 7)]], NOW)).toEqual([]);
  });

  test('combines with other items and groups', async () => {
    const active = occurrences('>', 0, 'visited_pricing', 30);
    expect(await matching(t, ids, [[active, item('event_tracking_title', '=', 'pricing (annual)')]], NOW)).toEqual(['ann']);
    expect(await matching(t, ids, [[active], [item('event_tracking_key', 'in', ['signup'])]], NOW)).toEqual(['ann', 'ben', 'dan', 'gus']);
    expect(await matching(t, ids, [[occurrences('<', 1, 'visited_pricing', 30), item('event_tracking_key', 'in', ['visited_pricing'])]], NOW)).toEqual([
      'cat',
      'fay',
    ]);
  });

  test.each([
    ['no days', undefined, /^Filter group 1, item 1: event_tracking_occurrences needs days, the window in whole days \(1 to 36500\)$/],
    ['blank days', ' ', /needs days/],
    ['0 days', 0, /^Filter group 1, item 1: days 0 must be a whole number of days from 1 to 36500$/],
    ['36501 days', 36_501, /days 36501 must be a whole number/],
    ['1.5 days', 1.5, /days 1.5 must be a whole number/],
    ['text days', 'week', /days "week" must be a whole number/],
  ])('%s → invalid_filter through api("contacts").query', async (_name, days, message) => {
    await expect(t.rt.api('contacts').query({ filters: [[occurrences('>', 1, 'visited_pricing', days)]] })).rejects.toMatchObject({
      code: 'invalid_filter',
      message: expect.stringMatching(message),
    });
  });
});

/** The tracker writes the history the filter reads: occurred_at given on track(), the default clock. */
describe('filters: event_tracking_occurrences over tracked events', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await openTestRuntime();
  });
  afterAll(() => t.close());

  test('tracked with occurred_at, counted against the real clock when no now is given', async () => {
    const api = t.rt.api('event_tracker');
    const [amy, bo] = await Promise.all(['amy', 'bo'].map((name) => t.rt.api('contacts').createOrUpdate({ email: `${name}@example.com` })));
    const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();
    const track = (subscriber_id: number, title: string, occurred_at: string) =>
      api.track({ event_key: 'visited_pricing', title, subscriber_id, occurred_at });
    await track(amy.id, 'Pricing', daysAgo(2));
    await track(amy.id, 'Pricing', daysAgo(3));
    await track(amy.id, 'Plans', daysAgo(5));
    await track(amy.id, 'Pricing', '2020-01-01T00:00:00Z');
    await track(bo.id, 'Pricing', daysAgo(10));
    const ids = new Map([
      ['amy', amy.id],
      ['bo', bo.id],
    ]);
    expect(await matching(t, ids, [[occurrences('=', 3, 'visited_pricing', 7)]])).toEqual(['amy']);
    expect(await matching(t, ids, [[occurrences('<', 1, 'visited_pricing', 7)]])).toEqual(['bo']);
    expect(await matching(t, ids, [[occurrences('>', 3, 'visited_pricing', 36_500)]])).toEqual(['amy']);
    expect(await matching(t, ids, [[occurrences('=', 1, 'visited_pricing', 11)]])).toEqual(['bo']);
  });
});
