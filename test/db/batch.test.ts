import { HOOKS } from '../../src';
import { createContact } from '../helpers/fixtures';
import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';

describe("api('event_tracker').trackMany", () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await openTestRuntime();
  });
  afterAll(() => t.close());
  beforeEach(() => t.reset());

  test('1,000 events with 10 bad items: 990 stored, 10 precise errors, in input order', async () => {
    const contacts = await Promise.all(Array.from({ length: 10 }, () => createContact(t.rt)));
    const events: unknown[] = Array.from({ length: 1000 }, (_, i) => ({
      event_key: `key_${i % 100}`,
      title: `Title ${i % 7}`,
      subscriber_id: contacts[i % 10].id,
    }));
    const bad = new Map<number, string>([
      [3, 'invalid_data'],
      [150, 'invalid_data'],
      [299, 'subscriber_not_found'],
      [400, 'value_too_long'],
      [401, 'invalid_data'],
      [555, 'subscriber_not_found'],
      [600, 'invalid_data'],
      [777, 'invalid_data'],
      [888, 'invalid_data'],
      [999, 'subscriber_not_found'],
    ]);
    events[3] = { title: 'no key', subscriber_id: contacts[0].id };
    events[150] = { event_key: 'k', title: '<b></b>', subscriber_id: contacts[0].id };
    events[299] = { event_key: 'k', title: 'T', subscriber_id: 99999999 };
    events[400] = { event_key: 'k', title: 'T', subscriber_id: contacts[0].id, value: 'v'.repeat(70_000) };
    events[401] = null;
    events[555] = { event_key: 'k', title: 'T', email: 'nobody@example.com' };
    events[600] = { event_key: ['array'], title: 'T', subscriber_id: contacts[0].id };
    events[777] = 'not an object';
    events[888] = { event_key: 'k', title: 'T', subscriber_id: contacts[0].id, occurred_at: '1999-12-31' };
    events[999] = { event_key: 'k', title: 'T', subscriber_id: '1abc' };

    const results = await t.rt.api('event_tracker').trackMany(events);
    expect(results.map((r) => r.index)).toEqual(events.map((_, i) => i));
    const failed = results.filter((r) => 'error_code' in r);
    expect(failed.map((r) => [r.index, 'error_code' in r ? r.error_code : ''])).toEqual([...bad.entries()]);
    for (const failure of failed) expect('message' in failure && failure.message.length).toBeGreaterThan(0);
    const [{ rows, total }] = await t.sql<{ rows: number; total: number }>(
      'SELECT count(*)::int AS rows, sum(counter)::int AS total FROM {schema}.fc_event_tracking',
    );
    expect(total).toBe(990);
    expect(rows).toBeLessThanOrEqual(990);
    expect(await t.sql('SELECT count(*)::int AS n FROM {schema}.fc_event_occurrences')).toEqual([{ n: 990 }]);
  });

  test('a batch repeating one event 50 times raises the counter by 50; each occurrence has its own counter', async () => {
    const contact = await createContact(t.rt);
    const api = t.rt.api('event_tracker');
    await api.track({ event_key: 'clicked', title: 'Clicked', subscriber_id: contact.id });
    const results = await api.trackMany(
      Array.from({ length: 50 }, (_, i) => ({ event_key: i % 2 ? 'CLICKED' : 'clicked', title: 'Clicked', subscriber_id: contact.id, value: `v${i}` })),
    );
    expect(new Set(results.map((r) => ('id' in r ? r.id : 0))).size).toBe(1);
    expect(await t.sql('SELECT counter, value FROM {schema}.fc_event_tracking')).toEqual([{ counter: 51, value: 'v49' }]);
    const history = await t.sql<{ counter: number; value: string }>('SELECT counter, value FROM {schema}.fc_event_occurrences ORDER BY id');
    expect(history.map((h) => h.counter)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
    expect(history[50]).toEqual({ counter: 51, value: 'v49' });
  });

  test('the done action fires once per stored item, each with the counter its own increment produced', async () => {
    const contact = await createContact(t.rt);
    const counters: number[] = [];
    t.rt.hooks.addAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'test/batch', (event: { counter: number }) => {
      counters.push(event.counter);
    });
    try {
      await t.rt.api('event_tracker').trackMany(
        [
          { event_key: 'a', title: 'A', subscriber_id: contact.id },
          { event_key: 'a', title: 'A', subscriber_id: contact.id },
          { title: 'broken', subscriber_id: contact.id },
          { event_key: 'a', title: 'A', subscriber_id: contact.id },
        ],
        true,
      );
      expect(counters.sort()).toEqual([1, 2, 3]);
    } finally {
      t.rt.hooks.removeAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'test/batch');
    }
  });

  test('idempotency keys inside and across batches: applied once, later copies replayed', async () => {
    const contact = await createContact(t.rt);
    const api = t.rt.api('event_tracker');
    const item = (key: string) => ({ event_key: 'paid', title: 'Paid', subscriber_id: contact.id, idempotency_key: key });
    const first = await api.trackMany([item('a'), item('a'), item('b')]);
    expect(first).toEqual([
      { index: 0, id: expect.any(Number) },
      { index: 1, id: expect.any(Number), replayed: true },
      { index: 2, id: expect.any(Number) },
    ]);
    const again = await api.trackMany([item('b'), item('c')]);
    expect(again).toEqual([
      { index: 0, id: expect.any(Number), replayed: true },
      { index: 1, id: expect.any(Number) },
    ]);
    expect(await t.sql('SELECT counter FROM {schema}.fc_event_tracking')).toEqual([{ counter: 3 }]);
  });

  test('a key reused with another event inside and across batches: that item has idempotency_key_mismatch, the rest is stored', async () => {
    const contact = await createContact(t.rt);
    const api = t.rt.api('event_tracker');
    const item = (key: string, value: string) => ({ event_key: 'paid', title: 'Paid', subscriber_id: contact.id, idempotency_key: key, value });
    const mismatch = { error_code: 'idempotency_key_mismatch', message: expect.stringContaining('already used for a different event') };
    expect(await api.trackMany([item('a', '1'), item('a', '2'), item('a', '1'), item('b', '1')])).toEqual([
      { index: 0, id: expect.any(Number) },
      { index: 1, ...mismatch },
      { index: 2, id: expect.any(Number), replayed: true },
      { index: 3, id: expect.any(Number) },
    ]);
    expect(await api.trackMany([item('b', '2'), item('b', '1'), item('c', '1')])).toEqual([
      { index: 0, ...mismatch },
      { index: 1, id: expect.any(Number), replayed: true },
      { index: 2, id: expect.any(Number) },
    ]);
    expect(await t.sql('SELECT counter, value FROM {schema}.fc_event_tracking')).toEqual([{ counter: 3, value: '1' }]);
  });

  test('more than 1,000 events, or not an array, is rejected as a whole', async () => {
    const api = t.rt.api('event_tracker');
    await expect(api.trackMany(Array.from({ length: 1001 }, () => ({})))).rejects.toMatchObject({ code: 'invalid_data' });
    await expect(api.trackMany('x' as never)).rejects.toMatchObject({ code: 'invalid_data' });
    expect(await api.trackMany([])).toEqual([]);
  });

  test('concurrent batches touching the same rows in different orders neither deadlock nor lose counts', async () => {
    const contacts = await Promise.all(Array.from({ length: 5 }, () => createContact(t.rt)));
    const items = contacts.flatMap((c) => ['a', 'b', 'c', 'd'].map((k) => ({ event_key: k, title: 'T', subscriber_id: c.id })));
    const batches = Array.from({ length: 20 }, (_, i) => (i % 2 ? [...items].reverse() : items));
    await Promise.all(batches.map((batch) => t.rt.api('event_tracker').trackMany(batch)));
    expect(await t.sql('SELECT DISTINCT counter FROM {schema}.fc_event_tracking')).toEqual([{ counter: 20 }]);
  });
});
