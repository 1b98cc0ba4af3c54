import { createContact } from '../helpers/fixtures';
import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';

// The database arbitrates: one atomic upsert per call, so no increment is lost and no duplicate
// row appears, whichever entrance the calls come through.
describe('concurrent tracking', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await openTestRuntime();
  });
  afterAll(() => t.close());
  beforeEach(() => t.reset());

  const countRows = async () => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM {schema}.fc_event_tracking'))[0].n;

  test('1,000 concurrent track() calls of one key/title for one contact give one row with counter 1,000', async () => {
    const contact = await createContact(t.rt);
    const api = t.rt.api('event_tracker');
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        api.track({ event_key: 'clicked', title: i % 2 ? 'Clicked' : 'CLICKED', subscriber_id: contact.id, value: String(i) }),
      ),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    // Every call saw its own increment: the counters handed back are exactly 1..1000.
    expect(results.map((r) => r.counter).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(await t.sql('SELECT counter FROM {schema}.fc_event_tracking')).toEqual([{ counter: 1000 }]);
  });

  test('200 concurrent first-time calls with distinct keys give 200 rows', async () => {
    const contact = await createContact(t.rt);
    const api = t.rt.api('event_tracker');
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => api.track({ event_key: `key_${i}`, title: 'Seen', email: contact.email })),
    );
    expect(await countRows()).toBe(200);
    expect(await t.sql('SELECT DISTINCT counter FROM {schema}.fc_event_tracking')).toEqual([{ counter: 1 }]);
  });

  test('1,000 concurrent doAction calls of one event give one row with counter 1,000', async () => {
    const contact = await createContact(t.rt);
    for (let i = 0; i < 1000; i += 1) {
      t.rt.hooks.doAction('fluent_crm/track_event_activity', { event_key: 'viewed', title: 'Viewed', email: contact.email }, true);
    }
    await t.rt.drain();
    expect(await t.sql('SELECT counter FROM {schema}.fc_event_tracking')).toEqual([{ counter: 1000 }]);
  });

  test('200 concurrent doAction calls with distinct keys give 200 rows', async () => {
    const contact = await createContact(t.rt);
    for (let i = 0; i < 200; i += 1) {
      t.rt.hooks.doAction('fluent_crm/track_event_activity', { event_key: `k${i}`, title: 'T', subscriber_id: contact.id });
    }
    await t.rt.drain();
    expect(await countRows()).toBe(200);
  });

  test('concurrent doActionAsync calls each resolve after their own event is stored', async () => {
    const contact = await createContact(t.rt);
    await Promise.all(
      Array.from({ length: 50 }, () =>
        t.rt.hooks.doActionAsync('fluent_crm/track_event_activity', { event_key: 'async', title: 'Async', subscriber_id: contact.id }),
      ),
    );
    expect(await t.sql('SELECT counter FROM {schema}.fc_event_tracking')).toEqual([{ counter: 50 }]);
  });
});
