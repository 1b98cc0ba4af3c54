import { FcrmError } from '../../src';
import { createContact } from '../helpers/fixtures';
import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';

// One write statement at a time forces the coalescing path: concurrent calls share statements.
describe('coalesced writes on a real database', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await openTestRuntime({ writeConcurrency: 1 });
  });
  afterAll(() => t.close());
  beforeEach(() => t.reset());

  test('interleaved repeats and distinct events from many callers: exact counters, and each caller its own row state', async () => {
    const contacts = await Promise.all(Array.from({ length: 4 }, () => createContact(t.rt)));
    const api = t.rt.api('event_tracker');
    const calls = Array.from({ length: 600 }, (_, i) => {
      const contact = contacts[i % 4];
      const repeat = i % 3 === 0;
      return api
        .track({ event_key: repeat ? 'repeat' : `distinct_${i}`, title: 'T', subscriber_id: contact.id, value: String(i) })
        .then((row) => ({ i, contact: contact.id, repeat, row }));
    });
    const results = await Promise.all(calls);
    for (const contact of contacts) {
      const repeats = results.filter((r) => r.repeat && r.contact === contact.id);
      // Every caller saw a distinct counter, and together they are exactly 1..n.
      expect(repeats.map((r) => r.row.counter).sort((a, b) => a - b)).toEqual(repeats.map((_, k) => k + 1));
      for (const r of repeats) expect(r.row.value).toBe(String(r.i));
    }
    const distinct = results.filter((r) => !r.repeat);
    expect(new Set(distinct.map((r) => r.row.id)).size).toBe(distinct.length);
    expect(distinct.every((r) => r.row.counter === 1)).toBe(true);
    const [{ total }] = await t.sql<{ total: number }>('SELECT sum(counter)::int AS total FROM {schema}.fc_event_tracking');
    expect(total).toBe(600);
  });

  test('a contact deleted while its events are in flight fails only its own callers', async () => {
    const doomed = await createContact(t.rt);
    const others = await Promise.all(Array.from({ length: 3 }, () => createContact(t.rt)));
    const api = t.rt.api('event_tracker');
    const calls = Array.from({ length: 300 }, (_, i) => {
      const contact = i % 4 === 0 ? doomed : others[i % 3];
      return api.track({ event_key: 'k', title: 'T', subscriber_id: contact.id }).then(
        () => ({ contact: contact.id, ok: true as const }),
        (error: unknown) => ({ contact: contact.id, ok: false as const, error }),
      );
    });
    const deletion = new Promise((resolve) => setTimeout(resolve, 5)).then(() => t.rt.api('contacts').delete(doomed.id));
    const [results] = await Promise.all([Promise.all(calls), deletion]);
    expect(results.filter((r) => r.contact !== doomed.id && !r.ok)).toEqual([]);
    for (const failed of results.filter((r) => !r.ok)) {
      expect(failed.contact).toBe(doomed.id);
      expect((failed as { error: unknown }).error).toBeInstanceOf(FcrmError);
      expect((failed as { error: FcrmError }).error.code).toBe('subscriber_not_found');
    }
    const [{ total }] = await t.sql<{ total: number }>('SELECT coalesce(sum(counter), 0)::int AS total FROM {schema}.fc_event_tracking');
    expect(total).toBe(results.filter((r) => r.ok && r.contact !== doomed.id).length);
  });
});
